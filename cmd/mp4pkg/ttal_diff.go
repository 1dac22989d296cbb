package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mp4pkg/mp4pkg/ttal"
	"github.com/spf13/cobra"
)

func init() { ttalSubcommands = append(ttalSubcommands, newTTALDiffCmd) }

func newTTALDiffCmd() *cobra.Command {
	var format, from, frameRate string
	cmd := &cobra.Command{
		Use:   "diff [--format text|json] OLD NEW",
		Short: "List the events added, removed, retimed, retexted or reassigned between two versions of a script",
		Long: "diff compares two versions of a script (TTAL JSON, or any format that convert reads) event by event,\n" +
			"matching events by id, and prints one change a line (or a JSON array). It exits 0 whether or not\n" +
			"the versions differ; the output is empty when they do not. Ids must be unique in each version:\n" +
			"a duplicate id is an error (exit 1) naming the file and the events.",
		Example: "  mp4pkg ttal diff episode.v1.ttal episode.v2.ttal\n" +
			"  mp4pkg ttal diff --format json before.ttal after.ttal",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format must be text or json, not %q", format)
			}
			if args[0] == "-" && args[1] == "-" {
				return usagef("only one of OLD and NEW can be - (standard input)")
			}
			ropt, err := ttalReadOptions(frameRate, "")
			if err != nil {
				return err
			}
			var scripts [2]*ttal.Script
			defer silenceStdLog()()
			for i, name := range args {
				f, err := ttalFormat(name, from, "--from")
				if err != nil {
					return err
				}
				data, err := readInput(cmd, name)
				if err != nil {
					return err
				}
				if scripts[i], err = ttal.ReadBytes(data, f, ropt); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			changes, err := ttal.Diff(scripts[0], scripts[1])
			var dup *ttal.DuplicateIDError
			if errors.As(err, &dup) {
				name := args[0]
				if dup.InNew {
					name = args[1]
				}
				return fmt.Errorf("%s: %w", name, err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				if changes == nil {
					changes = []ttal.Change{}
				}
				b, err := json.MarshalIndent(changes, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "%s\n", b)
				return err
			}
			for _, c := range changes {
				if _, err := fmt.Fprintln(out, c); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "output format: text or json")
	f.StringVar(&from, "from", "", "input format of both files (default: from each extension)")
	f.StringVar(&frameRate, "frame-rate", "", "frame rate for inputs without one, e.g. 25, 29.97")
	return cmd
}
