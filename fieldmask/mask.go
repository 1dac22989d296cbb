package fieldmask

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits checked on every mask, so that hostile input cannot exhaust memory
// or stack.
const (
	// MaxPaths is the largest number of paths in a mask.
	MaxPaths = 10000
	// MaxDepth is the largest number of segments in a path. It also bounds
	// how deep Filter follows nested arrays under a path.
	MaxDepth = 100
	// MaxPathLength is the largest length of one path in its string form,
	// in bytes.
	MaxPathLength = 4096
)

// wildcard is the internal form of the "*" segment. It is not valid UTF-8,
// so no parsed or addressable key can be equal to it.
const wildcard = "\xff"

// path is one parsed field path.
type path []string

// Mask is an immutable set of field paths. The zero value is the empty mask,
// which means "everything" to [Filter] and is governed by [EmptyMaskPolicy]
// in [Apply]. Build one with [Parse], [New] or [MustParse].
type Mask struct {
	paths []path
}

// All is the mask "*": every field. For [Apply] it means full replacement.
var All = Mask{paths: []path{{wildcard}}}

// Parse parses the comma-joined string form of a mask, e.g.
// "events.start,events.end,title.`en.US`". The empty string is the empty
// mask. Paths are kept in the given order; see [Normalize].
func Parse(s string) (Mask, error) {
	if s == "" {
		return Mask{}, nil
	}
	if len(s) > MaxPaths*(MaxPathLength+1) {
		return Mask{}, newPathError(abbrev(s), ErrLimit, "mask string of %d bytes is too long", len(s))
	}
	var m Mask
	for i := 0; ; {
		if len(m.paths) == MaxPaths {
			return Mask{}, newPathError(abbrev(s[i:]), ErrLimit, "more than MaxPaths (%d) paths", MaxPaths)
		}
		p, next, err := parsePath(s, i, len(m.paths))
		if err != nil {
			return Mask{}, err
		}
		m.paths = append(m.paths, p)
		if next == len(s) {
			break
		}
		i = next + 1 // skip ','
	}
	if err := checkStar(m); err != nil {
		return Mask{}, err
	}
	return m, nil
}

// New builds a mask from paths given one by one, each in path syntax
// (backtick quoting allowed, commas only inside quotes).
func New(paths ...string) (Mask, error) {
	if len(paths) > MaxPaths {
		return Mask{}, newPathError(abbrev(paths[MaxPaths]), ErrLimit, "more than MaxPaths (%d) paths", MaxPaths)
	}
	m := Mask{paths: make([]path, 0, len(paths))}
	for n, s := range paths {
		p, next, err := parsePath(s, 0, n)
		if err != nil {
			return Mask{}, err
		}
		if next != len(s) {
			return Mask{}, newPathError(s, ErrInvalidPath, "comma outside backticks")
		}
		m.paths = append(m.paths, p)
	}
	if err := checkStar(m); err != nil {
		return Mask{}, err
	}
	return m, nil
}

// MustParse is like [Parse] but panics on error. It is meant for masks
// written in the program, such as package-level variables.
func MustParse(s string) Mask {
	m, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}

// checkStar rejects "*" mixed with other paths (AIP-134 defines "*" only on
// its own).
func checkStar(m Mask) error {
	if len(m.paths) < 2 {
		return nil
	}
	for _, p := range m.paths {
		if len(p) == 1 && p[0] == wildcard {
			return newPathError("*", ErrInvalidPath, "\"*\" must be the only path of a mask")
		}
	}
	return nil
}

// parsePath parses the path starting at s[i]; it returns the position of the
// ',' that ends it, or len(s).
func parsePath(s string, i, n int) (path, int, error) {
	start := i
	raw := func() string { return rawPath(s, start, n) }
	var p path
	for {
		if len(p) == MaxDepth {
			return nil, 0, newPathError(abbrev(raw()), ErrLimit, "more than MaxDepth (%d) segments", MaxDepth)
		}
		if i-start > MaxPathLength {
			return nil, 0, newPathError(abbrev(raw()), ErrLimit, "longer than MaxPathLength (%d) bytes", MaxPathLength)
		}
		seg, next, msg := parseSegment(s, i)
		if msg != "" {
			return nil, 0, newPathError(raw(), ErrInvalidPath, "%s", msg)
		}
		p = append(p, seg)
		i = next
		if i == len(s) || s[i] == ',' {
			break
		}
		i++ // skip '.'
	}
	if i-start > MaxPathLength {
		return nil, 0, newPathError(abbrev(raw()), ErrLimit, "longer than MaxPathLength (%d) bytes", MaxPathLength)
	}
	return p, i, nil
}

// parseSegment parses one segment at s[i] and returns it, the position after
// it (at '.', ',' or the end) or a message saying what is wrong.
func parseSegment(s string, i int) (string, int, string) {
	if i < len(s) && s[i] == '`' {
		end := strings.IndexByte(s[i+1:], '`')
		if end < 0 {
			return "", 0, "unbalanced backtick"
		}
		seg := s[i+1 : i+1+end]
		next := i + 2 + end
		if seg == "" {
			return "", 0, "empty quoted segment"
		}
		if !utf8.ValidString(seg) {
			return "", 0, "invalid UTF-8"
		}
		if next < len(s) && s[next] != '.' && s[next] != ',' {
			if s[next] == '`' {
				return "", 0, "backtick inside a quoted segment"
			}
			return "", 0, "quoted segment must be followed by '.' or ','"
		}
		return seg, next, ""
	}
	j := i
	for j < len(s) && s[j] != '.' && s[j] != ',' {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == utf8.RuneError && size == 1:
			return "", 0, "invalid UTF-8"
		case r == '`':
			return "", 0, "unbalanced backtick"
		case unicode.IsSpace(r):
			return "", 0, "white space outside backticks"
		}
		j += size
	}
	seg := s[i:j]
	switch {
	case seg == "" && i == j && (j == len(s) || s[j] == ',') && (i == 0 || s[i-1] == ','):
		return "", 0, "empty path"
	case seg == "":
		return "", 0, "empty segment"
	case seg == "*":
		return wildcard, j, ""
	case allDigits(seg):
		return "", 0, "numeric segment (array indexes are not allowed; quote numeric map keys with backticks)"
	}
	return seg, j, ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// rawPath returns the text of the path starting at s[start] for an error
// message; an empty path is named by its position.
func rawPath(s string, start, n int) string {
	end := start
	for end < len(s) && s[end] != ',' {
		if s[end] == '`' {
			k := strings.IndexByte(s[end+1:], '`')
			if k < 0 {
				end = len(s)
				break
			}
			end += k + 1
		}
		end++
	}
	if end > len(s) {
		end = len(s)
	}
	if end == start {
		return fmt.Sprintf("#%d", n+1)
	}
	return s[start:end]
}

// abbrev shortens very long strings in error messages.
func abbrev(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// checkKey reports whether a document key can be written as a path segment.
func checkKey(k string) string {
	switch {
	case k == "":
		return "empty key"
	case !utf8.ValidString(k):
		return "invalid UTF-8 in key"
	case strings.IndexByte(k, '`') >= 0:
		return "key contains a backtick"
	}
	return ""
}

// String returns the comma-joined form of the mask, quoting segments with
// backticks where needed, so that Parse(m.String()) gives m back.
func (m Mask) String() string {
	var b strings.Builder
	for i, p := range m.paths {
		if i > 0 {
			b.WriteByte(',')
		}
		writePath(&b, p)
	}
	return b.String()
}

// Paths returns the paths of the mask in string form, in order.
func (m Mask) Paths() []string {
	out := make([]string, len(m.paths))
	for i, p := range m.paths {
		out[i] = p.String()
	}
	return out
}

// MarshalText returns the string form, so that a Mask in a JSON document is
// the comma-joined string of the JSON encoding of google.protobuf.FieldMask.
func (m Mask) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses the string form (see [Parse]).
func (m *Mask) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// Len returns the number of paths.
func (m Mask) Len() int { return len(m.paths) }

// IsEmpty reports whether the mask has no paths.
func (m Mask) IsEmpty() bool { return len(m.paths) == 0 }

// IsAll reports whether the mask is exactly "*".
func (m Mask) IsAll() bool {
	return len(m.paths) == 1 && len(m.paths[0]) == 1 && m.paths[0][0] == wildcard
}

func (p path) String() string {
	var b strings.Builder
	writePath(&b, p)
	return b.String()
}

func writePath(b *strings.Builder, p path) {
	for j, seg := range p {
		if j > 0 {
			b.WriteByte('.')
		}
		switch {
		case seg == wildcard:
			b.WriteByte('*')
		case needsQuote(seg):
			b.WriteByte('`')
			b.WriteString(seg)
			b.WriteByte('`')
		default:
			b.WriteString(seg)
		}
	}
}

func needsQuote(seg string) bool {
	if seg == "*" || allDigits(seg) {
		return true
	}
	for _, r := range seg {
		if r == '.' || r == ',' || unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// hasWildcard reports whether the path has a "*" segment.
func (p path) hasWildcard() bool {
	for _, s := range p {
		if s == wildcard {
			return true
		}
	}
	return false
}
