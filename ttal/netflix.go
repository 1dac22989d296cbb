package ttal

import (
	"strings"
	"time"
	"unicode"
)

// Per-language limits of the Netflix Timed Text Style Guide (reference/ttal.md
// §2.1): characters per line, and reading speeds in characters per second
// for adult and children's programmes, plain and SDH. Keys are primary
// language subtags; "" is the default for other languages. The English
// template's 17/13 cps apply to English.
var (
	netflixCharsPerLine = map[string]float64{"": 42, "ja": 23, "ko": 16, "zh": 16, "th": 35}
	netflixCPSAdult     = map[string]float64{"": 17, "ar": 20, "hi": 22, "ja": 4, "ko": 12, "zh": 9}
	netflixCPSChildren  = map[string]float64{"": 13, "ar": 17, "hi": 18, "ja": 4, "ko": 9, "zh": 7}
	netflixCPSAdultSDH  = map[string]float64{"": 20, "ar": 23, "hi": 25, "ja": 7, "ko": 14, "zh": 11}
	netflixCPSChildSDH  = map[string]float64{"": 17, "ar": 20, "hi": 20, "ja": 7, "ko": 11, "zh": 9}
)

// Netflix timing rules.
const (
	netflixMaxDuration = 7 * time.Second
	netflixMinGap      = 2 // frames, at every frame rate
	netflixMaxLines    = 2
	dubPause           = 2 * time.Second
)

// lookup returns table[lang's primary subtag], else table[""].
func lookup(override, table map[string]float64, lang string) float64 {
	p := primaryLanguage(lang)
	if v, ok := override[p]; ok {
		return v
	}
	if v, ok := override[""]; ok {
		return v
	}
	if v, ok := table[p]; ok {
		return v
	}
	return table[""]
}

// checkedText returns the text of e that the subtitle and dub rules check.
func (v *validator) checkedText(e *Event) *Text {
	lang := v.opt.Language
	if lang == "" {
		lang = v.s.Language
	}
	return e.Text(lang)
}

// netflixSubtitle checks the subtitle, SDH and forced-narrative rules.
func (v *validator) netflixSubtitle(p Profile) {
	r := v.s.Timing.FrameRate
	lang := v.opt.Language
	if lang == "" {
		lang = v.s.Language
	}
	nom := r.Nominal()
	minFrames := (nom*5 + 5) / 6 // 5/6 s: 20 frames at 24, 25 at 30
	if primaryLanguage(lang) == "ja" {
		minFrames = (nom + 1) / 2
	}
	window := (nom + 1) / 2 // half a second: 12 frames at 24, 15 at 30
	cps := netflixCPSAdult
	switch {
	case p == ProfileNetflixSDH && v.opt.Children:
		cps = netflixCPSChildSDH
	case p == ProfileNetflixSDH:
		cps = netflixCPSAdultSDH
	case v.opt.Children:
		cps = netflixCPSChildren
	}
	maxCPS := lookup(v.opt.CharsPerSecond, cps, lang)
	maxCPL := lookup(v.opt.CharsPerLine, netflixCharsPerLine, lang)

	var prev *Event // the event the gap rules measure from
	for _, i := range v.sortedEvents() {
		e := &v.s.Events[i]
		if p == ProfileNetflixForcedNarrative && !e.ForcedNarrative {
			continue
		}
		t := v.checkedText(e)
		if t == nil || t.Text == "" {
			v.add("netflix.text", SeverityError, e, e.Start, "no %s text", lang)
		}
		dur := e.End - e.Start
		if dur < minFrames {
			v.add("netflix.min-duration", SeverityError, e, e.Start, "lasts %d frames (%s), minimum is %d frames (5/6 s)", dur, v.seconds(dur), minFrames)
		}
		if r.Duration(dur) > netflixMaxDuration {
			v.add("netflix.max-duration", SeverityError, e, e.Start, "lasts %s, maximum is 7 s", v.seconds(dur))
		}
		if prev != nil {
			gap := e.Start - prev.End
			switch {
			case gap < 0:
				v.add("netflix.overlap", SeverityError, e, e.Start, "overlaps event %s by %d frames", prev.ID, -gap)
			case gap < netflixMinGap:
				v.add("netflix.min-gap", SeverityError, e, e.Start, "starts %d frame(s) after event %s ends, minimum gap is 2 frames", gap, prev.ID)
			case gap <= window && gap > netflixMinGap:
				v.add("netflix.close-gap", SeverityInfo, e, e.Start, "gap of %d frames after event %s should be closed to 2 frames", gap, prev.ID)
			}
		}
		if t != nil {
			lines := strings.Split(t.Text, "\n")
			if len(lines) > netflixMaxLines {
				v.add("netflix.max-lines", SeverityError, e, e.Start, "%d lines, maximum is 2", len(lines))
			}
			chars := 0
			for _, l := range lines {
				n := runeLen(l)
				chars += n
				if float64(n) > maxCPL {
					v.add("netflix.max-line-length", SeverityError, e, e.Start, "line of %d characters, maximum is %g for %s", n, maxCPL, lang)
				}
			}
			if secs := r.Duration(dur).Seconds(); dur > 0 && float64(chars)/secs > maxCPS+1e-9 {
				v.add("netflix.reading-speed", SeverityError, e, e.Start, "%.1f characters per second, maximum is %g for %s", float64(chars)/secs, maxCPS, lang)
			}
		}
		v.shotChanges(e, window)
		if prev == nil || e.End >= prev.End {
			prev = e // the earlier event ending last, so nested events do not hide overlaps
		}
	}
}

// shotChanges checks the 12-frame (half-second) windows around shot changes:
// an in-time is on the shot change or at least a window away; an out-time
// is 2 frames before a shot change or at least a window away.
func (v *validator) shotChanges(e *Event, window int64) {
	sc := v.s.ShotChanges
	if len(sc) == 0 {
		return
	}
	if c, d := nearest(sc, e.Start); d != 0 && abs(d) < window {
		v.add("netflix.shot-change", SeverityWarning, e, e.Start, "in-time is %d frame(s) from the shot change at frame %d: move it onto the shot change or %d frames away", abs(d), c, window)
	}
	if c, d := nearest(sc, e.End); d != -netflixMinGap && abs(d) < window {
		v.add("netflix.shot-change", SeverityWarning, e, e.End, "out-time is %d frame(s) from the shot change at frame %d: end 2 frames before it or %d frames away", abs(d), c, window)
	}
}

// nearest returns the shot change closest to f and f minus it.
func nearest(sc []int64, f int64) (int64, int64) {
	lo, hi := 0, len(sc)
	for lo < hi {
		m := (lo + hi) / 2
		if sc[m] < f {
			lo = m + 1
		} else {
			hi = m
		}
	}
	best := sc[min(lo, len(sc)-1)]
	if lo > 0 && abs(f-sc[lo-1]) < abs(f-best) {
		best = sc[lo-1]
	}
	return best, f - best
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// sortedEvents returns event indexes by start frame.
func (v *validator) sortedEvents() []int {
	idx := make([]int, len(v.s.Events))
	for i := range idx {
		idx[i] = i
	}
	ev := v.s.Events
	sortStable(idx, func(a, b int) bool { return ev[a].Start < ev[b].Start })
	return idx
}

// dubSymbols are the symbols allowed in dub scripts besides letters,
// digits, spaces and punctuation (GEM's list of dubbing symbols).
const dubSymbols = "/$^<>|"

// dub checks the dub-script rules (pre-recording and as-recorded).
func (v *validator) dub(p Profile) {
	s := v.s
	lang := v.opt.Language
	if lang == "" {
		lang = s.Language
	}
	if p == ProfileNetflixDubAsRecorded && s.ScriptType != AsRecorded {
		v.add("dub.script-type", SeverityWarning, nil, 0, "script type is %q, want asRecorded", s.ScriptType)
	}
	if p == ProfileNetflixDubPreRecording && s.ScriptType != PreRecording {
		v.add("dub.script-type", SeverityWarning, nil, 0, "script type is %q, want preRecording", s.ScriptType)
	}
	for i := range s.Events {
		e := &s.Events[i]
		if i > 0 && e.Start < s.Events[i-1].Start {
			v.add("dub.sorted", SeverityError, e, e.Start, "starts before the previous event %s", s.Events[i-1].ID)
		}
		t := v.checkedText(e)
		if t == nil || strings.TrimSpace(t.Text) == "" {
			v.add("dub.target-text", SeverityError, e, e.Start, "no %s text", lang)
			continue
		}
		dialogue := e.Represents == "" || strings.HasPrefix(e.Represents, "audio")
		for _, line := range strings.Split(t.Text, "\n") {
			if dialogue && allCaps(line) {
				v.add("dub.sentence-case", SeverityError, e, e.Start, "line %q is in all caps; dub scripts are in sentence case", line)
			}
		}
		for _, c := range t.Text {
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsSpace(c) && !unicode.IsPunct(c) && !unicode.IsMark(c) && !strings.ContainsRune(dubSymbols, c) {
				v.add("dub.symbols", SeverityError, e, e.Start, "symbol %q is not allowed (only letters, digits, punctuation and %s)", c, dubSymbols)
				break
			}
		}
		for j := 1; j < len(t.Anchors); j++ {
			if gap := t.Anchors[j].Frame - t.Anchors[j-1].Frame; s.Timing.FrameRate.Duration(gap) >= dubPause {
				v.add("dub.pause", SeverityWarning, e, t.Anchors[j-1].Frame, "pause of %s inside the event: start a new event after a pause of about 2 s", v.seconds(gap))
			}
		}
	}
}

// allCaps reports whether line has at least four cased letters and no
// lower-case ones.
func allCaps(line string) bool {
	upper := 0
	for _, c := range line {
		switch {
		case unicode.IsLower(c):
			return false
		case unicode.IsUpper(c):
			upper++
		}
	}
	return upper >= 4
}
