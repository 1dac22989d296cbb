package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mp4pkg/mp4pkg/fieldmask"
	"github.com/mp4pkg/mp4pkg/ttal"
	"github.com/spf13/cobra"
)

func init() {
	ttalSubcommands = append(ttalSubcommands, newTTALGetCmd, newTTALPatchCmd)
}

// ttalViews are the pre-built read masks that `ttal get --view` names.
var ttalViews = map[string]fieldmask.Mask{
	"timing":     fieldmask.TTALTiming,
	"texts":      fieldmask.TTALTexts,
	"characters": fieldmask.TTALCharacters,
}

func viewNames() string {
	names := make([]string, 0, len(ttalViews))
	for n := range ttalViews {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

type ttalGetOptions struct {
	fields, view string
	strict       bool
}

func newTTALGetCmd() *cobra.Command {
	var o ttalGetOptions
	cmd := &cobra.Command{
		Use:   "get [--fields MASK | --view NAME] FILE",
		Short: "Print the fields of a TTAL script selected by a FieldMask",
		Long: "get reads a TTAL script (JSON; FILE may be - for standard input) and prints only the fields\n" +
			"named by the read mask, as JSON. Paths are comma-separated, segments dot-separated; through\n" +
			"arrays a path applies to every element (events.start selects the start of every event); keys\n" +
			"with dots or spaces are quoted with backticks. No mask, or *, prints everything.\n" +
			"Views: " + viewNames() + ".",
		Example: "  mp4pkg ttal get --fields events.id,events.start,events.end episode.ttal\n" +
			"  mp4pkg ttal get --view texts - < episode.ttal",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTTALGet(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.fields, "fields", "", "FieldMask read mask, e.g. events.start,events.end")
	f.StringVar(&o.view, "view", "", "pre-built mask instead of --fields: "+viewNames())
	f.BoolVar(&o.strict, "strict", false, "fail on paths that cannot exist in a TTAL script")
	return cmd
}

func runTTALGet(cmd *cobra.Command, name string, o ttalGetOptions) error {
	m, err := parseFieldsFlag("--fields", o.fields)
	if err != nil {
		return err
	}
	if o.view != "" {
		if o.fields != "" {
			return usagef("--fields and --view cannot be used together")
		}
		var ok bool
		if m, ok = ttalViews[o.view]; !ok {
			return usagef("unknown --view %q (want one of %s)", o.view, viewNames())
		}
	}
	doc, err := readDocument(cmd, name)
	if err != nil {
		return err
	}
	var opts []fieldmask.Option
	if o.strict {
		opts = append(opts, fieldmask.Strict(), fieldmask.WithSchema(fieldmask.TTALSchema()))
	}
	out, err := fieldmask.Filter(doc, m, opts...)
	if err != nil {
		return err
	}
	return writeIndentedJSON(cmd.OutOrStdout(), out)
}

type ttalPatchOptions struct {
	mask, patch, out, emptyMask string
	merge, appendArrays         bool
	allowUnknown                bool
}

var emptyMaskPolicies = map[string]fieldmask.EmptyMaskPolicy{
	fieldmask.Reject.String():             fieldmask.Reject,
	fieldmask.FullReplace.String():        fieldmask.FullReplace,
	fieldmask.ImpliedFromPayload.String(): fieldmask.ImpliedFromPayload,
	fieldmask.NoOp.String():               fieldmask.NoOp,
}

func newTTALPatchCmd() *cobra.Command {
	var o ttalPatchOptions
	cmd := &cobra.Command{
		Use:   "patch --mask MASK --patch PATCH.json [-o OUT] FILE",
		Short: "Update the fields of a TTAL script named by a FieldMask",
		Long: "patch applies an update to a TTAL script: for every path of the mask, the value in PATCH.json\n" +
			"replaces the script's value, and a masked field absent (or null) in PATCH.json is removed.\n" +
			"Fields of PATCH.json outside the mask are ignored. Update masks may end at an array (events,\n" +
			"characters) but not go through one; * replaces the whole script. Paths are checked against the\n" +
			"TTAL model (--allow-unknown for vendor members), and the result must be a valid TTAL script;\n" +
			"it is written canonically to OUT (atomically) or to standard output.",
		Example: "  mp4pkg ttal patch --mask title.name,characters --patch fix.json -o episode.ttal episode.ttal\n" +
			"  mp4pkg ttal patch --mask language --patch lang.json episode.ttal > out.ttal",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTTALPatch(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.mask, "mask", "", "FieldMask update mask, e.g. title.name,characters (required)")
	f.StringVar(&o.patch, "patch", "", "JSON document with the new values (required; - for standard input)")
	f.StringVarP(&o.out, "out", "o", "-", "output file (default: standard output)")
	f.BoolVar(&o.merge, "merge", false, "merge masked objects key by key instead of replacing them")
	f.BoolVar(&o.appendArrays, "append", false, "append to masked arrays instead of replacing them")
	f.StringVar(&o.emptyMask, "empty-mask", fieldmask.Reject.String(), "what an empty --mask means: reject, full-replace, implied, no-op")
	f.BoolVar(&o.allowUnknown, "allow-unknown", false, "allow paths outside the TTAL model (vendor members)")
	_ = cmd.MarkFlagRequired("mask")
	_ = cmd.MarkFlagRequired("patch")
	return cmd
}

func runTTALPatch(cmd *cobra.Command, name string, o ttalPatchOptions) error {
	m, err := parseFieldsFlag("--mask", o.mask)
	if err != nil {
		return err
	}
	policy, ok := emptyMaskPolicies[o.emptyMask]
	if !ok {
		return usagef("--empty-mask must be reject, full-replace, implied or no-op, not %q", o.emptyMask)
	}
	if m.IsEmpty() && policy == fieldmask.Reject {
		return usagef("--mask is empty: name the fields to update, * to replace everything, or choose --empty-mask")
	}
	if name == "-" && o.patch == "-" {
		return usagef("FILE and --patch cannot both be standard input")
	}
	doc, err := readDocument(cmd, name)
	if err != nil {
		return err
	}
	patch, err := readDocument(cmd, o.patch)
	if err != nil {
		return err
	}
	opts := []fieldmask.Option{fieldmask.WithEmptyMaskPolicy(policy)}
	if !o.allowUnknown {
		opts = append(opts, fieldmask.WithSchema(fieldmask.TTALSchema()))
	}
	if o.merge {
		opts = append(opts, fieldmask.MergeObjects())
	}
	if o.appendArrays {
		opts = append(opts, fieldmask.AppendArrays())
	}
	if err := fieldmask.Apply(doc, patch, m, opts...); err != nil {
		return err
	}
	data, err := fieldmask.EncodeDocument(doc)
	if err != nil {
		return err
	}
	script, err := ttal.Unmarshal(data)
	if err != nil {
		return fmt.Errorf("the patched script is not valid TTAL, nothing written: %w", err)
	}
	return writeOutput(cmd, o.out, script.Marshal())
}

// parseFieldsFlag parses a mask flag; a malformed mask is a usage error.
func parseFieldsFlag(flag, s string) (fieldmask.Mask, error) {
	m, err := fieldmask.Parse(s)
	if err != nil {
		return m, usagef("%s: %v", flag, err)
	}
	return m, nil
}

// readDocument reads a JSON object from a file or standard input ("-").
func readDocument(cmd *cobra.Command, name string) (map[string]any, error) {
	data, err := readInput(cmd, name)
	if err != nil {
		return nil, err
	}
	doc, err := fieldmask.DecodeDocument(data)
	var de *fieldmask.DecodeError
	if errors.As(err, &de) {
		// Said as the TTAL decoder says it: "FILE: PATH: message (line L, col C)".
		p := de.Path
		if p == "" {
			p = "(document)"
		}
		return nil, fmt.Errorf("%s: %s: %s (line %d, col %d)", name, p, de.Msg, de.Line, de.Column)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// writeIndentedJSON writes a document as indented JSON with sorted keys.
func writeIndentedJSON(w io.Writer, doc map[string]any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// writeOutput writes data to standard output ("-") or to the file name,
// atomically: through a temporary file in the same folder and a rename.
func writeOutput(cmd *cobra.Command, name string, data []byte) (err error) {
	if name == "-" || name == "" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil {
		perm = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, bytes.NewReader(data)); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
