package fieldmask

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Mode says whether a mask is checked as a read mask or an update mask.
type Mode int

const (
	// Read masks may go through arrays (applying to each element) and use
	// "*" segments.
	Read Mode = iota
	// Update masks may end at an array but not go through one, and use no
	// wildcard except the single "*".
	Update
)

type schemaKind int

const (
	kindAny    schemaKind = iota // anything goes below (interface{}, json.RawMessage, null samples)
	kindScalar                   // string, number, boolean
	kindObject                   // fixed set of fields
	kindMap                      // any key, values of elem
	kindArray                    // elements of elem
)

// Schema describes which paths exist in a document, for [Validate]. Build
// one from a Go type with [SchemaOf] or from a sample document with
// [SchemaFromDocument].
type Schema struct {
	kind   schemaKind
	fields map[string]*Schema
	elem   *Schema
	oneofs map[string]bool // protobuf oneof group names, which are not paths
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// SchemaOf returns the schema of values of type t as encoding/json sees
// them: field names from json tags (exact case), "-" and unexported fields
// left out, embedded structs promoted, maps keyed by any key, slices and
// arrays as arrays, pointers followed. Interfaces and json.RawMessage admit
// any path below them. Custom MarshalJSON methods are not consulted.
// Generated protobuf oneof groups are not paths; their members are.
func SchemaOf(t reflect.Type) *Schema {
	return (&typeSchemas{seen: map[reflect.Type]*Schema{}}).of(t)
}

type typeSchemas struct {
	seen map[reflect.Type]*Schema
}

func (ts *typeSchemas) of(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s := ts.seen[t]; s != nil {
		return s
	}
	s := &Schema{}
	ts.seen[t] = s // before filling in: recursive types point back here
	switch {
	case t == rawType || t.Kind() == reflect.Interface:
		s.kind = kindAny
	case t == timeType:
		s.kind = kindScalar
	case t.Kind() == reflect.Struct:
		s.kind = kindObject
		s.fields = map[string]*Schema{}
		ts.structFields(t, s)
	case t.Kind() == reflect.Map:
		s.kind = kindMap
		s.elem = ts.of(t.Elem())
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() == reflect.Uint8:
		s.kind = kindScalar // base64 string
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		s.kind = kindArray
		s.elem = ts.of(t.Elem())
	default:
		s.kind = kindScalar
	}
	return s
}

// fieldCandidate is a JSON name found in a struct, before the dominance rules
// of encoding/json pick one per name.
type fieldCandidate struct {
	depth  int
	tagged bool
	typ    reflect.Type
}

func (ts *typeSchemas) structFields(t reflect.Type, s *Schema) {
	cands := map[string][]fieldCandidate{}
	var walk func(t reflect.Type, depth int, visiting map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, visiting map[reflect.Type]bool) {
		visiting[t] = true
		defer delete(visiting, t)
		for i := range t.NumField() {
			f := t.Field(i)
			if g := f.Tag.Get("protobuf_oneof"); g != "" {
				if s.oneofs == nil {
					s.oneofs = map[string]bool{}
				}
				s.oneofs[g] = true
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous {
				if !f.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
				if name == "" && ft.Kind() == reflect.Struct {
					if !visiting[ft] {
						walk(ft, depth+1, visiting)
					}
					continue
				}
			} else if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = f.Name
			}
			cands[name] = append(cands[name], fieldCandidate{depth, tagged, f.Type})
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	for name, cs := range cands {
		if c, ok := dominant(cs); ok {
			s.fields[name] = ts.of(c.typ)
		}
	}
	ts.oneofMembers(t, s)
}

// dominant applies encoding/json's rule: the shallowest field wins, a tagged
// one among equals, and a tie hides the name.
func dominant(cs []fieldCandidate) (fieldCandidate, bool) {
	best := cs[0].depth
	for _, c := range cs {
		best = min(best, c.depth)
	}
	var win []fieldCandidate
	var tagged []fieldCandidate
	for _, c := range cs {
		if c.depth == best {
			win = append(win, c)
			if c.tagged {
				tagged = append(tagged, c)
			}
		}
	}
	switch {
	case len(win) == 1:
		return win[0], true
	case len(tagged) == 1:
		return tagged[0], true
	}
	return fieldCandidate{}, false
}

// oneofMembers adds the member fields of protobuf oneof groups, found through
// the XXX_OneofWrappers method of generated code.
func (ts *typeSchemas) oneofMembers(t reflect.Type, s *Schema) {
	if len(s.oneofs) == 0 {
		return
	}
	m := reflect.New(t).MethodByName("XXX_OneofWrappers")
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 {
		return
	}
	ws, ok := m.Call(nil)[0].Interface().([]any)
	if !ok {
		return
	}
	for _, w := range ws {
		wt := reflect.TypeOf(w)
		for wt.Kind() == reflect.Pointer {
			wt = wt.Elem()
		}
		if wt.Kind() != reflect.Struct || wt.NumField() != 1 {
			continue
		}
		f := wt.Field(0)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = protobufName(f.Tag.Get("protobuf"))
		}
		if name != "" {
			s.fields[name] = ts.of(f.Type)
		}
	}
}

// protobufName returns the json= (else name=) part of a protobuf struct tag.
func protobufName(tag string) string {
	var name string
	for _, part := range strings.Split(tag, ",") {
		if v, ok := strings.CutPrefix(part, "json="); ok {
			return v
		}
		if v, ok := strings.CutPrefix(part, "name="); ok {
			name = v
		}
	}
	return name
}

// protobufNumber returns the field number of a protobuf struct tag.
func protobufNumber(tag string) (int, bool) {
	parts := strings.Split(tag, ",")
	if len(parts) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return n, err == nil
}

// SchemaFromDocument returns the schema of documents shaped like sample: its
// objects' keys are the known fields, the elements of an array are merged
// into one element schema, and null values, empty objects and anything
// deeper than MaxDepth admit any path.
func SchemaFromDocument(sample map[string]any) *Schema {
	return docSchema(sample, 0)
}

func docSchema(v any, depth int) *Schema {
	if depth > MaxDepth {
		return &Schema{kind: kindAny}
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return &Schema{kind: kindAny}
		}
		s := &Schema{kind: kindObject, fields: make(map[string]*Schema, len(x))}
		for k, e := range x {
			s.fields[k] = docSchema(e, depth+1)
		}
		return s
	case []any:
		s := &Schema{kind: kindArray}
		for _, e := range x {
			s.elem = mergeSchema(s.elem, docSchema(e, depth+1), depth)
		}
		if s.elem == nil {
			s.elem = &Schema{kind: kindAny}
		}
		return s
	case nil:
		return &Schema{kind: kindAny}
	}
	return &Schema{kind: kindScalar}
}

func mergeSchema(a, b *Schema, depth int) *Schema {
	switch {
	case a == nil:
		return b
	case a.kind != b.kind || a.kind == kindAny || depth > MaxDepth:
		if a.kind == b.kind {
			return a
		}
		return &Schema{kind: kindAny}
	case a.kind == kindObject:
		s := &Schema{kind: kindObject, fields: make(map[string]*Schema, len(a.fields))}
		for k, f := range a.fields {
			s.fields[k] = f
		}
		for k, f := range b.fields {
			s.fields[k] = mergeSchema(s.fields[k], f, depth+1)
		}
		return s
	case a.kind == kindArray:
		return &Schema{kind: kindArray, elem: mergeSchema(a.elem, b.elem, depth+1)}
	}
	return a
}

// Validate checks every path of m against the schema s: each segment must
// name a field of an object (or any key of a map), and nothing may follow a
// scalar. In Read mode a path may go through arrays, applying to their
// elements, and use "*" segments; in Update mode it may not. The mask "*"
// is always valid. The error names the first bad path.
func Validate(m Mask, s *Schema, mode Mode) error {
	if m.IsAll() {
		return nil
	}
	for _, p := range m.paths {
		if err := validatePath(p, s, mode); err != nil {
			return err
		}
	}
	return nil
}

// ValidateType is Validate against [SchemaOf](t).
func ValidateType(m Mask, t reflect.Type, mode Mode) error {
	return Validate(m, SchemaOf(t), mode)
}

func validatePath(p path, s *Schema, mode Mode) error {
	cur := s
	for i := 0; i < len(p); i++ {
		seg := p[i]
		at := p[:i].String()
		if mode == Update && seg == wildcard {
			return newPathError(p.String(), ErrUnsupported, "wildcards are not allowed in update masks")
		}
		for hops := 0; cur.kind == kindArray; hops++ {
			if mode == Update {
				return newPathError(p.String(), ErrTypeMismatch, "%q is an array: update masks may end at an array but not go through it", at)
			}
			if hops == MaxDepth {
				return newPathError(p.String(), ErrLimit, "more than MaxDepth (%d) nested arrays", MaxDepth)
			}
			cur = cur.elem
			if seg == wildcard { // explicit "cues.*.text"
				i++
				if i == len(p) {
					return nil
				}
				seg = p[i]
			}
		}
		switch cur.kind {
		case kindAny:
			return nil
		case kindScalar:
			return newPathError(p.String(), ErrTypeMismatch, "%q is a scalar, it has no field %s", at, path{seg}.String())
		case kindMap:
			cur = cur.elem
		case kindObject:
			if seg == wildcard {
				return nil // read: every field, whatever follows
			}
			f := cur.fields[seg]
			if f == nil {
				if cur.oneofs[seg] {
					return newPathError(p.String(), ErrInvalidPath, "%s is a oneof group name, not a field; name one of its members", path{seg}.String())
				}
				return newPathError(p.String(), ErrUnknownField, "no field %s", path{seg}.String())
			}
			cur = f
		}
	}
	return nil
}
