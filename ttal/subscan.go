package ttal

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/asticode/go-astisub"
)

// What go-astisub does not check or gets wrong, done before and after it:
// the file is scanned line by line as astisub reads it, so that errors name
// the cue and the line; times out of range (which astisub's arithmetic
// overflows) and negative times (which it reads as positive) are refused;
// WebVTT needs its signature; SRT and WebVTT text has its HTML character
// references decoded (astisub decodes &amp;, &lt; and &nbsp; only) and SRT
// keeps the white space between two tags (astisub drops it).

// maxSubtitleTime bounds the cue times read from and written to SRT,
// WebVTT and SSA/ASS (astisub's duration arithmetic overflows far beyond).
const maxSubtitleTime = 10000 * time.Hour

// cueScan is what the line scan learns of one cue.
type cueScan struct {
	line     int      // 1-based line of its timing line (SSA: its Dialogue line)
	voices   []string // WebVTT <v> annotations, in order, without repeats
	unparsed int      // SRT: non-empty lines after a blank line inside the cue
	nonchars int      // SRT, WebVTT: noncharacters U+FDD0–U+FDD4 in its text, made U+FFFD
	id       string   // SRT: the line before its timing line (astisub keeps numbers only)
}

// countSentinels counts the noncharacters this package uses as sentinels
// in s.
func countSentinels(s string) int {
	n := 0
	for _, r := range s {
		if r >= keepSpace && r <= escLt {
			n++
		}
	}
	return n
}

// Noncharacters standing for white space that astisub would drop, and for
// characters its WebVTT writer does not escape; any in the input become
// U+FFFD.
const (
	keepSpace = '\uFDD0' // ' ' between two SRT tags
	keepTab   = '\uFDD1' // '\t' between two SRT tags
	escGt     = '\uFDD2' // '>' read from &gt;, or written as &gt; (WebVTT)
	escAmp    = '\uFDD3' // '&' written as &amp; (WebVTT voice names)
	escLt     = '\uFDD4' // '<' written as &lt; (WebVTT voice names)
)

var sentinels = strings.NewReplacer(string(keepSpace), "\uFFFD", string(keepTab), "\uFFFD",
	string(escGt), "\uFFFD", string(escAmp), "\uFFFD", string(escLt), "\uFFFD")

// splitLines splits data into lines as astisub's scanner does (LF, CRLF or
// CR).
func splitLines(data []byte) []string {
	s := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// cueError is the error for cue n (1-based) at line (0: unknown).
func cueError(f Format, n, line int, format string, a ...any) error {
	where := fmt.Sprintf("cue %d", n)
	if line > 0 {
		where += fmt.Sprintf(" (line %d)", line)
	}
	return fmt.Errorf("%w: %s: %s: %s", ErrInvalid, f, where, fmt.Sprintf(format, a...))
}

// timeShape matches what astisub may take for a time: digits and separators.
var timeShape = regexp.MustCompile(`^[\s\d:,.+-]*$`)

// checkTime refuses a time field astisub would read as positive although
// negative, or overflow: beyond maxSubtitleTime. Fields of another shape are
// left to astisub.
func checkTime(field string) error {
	s := strings.TrimSpace(field)
	if !timeShape.MatchString(s) {
		return nil
	}
	if strings.Contains(s, "-") {
		return fmt.Errorf("negative time %q", s)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ',' || r == '.' })
	if len(parts) > 0 && (strings.ContainsAny(s, ",.") || len(parts) == 4) {
		parts = parts[:len(parts)-1] // the fraction
	}
	if len(parts) > 3 {
		return nil
	}
	var total uint64 // seconds
	for _, p := range parts {
		// astisub trims each part: "5124096:00: 01.00" is 5124096 hours
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(p), "+"), 10, 64)
		if errors.Is(err, strconv.ErrRange) || n > 1<<40 {
			return fmt.Errorf("time %q is too large (at most 9999:59:59.999)", s)
		}
		if err != nil {
			return nil
		}
		total = total*60 + n
	}
	if total >= uint64(maxSubtitleTime/time.Second) {
		return fmt.Errorf("time %q is too large (at most 9999:59:59.999)", s)
	}
	return nil
}

// checkTiming checks both times of an SRT or WebVTT timing line as astisub
// splits it.
func checkTiming(line string) error {
	parts := strings.Split(line, "-->")
	if err := checkTime(parts[0]); err != nil {
		return err
	}
	if fs := strings.Fields(parts[1]); len(fs) > 0 {
		return checkTime(fs[0])
	}
	return nil
}

// prepareSubtitles scans data as astisub will read it, refusing what it
// would misread, and returns the bytes to hand it (SRT and WebVTT cue text
// with its character references decoded and, in SRT, the white space between
// tags kept) and what it learnt of each cue.
func prepareSubtitles(data []byte, f Format) ([]byte, []cueScan, error) {
	switch f {
	case FormatSRT:
		return prepareSRT(data)
	case FormatVTT:
		return prepareVTT(data)
	case FormatASS:
		return scanSSA(data)
	}
	return data, nil, nil
}

func prepareSRT(data []byte) ([]byte, []cueScan, error) {
	lines := splitLines(data)
	var cues []cueScan
	var timing []int
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if i == 0 {
			t = strings.TrimPrefix(t, "\ufeff")
		}
		if strings.Contains(t, "-->") {
			c := cueScan{line: i + 1}
			if i > 0 {
				c.id = strings.TrimSpace(strings.TrimPrefix(lines[i-1], "\ufeff"))
			}
			cues = append(cues, c)
			timing = append(timing, i)
			if err := checkTiming(t); err != nil {
				return nil, nil, cueError(FormatSRT, len(cues), i+1, "%v", err)
			}
			continue
		}
		if n := countSentinels(l); n > 0 && len(cues) > 0 {
			cues[len(cues)-1].nonchars += n
		}
		lines[i] = prepareText(l, true)
	}
	// Text after a blank line inside a cue is dropped by astisub (all but
	// the last line before the next timing line, its number).
	for k, at := range timing {
		end := len(lines)
		if k+1 < len(timing) {
			end = timing[k+1]
			if end-1 > at && strings.TrimSpace(lines[end-1]) != "" {
				end-- // the next cue's number
			}
		}
		blank := false
		for _, l := range lines[at+1 : end] {
			switch {
			case strings.TrimSpace(l) == "":
				blank = true
			case blank:
				cues[k].unparsed++
			}
		}
	}
	return []byte(strings.Join(lines, "\n") + "\n"), cues, nil
}

// vttVoice matches a WebVTT voice start tag; group 1 is its annotation.
var vttVoice = regexp.MustCompile(`<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>`)

func prepareVTT(data []byte) ([]byte, []cueScan, error) {
	lines := splitLines(data)
	first := ""
	if len(lines) > 0 {
		first = strings.TrimPrefix(lines[0], "\ufeff")
	}
	if first != "WEBVTT" && !strings.HasPrefix(first, "WEBVTT ") && !strings.HasPrefix(first, "WEBVTT\t") {
		return nil, nil, fmt.Errorf("%w: %s: line 1: no WEBVTT signature", ErrInvalid, FormatVTT)
	}
	var cues []cueScan
	seen := map[int]map[string]bool{} // cue → its voices so far
	inCue := false
	for i := 1; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case inCue && t == "" && lines[i] != "":
			// Only spaces: cue text in WebVTT (an empty line ends a cue),
			// which astisub would take for the end of the cue.
			lines[i] = strings.NewReplacer(" ", string(keepSpace), "\t", string(keepTab)).Replace(lines[i])
		case t == "":
			inCue = false
		case !inCue && (strings.HasPrefix(t, "NOTE ") || t == "REGION" || strings.HasPrefix(t, "Region: ") ||
			strings.HasPrefix(t, "STYLE") || strings.HasPrefix(t, "X-TIMESTAMP-MAP")):
		case strings.Contains(t, "-->"):
			inCue = true
			cues = append(cues, cueScan{line: i + 1})
			if err := checkTiming(t); err != nil {
				return nil, nil, cueError(FormatVTT, len(cues), i+1, "%v", err)
			}
		case inCue:
			c := &cues[len(cues)-1]
			for _, m := range vttVoice.FindAllStringSubmatch(t, -1) {
				if v := decodeVoice(m[1]); v != "" && !seen[len(cues)-1][v] {
					if seen[len(cues)-1] == nil {
						seen[len(cues)-1] = map[string]bool{}
					}
					seen[len(cues)-1][v] = true
					c.voices = append(c.voices, v)
				}
			}
			c.nonchars += countSentinels(lines[i])
			lines[i] = prepareText(lines[i], false)
		}
	}
	return []byte(strings.Join(lines, "\n") + "\n"), cues, nil
}

// decodeVoice returns a WebVTT voice annotation as text.
func decodeVoice(raw string) string {
	return strings.TrimSpace(html.UnescapeString(strings.TrimSpace(raw)))
}

// ssaEventFields are the names of an SSA/ASS event Format line as
// go-astisub knows them (it ignores a field whose case differs, which put
// every cue of "Format: layer, start, end, …" at 0).
var ssaEventFields = []string{"Layer", "Marked", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text"}

// scanSSA checks the event and style lines of an SSA/ASS file as astisub
// reads them: enough fields for the Format line, Dialogue times neither
// negative nor too large. It names the line, which astisub does not. It
// returns the data to hand astisub, with the names of the events' Format
// line in the case astisub knows.
func scanSSA(data []byte) ([]byte, []cueScan, error) {
	var cues []cueScan
	section := ""
	var format []string
	lines := splitLines(data)
	rewritten := false
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		if i == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.ToLower(line[1 : len(line)-1])
			format = nil
			continue
		}
		header, content, ok := strings.Cut(line, ":")
		if !ok || header == "" || (section != "events" && section != "v4 styles" && section != "v4+ styles" && section != "v4 styles+") {
			continue
		}
		header, content = strings.TrimSpace(header), strings.TrimSpace(content)
		if header == "Format" {
			names := strings.Split(content, ",")
			for k, name := range names {
				name = strings.TrimSpace(name)
				for _, known := range ssaEventFields {
					if section == "events" && name != known && strings.EqualFold(name, known) {
						name, rewritten = known, true
					}
				}
				names[k] = name
				if k < len(format) {
					format[k] = name
				} else {
					format = append(format, name)
				}
			}
			if section == "events" {
				lines[i] = "Format: " + strings.Join(names, ", ")
			}
			continue
		}
		if len(format) == 0 {
			continue // astisub's error says it
		}
		dialogue := section == "events" && header == "Dialogue"
		if dialogue {
			cues = append(cues, cueScan{line: i + 1})
		}
		items := strings.Split(content, ",")
		if len(items) < len(format) {
			what := "style"
			if section == "events" {
				what = "event"
			}
			return nil, nil, fmt.Errorf("%w: %s: line %d: %s has %d fields, its Format line names %d", ErrInvalid, FormatASS, i+1, what, len(items), len(format))
		}
		if !dialogue {
			continue
		}
		for k, name := range format[:len(format)-1] {
			if name == "Start" || name == "End" {
				if err := checkTime(items[k]); err != nil {
					return nil, nil, cueError(FormatASS, len(cues), i+1, "%v", err)
				}
			}
		}
	}
	if !rewritten {
		return data, cues, nil
	}
	return []byte(strings.Join(lines, "\n") + "\n"), cues, nil
}

// entity matches an HTML character reference.
var entity = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// htmlTag matches a tag of SRT or WebVTT cue text.
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// prepareText decodes the character references of a cue text line that
// astisub leaves as they are (all but &amp;, &lt; and &nbsp;), outside
// tags; in SRT (keepBetween) the white space between two tags is kept
// as noncharacters that restoreSpace turns back.
func prepareText(line string, keepBetween bool) string {
	line = sentinels.Replace(line)
	tags := htmlTag.FindAllStringIndex(line, -1)
	var b strings.Builder
	at := 0
	text := func(s string, between bool) {
		if between && keepBetween && s != "" && strings.TrimLeft(s, " \t") == "" {
			s = strings.NewReplacer(" ", string(keepSpace), "\t", string(keepTab)).Replace(s)
		}
		b.WriteString(entity.ReplaceAllStringFunc(s, decodeEntity))
	}
	for k, t := range tags {
		text(line[at:t[0]], k > 0)
		b.WriteString(line[t[0]:t[1]])
		at = t[1]
	}
	text(line[at:], false)
	// A decoded "-" or ">" may spell "-->", which astisub would take for a
	// timing line (the line had none, or it would not be text).
	return strings.ReplaceAll(b.String(), "-->", "--"+string(escGt))
}

func decodeEntity(ref string) string {
	switch ref {
	case "&amp;", "&lt;", "&nbsp;": // astisub's own
		return ref
	}
	switch s := html.UnescapeString(ref); s {
	case "&":
		return "&amp;"
	case "<":
		return "&lt;"
	case ">": // kept from astisub, which would take "-->" for a timing line
		return string(escGt)
	default:
		return s
	}
}

var restoreSpaces = strings.NewReplacer(string(keepSpace), " ", string(keepTab), "\t", string(escGt), ">")

// readAstisub reads SRT, WebVTT, SSA/ASS or EBU-STL through astisub,
// guarded, from data already prepared (prepareSubtitles).
func readAstisub(data []byte, f Format) (*astisub.Subtitles, error) {
	var subs *astisub.Subtitles
	err := guard("reading "+string(f), func() error {
		var err error
		r := bytes.NewReader(data)
		switch f {
		case FormatSRT:
			subs, err = astisub.ReadFromSRT(r)
		case FormatVTT:
			subs, err = astisub.ReadFromWebVTT(r)
		case FormatASS: // without astisub's default callbacks, which write to the global logger
			subs, err = astisub.ReadFromSSAWithOptions(r, astisub.SSAOptions{
				OnUnknownSectionName: func(string) {}, OnInvalidLine: func(string) {}})
		case FormatSTL:
			subs, err = astisub.ReadFromSTL(r, astisub.STLOptions{})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if f != FormatSRT && f != FormatVTT { // only their text was prepared
		return subs, nil
	}
	for _, it := range subs.Items {
		for i := range it.Lines {
			for j := range it.Lines[i].Items {
				it.Lines[i].Items[j].Text = restoreSpaces.Replace(it.Lines[i].Items[j].Text)
			}
		}
	}
	return subs, nil
}
