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
	f := filterer{strict: o.strict}
	return f.object(doc, root, nil)
}

type filterer struct {
	strict bool
}

func (f *filterer) object(obj map[string]any, n *node, at path) (map[string]any, error) {
	out := make(map[string]any, min(len(n.children), len(obj)))
	visit := func(k string, v any, c *node) error {
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
	if w := n.children[wildcard]; w != nil {
		for k, v := range obj {
			c := n.children[k]
			if c == nil {
				c = w
			}
			if err := visit(k, v, c); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, k := range n.keys {
		if v, ok := obj[k]; ok {
			if err := visit(k, v, n.children[k]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
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
		en := n
		if n.elem != nil { // "cues.*.text": the "*" stands for the elements
			en = n.elem
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
		return nil, false, newPathError(at.String()+"."+n.firstKey(), ErrTypeMismatch, "%s is %s, it has no fields", at.String(), kindOf(v))
	}
	return nil, false, nil
}

// compile builds the trie of a mask for Filter (read) or Apply. For reads,
// the subtree of a wildcard is added to its named siblings, so that a key
// matches the union of both.
func compile(m Mask, read bool) (*node, error) {
	root := newTrie(m.paths)
	if read {
		budget := MaxPaths * MaxDepth
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
			*budget -= len(wp)
			if *budget < 0 {
				return newPathError("*", ErrLimit, "wildcard expansion larger than MaxPaths*MaxDepth")
			}
			for _, q := range wp {
				c.insert(q)
			}
		}
	}
	if w := n.children[wildcard]; w != nil && w.leaf {
		n.elem = &node{leaf: true}
	} else if w != nil {
		// Elements of an array under n see n's named children and the
		// children of "*" one level up.
		var ps []path
		for k, c := range n.children {
			if k != wildcard {
				for _, q := range c.paths() {
					ps = append(ps, append(path{k}, q...))
				}
			}
		}
		ps = append(ps, w.paths()...)
		*budget -= len(ps)
		if *budget < 0 {
			return newPathError("*", ErrLimit, "wildcard expansion larger than MaxPaths*MaxDepth")
		}
		n.elem = newTrie(ps)
		if err := spread(n.elem, budget); err != nil {
			return err
		}
	}
	for _, c := range n.children {
		if err := spread(c, budget); err != nil {
			return err
		}
	}
	return nil
}

func sortKeys(n *node) {
	if len(n.children) == 0 {
		return
	}
	n.keys = sortedKeys(n.children)
	for _, c := range n.children {
		sortKeys(c)
	}
	if n.elem != nil {
		sortKeys(n.elem)
	}
}

// firstKey names a child of n for error messages.
func (n *node) firstKey() string {
	if len(n.keys) == 0 {
		return "?"
	}
	return path{n.keys[0]}.String()
}
