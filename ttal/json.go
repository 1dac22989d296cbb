package ttal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits on decoded input.
const (
	MaxInputSize = 64 << 20 // bytes of JSON or XML read
	MaxDepth     = 64       // nesting of JSON arrays/objects (and XML elements)
	MaxItems     = 1 << 20  // elements of one JSON array
)

// ErrInvalid is wrapped by every error about malformed or invalid input.
var ErrInvalid = errors.New("invalid script")

// DecodeError is a decoding error with its place: the JSON path of the value
// (e.g. "events[12].texts[0].lang") and its line and column (1-based, columns
// count Unicode code points).
type DecodeError struct {
	Path         string
	Line, Column int
	Offset       int // byte offset in the input
	Msg          string
}

// Error formats the error as "path: message (line L, col C)".
func (e *DecodeError) Error() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	return fmt.Sprintf("%s: %s (line %d, col %d)", p, e.Msg, e.Line, e.Column)
}

// Unwrap returns [ErrInvalid].
func (e *DecodeError) Unwrap() error { return ErrInvalid }

// Decode reads a TTAL JSON document. Decoding is strict: wrong types,
// unknown enum values, malformed language tags and timecodes, missing
// required members and duplicate members are errors with a place. Members
// that the model does not know are kept in the Unknown fields. A UTF-8 BOM
// is skipped.
func Decode(r io.Reader) (*Script, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	return Unmarshal(data)
}

// Unmarshal is [Decode] on a byte slice.
func Unmarshal(data []byte) (s *Script, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: internal error: %v", ErrInvalid, r)
		}
	}()
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalid, MaxInputSize)
	}
	d := &decoder{data: data}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		d.pos = 3
	}
	s = &Script{}
	if err := d.script(s); err != nil {
		return nil, err
	}
	d.ws()
	if d.pos != len(d.data) {
		return nil, d.fail(d.pos, "unexpected data after the document")
	}
	return s, nil
}

type pathElem struct {
	key []byte
	idx int // -1 for a key
}

type decoder struct {
	data  []byte
	pos   int
	val   int // offset of the last value read
	depth int
	path  []pathElem
}

func (d *decoder) pathString(extra string) string {
	var b []byte
	for _, p := range d.path {
		if p.idx >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(p.idx), 10)
			b = append(b, ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, p.key...)
	}
	if extra != "" {
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, extra...)
	}
	return string(b)
}

// fail returns a DecodeError at byte offset off for the current path.
func (d *decoder) fail(off int, format string, args ...any) error {
	return d.failKey(off, "", format, args...)
}

func (d *decoder) failKey(off int, key string, format string, args ...any) error {
	if off > len(d.data) {
		off = len(d.data)
	}
	line, col := lineCol(d.data, off)
	return &DecodeError{Path: d.pathString(key), Line: line, Column: col, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// lineCol returns the 1-based line and column (in code points) of offset off.
func lineCol(data []byte, off int) (line, col int) {
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte (0 at the end).
func (d *decoder) next() byte {
	d.ws()
	d.val = d.pos
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

func (d *decoder) typeError(want string) error {
	c := d.next()
	if c == 0 {
		return d.fail(d.pos, "unexpected end of input, want %s", want)
	}
	got := "invalid character " + strconv.QuoteRune(rune(c))
	switch c {
	case '{':
		got = "an object"
	case '[':
		got = "an array"
	case '"':
		got = "a string"
	case 't', 'f':
		got = "a boolean"
	case 'n':
		got = "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		got = "a number"
	}
	return d.fail(d.pos, "want %s, got %s", want, got)
}

// object reads an object, calling fn for each member with the decoder
// positioned at the value. Duplicate members are errors.
func (d *decoder) object(fn func(key []byte) error) error {
	if d.next() != '{' {
		return d.typeError("an object")
	}
	if d.depth++; d.depth > MaxDepth {
		return d.fail(d.pos, "nesting deeper than %d", MaxDepth)
	}
	d.pos++
	var seenBuf [16][]byte
	seen := seenBuf[:0]
	if d.next() == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if d.next() != '"' {
			return d.fail(d.pos, "want a member name")
		}
		keyOff := d.pos
		key, err := d.rawString()
		if err != nil {
			return err
		}
		for _, k := range seen {
			if bytes.Equal(k, key) {
				return d.fail(keyOff, "duplicate member %q", key)
			}
		}
		seen = append(seen, key)
		if d.next() != ':' {
			return d.fail(d.pos, "want ':' after member name")
		}
		d.pos++
		d.path = append(d.path, pathElem{key: key, idx: -1})
		if err := fn(key); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
		switch d.next() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return nil
		default:
			return d.fail(d.pos, "want ',' or '}' in object")
		}
	}
}

// array reads an array, calling fn for each element.
func (d *decoder) array(fn func(i int) error) error {
	if d.next() != '[' {
		return d.typeError("an array")
	}
	if d.depth++; d.depth > MaxDepth {
		return d.fail(d.pos, "nesting deeper than %d", MaxDepth)
	}
	d.pos++
	if d.next() == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		if i >= MaxItems {
			return d.fail(d.pos, "more than %d elements", MaxItems)
		}
		d.path = append(d.path, pathElem{idx: i})
		if err := fn(i); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
		switch d.next() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return nil
		default:
			return d.fail(d.pos, "want ',' or ']' in array")
		}
	}
}

// rawString reads a string at d.pos (which holds '"'). Without escapes the
// result aliases the input.
func (d *decoder) rawString() ([]byte, error) {
	start := d.pos
	i := d.pos + 1
	ascii := true
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			s := d.data[start+1 : i]
			if !ascii && !utf8.Valid(s) {
				return nil, d.fail(start, "invalid UTF-8 in string")
			}
			d.pos = i + 1
			return s, nil
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return nil, d.fail(i, "control character in string")
		case c >= 0x80:
			ascii = false
		}
		i++
	}
	return nil, d.fail(start, "unterminated string")
}

func (d *decoder) escapedString(start int) ([]byte, error) {
	b := make([]byte, 0, 32)
	i := start + 1
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			if !utf8.Valid(b) {
				return nil, d.fail(start, "invalid UTF-8 in string")
			}
			d.pos = i + 1
			return b, nil
		case c < 0x20:
			return nil, d.fail(i, "control character in string")
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		e := d.data[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.data, i)
			if !ok {
				return nil, d.fail(i-2, "invalid \\u escape")
			}
			i += 4
			if r >= 0xD800 && r < 0xDC00 { // high surrogate: want a low one
				if r2, ok := hex4(d.data, i+2); ok && d.data[i] == '\\' && d.data[i+1] == 'u' && r2 >= 0xDC00 && r2 < 0xE000 {
					r = (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000
					i += 6
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default:
			return nil, d.fail(i-2, "invalid escape \\%c", e)
		}
	}
	return nil, d.fail(start, "unterminated string")
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// str reads a string value.
func (d *decoder) str() (string, error) {
	if d.next() != '"' {
		return "", d.typeError("a string")
	}
	b, err := d.rawString()
	return string(b), err
}

// int reads an integer value in [lo, hi].
func (d *decoder) int(lo, hi int64) (int64, error) {
	c := d.next()
	if c != '-' && (c < '0' || c > '9') {
		return 0, d.typeError("an integer")
	}
	start := d.pos
	end := scanNumber(d.data, start)
	if end < 0 {
		return 0, d.fail(start, "malformed number")
	}
	d.pos = end
	v, err := strconv.ParseInt(string(d.data[start:end]), 10, 64)
	if err != nil {
		return 0, d.fail(start, "%s is not an integer", d.data[start:end])
	}
	if v < lo || v > hi {
		return 0, d.fail(start, "%d is out of range [%d, %d]", v, lo, hi)
	}
	return v, nil
}

// scanNumber returns the end of the JSON number at start, or -1.
func scanNumber(data []byte, i int) int {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return -1
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return -1
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	return i
}

func (d *decoder) boolean() (bool, error) {
	switch d.next() {
	case 't':
		if bytes.HasPrefix(d.data[d.pos:], []byte("true")) {
			d.pos += 4
			return true, nil
		}
	case 'f':
		if bytes.HasPrefix(d.data[d.pos:], []byte("false")) {
			d.pos += 5
			return false, nil
		}
	}
	return false, d.typeError("a boolean")
}

// skip reads any JSON value and returns its bytes.
func (d *decoder) skip() ([]byte, error) {
	start := d.next()
	off := d.pos
	switch {
	case start == '{':
		if err := d.object(func([]byte) error { _, err := d.skip(); return err }); err != nil {
			return nil, err
		}
	case start == '[':
		if err := d.array(func(int) error { _, err := d.skip(); return err }); err != nil {
			return nil, err
		}
	case start == '"':
		if _, err := d.rawString(); err != nil {
			return nil, err
		}
	case start == 't' || start == 'f':
		if _, err := d.boolean(); err != nil {
			return nil, err
		}
	case start == 'n':
		if !bytes.HasPrefix(d.data[d.pos:], []byte("null")) {
			return nil, d.typeError("a value")
		}
		d.pos += 4
	case start == '-' || (start >= '0' && start <= '9'):
		end := scanNumber(d.data, d.pos)
		if end < 0 {
			return nil, d.fail(d.pos, "malformed number")
		}
		d.pos = end
	default:
		return nil, d.typeError("a value")
	}
	return d.data[off:d.pos], nil
}

// unknown keeps the member at the decoder's position in m, compacted.
func (d *decoder) unknown(m *Members, key []byte) error {
	raw, err := d.skip()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil { // cannot happen: skip validated raw
		return d.fail(d.val, "%v", err)
	}
	*m = append(*m, Member{Key: string(key), Value: json.RawMessage(buf.Bytes())})
	return nil
}

// lang reads a BCP 47 tag; empty is accepted when allowEmpty.
func (d *decoder) lang(allowEmpty bool) (string, error) {
	s, err := d.str()
	if err != nil {
		return "", err
	}
	if s == "" && allowEmpty {
		return s, nil
	}
	if !ValidLanguageTag(s) {
		return "", d.fail(d.val, "%q is not a BCP 47 tag", s)
	}
	return s, nil
}

// strings reads an array of strings; an empty array leaves *dst nil, as
// the encoder omits empty optional arrays.
func (d *decoder) strings(dst *[]string) error {
	*dst = nil
	return d.array(func(int) error {
		s, err := d.str()
		*dst = append(*dst, s)
		return err
	})
}

// objectRequired is object followed by a check that every member named in
// required was present (at most 8 names).
func (d *decoder) objectRequired(required []string, fn func(key []byte) error) error {
	d.next()
	off := d.pos
	var seen [8]bool
	err := d.object(func(key []byte) error {
		for i, r := range required {
			if string(key) == r {
				seen[i] = true
			}
		}
		return fn(key)
	})
	if err != nil {
		return err
	}
	for i, r := range required {
		if !seen[i] {
			return d.fail(off, "missing required member %q", r)
		}
	}
	return nil
}
