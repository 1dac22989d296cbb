package fieldmask

import (
	"errors"
	"strings"
	"testing"
)

const deepLevels = 10000

// deepObject returns {"a":{"a":...{"a":{"leaf":true}}}} nested n levels,
// built without recursion.
func deepObject(n int) map[string]any {
	cur := map[string]any{"leaf": true}
	for range n {
		cur = map[string]any{"a": cur}
	}
	return cur
}

func deepArray(n int) map[string]any {
	var cur any = map[string]any{"b": 1}
	for range n {
		cur = []any{cur}
	}
	return map[string]any{"a": cur}
}

func TestDeepDocuments(t *testing.T) {
	doc := deepObject(deepLevels)
	for _, m := range []Mask{{}, All, MustParse("a"), MustParse("a.a.a"), MustParse("*.*")} {
		if _, err := Filter(doc, m); err != nil {
			t.Errorf("Filter(%q): %v", m, err)
		}
	}
	patch := deepObject(deepLevels)
	for _, opts := range [][]Option{nil, {MergeObjects()}, {WithEmptyMaskPolicy(FullReplace)}} {
		d := deepObject(deepLevels)
		m := MustParse("a")
		if len(opts) == 1 {
			if o := collect(opts); o.empty == FullReplace {
				m = Mask{}
			}
		}
		if err := Apply(d, patch, m, opts...); err != nil {
			t.Errorf("Apply: %v", err)
		}
	}
	if _, err := FromPayload(patch); !errors.Is(err, ErrLimit) {
		t.Errorf("FromPayload of a deep payload: %v, want ErrLimit", err)
	}
	if err := Apply(deepObject(3), patch, Mask{}, WithEmptyMaskPolicy(ImpliedFromPayload)); !errors.Is(err, ErrLimit) {
		t.Errorf("implied mask of a deep payload: %v, want ErrLimit", err)
	}
	s := SchemaFromDocument(doc)
	if err := Validate(MustParse("a.a.a.a"), s, Update); err != nil {
		t.Errorf("Validate on a deep sample: %v", err)
	}

	arr := deepArray(deepLevels)
	if _, err := Filter(arr, MustParse("a.b")); !errors.Is(err, ErrLimit) {
		t.Errorf("Filter through %d nested arrays: %v, want ErrLimit", deepLevels, err)
	}
	if _, err := Filter(arr, MustParse("a")); err != nil {
		t.Errorf("Filter(a) of nested arrays: %v", err)
	}
	if err := Apply(deepArray(1), arr, MustParse("a")); err != nil {
		t.Errorf("Apply of nested arrays: %v", err)
	}
}

func TestDeepJSONText(t *testing.T) {
	// The deepest document encoding/json accepts, through the JSON helpers.
	n := deepLevels - 1
	text := make([]byte, 0, 6*n+16)
	for range n {
		text = append(text, `{"a":`...)
	}
	text = append(text, "1"...)
	for range n {
		text = append(text, '}')
	}
	if _, err := FilterJSON(text, MustParse("a.a")); err != nil {
		t.Errorf("FilterJSON: %v", err)
	}
	if _, err := ApplyJSON([]byte(`{"a":1}`), text, MustParse("a")); err != nil {
		t.Errorf("ApplyJSON: %v", err)
	}
}

// TestWildcardMasksStayCheap pins the fuzzer's hang: nested wildcards next to
// named siblings used to be expanded exponentially.
func TestWildcardMasksStayCheap(t *testing.T) {
	stars := strings.TrimSuffix(strings.Repeat("*.", MaxDepth), ".")
	as := strings.TrimSuffix(strings.Repeat("a.", MaxDepth), ".")
	doc := deepArray(50)
	doc["b"] = deepObject(200)
	for _, s := range []string{stars, as + "," + stars, "a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*,*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a.*.a"} {
		m := MustParse(s)
		_, err := Filter(doc, m)
		if err != nil && !errors.Is(err, ErrLimit) {
			t.Errorf("Filter(%.20q...): %v", s, err)
		}
	}
}
