package ttal

import (
	"fmt"
	"slices"
	"strings"
)

// contentDescriptors is the DAPT content-descriptor registry.
var contentDescriptors = map[string]bool{
	"audio": true, "audio.dialogue": true, "audio.nonDialogueSounds": true,
	"visual": true, "visual.dialogue": true, "visual.nonText": true, "visual.text": true,
	"visual.text.title": true, "visual.text.credit": true, "visual.text.location": true,
}

// descTypes is the DAPT daptm:descType registry.
var descTypes = map[string]bool{"pronunciationNote": true, "scene": true, "plotSignificance": true}

// validDescriptor reports whether d is a DAPT content descriptor: a
// registered one, optionally followed by user-defined sub-types ("x-…"),
// or a user-defined one.
func validDescriptor(d string) bool {
	if d == "" || strings.ContainsAny(d, " \t\n,#") {
		return false
	}
	parts := strings.Split(d, ".")
	i := 0
	for i < len(parts) && contentDescriptors[strings.Join(parts[:i+1], ".")] {
		i++
	}
	if i == 0 && !strings.HasPrefix(parts[0], "x-") {
		return false
	}
	for _, p := range parts[i:] {
		if !strings.HasPrefix(p, "x-") || len(p) < 3 {
			return false
		}
	}
	return true
}

// subTypeOf reports whether descriptor d is r or one of its sub-types.
func subTypeOf(d, r string) bool { return d == r || strings.HasPrefix(d, r+".") }

// structural checks the rules that hold for every script (design/ttal.md).
func (v *validator) structural() {
	s := v.s
	if s.Format != FormatName {
		v.add("structural.format", SeverityError, nil, 0, "format is %q, want %q", s.Format, FormatName)
	}
	if !s.ScriptType.Valid() {
		v.add("structural.script-type", SeverityError, nil, 0, "script type %q is not originalTranscript, translatedTranscript, preRecording or asRecorded", s.ScriptType)
	}
	r := s.Timing.FrameRate
	if !r.Valid() {
		v.add("structural.frame-rate", SeverityError, nil, 0, "frame rate %s is not a positive rational", r)
		return // nothing below can be timed
	}
	if s.Timing.DropFrame && !r.SupportsDropFrame() {
		v.add("structural.frame-rate", SeverityError, nil, 0, "drop-frame needs 30000/1001 or 60000/1001, not %s", r)
	}
	for _, tc := range []*Timecode{s.Timing.Origin, s.Timing.StartOfProgramme} {
		if tc == nil {
			continue
		}
		t := *tc
		t.Drop = s.Timing.DropFrame
		if _, err := r.FrameOf(t); err != nil {
			v.add("structural.timecode", SeverityError, nil, 0, "%v", err)
		}
	}
	if !ValidLanguageTag(s.Language) {
		v.add("structural.language", SeverityError, nil, 0, "script language %q is not a BCP 47 tag", s.Language)
	}
	if s.LanguageSource != "" && !ValidLanguageTag(s.LanguageSource) {
		v.add("structural.language", SeverityError, nil, 0, "language source %q is not a BCP 47 tag", s.LanguageSource)
	}
	for _, d := range s.Represents {
		if !validDescriptor(d) {
			v.add("structural.represents", SeverityError, nil, 0, "script represents %q: not a DAPT content descriptor or x- extension", d)
		}
	}
	for i, f := range s.ShotChanges {
		if f < 0 || (i > 0 && f <= s.ShotChanges[i-1]) {
			v.add("structural.shot-changes", SeverityError, nil, f, "shot changes must be ascending frames ≥ 0 (index %d)", i)
			break
		}
	}
	v.lineage()

	ids := make(map[string]bool, len(s.Characters)+len(s.Events))
	used := make(map[string]bool, len(s.Characters))
	for i := range s.Characters {
		c := &s.Characters[i]
		switch {
		case c.ID == "":
			v.add("structural.id", SeverityError, nil, 0, "character %d has no id", i)
		case ids[c.ID]:
			v.add("structural.id", SeverityError, nil, 0, "character id %q is not unique", c.ID)
		}
		ids[c.ID] = true
	}
	for i := range s.Events {
		e := &s.Events[i]
		switch {
		case e.ID == "":
			v.add("structural.id", SeverityError, e, e.Start, "event %d has no id", i)
		case ids[e.ID]:
			v.add("structural.id", SeverityError, e, e.Start, "id %q is not unique among characters and events", e.ID)
		}
		ids[e.ID] = true
		v.event(e, used)
	}
	for _, c := range s.Characters {
		if c.ID != "" && !used[c.ID] {
			v.add("structural.unused-character", SeverityWarning, nil, 0, "character %q is not used by any event", c.ID)
		}
	}
	v.overlaps()
}

func (v *validator) lineage() {
	seen := map[string]bool{}
	for i, l := range v.s.Lineage {
		if l.ScriptType != "" && !l.ScriptType.Valid() {
			v.add("structural.lineage", SeverityError, nil, 0, "lineage[%d]: script type %q is not valid", i, l.ScriptType)
		}
		if l.DerivedFrom != "" && !seen[l.DerivedFrom] {
			v.add("structural.lineage", SeverityWarning, nil, 0, "lineage[%d]: parent %q is not an earlier lineage entry", i, l.DerivedFrom)
		}
		if l.Language != "" && !ValidLanguageTag(l.Language) {
			v.add("structural.lineage", SeverityError, nil, 0, "lineage[%d]: language %q is not a BCP 47 tag", i, l.Language)
		}
		seen[l.ScriptID] = true
	}
}

func (v *validator) event(e *Event, used map[string]bool) {
	s := v.s
	if e.Start < 0 || e.End <= e.Start {
		v.add("structural.timing", SeverityError, e, e.Start, "start %d must be ≥ 0 and before end %d", e.Start, e.End)
	}
	for _, id := range e.CharacterIDs {
		if s.Character(id) == nil {
			v.add("structural.character-ref", SeverityError, e, e.Start, "character %q is not defined", id)
		}
		used[id] = true
	}
	if e.Represents != "" {
		if !validDescriptor(e.Represents) {
			v.add("structural.represents", SeverityError, e, e.Start, "represents %q is not a DAPT content descriptor or x- extension", e.Represents)
		} else if len(s.Represents) > 0 {
			ok := false
			for _, r := range s.Represents {
				ok = ok || subTypeOf(e.Represents, r)
			}
			if !ok {
				v.add("structural.represents", SeverityError, e, e.Start, "represents %q is not a sub-type of the script's %v", e.Represents, s.Represents)
			}
		}
	}
	if !e.OnScreen.Valid() {
		v.add("structural.on-screen", SeverityError, e, e.Start, "onScreen %q is not ON, OFF, ON_OFF or OFF_ON", e.OnScreen)
	}
	for _, d := range e.Descriptions {
		if d.Type != "" && !descTypes[d.Type] && !(strings.HasPrefix(d.Type, "x-") && len(d.Type) > 2) {
			v.add("structural.description-type", SeverityError, e, e.Start, "description type %q is not in the DAPT registry and has no x- prefix", d.Type)
		}
	}
	translations, langs := 0, map[string]bool{}
	for i := range e.Texts {
		t := &e.Texts[i]
		if !ValidLanguageTag(t.Lang) {
			v.add("structural.language", SeverityError, e, e.Start, "text language %q is not a BCP 47 tag", t.Lang)
		}
		if t.LangSrc != "" && t.LangSrc != "zxx" && t.LangSrc != "und" && !ValidLanguageTag(t.LangSrc) {
			v.add("structural.language", SeverityError, e, e.Start, "text language source %q is not a BCP 47 tag", t.LangSrc)
		}
		if langs[t.Lang] {
			v.add("structural.language", SeverityError, e, e.Start, "two texts in language %q", t.Lang)
		}
		langs[t.Lang] = true
		if t.LangSrc != "" && t.LangSrc != t.Lang && t.LangSrc != "zxx" && t.LangSrc != "und" {
			translations++
		}
		v.anchors(e, t)
	}
	switch {
	case s.ScriptType == TranslatedTranscript && translations == 0 && len(e.Texts) > 0:
		v.add("structural.translation", SeverityWarning, e, e.Start, "a translated transcript should have a translation in each event")
	case s.ScriptType == OriginalTranscript && translations > 0:
		v.add("structural.translation", SeverityWarning, e, e.Start, "an original transcript should not contain translations")
	}
}

func (v *validator) anchors(e *Event, t *Text) {
	n := int64(runeLen(t.Text))
	for i, a := range t.Anchors {
		switch {
		case a.Offset < 0 || a.Offset > n:
			v.add("structural.anchors", SeverityError, e, a.Frame, "anchor %d (%s): offset %d outside the text (%d code points)", i, t.Lang, a.Offset, n)
		case i > 0 && a.Offset <= t.Anchors[i-1].Offset:
			v.add("structural.anchors", SeverityError, e, a.Frame, "anchor %d (%s): offsets must increase", i, t.Lang)
		}
		if a.Frame < e.Start || a.Frame > e.End {
			v.add("structural.anchors", SeverityError, e, a.Frame, "anchor %d (%s): frame %d outside the event [%d, %d]", i, t.Lang, a.Frame, e.Start, e.End)
		}
	}
}

// overlaps warns about events that overlap in time and share a speaker,
// or where neither names one. Each event is reported once, against the
// earlier event (by start) that it overlaps and that ends last, with a
// count of the others. Events are swept in start order; each speaker (and
// "no speaker") keeps a heap of the ends of its earlier events, so the
// check is O(n log n) however many events overlap (before, every pair was
// reported: 2 million findings for 2,000 events with the same times).
func (v *validator) overlaps() {
	ev := v.s.Events
	idx := v.sortedEvents()
	none := &overlapGroup{last: -1}
	groups := map[string]*overlapGroup{}
	var stamp []int // stamp[position] == 1+current position: already counted
	var gs []*overlapGroup
	for p, i := range idx {
		b := &ev[i]
		gs = gs[:0]
		if len(b.CharacterIDs) == 0 {
			gs = append(gs, none)
		}
		for _, id := range b.CharacterIDs {
			g := groups[id]
			if g == nil {
				g = &overlapGroup{last: -1}
				groups[id] = g
			}
			if !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
		}
		named, active, work := -1, 0, 0
		for _, g := range gs {
			for len(g.ends) > 0 && g.ends[0].end <= b.Start {
				g.pop()
			}
			if len(g.ends) == 0 {
				continue
			}
			if named < 0 || ev[idx[g.last]].End > ev[idx[named]].End || (ev[idx[g.last]].End == ev[idx[named]].End && g.last < named) {
				named = g.last
			}
			active = max(active, len(g.ends))
			work += len(g.ends)
		}
		atLeast := ""
		if named >= 0 && len(gs) > 1 {
			// An event may share several speakers with b: count it once,
			// unless that means visiting too many (then a lower bound).
			if work <= maxOverlapCount {
				if stamp == nil {
					stamp = make([]int, len(idx))
				}
				active = 0
				for _, g := range gs {
					for _, x := range g.ends {
						if stamp[x.pos] != p+1 {
							stamp[x.pos] = p + 1
							active++
						}
					}
				}
			} else {
				atLeast = "at least "
			}
		}
		if named >= 0 {
			a, others := &ev[idx[named]], ""
			if active > 1 {
				others = fmt.Sprintf(" and %s%d other %s", atLeast, active-1, plural(active-1, "event", "events"))
			}
			switch {
			case len(b.CharacterIDs) > 0:
				v.add("structural.overlap", SeverityWarning, b, b.Start, "overlaps event %s%s with the same speaker", a.ID, others)
			case others == "":
				v.add("structural.overlap", SeverityWarning, b, b.Start, "overlaps event %s and neither names a speaker", a.ID)
			default:
				v.add("structural.overlap", SeverityWarning, b, b.Start, "overlaps event %s%s, none of which names a speaker", a.ID, others)
			}
		}
		for _, g := range gs {
			g.push(overlapEnd{b.End, p})
			if g.last < 0 || b.End > ev[idx[g.last]].End {
				g.last = p
			}
		}
	}
}

// maxOverlapCount bounds the work spent counting, for one event with
// several speakers, the distinct earlier events it overlaps.
const maxOverlapCount = 1024

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// overlapGroup holds the earlier events of one speaker (or of those naming
// none) during the sweep of [validator.overlaps].
type overlapGroup struct {
	ends []overlapEnd // min-heap by end; entries ending before the sweep are popped lazily
	last int          // position of the event ending last (the earliest of those), -1 if none
}

// overlapEnd is an event's end and its position in start order.
type overlapEnd struct {
	end int64
	pos int
}

func (g *overlapGroup) push(x overlapEnd) {
	h := append(g.ends, x)
	for i := len(h) - 1; i > 0; {
		up := (i - 1) / 2
		if h[up].end <= h[i].end {
			break
		}
		h[up], h[i] = h[i], h[up]
		i = up
	}
	g.ends = h
}

func (g *overlapGroup) pop() {
	h := g.ends
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].end < h[c].end {
			c++
		}
		if h[i].end <= h[c].end {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	g.ends = h
}
