package fieldmask

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

type treeNode struct {
	Name     string     `json:"name"`
	Children []treeNode `json:"children,omitempty"`
	Parent   *treeNode  `json:"parent,omitempty"`
	Attrs    map[string]struct {
		V json.RawMessage `json:"v"`
	} `json:"attrs"`
	Any   any    `json:"any"`
	Bytes []byte `json:"bytes"`
}

func TestSchemaOfRecursiveType(t *testing.T) {
	s := SchemaOf(reflect.TypeFor[*treeNode]())
	for _, c := range []struct {
		mask string
		mode Mode
		err  error
	}{
		{"children.children.children.name", Read, nil},
		{"parent.parent.name", Update, nil},
		{"children.name", Update, ErrTypeMismatch},
		{"attrs.`any key`.v.deep.inside", Update, nil},
		{"attrs.k.w", Update, ErrUnknownField},
		{"any.x.y", Update, nil},
		{"bytes.x", Read, ErrTypeMismatch},
		{"name.x", Read, ErrTypeMismatch},
		{"children.*.name", Read, nil},
		{"*.name", Read, nil},
		{"*", Update, nil},
	} {
		err := Validate(MustParse(c.mask), s, c.mode)
		if !errors.Is(err, c.err) && !(c.err == nil && err == nil) {
			t.Errorf("Validate(%q, %v) = %v, want %v", c.mask, c.mode, err, c.err)
		}
	}
}

func TestSchemaFromDocumentMergesElements(t *testing.T) {
	s := docSchemaOf(`{"cues":[{"text":"a"},{"t":1,"style":{}}],"meta":null,"n":[]}`)
	for _, p := range []string{"cues.text", "cues.t", "cues.style.anything", "meta.x.y", "n.whatever"} {
		if err := Validate(MustParse(p), s, Read); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := Validate(MustParse("cues.nope"), s, Read); !errors.Is(err, ErrUnknownField) {
		t.Errorf("cues.nope: %v", err)
	}
}

func TestMaskText(t *testing.T) {
	var v struct {
		Mask Mask `json:"mask"`
	}
	if err := json.Unmarshal([]byte(`{"mask":"b.`+"`x.y`"+`,a"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Mask.String() != "b.`x.y`,a" {
		t.Errorf("decoded %q", v.Mask)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"mask":"b.`+"`x.y`"+`,a"}` {
		t.Errorf("encoded %s", out)
	}
	if err := json.Unmarshal([]byte(`{"mask":"a,,b"}`), &v); !errors.Is(err, ErrInvalidPath) {
		t.Errorf("bad mask in JSON: %v", err)
	}
}

func TestFromPayloadLimits(t *testing.T) {
	long := map[string]any{strings.Repeat("k", MaxPathLength+1): 1}
	if _, err := FromPayload(long); !errors.Is(err, ErrLimit) {
		t.Errorf("long key: %v", err)
	}
	wide := map[string]any{}
	for i := range MaxPaths + 1 {
		wide["k"+strconv.Itoa(i)] = i
	}
	if _, err := FromPayload(wide); !errors.Is(err, ErrLimit) {
		t.Errorf("%d keys: %v", len(wide), err)
	}
}

func TestPathErrorsNameThePath(t *testing.T) {
	_, err := Parse("events.texts.`a")
	var pe *PathError
	if !errors.As(err, &pe) || pe.Path != "events.texts.`a" || !strings.HasPrefix(err.Error(), "fieldmask: path \"events.texts.`a\": ") {
		t.Errorf("error %v", err)
	}
	_, err = Parse("a,,b")
	if !errors.As(err, &pe) || pe.Path != "#2" {
		t.Errorf("empty path named %v", err)
	}
	err = Apply(mustDoc(`{"events":[]}`), mustDoc(`{}`), MustParse("events.texts.`x.y`"))
	if !errors.As(err, &pe) || pe.Path != "events.texts.`x.y`" || !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("apply error %v", err)
	}
}

func TestJSONHelpers(t *testing.T) {
	for _, c := range []struct{ doc, patch, err string }{
		{`[1]`, `{}`, "fieldmask: decoding JSON: json: cannot unmarshal array"},
		{`null`, `{}`, "fieldmask: decoding JSON: not an object"},
		{`{} {}`, `{}`, "fieldmask: decoding JSON: data after the top-level object"},
		{`{"a":1}`, `{"a":`, "fieldmask: decoding the patch: unexpected EOF"},
	} {
		_, err := ApplyJSON([]byte(c.doc), []byte(c.patch), MustParse("a"))
		if err == nil || !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("ApplyJSON(%s, %s) = %v, want %q", c.doc, c.patch, err, c.err)
		}
	}
	out, err := ApplyJSON([]byte(`{"a":1e3,"b":12345678901234567890}`), []byte(`{"a":0.10}`), MustParse("a"))
	if err != nil || string(out) != `{"a":0.10,"b":12345678901234567890}` {
		t.Errorf("numbers not kept verbatim: %s, %v", out, err)
	}
}
