package ttal

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"time"
)

// ConvertOptions control [Convert].
type ConvertOptions struct {
	Read  ReadOptions
	Write WriteOptions
	// Tool names the converter in the lineage entry (default "mp4pkg").
	Tool string
	// Now and NewID make lineage entries reproducible in tests; by default
	// the current UTC time and a random id.
	Now   func() time.Time
	NewID func() string
}

// Convert reads data in format from, records the conversion in the
// script's lineage and writes it in format to. It returns the output and
// what was lost on the way: what the input had that a script cannot carry
// (styles, positions…; opt.Read.Loss is not used) and what the output
// format could not carry.
func Convert(data []byte, from, to Format, opt ConvertOptions) ([]byte, Loss, error) {
	read := Loss{}
	opt.Read.Loss = read
	s, err := ReadBytes(data, from, opt.Read)
	if err != nil {
		return nil, nil, err
	}
	tool := opt.Tool
	if tool == "" {
		tool = "mp4pkg"
	}
	s.recordDerivation(s.ScriptType, s.Language, tool, fmt.Sprintf("converted from %s to %s", from, to), opt.Now, opt.NewID)
	var out bytes.Buffer
	loss, err := Write(&out, s, to, opt.Write)
	if err != nil {
		return nil, nil, err
	}
	for k, n := range read {
		loss.add(k, n)
	}
	return out.Bytes(), loss, nil
}

// Derive returns a copy of s that records, in a new lineage entry, that it
// derives from s: e.g. a translation (TranslatedTranscript, "fr-FR") or an
// adaptation (PreRecording) made by tool. If s has no lineage yet, an entry
// for s itself is added first so that the new entry can name its parent.
func (s *Script) Derive(t ScriptType, lang, tool string) *Script {
	if s == nil {
		return nil
	}
	d := s.clone()
	if lang != "" && lang != d.Language {
		d.LanguageSource, d.Language = d.Language, lang
	}
	d.ScriptType = t
	d.recordDerivation(t, d.Language, tool, "", nil, nil)
	return d
}

// recordDerivation appends a lineage entry for s, naming as parent the last
// entry (one describing the source is added when there is none).
func (s *Script) recordDerivation(t ScriptType, lang, tool, note string, now func() time.Time, newID func() string) {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	if newID == nil {
		newID = randomID
	}
	stamp := now().Format(time.RFC3339)
	if len(s.Lineage) == 0 {
		s.Lineage = append(s.Lineage, LineageEntry{ScriptID: newID(), ScriptType: s.ScriptType, Language: s.Language,
			CreatedAt: stamp, Note: "source as read"})
	}
	parent := s.Lineage[len(s.Lineage)-1].ScriptID
	s.Lineage = append(s.Lineage, LineageEntry{ScriptID: newID(), ScriptType: t, Language: lang, DerivedFrom: parent,
		Tool: tool, CreatedAt: stamp, Note: note})
}

// randomID returns a random UUID (version 4).
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// clone deep-copies s through its canonical JSON.
func (s *Script) clone() *Script {
	c, err := Unmarshal(s.Marshal())
	if err != nil { // s is not encodable as valid TTAL: copy what we can
		cp := *s
		cp.Events = append([]Event(nil), s.Events...)
		cp.Lineage = append([]LineageEntry(nil), s.Lineage...)
		return &cp
	}
	return c
}

// ChangeKind says how an event differs between two versions of a script.
type ChangeKind string

// Kinds of change found by [Diff].
const (
	Added      ChangeKind = "added"
	Removed    ChangeKind = "removed"
	Retimed    ChangeKind = "retimed"
	Retexted   ChangeKind = "retexted"
	Reassigned ChangeKind = "reassigned" // speakers changed
)

// Change is one difference found by [Diff].
type Change struct {
	Kind    ChangeKind `json:"kind"`
	EventID string     `json:"eventId"`
	Detail  string     `json:"detail,omitempty"`
}

// String formats the change as "kind id: detail".
func (c Change) String() string {
	if c.Detail == "" {
		return fmt.Sprintf("%s %s", c.Kind, c.EventID)
	}
	return fmt.Sprintf("%s %s: %s", c.Kind, c.EventID, c.Detail)
}

// Diff compares the events of two versions of a script by id: events
// added, removed, retimed (start or end moved), retexted (a text added,
// removed or changed) and reassigned (speakers changed). Changes are in
// the order of the events of b, removals last.
func Diff(a, b *Script) []Change {
	if a == nil {
		a = &Script{}
	}
	if b == nil {
		b = &Script{}
	}
	old := make(map[string]*Event, len(a.Events))
	for i := range a.Events {
		old[a.Events[i].ID] = &a.Events[i]
	}
	var out []Change
	seen := map[string]bool{}
	for i := range b.Events {
		e := &b.Events[i]
		seen[e.ID] = true
		o, ok := old[e.ID]
		if !ok {
			out = append(out, Change{Added, e.ID, ""})
			continue
		}
		if o.Start != e.Start || o.End != e.End {
			out = append(out, Change{Retimed, e.ID, fmt.Sprintf("[%d, %d) → [%d, %d)", o.Start, o.End, e.Start, e.End)})
		}
		if fmt.Sprint(o.CharacterIDs) != fmt.Sprint(e.CharacterIDs) {
			out = append(out, Change{Reassigned, e.ID, fmt.Sprintf("%v → %v", o.CharacterIDs, e.CharacterIDs)})
		}
		if d := textDiff(o, e); d != "" {
			out = append(out, Change{Retexted, e.ID, d})
		}
	}
	var removed []string
	for id := range old {
		if !seen[id] {
			removed = append(removed, id)
		}
	}
	sort.Strings(removed)
	for _, id := range removed {
		out = append(out, Change{Removed, id, ""})
	}
	return out
}

// textDiff names the languages whose text differs.
func textDiff(a, b *Event) string {
	texts := func(e *Event) map[string]string {
		m := make(map[string]string, len(e.Texts))
		for _, t := range e.Texts {
			m[t.Lang] = t.Text
		}
		return m
	}
	ta, tb := texts(a), texts(b)
	var langs []string
	for l, v := range tb {
		if ta[l] != v {
			langs = append(langs, l)
		}
	}
	for l := range ta {
		if _, ok := tb[l]; !ok {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return ""
	}
	sort.Strings(langs)
	return fmt.Sprintf("%v", langs)
}
