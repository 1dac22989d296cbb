package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/mp4pkg/mp4pkg/ttal"
	"github.com/spf13/cobra"
)

func init() { ttalSubcommands = append(ttalSubcommands, newTTALValidateCmd) }

type ttalValidateOptions struct {
	profile, format, from, lang string
	frameRate                   string
	children                    bool
}

func newTTALValidateCmd() *cobra.Command {
	var o ttalValidateOptions
	cmd := &cobra.Command{
		Use:   "validate [--profile NAME] [--format text|json] FILE",
		Short: "Check a script against the structural, Netflix, dub-script or DAPT rules",
		Long: "validate reads a script (TTAL JSON, or any format that convert reads) and reports findings with\n" +
			"rule id, severity, event id, timecode and message. It exits 1 when any finding is an error.\n" +
			"Profiles: structural (always applied), netflix-subtitle, netflix-sdh, netflix-forced-narrative,\n" +
			"netflix-dub-prerecording, netflix-dub-asrecorded, dapt (TTML input is checked as a DAPT document).",
		Example: "  mp4pkg ttal validate --profile netflix-subtitle episode.fr.ttal\n" +
			"  mp4pkg ttal validate --profile dapt --format json script.xml",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTTALValidate(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.profile, "profile", string(ttal.ProfileStructural), "rule profile")
	f.StringVar(&o.format, "format", "text", "report format: text or json")
	f.StringVar(&o.from, "from", "", "input format (default: from the extension, ttal for stdin)")
	f.StringVar(&o.lang, "lang", "", "language of the texts checked by the subtitle and dub rules (default: the script's)")
	f.StringVar(&o.frameRate, "frame-rate", "", "frame rate for inputs without one, e.g. 25, 29.97, 24000/1001")
	f.BoolVar(&o.children, "children", false, "use children's-programme reading speeds")
	return cmd
}

func runTTALValidate(cmd *cobra.Command, name string, o ttalValidateOptions) error {
	if o.format != "text" && o.format != "json" {
		return usagef("--format must be text or json, not %q", o.format)
	}
	profile := ttal.Profile(o.profile)
	known := false
	for _, p := range ttal.Profiles() {
		known = known || p == profile
	}
	if !known {
		return usagef("unknown --profile %q (want one of %v)", o.profile, ttal.Profiles())
	}
	format, err := ttalFormat(name, o.from, "--from")
	if err != nil {
		return err
	}
	ropt, err := ttalReadOptions(o.frameRate, o.lang)
	if err != nil {
		return err
	}
	data, err := readInput(cmd, name)
	if err != nil {
		return err
	}
	defer silenceStdLog()()
	var findings []ttal.Finding
	if profile == ttal.ProfileDAPT && (format == ttal.FormatTTML || format == ttal.FormatDAPT) {
		findings = ttal.ValidateDAPTDocument(data)
	} else {
		s, err := ttal.ReadBytes(data, format, ropt)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		findings, err = ttal.ValidateWith(s, profile, ttal.Options{Children: o.children, Language: o.lang})
		if err != nil {
			return err
		}
	}
	if err := ttal.WriteReport(cmd.OutOrStdout(), findings, o.format); err != nil {
		return err
	}
	n := 0
	for _, f := range findings {
		if f.Severity == ttal.SeverityError {
			n++
		}
	}
	if n > 0 {
		return fmt.Errorf("%s: %d error-level finding(s) under profile %s", name, n, profile)
	}
	return nil
}

// ttalFormat picks a file's format from its flag (named flagName) or its
// extension; "-" (stdin or stdout) defaults to TTAL JSON.
func ttalFormat(name, flag, flagName string) (ttal.Format, error) {
	if flag != "" {
		f, err := ttal.ParseFormat(flag)
		if err != nil {
			return "", usagef("%s: %v", flagName, err)
		}
		return f, nil
	}
	if name == "-" {
		return ttal.FormatTTAL, nil
	}
	f, ok := ttal.FormatFromPath(name)
	if !ok {
		return "", usagef("cannot tell the format of %q from its extension; use %s", name, flagName)
	}
	return f, nil
}

// ttalReadOptions builds reader options from the --frame-rate and --lang flags.
func ttalReadOptions(rate, lang string) (ttal.ReadOptions, error) {
	var o ttal.ReadOptions
	if rate != "" {
		r, err := ttal.ParseFrameRate(rate)
		if err != nil {
			return o, usagef("--frame-rate: %v", err)
		}
		o.FrameRate = r
	}
	if lang != "" && !ttal.ValidLanguageTag(lang) {
		return o, usagef("--lang: %q is not a BCP 47 tag", lang)
	}
	o.Language = lang
	return o, nil
}

// silenceStdLog discards the standard logger's output until the returned
// function is called: go-astisub writes warnings there (e.g. about WebVTT
// timestamps it ignores), which would break the one-line stderr contract.
func silenceStdLog() (restore func()) {
	prev := log.Writer()
	log.SetOutput(io.Discard)
	return func() { log.SetOutput(prev) }
}

// readInput reads a file, or stdin for "-", up to ttal.MaxInputSize bytes.
func readInput(cmd *cobra.Command, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = cmd.InOrStdin()
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, ttal.MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > ttal.MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, ttal.MaxInputSize)
	}
	return data, nil
}
