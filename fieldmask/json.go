package fieldmask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// DecodeDocument decodes a JSON object into a document for [Filter] and
// [Apply]. Numbers are kept as json.Number, so that they are written back
// exactly as read. Malformed JSON, a duplicate member (which
// encoding/json would silently resolve to the last one), a top-level value
// other than an object and data after it are errors: a [*DecodeError] with
// the place (JSON path, line and column), wrapping [ErrMalformed].
func DecodeDocument(data []byte) (map[string]any, error) {
	return decodeObject(data, "JSON")
}

// EncodeDocument encodes a document as compact JSON with sorted keys,
// without escaping <, > and &.
func EncodeDocument(doc map[string]any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("fieldmask: encoding JSON: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// FilterJSON is [Filter] over an encoded JSON object. Malformed JSON is a
// [*DecodeError], as for [DecodeDocument].
func FilterJSON(doc json.RawMessage, m Mask, opts ...Option) (json.RawMessage, error) {
	d, err := DecodeDocument(doc)
	if err != nil {
		return nil, err
	}
	out, err := Filter(d, m, opts...)
	if err != nil {
		return nil, err
	}
	return EncodeDocument(out)
}

// ApplyJSON is [Apply] over encoded JSON objects; it returns the updated
// document and leaves doc and patch untouched. Malformed JSON in either
// (a duplicate member included) is a [*DecodeError], as for
// [DecodeDocument]; its What says which ("JSON" or "the patch").
func ApplyJSON(doc, patch json.RawMessage, m Mask, opts ...Option) (json.RawMessage, error) {
	d, err := DecodeDocument(doc)
	if err != nil {
		return nil, err
	}
	p, err := decodeObject(patch, "the patch")
	if err != nil {
		return nil, err
	}
	if err := Apply(d, p, m, opts...); err != nil {
		return nil, err
	}
	return EncodeDocument(d)
}

// toDocument converts a Go value to a document through encoding/json.
func toDocument(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("fieldmask: encoding %T: %w", v, err)
	}
	return DecodeDocument(data)
}

// FilterStruct returns the fields of v (a struct or a pointer to one)
// selected by the read mask m, as a document. It goes through an
// encoding/json round trip, so paths are JSON names (json tags, embedded
// structs promoted) and a nil pointer is omitted like an absent field.
func FilterStruct(v any, m Mask, opts ...Option) (map[string]any, error) {
	d, err := toDocument(v)
	if err != nil {
		return nil, err
	}
	return Filter(d, m, opts...)
}

// ApplyStruct updates *dst with the fields of patch (a value of the same
// type, or a pointer to one) selected by the update mask m, with the
// semantics of [Apply]. The mask is first checked against the type of *dst
// ([SchemaOf], Update mode) unless [WithSchema] gives another schema, so an
// unknown or misspelt path is an error. It works through an encoding/json
// round trip (the type's own MarshalJSON/UnmarshalJSON are used); a removed
// field gets its zero value. On error *dst is unchanged.
func ApplyStruct(dst any, patch any, m Mask, opts ...Option) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("fieldmask: ApplyStruct needs a non-nil pointer, got %T: %w", dst, ErrUnsupported)
	}
	if o := collect(opts); o.schema == nil {
		opts = append(opts, WithSchema(SchemaOf(rv.Type().Elem())))
	}
	data, err := applyEncoded(dst, patch, json.Marshal, m, opts)
	if err != nil {
		return err
	}
	fresh := reflect.New(rv.Type().Elem())
	if err := json.Unmarshal(data, fresh.Interface()); err != nil {
		return fmt.Errorf("fieldmask: decoding the result into %T: %w", dst, err)
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}

// ApplyEncoded is [ApplyStruct] for types with their own JSON codec instead
// of encoding/json struct tags, such as ttal.Script:
//
//	enc := func(s *ttal.Script) ([]byte, error) { return s.Marshal(), nil }
//	err := fieldmask.ApplyEncoded(script, patch, mask, enc, ttal.Unmarshal,
//		fieldmask.WithSchema(fieldmask.TTALSchema()))
//
// Paths are the names of the encoded JSON. No schema is checked unless
// [WithSchema] gives one. On error *dst is unchanged.
func ApplyEncoded[T any](dst, patch *T, m Mask, encode func(*T) ([]byte, error), decode func([]byte) (*T, error), opts ...Option) error {
	if dst == nil || patch == nil {
		return fmt.Errorf("fieldmask: ApplyEncoded needs non-nil values: %w", ErrUnsupported)
	}
	data, err := applyEncoded(dst, patch, func(v any) ([]byte, error) { return encode(v.(*T)) }, m, opts)
	if err != nil {
		return err
	}
	fresh, err := decode(data)
	if err != nil {
		return fmt.Errorf("fieldmask: decoding the result into %T: %w", dst, err)
	}
	*dst = *fresh
	return nil
}

// applyEncoded encodes dst and patch and applies the update to the encoded
// documents.
func applyEncoded(dst, patch any, encode func(any) ([]byte, error), m Mask, opts []Option) ([]byte, error) {
	d, err := encode(dst)
	if err != nil {
		return nil, fmt.Errorf("fieldmask: encoding %T: %w", dst, err)
	}
	p, err := encode(patch)
	if err != nil {
		return nil, fmt.Errorf("fieldmask: encoding %T: %w", patch, err)
	}
	return ApplyJSON(d, p, m, opts...)
}

// FromFieldNumbers returns the mask of the top-level fields of the protobuf
// message struct t (generated Go code) with the given field numbers, named
// by their JSON names. An unknown number is an error (as in protobuf-java).
func FromFieldNumbers(t reflect.Type, numbers ...int) (Mask, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return Mask{}, fmt.Errorf("fieldmask: %v is not a struct: %w", t, ErrUnsupported)
	}
	names := map[int]string{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("protobuf")
		n, ok := protobufNumber(tag)
		if !ok {
			continue
		}
		name, _, _ := splitTag(f.Tag.Get("json"))
		if name == "" || name == "-" {
			name = protobufName(tag)
		}
		names[n] = name
	}
	paths := make([]string, 0, len(numbers))
	for _, n := range numbers {
		name, ok := names[n]
		if !ok {
			return Mask{}, fmt.Errorf("fieldmask: %d is not a field number of %v: %w", n, t, ErrUnknownField)
		}
		paths = append(paths, path{name}.String())
	}
	return New(paths...)
}

func splitTag(tag string) (string, string, bool) {
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i], tag[i+1:], true
		}
	}
	return tag, "", false
}
