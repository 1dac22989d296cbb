package ttal

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Format names a script or subtitle file format.
type Format string

// Formats that [Read] and [Write] handle.
const (
	FormatTTAL Format = "ttal" // this package's JSON (.ttal, .json)
	FormatSRT  Format = "srt"  // SubRip
	FormatVTT  Format = "vtt"  // WebVTT
	FormatTTML Format = "ttml" // TTML/IMSC (.ttml, .xml, .dfxp)
	FormatDAPT Format = "dapt" // W3C DAPT (TTML2 profile)
	FormatASS  Format = "ass"  // SSA/ASS (.ass, .ssa)
	FormatSTL  Format = "stl"  // EBU-STL (Tech 3264)
)

// ErrUnsupported is returned for formats or features that are not handled.
var ErrUnsupported = errors.New("unsupported")

// FormatFromPath returns the format that a file name's extension names.
func FormatFromPath(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ttal", ".json":
		return FormatTTAL, true
	case ".srt":
		return FormatSRT, true
	case ".vtt":
		return FormatVTT, true
	case ".ttml", ".xml", ".dfxp":
		return FormatTTML, true
	case ".dapt":
		return FormatDAPT, true
	case ".ass", ".ssa":
		return FormatASS, true
	case ".stl":
		return FormatSTL, true
	}
	return "", false
}

// ParseFormat checks a format name (as given to --from/--to).
func ParseFormat(name string) (Format, error) {
	f := Format(strings.ToLower(name))
	switch f {
	case FormatTTAL, FormatSRT, FormatVTT, FormatTTML, FormatDAPT, FormatASS, FormatSTL:
		return f, nil
	case "json":
		return FormatTTAL, nil
	case "webvtt":
		return FormatVTT, nil
	case "ssa":
		return FormatASS, nil
	case "xml", "dfxp", "imsc":
		return FormatTTML, nil
	}
	return "", fmt.Errorf("%w format %q (want ttal, srt, vtt, ttml, dapt, ass or stl)", ErrUnsupported, name)
}

// ReadOptions tell readers what the input does not say.
type ReadOptions struct {
	// FrameRate of the script made from a file without one (SRT, WebVTT,
	// TTML without ttp:frameRate…); zero means 25 fps (TTML: its own default).
	FrameRate FrameRate
	// Language of texts whose file does not name one; zero means "und".
	Language string
	// Loss, when not nil, counts what the input has that a script cannot
	// carry (styles, cue positions, regions, images…), as [Write]'s loss
	// counts what the output cannot; [Convert] reports both.
	Loss Loss
}

// WriteOptions select what a writer takes from the script.
type WriteOptions struct {
	// Language of the text written for each event, for formats with one
	// text per cue; empty means the script's language.
	Language string
}

// Loss counts what a conversion could not carry, by kind ("anchors",
// "characters"…).
type Loss map[string]int

// add counts n items of kind.
func (l Loss) add(kind string, n int) {
	if n > 0 && l != nil {
		l[kind] += n
	}
}

// Kinds of loss that are changes made so that the output is valid, rather
// than things left out.
const (
	lossLengthened  = "cues lengthened to one frame"               // shorter than half a frame once rounded
	lossArrowSRT    = `"-->" in SRT text written "- ->"`           // SRT cannot escape it
	lossNameComma   = `commas in SSA speaker names written ";"`    // the Name field cannot hold one
	lossSSACodes    = "SSA override codes in text made full-width" // "{…}", "\N", "\n", "\h"
	lossNonchars    = "noncharacters U+FDD0–U+FDD4 made U+FFFD"    // SRT, WebVTT: this package's sentinels
	lossCentisec    = "times rounded to centiseconds"              // SSA above 100 fps
	lossSRTIDs      = "cue ids renumbered (SRT ids are numbers)"   // any id not a number
	lossTitleBreaks = "line breaks in titles made spaces"          // SSA, EBU-STL: one line
)

// Kinds of loss that are things left out of the script or the output.
const (
	lossUnparsed = "unparsed lines"                    // SRT: text after a blank line inside a cue
	lossSTLLang  = "languages without an EBU-STL code" // written as 00 (unknown)
	lossVTTIDs   = "cue ids WebVTT would misread"      // NOTE…, STYLE…, REGION…, "-->", line breaks: cue written without
	lossSTLChars = "characters EBU-STL cannot encode"  // not in go-astisub's table (Latin): left out
	lossSTLTitle = "title characters beyond EBU-STL's 32 bytes"
)

// lossSTLRounded is the change of times written to an EBU-STL file at fps
// frames per second from a script at another rate.
func lossSTLRounded(fps int64) string { return fmt.Sprintf("times rounded to %d fps", fps) }

// changeKinds are the kinds listed apart from what was dropped.
var changeKinds = map[string]bool{lossLengthened: true, lossArrowSRT: true, lossNameComma: true, lossSSACodes: true,
	lossSTLRounded(25): true, lossSTLRounded(30): true, lossNonchars: true, lossCentisec: true, lossSRTIDs: true,
	lossTitleBreaks: true, openEndedLoss: true, lossRenamedIDs: true}

// String summarises the loss on one line, e.g. "dropped 3 anchors, 2
// annotations; 1 cues lengthened to one frame" (what was dropped, then what
// was changed); empty when nothing was lost.
func (l Loss) String() string {
	kinds := make([]string, 0, len(l))
	for k := range l {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var dropped, changed []string
	for _, k := range kinds {
		part := fmt.Sprintf("%d %s", l[k], k)
		if changeKinds[k] {
			changed = append(changed, part)
		} else {
			dropped = append(dropped, part)
		}
	}
	var groups []string
	if len(dropped) > 0 {
		groups = append(groups, "dropped "+strings.Join(dropped, ", "))
	}
	if len(changed) > 0 {
		groups = append(groups, strings.Join(changed, ", "))
	}
	return strings.Join(groups, "; ")
}

// Read reads a script in format f. No panic escapes, whatever the input.
func Read(r io.Reader, f Format, opt ReadOptions) (*Script, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	return ReadBytes(data, f, opt)
}

// ReadBytes is [Read] on a byte slice.
func ReadBytes(data []byte, f Format, opt ReadOptions) (s *Script, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%w: reading %s: internal error: %v", ErrInvalid, f, p)
		}
	}()
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalid, MaxInputSize)
	}
	switch f {
	case FormatTTAL:
		return Unmarshal(data)
	}
	return readFormat(data, f, opt)
}

// Write writes s in format f and returns what the format could not carry.
func Write(w io.Writer, s *Script, f Format, opt WriteOptions) (loss Loss, err error) {
	defer func() {
		if p := recover(); p != nil {
			loss, err = nil, fmt.Errorf("writing %s: internal error: %v", f, p)
		}
	}()
	if s == nil {
		return nil, fmt.Errorf("%w: nil script", ErrInvalid)
	}
	loss = Loss{}
	var data []byte
	switch f {
	case FormatTTAL:
		data = s.Marshal()
	default:
		data, err = writeFormat(s, f, opt, loss)
		if err != nil {
			return nil, err
		}
	}
	_, err = w.Write(data)
	return loss, err
}
