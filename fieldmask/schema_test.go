package fieldmask

import (
	"encoding/json"
	"errors"
	"fmt"
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
		{`[1]`, `{}`, "fieldmask: decoding JSON: (document): want an object, got an array (line 1, col 1)"},
		{`null`, `{}`, "fieldmask: decoding JSON: (document): want an object, got null (line 1, col 1)"},
		{`{} {}`, `{}`, "fieldmask: decoding JSON: (document): data after the top-level object (line 1, col 4)"},
		{`{"a":1}`, `{"a":`, "fieldmask: decoding the patch: a: unexpected end of input (line 1, col 6)"},
		{`{"a":1}`, `{"a":1,"a":2}`, `fieldmask: decoding the patch: (document): duplicate member "a" (line 1, col 8)`},
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

// TestDecodeDocumentPlaces pins the review findings that malformed JSON
// was reported without its place ("decoding JSON: invalid character '}'
// ...") and that a duplicate member was silently resolved to the last one,
// while the TTAL decoder rejects it.
func TestDecodeDocumentPlaces(t *testing.T) {
	many := `{"m":{`
	for i := range 40 {
		many += fmt.Sprintf(`"k%d":%d,`, i, i)
	}
	many += `"k7":0}}`
	for _, c := range []struct{ doc, err string }{
		{`{"title":{"name":"New",}}`, `title: invalid character '}' looking for beginning of object key string (line 1, col 24)`},
		{`{"title":{"name":"A","name":"B"}}`, `title: duplicate member "name" (line 1, col 22)`},
		{`{"a":1,"\u0061":2}`, `(document): duplicate member "a" (line 1, col 8)`},
		{`{"events":[{"id":"e1"},{"id":"e2","texts":[],"id":"e3"}]}`, `events[1]: duplicate member "id" (line 1, col 46)`},
		{many, `m: duplicate member "k7" (line 1, col 347)`},
		{`{"m":{"a.b":1,"a.b":2}}`, `m: duplicate member "a.b" (line 1, col 15)`},
		{`{"a.b":{"c":}}`, "`a.b`.c: invalid character '}' looking for beginning of value (line 1, col 13)"},
		{"{\n \"a\": 1,\n \"b\": -}", `b: invalid character '}' in numeric literal (line 3, col 8)`},
		{`{"é":"ü",}`, `(document): invalid character '}' looking for beginning of object key string (line 1, col 10)`},
		{`{"a":[1,2,}`, `a[2]: invalid character '}' looking for beginning of value (line 1, col 11)`},
		{`{"a":[{"b":[{"c":tru}]}]}`, `a[0].b[0].c: invalid character '}' in literal true (expecting 'e') (line 1, col 21)`},
		{`{"a":"x\"y",`, `(document): unexpected end of input (line 1, col 13)`},
		{`"x"`, `(document): want an object, got a string (line 1, col 1)`},
		{"\n  {}\n x", `(document): data after the top-level object (line 3, col 2)`},
		{`{"a":{"x":1},"b":{"x":1},"x":[{"x":1},{"x":2}],"":1}`, ``},
	} {
		_, err := DecodeDocument([]byte(c.doc))
		if c.err == "" {
			if err != nil {
				t.Errorf("DecodeDocument(%s): %v", c.doc, err)
			}
			continue
		}
		var de *DecodeError
		if want := "fieldmask: decoding JSON: " + c.err; err == nil || err.Error() != want || !errors.Is(err, ErrMalformed) || !errors.As(err, &de) {
			t.Errorf("DecodeDocument(%s) = %v\nwant %s", c.doc, err, want)
		}
	}
}

// TestDecodeErrorDeepPath: a 10,000-deep document's error keeps its whole
// path in Path and elides the middle in the message.
func TestDecodeErrorDeepPath(t *testing.T) {
	doc := strings.Repeat(`{"a":`, 10000) + "x" + strings.Repeat("}", 10000)
	_, err := DecodeDocument([]byte(doc))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Path) < 10000 || len(err.Error()) > 400 || !strings.Contains(err.Error(), "…") {
		t.Fatalf("%d-byte message: %.300v", len(err.Error()), err)
	}
}
