package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mp4pkg/mp4pkg/isobmff"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newInspectCmd) }

type inspectOptions struct {
	format string
	fields string
}

func newInspectCmd() *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect [--format text|json] FILE",
		Short: "Show the box tree and track summary of an MP4 file",
		Long: "inspect reads the structure of an MP4/MOV/CMAF file without reading its media data and prints\n" +
			"the box tree (type, offset, size, key fields) and a summary of each track: codec (RFC 6381),\n" +
			"timing, sample counts, dimensions, colour, HDR, audio layout, language, edit list, encryption.\n" +
			"FILE may be - for standard input.",
		Example: "  mp4pkg inspect testdata/avc_aac.mp4\n  mp4pkg inspect --format json testdata/hevc_hdr10.mp4",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd, opts, args[0])
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.fields, "fields", "", "FieldMask read mask for the JSON output, e.g. tracks.codec,tracks.width")
	return cmd
}

func runInspect(cmd *cobra.Command, opts *inspectOptions, name string) error {
	if opts.format != "text" && opts.format != "json" {
		return usagef("--format must be text or json, not %q", opts.format)
	}
	if opts.fields != "" && opts.format != "json" {
		opts.format = "json"
	}
	f, err := openInput(cmd.InOrStdin(), name)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if opts.format == "text" {
		return f.WriteText(out)
	}
	if opts.fields != "" {
		return writeMaskedJSON(out, f, opts.fields)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// openInput opens name (or standard input for "-") as an isobmff.File.
func openInput(stdin io.Reader, name string) (*isobmff.File, error) {
	if name != "-" {
		return isobmff.OpenFile(name)
	}
	name, err := spoolStdin(stdin)
	if err != nil {
		return nil, err
	}
	defer os.Remove(name)
	tmp, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer tmp.Close()
	st, err := tmp.Stat()
	if err != nil {
		return nil, err
	}
	f, err := isobmff.Open(tmp, st.Size())
	if err != nil {
		return nil, fmt.Errorf("-: %w", err)
	}
	f.Name = "-"
	return f, nil
}
