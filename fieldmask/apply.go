package fieldmask

import (
	"fmt"
	"maps"
	"reflect"
)

// Apply updates doc in place with the fields of patch selected by the update
// mask m (Netflix's mutation semantics, AIP-134/161):
//
//   - a masked field present in patch replaces the stored value (objects and
//     arrays alike; see [MergeObjects] and [AppendArrays]);
//   - a masked field absent from patch, or null in it, is removed;
//   - unmasked patch fields are ignored;
//   - parents are created only when patch supplies a masked child, and a
//     stored parent is kept even when all its masked children are removed;
//   - a path must go through objects (or absent values): through a scalar
//     or an array it fails with ErrTypeMismatch; wildcards other than the
//     single "*" are not allowed (ErrUnsupported);
//   - "*" replaces the whole document; the empty mask follows the
//     [EmptyMaskPolicy] (default [Reject]).
//
// patch is never modified and nothing of it is aliased into doc. Apply is
// atomic: on error doc is unchanged. With replace semantics applying the
// same update twice gives the same result as once.
func Apply(doc, patch map[string]any, m Mask, opts ...Option) error {
	o := collect(opts)
	if doc == nil {
		return fmt.Errorf("fieldmask: Apply needs a non-nil document: %w", ErrUnsupported)
	}
	if m.IsEmpty() {
		switch o.empty {
		case NoOp:
			return nil
		case FullReplace:
			m = All
		case ImpliedFromPayload:
			im, err := FromPayload(patch)
			if err != nil {
				return err
			}
			if im.IsEmpty() {
				return nil
			}
			m = im
		default:
			return &PathError{Path: "", Msg: "empty update mask (use \"*\" to replace everything, or choose an EmptyMaskPolicy)", Err: ErrEmptyMask}
		}
	}
	if o.schema != nil {
		if err := Validate(m, o.schema, Update); err != nil {
			return err
		}
	} else {
		for _, p := range m.paths {
			if !m.IsAll() && p.hasWildcard() {
				return newPathError(p.String(), ErrUnsupported, "wildcards are not allowed in update masks")
			}
		}
	}
	patch, err := keepOutputOnly(patch, doc, o.outputOnly)
	if err != nil {
		return err
	}
	var result map[string]any
	if m.IsAll() {
		result, err = cloneMap(patch)
	} else {
		root, _ := compile(m, false)
		a := applier{merge: o.merge, appendArrays: o.appendArrays}
		result, err = a.object(doc, patch, root, nil)
	}
	if err != nil {
		return err
	}
	for _, p := range o.immutable.paths {
		if p.hasWildcard() {
			return newPathError(p.String(), ErrUnsupported, "wildcards are not allowed in immutable masks")
		}
		before, had := lookup(doc, p)
		after, has := lookup(result, p)
		if had != has || !reflect.DeepEqual(before, after) {
			return newPathError(p.String(), ErrImmutable, "the field is immutable and the update changes it")
		}
	}
	clear(doc)
	maps.Copy(doc, result)
	return nil
}

type applier struct {
	merge, appendArrays bool
}

// object returns a copy of t updated from p under the mask node n. t and p
// are not modified; untouched values of t are shared with the result.
func (a *applier) object(t, p map[string]any, n *node, at path) (map[string]any, error) {
	out := maps.Clone(t)
	if out == nil {
		out = make(map[string]any, len(n.children))
	}
	for _, k := range n.keys {
		c := n.children[k]
		here := append(at, k)
		pv := p[k]
		tv := out[k]
		if c.leaf {
			if pv == nil {
				delete(out, k)
				continue
			}
			var nv any
			var err error
			if tm, ok := tv.(map[string]any); ok && a.merge && tm != nil {
				if pm, ok := pv.(map[string]any); ok {
					nv, err = mergeObjects(tm, pm, a.appendArrays)
				} else {
					nv, err = replaceValue(tv, pv, a.appendArrays)
				}
			} else {
				nv, err = replaceValue(tv, pv, a.appendArrays)
			}
			if err != nil {
				return nil, err
			}
			out[k] = nv
			continue
		}
		var pm map[string]any
		if pv != nil {
			var ok bool
			if pm, ok = pv.(map[string]any); !ok {
				return nil, newPathError(c.below(here), ErrTypeMismatch, "the patch has %s at %q, not an object", kindOf(pv), here.String())
			}
		}
		var tm map[string]any
		if tv != nil {
			var ok bool
			if tm, ok = tv.(map[string]any); !ok {
				return nil, newPathError(c.below(here), ErrTypeMismatch, "the document has %s at %q, not an object", kindOf(tv), here.String())
			}
		}
		if pm == nil && tm == nil {
			continue // nothing to set, nothing to remove: no empty parent
		}
		nm, err := a.object(tm, pm, c, here)
		if err != nil {
			return nil, err
		}
		if tm == nil && len(nm) == 0 {
			continue // the patch supplied the parent but no masked child
		}
		out[k] = nm
	}
	return out, nil
}

// keepOutputOnly returns patch with the output-only fields set to their
// stored values (or removed when doc lacks them), so that an update keeps
// them whatever the mask. patch itself is not modified.
func keepOutputOnly(patch, doc map[string]any, oo Mask) (map[string]any, error) {
	if oo.IsEmpty() {
		return patch, nil
	}
	out := maps.Clone(patch)
	if out == nil {
		out = map[string]any{}
	}
	for _, p := range oo.paths {
		if p.hasWildcard() {
			return nil, newPathError(p.String(), ErrUnsupported, "wildcards are not allowed in output-only masks")
		}
		tv, had := lookup(doc, p)
		cur := out
		ok := true
		for _, s := range p[:len(p)-1] {
			switch next := cur[s].(type) {
			case map[string]any:
				next = maps.Clone(next)
				cur[s] = next
				cur = next
			case nil:
				if !had {
					ok = false
					break
				}
				fresh := map[string]any{}
				cur[s] = fresh
				cur = fresh
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		last := p[len(p)-1]
		if had {
			cur[last] = tv
		} else {
			delete(cur, last)
		}
	}
	return out, nil
}

// FromPayload returns the mask implied by a payload (AIP-134): the path of
// every leaf, where a leaf is a scalar, null, an array or an empty object;
// non-empty objects are walked. The result is normalized; an empty payload
// gives the empty mask. Keys that cannot be written in a path (empty, with
// a backtick, invalid UTF-8) are errors.
func FromPayload(patch map[string]any) (Mask, error) {
	type job struct {
		obj    map[string]any
		prefix path
		size   int // length of prefix in path syntax, without quotes
	}
	var paths []path
	stack := []job{{patch, nil, 0}}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for k, v := range j.obj {
			p := append(append(make(path, 0, len(j.prefix)+1), j.prefix...), k)
			if msg := checkKey(k); msg != "" {
				return Mask{}, newPathError(abbrev(p.String()), ErrInvalidPath, "%s", msg)
			}
			if len(p) > MaxDepth {
				return Mask{}, newPathError(abbrev(p.String()), ErrLimit, "more than MaxDepth (%d) segments", MaxDepth)
			}
			size := j.size + len(k) + 1
			if size > MaxPathLength {
				return Mask{}, newPathError(abbrev(p.String()), ErrLimit, "longer than MaxPathLength (%d) bytes", MaxPathLength)
			}
			if m, ok := v.(map[string]any); ok && len(m) > 0 {
				stack = append(stack, job{m, p, size})
				continue
			}
			if len(paths) == MaxPaths {
				return Mask{}, newPathError(abbrev(p.String()), ErrLimit, "more than MaxPaths (%d) paths", MaxPaths)
			}
			paths = append(paths, p)
		}
	}
	return Normalize(Mask{paths: paths}), nil
}
