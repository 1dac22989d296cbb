package ttal

import "strings"

// TTML styles and regions, as far as the reader needs them: which content is
// displayed (tts:display, however it is specified) and which region's timing
// limits it.

// ttmlLayout holds the <style> and <region> elements of a document's head by
// xml:id, and memoizes style lookups.
type ttmlLayout struct {
	styles  map[string]*xnode
	regions map[string]*xnode
	memo    map[styleQuery]styleValue
}

type styleQuery struct {
	n     *xnode
	local string
}

type styleValue struct {
	v       string
	ok      bool
	pending bool // being computed: a style reference cycle
}

// maxStyleChain bounds how deep style references are followed.
const maxStyleChain = 64

// layoutOf collects the styles and regions under root's <head>.
func layoutOf(root *xnode) *ttmlLayout {
	l := &ttmlLayout{styles: map[string]*xnode{}, regions: map[string]*xnode{}, memo: map[styleQuery]styleValue{}}
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, c := range n.elems(nsTT, "") {
			id := c.attrOr(nsXML, "id")
			switch c.name.Local {
			case "style":
				if _, dup := l.styles[id]; id != "" && !dup {
					l.styles[id] = c
				}
				continue
			case "region":
				if _, dup := l.regions[id]; id != "" && !dup {
					l.regions[id] = c
				}
			}
			walk(c)
		}
	}
	if head := root.first(nsTT, "head"); head != nil {
		walk(head)
	}
	return l
}

// style returns the specified value of the non-inherited style property
// tts:<local> of element n (content element, region or style), TTML's
// precedence from highest to lowest: n's own attribute, then (for a region)
// its nested <style> children, the last first, then the styles its style
// attribute references, the last first, each with the styles it references
// in turn (chained referential styling).
func (l *ttmlLayout) style(n *xnode, local string) (string, bool) {
	return l.styleAt(n, local, 0)
}

func (l *ttmlLayout) styleAt(n *xnode, local string, depth int) (string, bool) {
	q := styleQuery{n, local}
	if m, done := l.memo[q]; done {
		return m.v, m.ok && !m.pending
	}
	if v, ok := n.get(nsTTS, local); ok {
		return strings.TrimSpace(v), true
	}
	if depth >= maxStyleChain {
		return "", false
	}
	l.memo[q] = styleValue{pending: true}
	// Highest precedence first: nested styles, then references, each the
	// last first (a later one overrides an earlier one, as in imscJS).
	var from []*xnode
	if n.is(nsTT, "region") {
		nested := n.elems(nsTT, "style")
		for i := len(nested) - 1; i >= 0; i-- {
			from = append(from, nested[i])
		}
	}
	refs := strings.Fields(n.attrOr("", "style"))
	for i := len(refs) - 1; i >= 0; i-- {
		if st := l.styles[refs[i]]; st != nil {
			from = append(from, st)
		}
	}
	res := styleValue{}
	for _, st := range from {
		if res.v, res.ok = l.styleAt(st, local, depth+1); res.ok {
			break
		}
	}
	l.memo[q] = res
	return res.v, res.ok
}

// associated reports whether the content of element n is flowed into a
// region, by TTML's region association as ttconv applies it: n or an
// ancestor names a region of the document in its region attribute (a name
// no region has is ignored), or the document declares no region and its
// default region takes everything. Content that no region takes is
// presented nowhere.
func (l *ttmlLayout) associated(n *xnode) bool {
	for m := n; m != nil; m = m.parent {
		if id, ok := m.get("", "region"); ok && l.regions[id] != nil {
			return true
		}
	}
	return len(l.regions) == 0
}

// regionOf returns the region n's content is flowed into: the one named by
// the region attribute of n or of its nearest ancestor that has one (nil
// when none names a region of the document).
func (l *ttmlLayout) regionOf(n *xnode) *xnode {
	if id, ok := n.inherited("", "region"); ok {
		return l.regions[id]
	}
	return nil
}
