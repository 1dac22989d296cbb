package fieldmask

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrMalformed reports JSON that [DecodeDocument], [FilterJSON] or
// [ApplyJSON] cannot read: a syntax error, a duplicate member, a value
// other than an object at the top level, or data after it. Such errors are
// a [*DecodeError].
var ErrMalformed = errors.New("malformed JSON")

// DecodeError is malformed JSON with its place: the JSON path of the value
// concerned ("events[3].texts[0]", keys quoted with backticks as in masks
// when they need it; "" for the document) and its line and column
// (1-based, columns count code points).
type DecodeError struct {
	What         string // what was decoded: "JSON" or "the patch"
	Path         string
	Line, Column int
	Offset       int    // byte offset in the input
	Msg          string // what is wrong, in words
	Err          error  // the encoding/json error, if any
}

// Error returns "fieldmask: decoding WHAT: PATH: message (line L, col C)",
// with "(document)" for an empty path.
func (e *DecodeError) Error() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	if len(p) > maxShownPath { // a deep document: keep the line short
		p = p[:maxShownPath/2] + "…" + p[len(p)-maxShownPath/2:]
	}
	return fmt.Sprintf("fieldmask: decoding %s: %s: %s (line %d, col %d)", e.What, p, e.Msg, e.Line, e.Column)
}

// Unwrap returns [ErrMalformed] and the encoding/json error, if any.
func (e *DecodeError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrMalformed}
	}
	return []error{ErrMalformed, e.Err}
}

// maxShownPath bounds the bytes of a path in an error message; the middle
// of a longer one is elided (Path keeps it whole).
const maxShownPath = 256

// decodeObject decodes data, a JSON object, keeping numbers as json.Number.
// Every error is a *DecodeError; duplicate members are errors, as in the
// TTAL decoder (encoding/json would keep the last one silently).
func decodeObject(data []byte, what string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, placeError(data, what, int(se.Offset)-1, se.Error(), err)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return nil, placeError(data, what, len(data), "unexpected end of input", err)
		}
		return nil, placeError(data, what, int(dec.InputOffset()), err.Error(), err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, placeError(data, what, skipSpace(data, 0), "want an object, got "+jsonKind(v), nil)
	}
	if end := skipSpace(data, int(dec.InputOffset())); end < len(data) {
		return nil, placeError(data, what, end, "data after the top-level object", nil)
	}
	if err := (&jsonScanner{data: data, stop: -1}).scan(); err != nil {
		err.What = what
		return nil, err
	}
	return doc, nil
}

// placeError returns a DecodeError at byte offset off of data.
func placeError(data []byte, what string, off int, msg string, err error) *DecodeError {
	off = min(max(off, 0), len(data))
	s := &jsonScanner{data: data, stop: off}
	_ = s.scan()
	line, col := lineCol(data, off)
	return &DecodeError{What: what, Path: s.pathString(), Line: line, Column: col, Offset: off, Msg: msg, Err: err}
}

// lineCol returns the 1-based line and column (in code points) of offset off.
func lineCol(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, utf8.RuneCount(data[start:off]) + 1
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// jsonScanner walks JSON text without building values, keeping the path
// of the current value. It finds duplicate members, and the path at a byte
// offset (stop ≥ 0) for errors found by encoding/json. It never fails on
// malformed input, only stops; each step consumes at least one byte.
type jsonScanner struct {
	data   []byte
	stop   int // offset at which to stop, -1 for none
	frames []jsonFrame
}

// jsonFrame is an open object or array.
type jsonFrame struct {
	object   bool
	idx      int    // element index in an array
	key      []byte // current member name (unescaped) in an object
	inMember bool   // key read, value not yet ended by ',' or '}'
	keys     [][]byte
	keySet   map[string]struct{} // keys, once there are many
}

// maxLinearKeys is how many member names are compared one by one before a
// map is built.
const maxLinearKeys = 32

func (s *jsonScanner) scan() *DecodeError {
	data := s.data
	for i := 0; i < len(data); {
		if s.stop >= 0 && i >= s.stop {
			return nil
		}
		switch c := data[i]; c {
		case '{', '[':
			if n := len(s.frames); n < cap(s.frames) {
				f := &s.frames[:n+1][n]
				*f = jsonFrame{object: c == '{', keys: f.keys[:0]}
				s.frames = s.frames[:n+1]
			} else {
				s.frames = append(s.frames, jsonFrame{object: c == '{'})
			}
			i++
		case '}', ']':
			if n := len(s.frames); n > 0 {
				s.frames = s.frames[:n-1]
			}
			i++
		case ',':
			if n := len(s.frames); n > 0 {
				f := &s.frames[n-1]
				f.idx++
				f.inMember = false
			}
			i++
		case '"':
			start := i
			i++
			escaped := false
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					escaped = true
					i++
				}
				i++
			}
			i = min(i+1, len(data))
			n := len(s.frames)
			if n == 0 || !s.frames[n-1].object || s.frames[n-1].inMember {
				continue // a string value
			}
			if s.stop >= 0 && i > s.stop {
				return nil // stopped inside the key
			}
			key := data[start+1 : max(start+1, i-1)]
			if escaped || !utf8.Valid(key) {
				var k string
				if json.Unmarshal(data[start:i], &k) == nil {
					key = []byte(k)
				}
			}
			f := &s.frames[n-1]
			if s.stop < 0 && f.seen(key) {
				line, col := lineCol(data, start)
				return &DecodeError{Path: s.pathString(), Line: line, Column: col, Offset: start, // the object's path, as the TTAL decoder says it
					Msg: fmt.Sprintf("duplicate member %s", strconv.Quote(string(key)))}
			}
			f.key, f.inMember = key, true
		default:
			i++
		}
	}
	return nil
}

// seen records key and reports whether the object already had it.
func (f *jsonFrame) seen(key []byte) bool {
	if f.keySet != nil {
		if _, ok := f.keySet[string(key)]; ok {
			return true
		}
		f.keySet[string(key)] = struct{}{}
		return false
	}
	for _, k := range f.keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	f.keys = append(f.keys, key)
	if len(f.keys) > maxLinearKeys {
		f.keySet = make(map[string]struct{}, 2*len(f.keys))
		for _, k := range f.keys {
			f.keySet[string(k)] = struct{}{}
		}
	}
	return false
}

// pathString returns the path of the current value: keys joined by '.'
// (backtick-quoted when a mask would quote them), array indexes in
// brackets.
func (s *jsonScanner) pathString() string {
	var b strings.Builder
	for _, f := range s.frames {
		switch {
		case !f.object:
			fmt.Fprintf(&b, "[%d]", f.idx)
		case f.inMember:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			writePath(&b, path{string(f.key)})
		}
	}
	return b.String()
}
