package fieldmask

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Types for the struct rows of the edge-case table.

type labelled struct {
	Labels map[string]string `json:"labels"`
}

// protoMsg imitates protoc-gen-go output with a oneof group "kind".
type protoMsg struct {
	Title string          `protobuf:"bytes,1,opt,name=title,proto3" json:"title,omitempty"`
	Kind  isProtoMsg_Kind `protobuf_oneof:"kind"`
	Count int32           `protobuf:"varint,4,opt,name=count_all,json=countAll,proto3"`
}

type isProtoMsg_Kind interface{ isProtoMsg_Kind() }

type protoMsg_Text struct {
	Text string `protobuf:"bytes,2,opt,name=text,proto3,oneof"`
}

type protoMsg_Number struct {
	Number int64 `protobuf:"varint,3,opt,name=number,proto3,oneof"`
}

func (*protoMsg_Text) isProtoMsg_Kind()   {}
func (*protoMsg_Number) isProtoMsg_Kind() {}

func (*protoMsg) XXX_OneofWrappers() []any {
	return []any{(*protoMsg_Text)(nil), (*protoMsg_Number)(nil)}
}

type Meta struct {
	Lang string `json:"lang"`
}

type Span struct {
	Start int64 `json:"start"`
	End   int64 `json:"end,omitempty"`
}

type Cue struct {
	Text string `json:"text"`
	Note string `json:"note,omitempty"`
}

type doc struct {
	Meta
	Title  string `json:"title"`
	Hidden string `json:"-"`
	secret string
	Cue    *Cue `json:"cue,omitempty"`
	Timing Span `json:"timing"`
	Alt    Span `json:"alt"`
}

func checkProtoJSON(t *testing.T) {
	m, err := ParseProtoJSON("user.displayName,photo")
	if err != nil || strings.Join(m.Paths(), " ") != "user.display_name photo" {
		t.Fatalf("ParseProtoJSON = %v, %v", m.Paths(), err)
	}
	if s, err := m.ProtoJSON(); err != nil || s != "user.displayName,photo" {
		t.Errorf("ProtoJSON() = %q, %v", s, err)
	}
	for _, p := range []string{"fooBar", "foo_3bar", "foo__bar", "*"} {
		if _, err := MustParse(p).ProtoJSON(); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ProtoJSON of %q: %v, want an error", p, err)
		}
	}
	for _, s := range []string{"foo_bar", "a, b", "a,,b"} {
		if _, err := ParseProtoJSON(s); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ParseProtoJSON(%q): %v, want an error", s, err)
		}
	}
	if m, err := ParseProtoJSON(""); err != nil || !m.IsEmpty() {
		t.Errorf(`ParseProtoJSON("") = %v, %v`, m, err)
	}
}

func checkFieldNumbers(t *testing.T) {
	typ := reflect.TypeFor[protoMsg]()
	m, err := FromFieldNumbers(typ, 1, 4)
	if err != nil || m.String() != "title,countAll" {
		t.Fatalf("FromFieldNumbers = %q, %v", m.String(), err)
	}
	if _, err := FromFieldNumbers(typ, 1000); !errors.Is(err, ErrUnknownField) || !strings.Contains(err.Error(), "1000") {
		t.Errorf("unknown number: %v", err)
	}
}

func checkLimits(t *testing.T) {
	deep := strings.Repeat("a.", 100000) + "a"
	_, err := Parse(deep)
	wantErr(t, err, ErrLimit)
	if len(err.Error()) > 200 {
		t.Errorf("error message not abbreviated: %d bytes", len(err.Error()))
	}
	many := strings.Repeat("a,", 100000) + "a"
	_, err = Parse(many)
	wantErr(t, err, ErrLimit)
	_, err = Parse(strings.Repeat("x", MaxPathLength+1))
	wantErr(t, err, ErrLimit)
	if _, err := Parse(strings.Repeat("a.", MaxDepth-1) + "a"); err != nil {
		t.Errorf("MaxDepth segments rejected: %v", err)
	}
	_, err = New(make([]string, MaxPaths+1)...)
	wantErr(t, err, ErrLimit)
}

// checkNoAliasing is D21: applying twice equals once, the payload is not
// modified and the result shares nothing with it.
func checkNoAliasing(t *testing.T) {
	for _, opt := range [][]Option{nil, {MergeObjects()}} {
		d := mustDoc(`{"a":{"b":{"x":1}},"c":[1,{"y":2}],"e":0}`)
		p := mustDoc(`{"a":{"b":{"x":2,"z":[3]}},"c":[{"y":3}],"d":{"k":"v"}}`)
		before := encode(t, p)
		m := MustParse("a,c,d")
		if err := Apply(d, p, m, opt...); err != nil {
			t.Fatal(err)
		}
		once := encode(t, d)
		if err := Apply(d, p, m, opt...); err != nil {
			t.Fatal(err)
		}
		if encode(t, d) != once {
			t.Errorf("twice %s != once %s", encode(t, d), once)
		}
		// Scribble over the result: the payload must not change.
		d["a"].(map[string]any)["b"].(map[string]any)["z"].([]any)[0] = "changed"
		d["c"].([]any)[0].(map[string]any)["y"] = "changed"
		d["d"].(map[string]any)["k"] = "changed"
		if encode(t, p) != before {
			t.Errorf("payload changed through the result: %s", encode(t, p))
		}
	}
	// Filter results do not alias the document either.
	d := mustDoc(`{"a":{"b":[1,2]}}`)
	f, _ := Filter(d, MustParse("a"))
	f["a"].(map[string]any)["b"].([]any)[0] = "changed"
	if encode(t, d) != `{"a":{"b":[1,2]}}` {
		t.Errorf("document changed through a Filter result")
	}
}

// checkReadWriteConsistency is D22: update with M, then read with M, gives
// the payload read with M (except output-only fields).
func checkReadWriteConsistency(t *testing.T) {
	d := mustDoc(`{"title":"A","meta":{"id":"x","n":1,"k":2},"tags":["a"]}`)
	p := mustDoc(`{"title":"B","meta":{"id":"y","n":5},"tags":["b","c"],"other":1}`)
	m := MustParse("title,meta.n,meta.id,tags")
	if err := Apply(d, p, m, OutputOnly(MustParse("meta.id"))); err != nil {
		t.Fatal(err)
	}
	got, _ := Filter(d, m)
	want, _ := Filter(p, m)
	want["meta"].(map[string]any)["id"] = "x"
	if encode(t, got) != encode(t, want) {
		t.Errorf("read after write = %s, want %s", encode(t, got), encode(t, want))
	}
}

func checkImpliedMask(t *testing.T) {
	m, err := FromPayload(mustDoc(`{"a":{"b":1},"c":null,"d":[1],"e":{}}`))
	if err != nil || m.String() != "a.b,c,d,e" {
		t.Errorf("FromPayload = %q, %v", m.String(), err)
	}
	m, err = FromPayload(mustDoc(`{}`))
	if err != nil || !m.IsEmpty() {
		t.Errorf("FromPayload({}) = %q, %v", m.String(), err)
	}
	if _, err := FromPayload(map[string]any{"a`b": 1}); !errors.Is(err, ErrInvalidPath) {
		t.Errorf("backtick key: %v", err)
	}
	m, _ = FromPayload(mustDoc(`{"en.US":1,"0":2}`))
	if m.String() != "`0`,`en.US`" {
		t.Errorf("quoted implied mask = %q", m.String())
	}
}

func checkEmbedded(t *testing.T) {
	typ := reflect.TypeFor[doc]()
	if err := ValidateType(MustParse("lang"), typ, Update); err != nil {
		t.Errorf("promoted field: %v", err)
	}
	wantErr(t, ValidateType(MustParse("Meta"), typ, Update), ErrUnknownField)
	v := doc{Meta: Meta{Lang: "en"}, Title: "A"}
	if err := ApplyStruct(&v, doc{Meta: Meta{Lang: "fr"}, Title: "B"}, MustParse("lang")); err != nil {
		t.Fatal(err)
	}
	if v.Lang != "fr" || v.Title != "A" {
		t.Errorf("ApplyStruct(lang) = %+v", v)
	}
	f, err := FilterStruct(v, MustParse("lang"))
	if err != nil || encode(t, f) != `{"lang":"fr"}` {
		t.Errorf("FilterStruct(lang) = %v, %v", f, err)
	}
}

func checkHiddenFields(t *testing.T) {
	typ := reflect.TypeFor[doc]()
	for _, p := range []string{"Hidden", "hidden", "secret", "-"} {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, ValidateType(m, typ, Update), ErrUnknownField)
	}
	v := doc{Hidden: "h"}
	wantErr(t, ApplyStruct(&v, doc{}, MustParse("secret")), ErrUnknownField)
	if v.Hidden != "h" {
		t.Errorf("failed ApplyStruct changed the value")
	}
}

func checkNilParent(t *testing.T) {
	m := MustParse("cue.text")
	f, err := FilterStruct(doc{}, m)
	if err != nil || encode(t, f) != `{}` {
		t.Errorf("read through nil parent = %v, %v", f, err)
	}
	v := doc{Title: "A"}
	if err := ApplyStruct(&v, doc{}, m); err != nil || v.Cue != nil {
		t.Errorf("clear through nil parent: %v, %+v", err, v.Cue)
	}
	if err := ApplyStruct(&v, &doc{Cue: &Cue{Text: "hi", Note: "n"}}, m); err != nil || v.Cue == nil || *v.Cue != (Cue{Text: "hi"}) {
		t.Errorf("set through nil parent: %v, %+v", err, v.Cue)
	}
	if v.Title != "A" {
		t.Errorf("unmasked field changed: %+v", v)
	}
}

func checkSharedType(t *testing.T) {
	v := doc{Timing: Span{1, 2}, Alt: Span{3, 4}}
	if err := ApplyStruct(&v, doc{Timing: Span{10, 20}, Alt: Span{30, 40}}, MustParse("alt.start,timing.end")); err != nil {
		t.Fatal(err)
	}
	if v.Timing != (Span{1, 20}) || v.Alt != (Span{30, 4}) {
		t.Errorf("ApplyStruct = %+v %+v", v.Timing, v.Alt)
	}
	if err := ValidateType(MustParse("timing.start,alt.end"), reflect.TypeFor[doc](), Update); err != nil {
		t.Error(err)
	}
}

func checkTagNames(t *testing.T) {
	typ := reflect.TypeFor[doc]()
	if err := ValidateType(MustParse("title"), typ, Update); err != nil {
		t.Error(err)
	}
	wantErr(t, ValidateType(MustParse("Title"), typ, Update), ErrUnknownField)
	v := doc{Title: "A"}
	wantErr(t, ApplyStruct(&v, doc{Title: "B"}, MustParse("Title")), ErrUnknownField)
	// encoding/json would match "Title" case-insensitively; masks do not.
	var raw map[string]any
	_ = json.Unmarshal([]byte(`{"Title":"x"}`), &raw)
	f, _ := FilterStruct(v, MustParse("Title"))
	if len(f) != 0 {
		t.Errorf("FilterStruct(Title) = %v", f)
	}
}
