package fieldmask

import (
	"strings"
)

// ParseProtoJSON parses a FieldMask in the ProtoJSON encoding of
// google.protobuf.FieldMask: comma-joined lowerCamelCase paths, converted to
// the snake_case proto names ("user.displayName,photo" gives
// user.display_name and photo). As the conformance suite recommends, an
// underscore in the input is an error, and so is white space around paths.
// Plain JSON documents use [Parse], which converts nothing.
func ParseProtoJSON(s string) (Mask, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Mask{}, nil
	}
	var paths []string
	for _, p := range strings.Split(s, ",") {
		if strings.Contains(p, "_") {
			return Mask{}, newPathError(p, ErrInvalidPath, "underscore in a ProtoJSON field mask")
		}
		segs := strings.Split(p, ".")
		for i, seg := range segs {
			if !isProtoName(seg) {
				return Mask{}, newPathError(p, ErrInvalidPath, "%q is not a ProtoJSON field name", seg)
			}
			segs[i] = camelToSnake(seg)
		}
		paths = append(paths, strings.Join(segs, "."))
	}
	return New(paths...)
}

// ProtoJSON returns the ProtoJSON encoding of m, converting snake_case names
// to lowerCamelCase. Names that would not come back unchanged (fooBar,
// foo_3bar, foo__bar), wildcards and quoted keys are errors.
func (m Mask) ProtoJSON() (string, error) {
	out := make([]string, len(m.paths))
	for i, p := range m.paths {
		segs := make([]string, len(p))
		for j, seg := range p {
			c := snakeToCamel(seg)
			if seg == wildcard || !isProtoName(seg) || camelToSnake(c) != seg {
				return "", newPathError(p.String(), ErrInvalidPath, "%s cannot be written in ProtoJSON (irreversible name)", path{seg}.String())
			}
			segs[j] = c
		}
		out[i] = strings.Join(segs, ".")
	}
	return strings.Join(out, ","), nil
}

func isProtoName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func camelToSnake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			b.WriteByte('_')
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func snakeToCamel(s string) string {
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}
