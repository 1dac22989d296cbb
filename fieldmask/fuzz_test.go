package fieldmask

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that any string parses without panic, and that a parsed
// mask survives String and Normalize.
func FuzzParse(f *testing.F) {
	for _, c := range edgeCases() {
		f.Add(c.mask)
		f.Add(c.other)
	}
	f.Add("boxes.`url `.`©nam`,a.*.b")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *PathError", err)
			}
			return
		}
		again, err := Parse(m.String())
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip of %q via %q: %v", s, m.String(), err)
		}
		n := Normalize(m)
		if nn := Normalize(n); nn.String() != n.String() {
			t.Fatalf("Normalize not idempotent: %q then %q", n.String(), nn.String())
		}
		if _, err := Parse(n.String()); err != nil {
			t.Fatalf("normalized mask %q does not parse: %v", n.String(), err)
		}
	})
}

// FuzzApplyFilter runs Filter and Apply on arbitrary JSON: no panic, inputs
// untouched, updates idempotent.
func FuzzApplyFilter(f *testing.F) {
	for _, c := range edgeCases() {
		if c.doc != "" {
			f.Add(c.mask, c.doc, c.patch)
		}
	}
	f.Fuzz(func(t *testing.T, mask, docText, patchText string) {
		m, err := Parse(mask)
		if err != nil {
			return
		}
		doc, err := DecodeDocument([]byte(docText))
		if err != nil {
			return
		}
		before := mustEncode(t, doc)
		if _, err := Filter(doc, m); err != nil && !errors.Is(err, ErrLimit) {
			t.Fatalf("Filter: %v", err)
		}
		if _, err := Filter(doc, m, Strict()); err != nil && !isCategory(err) {
			t.Fatalf("Filter strict: uncategorised error %v", err)
		}
		if mustEncode(t, doc) != before {
			t.Fatal("Filter modified the document")
		}
		patch, err := DecodeDocument([]byte(patchText))
		if err != nil {
			return
		}
		patchBefore := mustEncode(t, patch)
		for _, opts := range [][]Option{nil, {MergeObjects()}, {WithEmptyMaskPolicy(ImpliedFromPayload)}} {
			d, _ := cloneMap(doc)
			err := Apply(d, patch, m, opts...)
			if mustEncode(t, patch) != patchBefore {
				t.Fatal("Apply modified the patch")
			}
			if err != nil {
				if !isCategory(err) {
					t.Fatalf("Apply: uncategorised error %v", err)
				}
				if mustEncode(t, d) != before {
					t.Fatal("failed Apply modified the document")
				}
				continue
			}
			once := mustEncode(t, d)
			if err := Apply(d, patch, m, opts...); err != nil || mustEncode(t, d) != once {
				t.Fatalf("Apply not idempotent: %v", err)
			}
		}
	})
}

func isCategory(err error) bool {
	for _, c := range []error{ErrInvalidPath, ErrLimit, ErrUnknownField, ErrTypeMismatch, ErrEmptyMask, ErrImmutable, ErrUnsupported} {
		if errors.Is(err, c) {
			return true
		}
	}
	return false
}

func mustEncode(t *testing.T, d map[string]any) string {
	t.Helper()
	b, err := EncodeDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
