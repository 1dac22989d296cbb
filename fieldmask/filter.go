package fieldmask

// Filter returns the parts of doc selected by the read mask m, as a new
// document that shares nothing with doc.
//
// The empty mask and [All] select everything. A masked key absent from doc
// is not invented; a present parent whose masked children are all absent
// becomes {}; a null parent counts as absent, a null leaf is copied. Through
// an array the rest of the path applies to every element, keeping the
// length (elements that are not objects become null). A path that goes
// through a scalar is skipped, or is an error with [Strict].
func Filter(doc map[string]any, m Mask, opts ...Option) (map[string]any, error) {
	o := collect(opts)
	if o.strict && o.schema != nil {
		if err := Validate(m, o.schema, Read); err != nil {
			return nil, err
		}
	}
	if m.IsEmpty() || m.IsAll() {
		return cloneMap(doc)
	}
	root, err := compile(m, true)
	if err != nil {
		return nil, err
	}
	f := filterer{strict: o.strict, budget: wildcardBudget}
	return f.object(doc, root, nil)
}

type filterer struct {
	strict bool
	budget int // what is left of wildcardBudget for elemOf
}

func (f *filterer) object(obj map[string]any, n *node, at path) (map[string]any, error) {
	out := make(map[string]any, min(len(n.children), len(obj)))
	if w := n.children[wildcard]; w != nil {
		for k, v := range obj {
			c := n.children[k]
			if c == nil {
				c = w
			}
			if err := f.member(out, k, v, c, at); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, k := range n.keys {
		if v, ok := obj[k]; ok {
			if err := f.member(out, k, v, n.children[k], at); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// member sets out[k] to the value v of the member k filtered by its mask
// node c, or leaves it out when the path cannot go through v.
func (f *filterer) member(out map[string]any, k string, v any, c *node, at path) error {
	if c.leaf {
		cv, err := clone(v)
		if err != nil {
			return err
		}
		out[k] = cv
		return nil
	}
	cv, keep, err := f.value(v, c, append(at, k), 0)
	if err != nil {
		return err
	}
	if keep {
		out[k] = cv
	}
	return nil
}

// value filters v, the value at the inner mask node n; keep is false when the
// path cannot go through v (null or a scalar).
func (f *filterer) value(v any, n *node, at path, arrays int) (any, bool, error) {
	switch x := v.(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		out, err := f.object(x, n, at)
		return out, err == nil, err
	case []any:
		if arrays >= MaxDepth {
			return nil, false, newPathError(at.String(), ErrLimit, "more than MaxDepth (%d) nested arrays", MaxDepth)
		}
		out := make([]any, len(x))
		en, err := f.elemOf(n)
		if err != nil {
			return nil, false, err
		}
		for i, e := range x {
			if en.leaf {
				cv, err := clone(e)
				if err != nil {
					return nil, false, err
				}
				out[i] = cv
				continue
			}
			cv, keep, err := f.value(e, en, at, arrays+1)
			if err != nil {
				return nil, false, err
			}
			if keep {
				out[i] = cv
			}
		}
		return out, true, nil
	}
	if f.strict {
		return nil, false, newPathError(n.below(at), ErrTypeMismatch, "%s is %s, it has no fields", at.String(), kindOf(v))
	}
	return nil, false, nil
}

// wildcardBudget bounds the work of merging wildcard subtrees into their
// named siblings (counted in path segments copied), so that masks such as
// "a.a.a...,*.*.*..." cannot make a read mask explode.
const wildcardBudget = 8 * MaxPaths

// compile builds the trie of a mask for Filter (read) or Apply. For reads,
// the subtree of a wildcard is added to its named siblings, so that a key
// matches the union of both.
func compile(m Mask, read bool) (*node, error) {
	root := newTrie(m.paths)
	if read {
		budget := wildcardBudget
		if err := spread(root, &budget); err != nil {
			return nil, err
		}
	}
	sortKeys(root)
	return root, nil
}

func spread(n *node, budget *int) error {
	if w := n.children[wildcard]; w != nil && len(n.children) > 1 {
		wp := w.paths()
		for k, c := range n.children {
			if k == wildcard {
				continue
			}
			for _, q := range wp {
				*budget -= len(q)
				if *budget < 0 {
					return newPathError("*", ErrLimit, "wildcard expansion too large")
				}
				c.insert(q)
			}
		}
	}
	for _, c := range n.children {
		if err := spread(c, budget); err != nil {
			return err
		}
	}
	return nil
}

// elemOf returns the node that applies to the elements of an array found at
// n: n itself, or, when n has a "*" child ("cues.*.text"), n's named
// children merged with the children of "*". It is computed on first use,
// so nested wildcards cost only as deep as the document goes.
func (f *filterer) elemOf(n *node) (*node, error) {
	if n.elem != nil {
		return n.elem, nil
	}
	w := n.children[wildcard]
	switch {
	case w == nil:
		return n, nil
	case w.leaf:
		n.elem = &node{leaf: true}
		return n.elem, nil
	}
	var ps []path
	for k, c := range n.children {
		if k != wildcard {
			for _, q := range c.paths() {
				ps = append(ps, append(path{k}, q...))
			}
		}
	}
	ps = append(ps, w.paths()...)
	for _, q := range ps {
		f.budget -= len(q)
	}
	if f.budget < 0 {
		return nil, newPathError("*", ErrLimit, "wildcard expansion too large")
	}
	e := newTrie(ps)
	if err := spread(e, &f.budget); err != nil {
		return nil, err
	}
	sortKeys(e)
	n.elem = e
	return e, nil
}

func sortKeys(n *node) {
	if len(n.children) == 0 {
		return
	}
	n.keys = sortedKeys(n.children)
	for _, c := range n.children {
		sortKeys(c)
	}
}

// below names, for error messages, the first mask path that goes through
// the node n reached at at.
func (n *node) below(at path) string {
	ps := n.paths()
	full := append(path(nil), at...)
	if len(ps) > 0 {
		full = append(full, ps[0]...)
	}
	return full.String()
}
