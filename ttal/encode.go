package ttal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Marshal returns the canonical JSON of s: members in the order of the key
// table (keys.go), empty optional members omitted, unknown members after the
// known ones in the order read, two-space indentation, no HTML escaping, and
// a final newline. Decoding canonical JSON and marshalling it again gives the
// same bytes.
func (s *Script) Marshal() []byte {
	if s == nil {
		return []byte("null\n")
	}
	e := &encoder{b: make([]byte, 0, 256+len(s.Events)*256)}
	e.script(s)
	e.b = append(e.b, '\n')
	return e.b
}

// Encode writes the canonical JSON of s (see [Script.Marshal]) to w.
func (s *Script) Encode(w io.Writer) error {
	if s == nil {
		return fmt.Errorf("%w: nil script", ErrInvalid)
	}
	_, err := w.Write(s.Marshal())
	return err
}

type encoder struct {
	b      []byte
	depth  int
	filled []bool // per open container: has it members yet
}

func (e *encoder) newline() {
	e.b = append(e.b, '\n')
	for i := 0; i < e.depth; i++ {
		e.b = append(e.b, ' ', ' ')
	}
}

func (e *encoder) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.filled = append(e.filled, false)
}

func (e *encoder) close(c byte) {
	e.depth--
	if e.filled[len(e.filled)-1] {
		e.newline()
	}
	e.filled = e.filled[:len(e.filled)-1]
	e.b = append(e.b, c)
}

// elem starts an element of the open container.
func (e *encoder) elem() {
	if e.filled[len(e.filled)-1] {
		e.b = append(e.b, ',')
	}
	e.filled[len(e.filled)-1] = true
	e.newline()
}

func (e *encoder) key(k string) {
	e.elem()
	e.quote(k)
	e.b = append(e.b, ':', ' ')
}

func (e *encoder) str(k, v string) {
	if v != "" {
		e.key(k)
		e.quote(v)
	}
}

// req writes a required string member, even when empty.
func (e *encoder) req(k, v string) {
	e.key(k)
	e.quote(v)
}

func (e *encoder) int(k string, v int64) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, v, 10)
}

func (e *encoder) boolean(k string, v bool) {
	if v {
		e.key(k)
		e.b = append(e.b, "true"...)
	}
}

func (e *encoder) strings(k string, v []string) {
	e.list(k, len(v), false, func(i int) { e.quote(v[i]) })
}

// unknown writes unknown members, re-indented to the canonical layout.
func (e *encoder) unknown(m Members) {
	for _, u := range m {
		e.key(u.Key)
		var buf bytes.Buffer
		prefix := make([]byte, 2*e.depth)
		for i := range prefix {
			prefix[i] = ' '
		}
		if json.Indent(&buf, u.Value, string(prefix), "  ") != nil {
			e.b = append(e.b, "null"...)
			continue
		}
		e.b = append(e.b, buf.Bytes()...)
	}
}

const hexDigits = "0123456789abcdef"

// quote writes s as a JSON string the way encoding/json does with HTML
// escaping off.
func (e *encoder) quote(s string) {
	e.b = append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			e.b = append(e.b, s[start:i]...)
			switch c {
			case '"', '\\':
				e.b = append(e.b, '\\', c)
			case '\n':
				e.b = append(e.b, '\\', 'n')
			case '\r':
				e.b = append(e.b, '\\', 'r')
			case '\t':
				e.b = append(e.b, '\\', 't')
			case '\b':
				e.b = append(e.b, '\\', 'b')
			case '\f':
				e.b = append(e.b, '\\', 'f')
			default:
				e.b = append(e.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.b = append(e.b, s[start:i]...)
			e.b = append(e.b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			e.b = append(e.b, s[start:i]...)
			e.b = append(e.b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	e.b = append(e.b, s[start:]...)
	e.b = append(e.b, '"')
}

// list writes an array member of n elements, each begun with elem and
// written by write; nothing when n is 0 unless always.
func (e *encoder) list(k string, n int, always bool, write func(i int)) {
	if n == 0 && !always {
		return
	}
	e.key(k)
	e.open('[')
	for i := 0; i < n; i++ {
		e.elem()
		write(i)
	}
	e.close(']')
}

func (e *encoder) script(s *Script) {
	e.open('{')
	e.req(keyFormat, s.Format)
	e.req(keyFormatVersion, s.FormatVersion)
	e.req(keyScriptType, string(s.ScriptType))
	e.strings(keyScriptRepresents, s.Represents)
	e.req(keyLanguage, s.Language)
	e.str(keyLanguageSource, s.LanguageSource)
	if t := s.Title; t != nil {
		e.key(keyTitle)
		e.open('{')
		e.str(keyName, t.Name)
		if t.Season != 0 {
			e.int(keySeason, t.Season)
		}
		if t.Episode != 0 {
			e.int(keyEpisode, t.Episode)
		}
		e.str(keyEpisodeTitle, t.EpisodeTitle)
		e.str(keyMovieID, t.MovieID)
		e.unknown(t.Unknown)
		e.close('}')
	}
	e.timing(&s.Timing)
	e.list(keyLineage, len(s.Lineage), false, func(i int) {
		l := &s.Lineage[i]
		e.open('{')
		e.str(keyScriptID, l.ScriptID)
		e.str(keyScriptType, string(l.ScriptType))
		e.str(keyLanguage, l.Language)
		e.str(keyDerivedFrom, l.DerivedFrom)
		e.str(keyTool, l.Tool)
		e.str(keyCreatedAt, l.CreatedAt)
		e.str(keyNote, l.Note)
		e.unknown(l.Unknown)
		e.close('}')
	})
	e.list(keyCharacters, len(s.Characters), false, func(i int) {
		c := &s.Characters[i]
		e.open('{')
		e.req(keyID, c.ID)
		e.str(keyName, c.Name)
		e.str(keyTalent, c.Talent)
		e.str(keyColor, c.Color)
		e.unknown(c.Unknown)
		e.close('}')
	})
	e.list(keyShotChanges, len(s.ShotChanges), false, func(i int) {
		e.b = strconv.AppendInt(e.b, s.ShotChanges[i], 10)
	})
	e.list(keyEvents, len(s.Events), true, func(i int) { e.event(&s.Events[i]) })
	e.unknown(s.Unknown)
	e.close('}')
}

func (e *encoder) timing(t *Timing) {
	e.key(keyTiming)
	e.open('{')
	e.key(keyFrameRate)
	e.open('{')
	e.int(keyNum, t.FrameRate.Num)
	e.int(keyDen, t.FrameRate.Den)
	e.close('}')
	e.boolean(keyDropFrame, t.DropFrame)
	for i, tc := range [2]*Timecode{t.Origin, t.StartOfProgramme} {
		if tc != nil {
			c := *tc
			c.Drop = t.DropFrame
			e.str([2]string{keyOriginTimecode, keyStartOfProgrammeTimecode}[i], c.String())
		}
	}
	e.unknown(t.Unknown)
	e.close('}')
}

func (e *encoder) event(ev *Event) {
	e.open('{')
	e.req(keyID, ev.ID)
	e.int(keyStart, ev.Start)
	e.int(keyEnd, ev.End)
	e.strings(keyCharacterIDs, ev.CharacterIDs)
	e.str(keyRepresents, ev.Represents)
	e.str(keyOnScreen, string(ev.OnScreen))
	e.boolean(keyForcedNarrative, ev.ForcedNarrative)
	e.list(keyTexts, len(ev.Texts), true, func(i int) {
		t := &ev.Texts[i]
		e.open('{')
		e.req(keyLang, t.Lang)
		e.str(keyLangSrc, t.LangSrc)
		e.req(keyText, t.Text)
		e.list(keyAnchors, len(t.Anchors), false, func(i int) {
			a := &t.Anchors[i]
			e.open('{')
			e.int(keyOffset, a.Offset)
			e.int(keyFrame, a.Frame)
			e.unknown(a.Unknown)
			e.close('}')
		})
		e.unknown(t.Unknown)
		e.close('}')
	})
	e.list(keyAnnotations, len(ev.Annotations), false, func(i int) {
		a := &ev.Annotations[i]
		e.pair(keyCategory, a.Category, keyText, a.Text, a.Unknown)
	})
	e.list(keyDescriptions, len(ev.Descriptions), false, func(i int) {
		x := &ev.Descriptions[i]
		e.pair(keyType, x.Type, keyText, x.Text, x.Unknown)
	})
	e.unknown(ev.Unknown)
	e.close('}')
}

func (e *encoder) pair(k1, v1, k2, v2 string, unknown Members) {
	e.open('{')
	e.str(k1, v1)
	e.str(k2, v2)
	e.unknown(unknown)
	e.close('}')
}
