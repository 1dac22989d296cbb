package ttal

import (
	"math/big"
	"slices"
	"sort"
)

// Intermediate synchronic documents (ISDs). A TTML presentation is cut at
// every significant time of the document (TTML2 §11.3.1.3); each interval
// between consecutive significant times is one ISD, and an IMSC renderer
// (imscJS, which made the imsc-tests reference images) renders one image per
// ISD. Converting to cues the standard way gives one cue per ISD interval in
// which a paragraph shows text, so the plain-TTML reader splits its events at
// the significant times that fall inside them — unless every significant time
// is already a begin or end of a paragraph or of its content, which is what
// documents written by this package look like (see [ttmlReader.isdCuts]).

// significantTimes returns the times at which a TTML document's presentation
// can change: 0 and the begin and definite end of every timed element of the
// body (bodyRaw: raw intervals, before ancestors clip them), of every region
// and of every <set> under a region; sorted, without duplicates.
func (t *ttmlTiming) significantTimes(root *xnode, bodyRaw map[*xnode]interval) []*big.Rat {
	regionRaw := map[*xnode]interval{}
	var regions func(n *xnode)
	regions = func(n *xnode) {
		for _, c := range n.elems(nsTT, "") {
			if c.name.Local == "region" {
				if _, err := t.resolve(c, new(big.Rat), false, regionRaw); err != nil {
					return // an untimeable region changes nothing
				}
				continue
			}
			regions(c)
		}
	}
	if head := root.first(nsTT, "head"); head != nil {
		regions(head)
	}
	seen := map[string]bool{"0": true}
	out := []*big.Rat{new(big.Rat)}
	for _, raw := range []map[*xnode]interval{bodyRaw, regionRaw} {
		for _, iv := range raw {
			for _, v := range []*big.Rat{iv.begin, iv.end} {
				if v != nil && !seen[v.RatString()] {
					seen[v.RatString()] = true
					out = append(out, v)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Cmp(out[j]) < 0 })
	return out
}

// ttmlSignificantTimes returns [ttmlTiming.significantTimes] of a TTML
// document (what imscJS renders reference images at); none for a document
// without a body, which presents nothing.
func ttmlSignificantTimes(data []byte) ([]*big.Rat, error) {
	doc, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	t, err := ttmlTimingOf(doc.root)
	if err != nil {
		return nil, err
	}
	raw := map[*xnode]interval{}
	body := doc.root.first(nsTT, "body")
	if body == nil {
		return nil, nil // nothing is presented: no ISD at all
	}
	if _, err := t.resolve(body, new(big.Rat), false, raw); err != nil {
		return nil, err
	}
	return t.significantTimes(doc.root, raw), nil
}

// isdCuts returns the frames of the significant times at which the reader
// splits the events of a plain TTML document, or nil when every significant
// time is 0 or the begin or end of a <p> or of something in one, as active
// (clipped by ancestors and regions: a begin or end that clipping hides, like
// the begin of a paragraph whose region is not active yet, cuts nothing but
// is still an ISD boundary): then each paragraph's own changes already cut
// it where the ISDs change, events stay whole, and a document written by this
// package (timed <p>s in untimed <div>s) reads back as the script it was
// written from.
func (r *ttmlReader) isdCuts(body *xnode) []int64 {
	own := map[string]bool{"0": true}
	var walk func(n *xnode, inP bool)
	walk = func(n *xnode, inP bool) {
		inP = inP || n.is(nsTT, "p")
		if iv, ok := r.times.active[n]; ok && inP {
			for _, v := range []*big.Rat{iv.begin, iv.end} {
				if v != nil {
					own[v.RatString()] = true
				}
			}
		}
		for _, c := range contents(n) {
			walk(c, inP)
		}
	}
	walk(body, false)
	sig := r.timing.significantTimes(r.doc.root, r.times.raw)
	split := false
	for _, v := range sig {
		split = split || !own[v.RatString()]
	}
	if !split {
		return nil
	}
	out := make([]int64, 0, len(sig))
	for _, v := range sig {
		if f := frameAt(v, r.rate); len(out) == 0 || f != out[len(out)-1] {
			out = append(out, f)
		}
	}
	return out
}

// pieces splits the frames [start, end) at the ISD cuts strictly inside it.
func (r *ttmlReader) pieces(start, end int64) [][2]int64 {
	i, _ := slices.BinarySearch(r.cuts, start+1)
	var out [][2]int64
	for ; i < len(r.cuts) && r.cuts[i] < end; i++ {
		out = append(out, [2]int64{start, r.cuts[i]})
		start = r.cuts[i]
	}
	return append(out, [2]int64{start, end})
}

// splitGroups splits the events that ttal:event groups made (indexes in
// r.grouped) at the ISD cuts; later pieces get ids "<id>-2", "<id>-3"…
// (made unique) and keep the anchors that fall inside them.
func (r *ttmlReader) splitGroups() error {
	if r.cuts == nil || len(r.grouped) == 0 {
		return nil
	}
	grouped := map[int]bool{}
	for _, i := range r.grouped {
		grouped[i] = true
	}
	events := r.s.Events
	out := make([]Event, 0, len(events))
	for i := range events {
		e := &events[i]
		if !grouped[i] {
			out = append(out, *e)
			continue
		}
		ps := r.pieces(e.Start, e.End)
		if len(out)+len(ps) > r.maxEvents {
			return r.doc.root.errAt("more than %d events: the document's timing splits it too finely", r.maxEvents)
		}
		for k, pc := range ps {
			piece := *e
			piece.Start, piece.End = pc[0], pc[1]
			if k > 0 {
				piece.ID = r.uniqueID(e.ID)
				r.ids[piece.ID] = -1
				piece.CharacterIDs = slices.Clone(e.CharacterIDs)
			}
			piece.Texts = make([]Text, len(e.Texts))
			for j, t := range e.Texts {
				t.Anchors = slices.DeleteFunc(slices.Clone(t.Anchors), func(a Anchor) bool {
					return a.Frame < piece.Start || a.Frame >= piece.End
				})
				piece.Texts[j] = t
			}
			out = append(out, piece)
		}
	}
	r.s.Events = out
	return nil
}
