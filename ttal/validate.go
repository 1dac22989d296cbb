package ttal

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Severity ranks a finding.
type Severity int

// Severities, most severe first.
const (
	SeverityError Severity = iota
	SeverityWarning
	SeverityInfo
)

// String returns "error", "warning" or "info".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "info"
}

// MarshalJSON writes the severity as "error", "warning" or "info".
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Finding is one problem found by [Validate].
type Finding struct {
	Rule     string   `json:"rule"`              // e.g. "netflix.max-duration"
	Severity Severity `json:"severity"`          // error, warning, info
	EventID  string   `json:"eventId,omitempty"` // the event concerned, if any
	Frame    int64    `json:"frame"`             // frame of the problem (event start by default)
	Timecode string   `json:"timecode,omitempty"`
	Message  string   `json:"message"`
}

// String formats the finding as one line of the text report.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s %s", f.Severity, f.Rule)
	if f.EventID != "" {
		fmt.Fprintf(&b, " event %s", f.EventID)
	}
	if f.Timecode != "" {
		fmt.Fprintf(&b, " at %s", f.Timecode)
	}
	fmt.Fprintf(&b, ": %s", f.Message)
	return b.String()
}

// Profile names a set of validation rules.
type Profile string

// Validation profiles. The structural rules always apply.
const (
	ProfileStructural             Profile = "structural"
	ProfileNetflixSubtitle        Profile = "netflix-subtitle"
	ProfileNetflixSDH             Profile = "netflix-sdh"
	ProfileNetflixForcedNarrative Profile = "netflix-forced-narrative"
	ProfileNetflixDubPreRecording Profile = "netflix-dub-prerecording"
	ProfileNetflixDubAsRecorded   Profile = "netflix-dub-asrecorded"
	ProfileDAPT                   Profile = "dapt"
)

// Profiles returns every profile name.
func Profiles() []Profile {
	return []Profile{ProfileStructural, ProfileNetflixSubtitle, ProfileNetflixSDH, ProfileNetflixForcedNarrative,
		ProfileNetflixDubPreRecording, ProfileNetflixDubAsRecorded, ProfileDAPT}
}

// Options tune the Netflix rules.
type Options struct {
	// Children selects the children's-programme reading speeds.
	Children bool
	// Language is the text language checked by the subtitle and dub rules;
	// empty means the script's Language.
	Language string
	// CharsPerLine and CharsPerSecond override the per-language tables
	// (keys are primary language subtags, "" is the default).
	CharsPerLine, CharsPerSecond map[string]float64
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Validate checks s against the structural rules and those of profile p,
// with default options. Findings are sorted by frame, then rule.
func Validate(s *Script, p Profile) []Finding {
	fs, _ := ValidateWith(s, p, Options{})
	return fs
}

// ValidateWith is [Validate] with options; it fails only for an unknown profile.
func ValidateWith(s *Script, p Profile, opt Options) (fs []Finding, err error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil script", ErrInvalid)
	}
	v := &validator{s: s, opt: opt}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: validation failed: %v", ErrInvalid, r)
		}
	}()
	v.structural()
	switch p {
	case ProfileStructural, "":
	case ProfileNetflixSubtitle, ProfileNetflixSDH, ProfileNetflixForcedNarrative:
		v.netflixSubtitle(p)
	case ProfileNetflixDubPreRecording, ProfileNetflixDubAsRecorded:
		v.dub(p)
	case ProfileDAPT:
		v.dapt()
	default:
		return nil, fmt.Errorf("unknown profile %q (want one of %v)", p, Profiles())
	}
	sort.SliceStable(v.fs, func(i, j int) bool {
		if v.fs[i].Frame != v.fs[j].Frame {
			return v.fs[i].Frame < v.fs[j].Frame
		}
		return v.fs[i].Rule < v.fs[j].Rule
	})
	return v.fs, nil
}

type validator struct {
	s   *Script
	opt Options
	fs  []Finding
}

// add records a finding at frame for event e (nil for the document).
func (v *validator) add(rule string, sev Severity, e *Event, frame int64, format string, args ...any) {
	f := Finding{Rule: rule, Severity: sev, Frame: frame, Message: fmt.Sprintf(format, args...)}
	if e != nil {
		f.EventID = e.ID
	}
	f.Timecode = v.label(frame)
	v.fs = append(v.fs, f)
}

// label formats a frame of the media timeline as its SMPTE label, counting
// from the origin timecode.
func (v *validator) label(frame int64) string {
	t := &v.s.Timing
	if !t.FrameRate.Valid() || frame < 0 {
		return ""
	}
	var origin int64
	if t.Origin != nil {
		o := *t.Origin
		o.Drop = t.DropFrame
		origin, _ = t.FrameRate.FrameOf(o)
	}
	tc, err := t.FrameRate.TimecodeOf(origin+frame, t.DropFrame && t.FrameRate.SupportsDropFrame())
	if err != nil {
		return ""
	}
	return tc.String()
}

// seconds formats a frame count as seconds with three decimals.
func (v *validator) seconds(frames int64) string {
	return fmt.Sprintf("%.3f s", v.s.Timing.FrameRate.Duration(frames).Seconds())
}

// WriteReport writes findings as text (one line each and a
// summary) or as JSON ({"findings": [...], "errors": n, "warnings": n}).
func WriteReport(w io.Writer, fs []Finding, format string) error {
	errs, warns := 0, 0
	for _, f := range fs {
		switch f.Severity {
		case SeverityError:
			errs++
		case SeverityWarning:
			warns++
		}
	}
	switch format {
	case "json":
		if fs == nil {
			fs = []Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Findings []Finding `json:"findings"`
			Errors   int       `json:"errors"`
			Warnings int       `json:"warnings"`
		}{fs, errs, warns})
	case "text", "":
		var b strings.Builder
		for _, f := range fs {
			b.WriteString(f.String())
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d error(s), %d warning(s), %d finding(s)\n", errs, warns, len(fs))
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown report format %q (want text or json)", format)
}

// runeLen counts code points.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

func sortStable(idx []int, less func(a, b int) bool) {
	sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
}
