package main

import "github.com/spf13/cobra"

func init() { subcommands = append(subcommands, newTTALCmd) }

// ttalSubcommands holds the constructors of the `mp4pkg ttal` subcommands;
// each file adds its own in an init function.
var ttalSubcommands []func() *cobra.Command

func newTTALCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ttal",
		Short: "Convert, validate, read and update TTAL dubbing/subtitle scripts",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("mp4pkg ttal needs a subcommand (see --help)")
		},
	}
	for _, add := range ttalSubcommands {
		cmd.AddCommand(add())
	}
	return cmd
}
