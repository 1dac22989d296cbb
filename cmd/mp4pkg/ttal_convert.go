package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mp4pkg/mp4pkg/ttal"
	"github.com/spf13/cobra"
)

func init() { ttalSubcommands = append(ttalSubcommands, newTTALConvertCmd) }

type ttalConvertOptions struct {
	from, to, frameRate, lang string
	timestamp                 bool
}

func newTTALConvertCmd() *cobra.Command {
	var o ttalConvertOptions
	cmd := &cobra.Command{
		Use:   "convert [--from FMT] [--to FMT] [--frame-rate R] [--lang TAG] [--timestamp] IN OUT",
		Short: "Convert a script between TTAL, SRT, WebVTT, TTML/IMSC, DAPT, SSA/ASS and EBU-STL",
		Long: "convert reads IN and writes OUT, choosing formats from the extensions unless --from/--to say\n" +
			"(ttal: .ttal .json; srt; vtt; ttml: .ttml .xml .dfxp; dapt; ass: .ass .ssa; stl). Use - for stdin\n" +
			"or stdout. The output is written atomically. The conversion is recorded in the script's lineage,\n" +
			"with ids derived from the input, and without a time unless --timestamp: the same input and\n" +
			"flags give the same bytes.\n" +
			"What is lost on the way, what the input has that a script cannot carry (styles, positions,\n" +
			"regions...) and what the output format cannot carry, is summarised on one line on stderr.",
		Example: "  mp4pkg ttal convert episode.srt episode.ttal --frame-rate 23.976 --lang fr-FR\n" +
			"  mp4pkg ttal convert script.ttal script.dapt.xml --to dapt\n" +
			"  mp4pkg ttal convert --to vtt --lang en-US script.ttal -",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTTALConvert(cmd, args[0], args[1], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "input format (default: from IN's extension; ttal for stdin)")
	f.StringVar(&o.to, "to", "", "output format (default: from OUT's extension; ttal for stdout)")
	f.StringVar(&o.frameRate, "frame-rate", "", "frame rate of the script when the input has none, e.g. 25, 29.97, 24000/1001")
	f.StringVar(&o.lang, "lang", "", "language of the input's texts when it names none, and of the text written to one-language formats")
	f.BoolVar(&o.timestamp, "timestamp", false, "record the current UTC time in the new lineage entries")
	return cmd
}

func runTTALConvert(cmd *cobra.Command, in, out string, o ttalConvertOptions) error {
	from, err := ttalFormat(in, o.from, "--from")
	if err != nil {
		return err
	}
	to, err := ttalFormat(out, o.to, "--to")
	if err != nil {
		return err
	}
	ropt, err := ttalReadOptions(o.frameRate, o.lang)
	if err != nil {
		return err
	}
	data, err := readInput(cmd, in)
	if err != nil {
		return err
	}
	copt := ttal.ConvertOptions{Read: ropt, Write: ttal.WriteOptions{Language: o.lang}, Tool: "mp4pkg ttal convert"}
	if o.timestamp {
		copt.Now = time.Now
	}
	restore := silenceStdLog()
	result, loss, err := ttal.Convert(data, from, to, copt)
	restore()
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if out == "-" {
		if _, err := cmd.OutOrStdout().Write(result); err != nil {
			return err
		}
	} else if err := writeFileAtomic(out, result); err != nil {
		return err
	}
	if quiet, _ := cmd.Flags().GetBool("quiet"); !quiet && len(loss) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "mp4pkg: %s → %s: %s\n", from, to, loss)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file next to name and renames
// it into place, so that readers never see a partial file.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
