package ttal

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"time"
)

// ConvertOptions control [Convert].
type ConvertOptions struct {
	Read  ReadOptions
	Write WriteOptions
	// Tool names the converter in the lineage entry (default "mp4pkg").
	Tool string
	// Now, when set (e.g. to time.Now), stamps the new lineage entries with
	// a time. Left nil, they carry none, so that the same input and options
	// give byte-identical output.
	Now func() time.Time
	// NewID, when set, makes the ids of the new lineage entries. By default
	// they are derived from the content (name-based UUIDs, version 5): the
	// source's id from the format and the bytes read, the converted
	// script's from its parent's id, the step and the bytes read.
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
	s.recordDerivation(s.ScriptType, s.Language, tool, fmt.Sprintf("converted from %s to %s", from, to), opt.Now, opt.NewID,
		append([]byte(string(from)+"\x00"), data...))
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
// adaptation (PreRecording) made by tool, at the current UTC time. If s has
// no lineage yet, an entry for s itself is added first so that the new entry
// can name its parent. The new ids are derived from s's content and the step
// (name-based UUIDs), so deriving the same script the same way gives the
// same ids.
func (s *Script) Derive(t ScriptType, lang, tool string) *Script {
	if s == nil {
		return nil
	}
	content := s.Marshal()
	d := s.clone()
	if lang != "" && lang != d.Language {
		d.LanguageSource, d.Language = d.Language, lang
	}
	d.ScriptType = t
	d.recordDerivation(t, d.Language, tool, "", func() time.Time { return time.Now().UTC() }, nil, append([]byte("ttal\x00"), content...))
	return d
}

// recordDerivation appends a lineage entry for s, naming as parent the last
// entry (one describing the source is added when there is none). now == nil
// records no time; newID == nil derives the ids from source (the source
// format and bytes) and the step.
func (s *Script) recordDerivation(t ScriptType, lang, tool, note string, now func() time.Time, newID func() string, source []byte) {
	var stamp string
	if now != nil {
		stamp = now().UTC().Format(time.RFC3339)
	}
	sum := sha256.Sum256(source)
	if len(s.Lineage) == 0 {
		id := nameUUID("source", string(s.ScriptType), s.Language, string(sum[:]))
		if newID != nil {
			id = newID()
		}
		s.Lineage = append(s.Lineage, LineageEntry{ScriptID: id, ScriptType: s.ScriptType, Language: s.Language,
			CreatedAt: stamp, Note: "source as read"})
	}
	parent := s.Lineage[len(s.Lineage)-1].ScriptID
	id := nameUUID("derived", parent, string(t), lang, tool, note, string(sum[:]))
	if newID != nil {
		id = newID()
	}
	s.Lineage = append(s.Lineage, LineageEntry{ScriptID: id, ScriptType: t, Language: lang, DerivedFrom: parent,
		Tool: tool, CreatedAt: stamp, Note: note})
}

// lineageNamespace is the namespace of the name-based lineage ids
// (a random UUID chosen once for mp4pkg).
var lineageNamespace = [16]byte{0x6b, 0x1f, 0x3c, 0x52, 0x8e, 0x0a, 0x4d, 0x71, 0x9c, 0x25, 0xd4, 0x63, 0x0e, 0xa7, 0x58, 0xb9}

// nameUUID returns the name-based UUID (RFC 9562 version 5, SHA-1) of the
// parts, joined with NULs, in [lineageNamespace].
func nameUUID(parts ...string) string {
	h := sha1.New()
	h.Write(lineageNamespace[:])
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
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

// DuplicateIDError is the error of [Diff] when a script has two events with
// the same id: events are matched by id, so which would be compared with
// which is not known (before, the last one with each id was compared and
// the others silently ignored).
type DuplicateIDError struct {
	InNew         bool   // the duplicate is in the second script, not the first
	ID            string // the first id found twice, in event order
	First, Second int    // indexes of its first two events
	Others        int    // how many other ids are not unique
}

// Error returns e.g. `events[2]: id "e1" is already used by events[0];
// diff matches events by id`.
func (e *DuplicateIDError) Error() string {
	more := ""
	if e.Others > 0 {
		more = fmt.Sprintf(" (and %d other duplicate %s)", e.Others, plural(e.Others, "id", "ids"))
	}
	return fmt.Sprintf("events[%d]: id %q is already used by events[%d]%s; diff matches events by id", e.Second, e.ID, e.First, more)
}

// Unwrap returns [ErrInvalid].
func (e *DuplicateIDError) Unwrap() error { return ErrInvalid }

// eventsByID indexes the events of s by id, or returns a
// [*DuplicateIDError] when an id is not unique.
func eventsByID(s *Script, inNew bool) (map[string]*Event, error) {
	byID := make(map[string]*Event, len(s.Events))
	index := make(map[string]int, len(s.Events))
	var dup *DuplicateIDError
	counted := map[string]bool{}
	for i := range s.Events {
		id := s.Events[i].ID
		first, ok := index[id]
		switch {
		case !ok:
			index[id] = i
			byID[id] = &s.Events[i]
		case dup == nil:
			dup = &DuplicateIDError{InNew: inNew, ID: id, First: first, Second: i}
			counted[id] = true
		case !counted[id]:
			dup.Others++
			counted[id] = true
		}
	}
	if dup != nil {
		return nil, dup
	}
	return byID, nil
}

// Diff compares the events of two versions of a script by id: events
// added, removed, retimed (start or end moved), retexted (a text added,
// removed or changed) and reassigned (speakers changed). Changes are in
// the order of the events of b, removals last. Ids must be unique in each
// script; if not, the error is a [*DuplicateIDError].
func Diff(a, b *Script) ([]Change, error) {
	if a == nil {
		a = &Script{}
	}
	if b == nil {
		b = &Script{}
	}
	old, err := eventsByID(a, false)
	if err != nil {
		return nil, err
	}
	if _, err := eventsByID(b, true); err != nil {
		return nil, err
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
		if ra, rb := a.Timing.FrameRate, b.Timing.FrameRate; ra == rb || !ra.Valid() || !rb.Valid() {
			if o.Start != e.Start || o.End != e.End {
				out = append(out, Change{Retimed, e.ID, fmt.Sprintf("[%d, %d) → [%d, %d)", o.Start, o.End, e.Start, e.End)})
			}
		} else if !sameInstant(o.Start, ra, e.Start, rb) || !sameInstant(o.End, ra, e.End, rb) { // frames of two rates
			out = append(out, Change{Retimed, e.ID, fmt.Sprintf("[%d, %d) at %s fps → [%d, %d) at %s fps", o.Start, o.End, ra, e.Start, e.End, rb)})
		}
		if !slices.Equal(o.CharacterIDs, e.CharacterIDs) {
			out = append(out, Change{Reassigned, e.ID, fmt.Sprintf("%q → %q", o.CharacterIDs, e.CharacterIDs)})
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
	return out, nil
}

// sameInstant reports whether frame fa at rate ra and frame fb at rate rb
// are the same time.
func sameInstant(fa int64, ra FrameRate, fb int64, rb FrameRate) bool {
	at := func(f int64, r FrameRate) *big.Rat { // f·den/num, without overflow for any int64
		return new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(f), big.NewInt(r.Den)), big.NewInt(r.Num))
	}
	ta, tb := at(fa, ra), at(fb, rb)
	return ta.Cmp(tb) == 0
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
