package fieldmask

import "sort"

// node is a trie of path segments. A leaf node stands for its whole subtree
// (a parent path absorbs its children).
type node struct {
	children map[string]*node
	leaf     bool
	keys     []string // sorted keys of children, filled by compile
	elem     *node    // read masks: the node for array elements when a child is "*"
}

func newTrie(paths []path) *node {
	root := &node{}
	for _, p := range paths {
		root.insert(p)
	}
	return root
}

// insert adds p; it is a no-op when a prefix of p is already a leaf, and it
// drops the children of the node p ends at.
func (n *node) insert(p path) {
	cur := n
	for _, s := range p {
		if cur.leaf {
			return
		}
		c := cur.children[s]
		if c == nil {
			if cur.children == nil {
				cur.children = make(map[string]*node)
			}
			c = &node{}
			cur.children[s] = c
		}
		cur = c
	}
	cur.leaf = true
	cur.children = nil
}

// paths returns the leaves of the trie in canonical order. Recursion is
// bounded by the path depth (at most MaxDepth for parsed masks).
func (n *node) paths() []path {
	var out []path
	var walk func(n *node, prefix path)
	walk = func(n *node, prefix path) {
		if n.leaf {
			out = append(out, append(path(nil), prefix...))
			return
		}
		for _, k := range sortedKeys(n.children) {
			walk(n.children[k], append(prefix, k))
		}
	}
	walk(n, nil)
	return out
}

func sortedKeys(m map[string]*node) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return segLess(keys[i], keys[j]) })
	return keys
}

// segLess orders segments byte-wise as written ("*" for the wildcard, which
// comes before a quoted literal "*").
func segLess(a, b string) bool {
	ka, kb := a, b
	if a == wildcard {
		ka = "*"
	}
	if b == wildcard {
		kb = "*"
	}
	if ka != kb {
		return ka < kb
	}
	return a == wildcard && b != wildcard
}

// Normalize returns the canonical form of m: paths sorted segment by segment
// in byte order, duplicates removed, and every path covered by a shorter one
// dropped ("a,a.b" becomes "a"). m itself is not modified. Unlike
// google.golang.org/protobuf's fieldmaskpb.Normalize, bytes below '.' sort
// first, as in protobuf-java ("x-a" before "xa").
func Normalize(m Mask) Mask {
	if m.IsAll() || len(m.paths) == 0 {
		return m
	}
	return Mask{paths: newTrie(m.paths).paths()}
}

// Union returns the normalized union of the masks. The union with [All] is
// All; the empty mask is the empty set here.
func Union(masks ...Mask) Mask {
	var all []path
	for _, m := range masks {
		if m.IsAll() {
			return All
		}
		all = append(all, m.paths...)
	}
	if len(all) == 0 {
		return Mask{}
	}
	return Mask{paths: newTrie(all).paths()}
}

// Intersect returns the normalized intersection of a and b: Intersect("a",
// "a.b") is "a.b". The empty mask is the empty set, so Intersect(empty, x)
// is empty; "everything" is [All], and Intersect(All, x) is x.
func Intersect(a, b Mask) Mask {
	switch {
	case a.IsAll():
		return Normalize(b)
	case b.IsAll():
		return Normalize(a)
	}
	ta := newTrie(a.paths)
	out := &node{}
	for _, p := range b.paths {
		cur := ta
		covered := false
		for _, s := range p {
			cur = cur.children[s]
			if cur == nil {
				break
			}
			if cur.leaf {
				covered = true
				break
			}
		}
		switch {
		case covered:
			out.insert(p)
		case cur != nil: // p ends at an inner node of a: keep a's leaves below it
			for _, q := range cur.paths() {
				out.insert(append(append(path(nil), p...), q...))
			}
		}
	}
	return Mask{paths: out.paths()}
}

// Subtract returns a without the paths of the others, normalized. It is
// schema-blind like protobuf-java's FieldMaskUtil.subtract: Subtract("a",
// "a.b") is "a", because the other fields of a are not known. Subtracting
// [All] gives the empty mask; subtracting anything else from All gives All.
func Subtract(a Mask, others ...Mask) Mask {
	for _, o := range others {
		if o.IsAll() {
			return Mask{}
		}
	}
	if a.IsAll() || len(a.paths) == 0 {
		return a
	}
	t := newTrie(a.paths)
	type step struct {
		parent *node
		key    string
	}
	for _, o := range others {
		for _, p := range o.paths {
			var trail []step
			cur := t
			for _, s := range p {
				if cur.leaf {
					break // a shorter path of a covers p: kept (schema-blind)
				}
				c := cur.children[s]
				if c == nil {
					break
				}
				trail = append(trail, step{cur, s})
				cur = c
			}
			if len(trail) != len(p) {
				continue
			}
			for i := len(trail) - 1; i >= 0; i-- {
				st := trail[i]
				delete(st.parent.children, st.key)
				if len(st.parent.children) > 0 || st.parent.leaf || i == 0 {
					break
				}
			}
		}
	}
	return Mask{paths: t.paths()}
}
