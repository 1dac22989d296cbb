package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newVersionCmd) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the mp4pkg version and the versions of mp4ff and astisub it was built with",
		Example: "  mp4pkg version",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			info, ok := debug.ReadBuildInfo()
			if !ok {
				fmt.Fprintln(w, "mp4pkg (no build information)")
				return nil
			}
			fmt.Fprintf(w, "mp4pkg %s\n", info.Main.Version)
			for _, d := range info.Deps {
				switch d.Path {
				case "github.com/Eyevinn/mp4ff", "github.com/asticode/go-astisub":
					fmt.Fprintf(w, "%s %s\n", d.Path, d.Version)
				}
			}
			return nil
		},
	}
}
