package fieldmask

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// clone deep-copies a JSON-shaped value (map[string]any, []any, scalars,
// json.Number, json.RawMessage) with an explicit stack, so that documents
// nested 10,000 levels deep do not grow the goroutine stack. Containers are
// copied in bulk (maps.Clone, slices.Clone) and then their nested
// containers replaced by copies, which is faster than inserting key by key.
func clone(v any) (any, error) {
	var st cloneStack
	root, err := st.elem(v)
	if err != nil {
		return nil, err
	}
	for len(st.maps) > 0 || len(st.arrays) > 0 {
		if n := len(st.maps); n > 0 {
			c := st.maps[n-1]
			st.maps = st.maps[:n-1]
			for k, e := range c {
				if !isScalar(e) {
					if c[k], err = st.elem(e); err != nil {
						return nil, err
					}
				}
			}
			continue
		}
		c := st.arrays[len(st.arrays)-1]
		st.arrays = st.arrays[:len(st.arrays)-1]
		for i, e := range c {
			if !isScalar(e) {
				if c[i], err = st.elem(e); err != nil {
					return nil, err
				}
			}
		}
	}
	return root, nil
}

// cloneStack holds the copies whose nested containers still alias the
// source.
type cloneStack struct {
	maps   []map[string]any
	arrays [][]any
}

// isScalar reports whether v is a JSON scalar that can be shared as is.
func isScalar(v any) bool {
	switch v.(type) {
	case nil, bool, string, float64, json.Number:
		return true
	}
	return false
}

// elem copies a scalar, or makes a shallow copy of a container and queues
// it for its nested containers.
func (st *cloneStack) elem(e any) (any, error) {
	switch x := e.(type) {
	case map[string]any:
		if x == nil {
			return x, nil
		}
		c := maps.Clone(x)
		st.maps = append(st.maps, c)
		return c, nil
	case []any:
		if x == nil {
			return x, nil
		}
		c := slices.Clone(x)
		st.arrays = append(st.arrays, c)
		return c, nil
	case nil, bool, string, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, json.Number:
		return e, nil
	case json.RawMessage:
		return append(json.RawMessage(nil), x...), nil
	}
	return nil, fmt.Errorf("fieldmask: value of type %T is not JSON-shaped (want map[string]any, []any or a scalar): %w", e, ErrUnsupported)
}

// cloneMap deep-copies a document.
func cloneMap(m map[string]any) (map[string]any, error) {
	if m == nil {
		return map[string]any{}, nil
	}
	c, err := clone(m)
	if err != nil {
		return nil, err
	}
	return c.(map[string]any), nil
}

// mergeJob is one object of a merge still to be done.
type mergeJob struct{ dst, p map[string]any }

// mergeObjects returns a copy of t with p merged in (the MergeObjects
// option): objects are merged key by key, null removes a key, arrays are
// replaced (appended with appendArrays), other values replaced. Neither t
// nor p is modified; the result shares no subtree with p.
func mergeObjects(t, p map[string]any, appendArrays bool) (map[string]any, error) {
	root := maps.Clone(t)
	stack := []mergeJob{{root, p}}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for k, pv := range j.p {
			if pv == nil {
				delete(j.dst, k)
				continue
			}
			if pm, ok := pv.(map[string]any); ok {
				if tm, ok := j.dst[k].(map[string]any); ok && tm != nil {
					nm := maps.Clone(tm)
					j.dst[k] = nm
					stack = append(stack, mergeJob{nm, pm})
					continue
				}
			}
			v, err := replaceValue(j.dst[k], pv, appendArrays)
			if err != nil {
				return nil, err
			}
			j.dst[k] = v
		}
	}
	return root, nil
}

// replaceValue returns the new value of a leaf: a copy of pv, or tv with a
// copy of pv appended when both are arrays and appendArrays is set.
func replaceValue(tv, pv any, appendArrays bool) (any, error) {
	c, err := clone(pv)
	if err != nil {
		return nil, err
	}
	if appendArrays {
		if ta, ok := tv.([]any); ok {
			if ca, ok := c.([]any); ok {
				out := make([]any, 0, len(ta)+len(ca))
				return append(append(out, ta...), ca...), nil
			}
		}
	}
	return c, nil
}

// lookup returns the value at p in doc, following objects only.
func lookup(doc map[string]any, p path) (any, bool) {
	cur := doc
	for i, s := range p {
		v, ok := cur[s]
		if !ok {
			return nil, false
		}
		if i == len(p)-1 {
			return v, true
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m
	}
	return nil, false
}

// kindOf names the JSON kind of a value for error messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.RawMessage:
		return "raw JSON"
	}
	return "a number"
}
