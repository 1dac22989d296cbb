package fieldmask

import (
	"math/rand"
	"sync"
	"testing"
)

// Hand-rolled generators with a fixed seed: small alphabets make paths and
// documents collide often, which is where the interesting cases are.

var propKeys = []string{"a", "b", "c", "x.y"}

func randPath(r *rand.Rand) path {
	p := make(path, 1+r.Intn(3))
	for i := range p {
		p[i] = propKeys[r.Intn(len(propKeys))]
	}
	return p
}

func randMask(r *rand.Rand) Mask {
	m := Mask{paths: make([]path, 1+r.Intn(3))}
	for i := range m.paths {
		m.paths[i] = randPath(r)
	}
	return m
}

func randValue(r *rand.Rand, depth int) any {
	switch n := r.Intn(10); {
	case n < 4 && depth < 4:
		return randObject(r, depth+1)
	case n < 5:
		return nil
	case n < 6:
		return []any{float64(r.Intn(3)), "s"}
	case n < 8:
		return float64(r.Intn(5))
	default:
		return string(rune('p' + r.Intn(3)))
	}
}

func randObject(r *rand.Rand, depth int) map[string]any {
	o := map[string]any{}
	for range r.Intn(4) {
		o[propKeys[r.Intn(len(propKeys))]] = randValue(r, depth)
	}
	return o
}

const propRuns = 3000

func TestPropertyNormalizeIdempotent(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range propRuns {
		m := randMask(r)
		n := Normalize(m)
		if Normalize(n).String() != n.String() {
			t.Fatalf("Normalize(%q) = %q, again %q", m, n, Normalize(n))
		}
		if got, err := Parse(n.String()); err != nil || got.String() != n.String() {
			t.Fatalf("String/Parse round trip of %q: %v", n, err)
		}
	}
}

func TestPropertyAlgebraCommutesAndAgreesWithFilter(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for range propRuns {
		a, b := randMask(r), randMask(r)
		if Union(a, b).String() != Union(b, a).String() {
			t.Fatalf("Union(%q,%q) not commutative", a, b)
		}
		in := Intersect(a, b)
		if in.String() != Intersect(b, a).String() {
			t.Fatalf("Intersect(%q,%q) = %q, reversed %q", a, b, in, Intersect(b, a))
		}
		doc := randObject(r, 0)
		fu := mustFilter(t, doc, Union(a, b))
		for _, x := range []Mask{a, b} {
			// Filter(Union(a,b)) covers Filter(x): filtering it again by x
			// gives Filter(x).
			if g, w := encode(t, mustFilter(t, fu, x)), encode(t, mustFilter(t, doc, x)); g != w {
				t.Fatalf("Filter(Union(%q,%q)) does not cover Filter(%q): %s vs %s (doc %s)", a, b, x, g, w, encode(t, doc))
			}
			// Filter(x) covers Filter(Intersect(a,b)).
			if !in.IsEmpty() {
				fx := mustFilter(t, doc, x)
				if g, w := encode(t, mustFilter(t, fx, in)), encode(t, mustFilter(t, doc, in)); g != w {
					t.Fatalf("Filter(%q) does not cover Filter(Intersect) %q: %s vs %s", x, in, g, w)
				}
			}
		}
	}
}

func TestPropertyApply(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	applied := 0
	for range propRuns {
		m := randMask(r)
		doc, patch := randObject(r, 0), randObject(r, 0)
		if err := Apply(doc, patch, m); err != nil {
			continue // type conflicts between the random shapes
		}
		applied++
		once := encode(t, doc)
		if err := Apply(doc, patch, m); err != nil || encode(t, doc) != once {
			t.Fatalf("Apply(%q, %s) twice: %v, %s != %s", m, encode(t, patch), err, encode(t, doc), once)
		}
		// Read-write consistency (AIP-161), up to the documented policies:
		// null counts as absent on update (D3) and parents' presence is not
		// under the mask (D6, D8), so both sides drop nulls and empty objects.
		got := prune(mustFilter(t, doc, m))
		want := prune(mustFilter(t, patch, m))
		if encode(t, got) != encode(t, want) {
			t.Fatalf("Filter(Apply(%q, %s)) = %s, want %s", m, encode(t, patch), encode(t, got), encode(t, want))
		}
	}
	if applied < propRuns/3 {
		t.Fatalf("only %d of %d random updates applied", applied, propRuns)
	}
}

func mustFilter(t *testing.T, doc map[string]any, m Mask) map[string]any {
	t.Helper()
	f, err := Filter(doc, m)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// prune removes nulls and (then) empty objects, recursively.
func prune(o map[string]any) map[string]any {
	for k, v := range o {
		switch x := v.(type) {
		case nil:
			delete(o, k)
		case map[string]any:
			if len(prune(x)) == 0 {
				delete(o, k)
			}
		}
	}
	return o
}

// TestConcurrentUse runs reads of one document and validations against the
// shared TTAL schema from several goroutines (meaningful with -race).
func TestConcurrentUse(t *testing.T) {
	doc := mustDoc(string(ttalDocument(50, "x")))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range []Mask{TTALTiming, TTALTexts, TTALCharacters, All, MustParse("events.*.texts.*.text")} {
				if _, err := Filter(doc, m, Strict(), WithSchema(TTALSchema())); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
