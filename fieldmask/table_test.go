package fieldmask

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// edgeCase is one row (or one part of a row) of the edge-case table of
// reference/fieldmask.md §7. The same rows seed the fuzz targets.
type edgeCase struct {
	id     string // §7 row id, e.g. "D5"
	op     string // parse, new, normalize, union, intersect, subtract, filter, apply, validate, check
	mask   string // the mask in string form
	other  string // second mask of the algebra ops
	doc    string // target / read document, JSON
	patch  string // update payload, JSON
	schema *Schema
	mode   Mode
	opts   []Option
	want   string // expected mask (algebra) or document (filter, apply)
	err    error  // expected error category
	check  func(t *testing.T)
}

const (
	tDA = `{"a":1,"b":{"c":2}}`
	tD1 = `{"title":"A","lang":"en"}`
	tAB = `{"a":{"b":1,"c":2}}`
	tLb = `{"labels":{"en":"a","fr":"b"}}`
	tCu = `{"cues":[{"text":"a","t":1},{"t":2}]}`
)

func edgeCases() []edgeCase {
	return []edgeCase{
		// A. Mask syntax and algebra
		{id: "A1", op: "filter", mask: "", doc: tDA, want: tDA},
		{id: "A2", op: "filter", mask: "*", doc: tDA, want: tDA},
		{id: "A3", op: "parse", mask: "*,title", err: ErrInvalidPath},
		{id: "A4", op: "normalize", mask: "b,a,a", want: "a,b"},
		{id: "A5", op: "normalize", mask: "a.b,a", want: "a"},
		{id: "A5", op: "normalize", mask: "a,a.b", want: "a"},
		{id: "A5", op: "filter", mask: "a.b,a", doc: `{"a":{"b":1,"c":2},"d":3}`, want: `{"a":{"b":1,"c":2}}`},
		{id: "A5", op: "filter", mask: "a,a.b", doc: `{"a":{"b":1,"c":2},"d":3}`, want: `{"a":{"b":1,"c":2}}`},
		{id: "A5", op: "apply", mask: "a.b,a", doc: `{"a":{"b":1,"c":2},"d":3}`, patch: `{"a":{"b":9}}`, want: `{"a":{"b":9},"d":3}`},
		{id: "A5", op: "apply", mask: "a,a.b", doc: `{"a":{"b":1,"c":2},"d":3}`, patch: `{"a":{"b":9}}`, want: `{"a":{"b":9},"d":3}`},
		{id: "A6", op: "normalize", mask: "a.bc,a.b", want: "a.b,a.bc"},
		{id: "A7", op: "normalize", mask: "xa,x-a", want: "x-a,xa"},
		{id: "A8", op: "union", mask: "a", other: "a.b", want: "a"},
		{id: "A8", op: "intersect", mask: "a", other: "a.b", want: "a.b"},
		{id: "A8", op: "intersect", mask: "a.b,a.c", other: "a", want: "a.b,a.c"},
		{id: "A8", op: "intersect", mask: "a", other: "b", want: ""},
		{id: "A8", op: "intersect", mask: "foo,bar.baz,bar.quz", other: "foo.bar,bar", want: "bar.baz,bar.quz,foo.bar"},
		{id: "A8", op: "union", mask: "foo,bar.baz,bar.quz", other: "foo.bar,bar", want: "bar,foo"},
		{id: "A9", op: "subtract", mask: "a", other: "a.b", want: "a"},
		{id: "A9", op: "subtract", mask: "a.b,a.c", other: "a", want: ""},
		{id: "A9", op: "subtract", mask: "foo,bar.baz,bar.quz", other: "foo.bar,bar", want: "foo"},
		{id: "A10", op: "intersect", mask: "", other: "a", want: ""},
		{id: "A10", op: "intersect", mask: "*", other: "a", want: "a"},
		{id: "A11", op: "new", mask: "", err: ErrInvalidPath},
		{id: "A11", op: "parse", mask: ",a,,b,", err: ErrInvalidPath},
		{id: "A11", op: "parse", mask: "a,,b", err: ErrInvalidPath},
		{id: "A12", op: "parse", mask: ".a", err: ErrInvalidPath},
		{id: "A12", op: "parse", mask: "a.", err: ErrInvalidPath},
		{id: "A12", op: "parse", mask: "a..b", err: ErrInvalidPath},
		{id: "A13", op: "parse", mask: "title, lang", err: ErrInvalidPath},
		{id: "A14", op: "filter", mask: "Title", doc: `{"title":"x"}`, want: `{}`},
		{id: "A14", op: "apply", mask: "Title", doc: `{"title":"x"}`, patch: `{"Title":"y"}`, schema: docSchemaOf(`{"title":"x"}`), err: ErrUnknownField},
		{id: "A15", op: "check", check: checkProtoJSON},
		{id: "A16", op: "check", check: checkFieldNumbers},
		{id: "A17", op: "check", check: checkLimits},

		// B. Validation
		{id: "B1", op: "apply", mask: "nope", doc: tD1, patch: `{"nope":1}`, schema: docSchemaOf(tD1), err: ErrUnknownField},
		{id: "B1", op: "filter", mask: "nope,title", doc: tD1, schema: docSchemaOf(tD1), want: `{"title":"A"}`},
		{id: "B1", op: "filter", mask: "nope,title", doc: tD1, opts: []Option{Strict(), WithSchema(docSchemaOf(tD1))}, err: ErrUnknownField},
		{id: "B2", op: "apply", mask: "a.nope", doc: tAB, patch: `{}`, schema: docSchemaOf(tAB), err: ErrUnknownField},
		{id: "B2", op: "filter", mask: "a.nope", doc: tAB, schema: docSchemaOf(tAB), want: `{"a":{}}`},
		{id: "B2", op: "filter", mask: "a.nope", doc: tAB, opts: []Option{Strict(), WithSchema(docSchemaOf(tAB))}, err: ErrUnknownField},
		{id: "B3", op: "validate", mask: "title.x", schema: docSchemaOf(tD1), mode: Update, err: ErrTypeMismatch},
		{id: "B3", op: "validate", mask: "title.x", schema: docSchemaOf(tD1), mode: Read, err: ErrTypeMismatch},
		{id: "B3", op: "apply", mask: "title.x", doc: tD1, patch: `{"title":{"x":1}}`, err: ErrTypeMismatch},
		{id: "B3", op: "apply", mask: "title.x", doc: tD1, patch: `{}`, err: ErrTypeMismatch},
		{id: "B3", op: "filter", mask: "title.x", doc: tD1, want: `{}`},
		{id: "B3", op: "filter", mask: "title.x", doc: tD1, opts: []Option{Strict()}, err: ErrTypeMismatch},
		{id: "B4", op: "validate", mask: "cues.text", schema: docSchemaOf(tCu), mode: Update, err: ErrTypeMismatch},
		{id: "B4", op: "validate", mask: "cues.text", schema: docSchemaOf(tCu), mode: Read},
		{id: "B4", op: "apply", mask: "cues.text", doc: tCu, patch: `{"cues":[{"text":"b"}]}`, err: ErrTypeMismatch},
		{id: "B4", op: "filter", mask: "cues.text", doc: tCu, want: `{"cues":[{"text":"a"},{}]}`},
		{id: "B5", op: "parse", mask: "cues.0", err: ErrInvalidPath},
		{id: "B5", op: "parse", mask: "cues.0.text", err: ErrInvalidPath},
		{id: "B6", op: "filter", mask: "cues.*.text", doc: tCu, want: `{"cues":[{"text":"a"},{}]}`},
		{id: "B6", op: "filter", mask: "labels.*", doc: tLb, want: tLb},
		{id: "B6", op: "filter", mask: "tags.*,m.*.x", doc: `{"tags":[1,"a",{"b":2}],"m":[[{"x":1,"y":2}],{"x":3}]}`, want: `{"tags":[1,"a",{"b":2}],"m":[[{"x":1}],{"x":3}]}`},
		{id: "B6", op: "validate", mask: "cues.*.text", schema: docSchemaOf(tCu), mode: Read},
		{id: "B6", op: "validate", mask: "cues.*.text", schema: docSchemaOf(tCu), mode: Update, err: ErrUnsupported},
		{id: "B6", op: "apply", mask: "cues.*.text", doc: tCu, patch: tCu, err: ErrUnsupported},
		{id: "B7", op: "filter", mask: "labels.en", doc: tLb, want: `{"labels":{"en":"a"}}`},
		{id: "B7", op: "validate", mask: "labels.en", schema: SchemaOf(reflect.TypeFor[labelled]()), mode: Update},
		{id: "B7", op: "apply", mask: "labels.en", doc: tLb, patch: `{"labels":{"en":"x"}}`, want: `{"labels":{"en":"x","fr":"b"}}`},
		{id: "B8", op: "filter", mask: "labels.`en.US`", doc: `{"labels":{"en.US":"x","en":{"US":"y"}}}`, want: `{"labels":{"en.US":"x"}}`},
		{id: "B8", op: "filter", mask: "labels.en.US", doc: `{"labels":{"en.US":"x","en":{"US":"y"}}}`, want: `{"labels":{"en":{"US":"y"}}}`},
		{id: "B8", op: "parse", mask: "labels.`en.US", err: ErrInvalidPath},
		{id: "B8", op: "parse", mask: "labels.`en``US`", err: ErrInvalidPath},
		{id: "B8", op: "parse", mask: "labels.en`US", err: ErrInvalidPath},
		{id: "B8", op: "parse", mask: "boxes.`url `,`©nam`,`0`,`a,b`", want: "boxes.`url `,©nam,`0`,`a,b`"},
		{id: "B9", op: "validate", mask: "kind", schema: SchemaOf(reflect.TypeFor[protoMsg]()), mode: Update, err: ErrInvalidPath},
		{id: "B9", op: "validate", mask: "text,number,title", schema: SchemaOf(reflect.TypeFor[protoMsg]()), mode: Update},
		{id: "B10", op: "apply", mask: "id,a", doc: `{"a":1,"id":"x"}`, patch: `{"a":2,"id":"y"}`, opts: []Option{OutputOnly(MustParse("id"))}, want: `{"a":2,"id":"x"}`},
		{id: "B10", op: "apply", mask: "meta", doc: `{"meta":{"id":"x","n":1}}`, patch: `{"meta":{"n":2}}`, opts: []Option{OutputOnly(MustParse("meta.id"))}, want: `{"meta":{"id":"x","n":2}}`},
		{id: "B10", op: "apply", mask: "*", doc: `{"a":1,"id":"x"}`, patch: `{"a":2,"id":"y"}`, opts: []Option{OutputOnly(MustParse("id"))}, want: `{"a":2,"id":"x"}`},
		{id: "B11", op: "apply", mask: "lang,title", doc: tD1, patch: `{"title":"B","lang":"en"}`, opts: []Option{Immutable(MustParse("lang"))}, want: `{"title":"B","lang":"en"}`},
		{id: "B11", op: "apply", mask: "lang,title", doc: tD1, patch: `{"title":"B","lang":"fr"}`, opts: []Option{Immutable(MustParse("lang"))}, err: ErrImmutable},
		{id: "B11", op: "apply", mask: "*", doc: tD1, patch: `{"title":"B"}`, opts: []Option{Immutable(MustParse("lang"))}, err: ErrImmutable},

		// C. Read
		{id: "C1", op: "filter", mask: "f.a,f.b.d", doc: `{"f":{"a":22,"b":{"d":1,"x":2},"y":13},"z":8}`, want: `{"f":{"a":22,"b":{"d":1}}}`},
		{id: "C2", op: "filter", mask: "a.b", doc: `{"z":1}`, want: `{}`},
		{id: "C3", op: "filter", mask: "a.b", doc: `{"a":{"x":1}}`, want: `{"a":{}}`},
		{id: "C4", op: "filter", mask: "a.b", doc: `{"a":null}`, want: `{}`},
		{id: "C5", op: "filter", mask: "a.b", doc: `{"a":5}`, want: `{}`},
		{id: "C5", op: "filter", mask: "a.b", doc: `{"a":5}`, opts: []Option{Strict()}, err: ErrTypeMismatch},
		{id: "C6", op: "filter", mask: "cues", doc: tCu + ``, want: tCu},
		{id: "C7", op: "filter", mask: "cues.text", doc: tCu, want: `{"cues":[{"text":"a"},{}]}`},
		{id: "C7", op: "filter", mask: "cues.text", doc: `{"cues":[[{"text":"a","t":1}],3,null]}`, want: `{"cues":[[{"text":"a"}],null,null]}`},
		{id: "C8", op: "filter", mask: "a", doc: `{"a":null,"b":1}`, want: `{"a":null}`},

		// D. Update
		{id: "D1", op: "apply", mask: "title", doc: tD1, patch: `{"title":"B","lang":"fr"}`, want: `{"title":"B","lang":"en"}`},
		{id: "D2", op: "apply", mask: "title", doc: tD1, patch: `{}`, want: `{"lang":"en"}`},
		{id: "D3", op: "apply", mask: "title", doc: tD1, patch: `{"title":null}`, want: `{"lang":"en"}`},
		{id: "D4", op: "apply", mask: "a.b", doc: tAB, patch: `{"a":{"b":9,"c":7}}`, want: `{"a":{"b":9,"c":2}}`},
		{id: "D5", op: "apply", mask: "a.b", doc: tAB, patch: `{}`, want: `{"a":{"c":2}}`},
		{id: "D6", op: "apply", mask: "a.b", doc: `{}`, patch: `{}`, want: `{}`},
		{id: "D6", op: "apply", mask: "a.b", doc: `{}`, patch: `{"a":{"c":1}}`, want: `{}`},
		{id: "D7", op: "apply", mask: "a.b", doc: `{}`, patch: `{"a":{"b":1,"c":2}}`, want: `{"a":{"b":1}}`},
		{id: "D8", op: "apply", mask: "a.b", doc: `{"a":{"b":1}}`, patch: `{}`, want: `{"a":{}}`},
		{id: "D9", op: "apply", mask: "a", doc: tAB, patch: `{"a":{"b":9}}`, want: `{"a":{"b":9}}`},
		{id: "D9", op: "apply", mask: "a", doc: tAB, patch: `{"a":{"b":9}}`, opts: []Option{MergeObjects()}, want: `{"a":{"b":9,"c":2}}`},
		{id: "D10", op: "apply", mask: "a", doc: `{"a":{"b":1}}`, patch: `{}`, want: `{}`},
		{id: "D11", op: "apply", mask: "cues", doc: `{"cues":[1]}`, patch: `{"cues":[2]}`, want: `{"cues":[2]}`},
		{id: "D11", op: "apply", mask: "cues", doc: `{"cues":[1]}`, patch: `{"cues":[2]}`, opts: []Option{AppendArrays()}, want: `{"cues":[1,2]}`},
		{id: "D12", op: "apply", mask: "cues", doc: `{"cues":[1]}`, patch: `{"cues":[]}`, want: `{"cues":[]}`},
		{id: "D12", op: "apply", mask: "cues", doc: `{"cues":[]}`, patch: `{}`, want: `{}`},
		{id: "D13", op: "apply", mask: "labels", doc: tLb, patch: `{"labels":{"de":"c"}}`, want: `{"labels":{"de":"c"}}`},
		{id: "D14", op: "apply", mask: "labels.en", doc: tLb, patch: `{"labels":{"en":"x","fr":"y"}}`, want: `{"labels":{"en":"x","fr":"b"}}`},
		{id: "D15", op: "apply", mask: "labels.en", doc: tLb, patch: `{"labels":{}}`, want: `{"labels":{"fr":"b"}}`},
		{id: "D16", op: "apply", mask: "*", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, opts: []Option{OutputOnly(MustParse("id"))}, want: `{"a":3,"id":"x"}`},
		{id: "D17", op: "apply", mask: "", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, err: ErrEmptyMask},
		{id: "D17", op: "apply", mask: "", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, opts: []Option{WithEmptyMaskPolicy(Reject)}, err: ErrEmptyMask},
		{id: "D17", op: "apply", mask: "", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, opts: []Option{WithEmptyMaskPolicy(ImpliedFromPayload)}, want: `{"a":3,"b":2,"id":"x"}`},
		{id: "D17", op: "apply", mask: "", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, opts: []Option{WithEmptyMaskPolicy(FullReplace), OutputOnly(MustParse("id"))}, want: `{"a":3,"id":"x"}`},
		{id: "D17", op: "apply", mask: "", doc: `{"a":1,"b":2,"id":"x"}`, patch: `{"a":3}`, opts: []Option{WithEmptyMaskPolicy(NoOp)}, want: `{"a":1,"b":2,"id":"x"}`},
		{id: "D18", op: "apply", mask: "a.b", doc: `{}`, patch: `{"a":"str"}`, err: ErrTypeMismatch},
		{id: "D19", op: "apply", mask: "a.b", doc: `{"a":5}`, patch: `{"a":{"b":1}}`, err: ErrTypeMismatch},
		{id: "D20", op: "parse", mask: "cues.0.text", err: ErrInvalidPath},
		{id: "D21", op: "check", check: checkNoAliasing},
		{id: "D22", op: "check", check: checkReadWriteConsistency},
		{id: "D23", op: "check", check: checkImpliedMask},

		// S. Go structs
		{id: "S1", op: "check", check: checkEmbedded},
		{id: "S2", op: "check", check: checkHiddenFields},
		{id: "S3", op: "check", check: checkNilParent},
		{id: "S4", op: "check", check: checkSharedType},
		{id: "S5", op: "check", check: checkTagNames},
	}
}

func docSchemaOf(s string) *Schema { return SchemaFromDocument(mustDoc(s)) }

func mustDoc(s string) map[string]any {
	d, err := DecodeDocument([]byte(s))
	if err != nil {
		panic(err)
	}
	return d
}

// canon returns the canonical encoding of a JSON document.
func canon(t *testing.T, s string) string {
	t.Helper()
	d, err := DecodeDocument([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return encode(t, d)
}

func encode(t *testing.T, d map[string]any) string {
	t.Helper()
	b, err := EncodeDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEdgeCaseTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range edgeCases() {
		seen[c.id] = true
		name := c.id + "/" + c.op + "/" + c.mask
		if c.other != "" {
			name += "/" + c.other
		}
		t.Run(name, func(t *testing.T) { runEdgeCase(t, c) })
	}
	var missing []string
	for _, g := range []struct {
		prefix string
		n      int
	}{{"A", 17}, {"B", 11}, {"C", 8}, {"D", 23}, {"S", 5}} {
		for i := 1; i <= g.n; i++ {
			id := g.prefix + strconv.Itoa(i)
			if !seen[id] {
				missing = append(missing, id)
			}
		}
	}
	if len(seen) != 64 || len(missing) > 0 {
		t.Errorf("table covers %d ids, missing %v", len(seen), missing)
	}
}

func runEdgeCase(t *testing.T, c edgeCase) {
	if c.op == "check" {
		c.check(t)
		return
	}
	var m Mask
	var err error
	if c.op == "new" {
		m, err = New(c.mask)
	} else {
		m, err = Parse(c.mask)
	}
	if c.op == "parse" || c.op == "new" {
		wantErr(t, err, c.err)
		if err == nil && m.String() != c.want {
			t.Errorf("String() = %q, want %q", m.String(), c.want)
		}
		if err == nil {
			again, err := Parse(m.String())
			if err != nil || !reflect.DeepEqual(again, m) {
				t.Errorf("round trip of %q: %v %v", m.String(), again, err)
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("Parse(%q): %v", c.mask, err)
	}
	other := MustParse(c.other)
	switch c.op {
	case "normalize":
		before := m.String()
		got := Normalize(m).String()
		if got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.mask, got, c.want)
		}
		if m.String() != before {
			t.Errorf("Normalize modified its input")
		}
	case "union", "intersect", "subtract":
		f := map[string]func(a, b Mask) Mask{
			"union":     func(a, b Mask) Mask { return Union(a, b) },
			"intersect": Intersect,
			"subtract":  func(a, b Mask) Mask { return Subtract(a, b) },
		}[c.op]
		if got := f(m, other).String(); got != c.want {
			t.Errorf("%s(%q, %q) = %q, want %q", c.op, c.mask, c.other, got, c.want)
		}
	case "validate":
		wantErr(t, Validate(m, c.schema, c.mode), c.err)
	case "filter":
		doc := mustDoc(c.doc)
		opts := c.opts
		if c.schema != nil && len(opts) == 0 {
			opts = []Option{WithSchema(c.schema)}
		}
		got, err := Filter(doc, m, opts...)
		wantErr(t, err, c.err)
		if err == nil {
			if g, w := encode(t, got), canon(t, c.want); g != w {
				t.Errorf("Filter(%q) = %s, want %s", c.mask, g, w)
			}
			if encode(t, doc) != canon(t, c.doc) {
				t.Errorf("Filter modified the document")
			}
		}
	case "apply":
		doc, patch := mustDoc(c.doc), mustDoc(c.patch)
		opts := c.opts
		if c.schema != nil {
			opts = append([]Option{WithSchema(c.schema)}, opts...)
		}
		err := Apply(doc, patch, m, opts...)
		wantErr(t, err, c.err)
		if encode(t, patch) != canon(t, c.patch) {
			t.Errorf("Apply modified the patch")
		}
		if err != nil {
			if encode(t, doc) != canon(t, c.doc) {
				t.Errorf("failed Apply modified the document: %s", encode(t, doc))
			}
			return
		}
		got := encode(t, doc)
		if w := canon(t, c.want); got != w {
			t.Errorf("Apply(%q, %s) = %s, want %s", c.mask, c.patch, got, w)
		}
		appending := false
		for _, o := range c.opts {
			var oo options
			o(&oo)
			appending = appending || oo.appendArrays
		}
		if !appending {
			if err := Apply(doc, patch, m, opts...); err != nil || encode(t, doc) != got {
				t.Errorf("second Apply: %v, %s, want %s", err, encode(t, doc), got)
			}
		}
	default:
		t.Fatalf("unknown op %q", c.op)
	}
}

func wantErr(t *testing.T, got, want error) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Fatalf("unexpected error: %v", got)
	case want != nil && !errors.Is(got, want):
		t.Fatalf("error = %v, want %v", got, want)
	case got != nil && !strings.HasPrefix(got.Error(), "fieldmask: "):
		t.Errorf("error %q does not start with the package name", got)
	}
}

func TestPrebuiltMasks(t *testing.T) {
	for name, m := range map[string]Mask{"TTALTiming": TTALTiming, "TTALTexts": TTALTexts, "TTALCharacters": TTALCharacters} {
		if err := Validate(m, TTALSchema(), Read); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if Normalize(m).String() != m.String() {
			t.Errorf("%s is not in canonical order: %q", name, m)
		}
	}
	if Normalize(InspectTrackSummary).Len() != 11 {
		t.Errorf("InspectTrackSummary has %d paths", InspectTrackSummary.Len())
	}
	doc := mustDoc(string(ttalDocument(3, "x")))
	got, err := Filter(doc, TTALTiming)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"events":[{"end":1040,"id":"e1","start":1000},{"end":1088,"id":"e2","start":1048},{"end":1136,"id":"e3","start":1096}],"timing":{"dropFrame":false,"frameRate":{"den":1001,"num":24000}}}`
	if encode(t, got) != want {
		t.Errorf("TTALTiming view = %s", encode(t, got))
	}
}
