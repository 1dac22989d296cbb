package ttal

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ttmlTiming holds the timing parameters of a TTML document (ttp:frameRate,
// ttp:frameRateMultiplier, ttp:subFrameRate, ttp:tickRate).
type ttmlTiming struct {
	frameRate    *big.Rat // effective frames per second
	nominal      int64    // ttp:frameRate as written (30 when absent)
	hasFrameRate bool
	subFrameRate int64
	tickRate     *big.Rat
}

// Limits on TTML timing values.
const maxTTMLSeconds = 1 << 62 // beyond what any frame number we write can need

// ttmlTimingOf reads the timing parameters from the root element.
func ttmlTimingOf(root *xnode) (*ttmlTiming, error) {
	t := &ttmlTiming{nominal: 30, subFrameRate: 1}
	if v, ok := root.get(nsTTP, "frameRate"); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 || n > MaxFrameRateNum {
			return nil, root.errAt("ttp:frameRate %q is not a positive integer", v)
		}
		t.nominal, t.hasFrameRate = n, true
	}
	t.frameRate = new(big.Rat).SetInt64(t.nominal)
	if v, ok := root.get(nsTTP, "frameRateMultiplier"); ok {
		f := strings.Fields(v)
		var n, d int64
		var err1, err2 error
		if len(f) == 2 {
			n, err1 = strconv.ParseInt(f[0], 10, 64)
			d, err2 = strconv.ParseInt(f[1], 10, 64)
		}
		if len(f) != 2 || err1 != nil || err2 != nil || n <= 0 || d <= 0 || n > MaxFrameRateNum || d > MaxFrameRateNum {
			return nil, root.errAt("ttp:frameRateMultiplier %q is not two positive integers", v)
		}
		t.frameRate.Mul(t.frameRate, big.NewRat(n, d))
	}
	if v, ok := root.get(nsTTP, "subFrameRate"); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 || n > MaxFrameRateNum {
			return nil, root.errAt("ttp:subFrameRate %q is not a positive integer", v)
		}
		t.subFrameRate = n
	}
	switch v, ok := root.get(nsTTP, "tickRate"); {
	case ok:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 || n > 1<<40 {
			return nil, root.errAt("ttp:tickRate %q is not a positive integer", v)
		}
		t.tickRate = new(big.Rat).SetInt64(n)
	case t.hasFrameRate:
		t.tickRate = new(big.Rat).Mul(t.frameRate, new(big.Rat).SetInt64(t.subFrameRate))
	default:
		t.tickRate = new(big.Rat).SetInt64(1)
	}
	return t, nil
}

// rate returns the document's effective frame rate.
func (t *ttmlTiming) rate() FrameRate {
	return FrameRate{t.frameRate.Num().Int64(), t.frameRate.Denom().Int64()}
}

// parse reads a TTML time expression (clock time or offset time) as exact
// seconds.
func (t *ttmlTiming) parse(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	bad := func() (*big.Rat, error) { return nil, fmt.Errorf("%q is not a TTML time expression", s) }
	if s == "" || len(s) > 64 {
		return bad()
	}
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		if len(parts) != 3 && len(parts) != 4 {
			return bad()
		}
		h, err1 := digits(parts[0], 2, 9)
		m, err2 := digits(parts[1], 2, 2)
		if err1 != nil || err2 != nil || m > 59 {
			return bad()
		}
		r := new(big.Rat).SetInt64(h*3600 + m*60)
		if len(parts) == 3 { // seconds with optional fraction
			sec, ok := new(big.Rat).SetString(parts[2])
			if !ok || len(parts[2]) < 2 || parts[2][0] < '0' || parts[2][0] > '9' || parts[2][1] < '0' || parts[2][1] > '9' ||
				strings.ContainsAny(parts[2], "eE/+-") || sec.Cmp(big.NewRat(61, 1)) >= 0 {
				return bad()
			}
			return t.bounded(s, r.Add(r, sec))
		}
		sec, err := digits(parts[2], 2, 2)
		if err != nil || sec > 60 {
			return bad()
		}
		r.Add(r, new(big.Rat).SetInt64(sec))
		fr, sub, _ := strings.Cut(parts[3], ".")
		f, err := digits(fr, 2, 9)
		if err != nil {
			return bad()
		}
		frames := new(big.Rat).SetInt64(f)
		if sub != "" {
			sf, err := digits(sub, 1, 9)
			if err != nil {
				return bad()
			}
			frames.Add(frames, big.NewRat(sf, t.subFrameRate))
		}
		return t.bounded(s, r.Add(r, frames.Quo(frames, t.frameRate)))
	}
	// offset time: count[.fraction] metric
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, metric := s[:i], s[i:]
	if num == "" || num[0] == '.' || strings.HasSuffix(num, ".") || strings.Count(num, ".") > 1 {
		return bad()
	}
	v, ok := new(big.Rat).SetString(num)
	if !ok {
		return bad()
	}
	switch metric {
	case "h":
		v.Mul(v, big.NewRat(3600, 1))
	case "m":
		v.Mul(v, big.NewRat(60, 1))
	case "s":
	case "ms":
		v.Quo(v, big.NewRat(1000, 1))
	case "f":
		v.Quo(v, t.frameRate)
	case "t":
		v.Quo(v, t.tickRate)
	default:
		return bad()
	}
	return t.bounded(s, v)
}

// bounded returns v, or an error when it exceeds maxTTMLSeconds.
func (t *ttmlTiming) bounded(s string, v *big.Rat) (*big.Rat, error) {
	if v.Cmp(big.NewRat(maxTTMLSeconds, 1)) > 0 {
		return nil, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}

// digits parses a run of min..max decimal digits.
func digits(s string, min, max int) (int64, error) {
	if len(s) < min || len(s) > max {
		return 0, fmt.Errorf("bad digits")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad digits")
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// interval is a time interval in seconds; a nil begin never comes and a
// nil end is indefinite.
type interval struct{ begin, end *big.Rat }

// contains reports whether t lies in [begin, end).
func (iv interval) contains(t *big.Rat) bool {
	return iv.begin != nil && iv.begin.Cmp(t) <= 0 && (iv.end == nil || t.Cmp(iv.end) < 0)
}

// ttmlTimes holds the resolved timing of a body: raw intervals as TTML's
// time containment gives them, and active intervals clipped by ancestors and
// by the regions their content is flowed into; active also holds the
// intervals of the regions and of their <set> children, and regions maps a
// region's xml:id to its interval.
type ttmlTimes struct {
	raw, active map[*xnode]interval
	regions     map[string]interval
	lastTime    *big.Rat // cached by last
	lastDone    bool
}

// contents returns the children of n that take part in time containment:
// text nodes of p and span are anonymous spans; a span with only text is a
// leaf (nil).
func contents(n *xnode) []*xnode {
	var out []*xnode
	hasElem := false
	for _, c := range n.children {
		if c.isText() {
			continue
		}
		if c.name.Space == nsTT {
			switch c.name.Local {
			case "div", "p", "span", "br", "set":
				hasElem = true
			}
		}
	}
	switch {
	case n.isText() || n.is(nsTT, "br") || n.is(nsTT, "set"):
		return nil
	case n.is(nsTT, "span") && !hasElem:
		return nil
	}
	anon := n.is(nsTT, "p") || n.is(nsTT, "span")
	for _, c := range n.children {
		if c.isText() {
			if anon {
				out = append(out, c)
			}
			continue
		}
		if c.name.Space != nsTT {
			continue
		}
		switch c.name.Local {
		case "div", "p", "span", "br", "set":
			out = append(out, c)
		}
	}
	return out
}

// resolveTimes computes the raw and active intervals of body and every
// timed element and anonymous span under it, following TTML's par/seq time
// containment the way the W3C's imscJS does, and those of the regions (by
// xml:id) and their <set> children. An element flowed into a region is
// active only while the region is (TTML2 §11.3.1.3, imscJS prunes content
// of an inactive region); a region whose timing cannot be read limits
// nothing, as [ttmlTiming.significantTimes] has it change nothing.
func (t *ttmlTiming) resolveTimes(body *xnode, regions map[string]*xnode) (*ttmlTimes, error) {
	tt := &ttmlTimes{raw: map[*xnode]interval{}, active: map[*xnode]interval{}, regions: map[string]interval{}}
	if _, err := t.resolve(body, new(big.Rat), false, tt.raw); err != nil {
		return nil, err
	}
	for id, reg := range regions {
		iv, err := t.regionInterval(reg)
		if err != nil {
			continue
		}
		tt.regions[id], tt.active[reg] = iv, iv
		for _, set := range reg.elems(nsTT, "set") {
			raw := map[*xnode]interval{}
			if _, err := t.resolve(set, iv.begin, false, raw); err != nil {
				continue
			}
			if a, ok := raw[set].clip(iv); ok {
				tt.active[set] = a
			}
		}
	}
	tt.activate(body, interval{new(big.Rat), nil})
	return tt, nil
}

// regionInterval returns a region's interval: its begin, end and dur count
// from the document's begin; without an end or dur a region stays active to
// the end of the document (its <set> children do not end it).
func (t *ttmlTiming) regionInterval(reg *xnode) (interval, error) {
	eb, ee, ed, err := t.explicitTimes(reg)
	if err != nil {
		return interval{}, err
	}
	begin := new(big.Rat)
	if eb != nil {
		begin.Set(eb)
	}
	return interval{begin, explicitEnd(begin, new(big.Rat), ee, ed, nil)}, nil
}

// clip returns iv limited to within, and whether anything is left.
func (iv interval) clip(within interval) (interval, bool) {
	if iv.begin == nil || within.begin == nil {
		return interval{}, false
	}
	b := iv.begin
	if within.begin.Cmp(b) > 0 {
		b = within.begin
	}
	e := minRat(iv.end, within.end)
	if e != nil && e.Cmp(b) <= 0 {
		return interval{}, false
	}
	return interval{b, e}, true
}

// explicitTimes parses n's begin, end and dur attributes (nil when absent).
func (t *ttmlTiming) explicitTimes(n *xnode) (eb, ee, ed *big.Rat, err error) {
	if n.isText() {
		return nil, nil, nil, nil
	}
	for _, a := range []struct {
		name string
		dst  **big.Rat
	}{{"begin", &eb}, {"end", &ee}, {"dur", &ed}} {
		if v, ok := n.get("", a.name); ok {
			r, err := t.parse(v)
			if err != nil {
				return nil, nil, nil, n.errAt("%s: %v", a.name, err)
			}
			*a.dst = r
		}
	}
	return eb, ee, ed, nil
}

// explicitEnd returns the end of an element that begins at begin: the
// earlier of begin+dur and implicitBegin+end when it has them, else
// implicitEnd.
func explicitEnd(begin, implicitBegin, ee, ed, implicitEnd *big.Rat) *big.Rat {
	switch {
	case ed != nil && ee != nil:
		return minRat(new(big.Rat).Add(begin, ed), new(big.Rat).Add(implicitBegin, ee))
	case ed != nil:
		return new(big.Rat).Add(begin, ed)
	case ee != nil:
		return new(big.Rat).Add(implicitBegin, ee)
	}
	return implicitEnd
}

// resolve computes n's raw interval from its implicit begin (the parent's
// begin, or in a seq the previous sibling's end) and returns its end.
func (t *ttmlTiming) resolve(n *xnode, implicitBegin *big.Rat, inSeq bool, raw map[*xnode]interval) (*big.Rat, error) {
	eb, ee, ed, err := t.explicitTimes(n)
	if err != nil {
		return nil, err
	}
	var begin *big.Rat
	if implicitBegin != nil {
		begin = new(big.Rat).Set(implicitBegin)
		if eb != nil {
			begin.Add(begin, eb)
		}
	}
	kids := contents(n)
	seq := !n.isText() && n.attrOr("", "timeContainer") == "seq"
	var implicitEnd *big.Rat
	switch {
	case kids == nil && inSeq:
		implicitEnd = begin
	case kids == nil:
		implicitEnd = nil // indefinite
	default:
		implicitEnd = begin
		prev := begin
		for _, c := range kids {
			cb := begin
			if seq {
				cb = prev
			}
			ce, err := t.resolve(c, cb, seq, raw)
			if err != nil {
				return nil, err
			}
			if seq {
				implicitEnd = ce
			} else {
				implicitEnd = maxRat(implicitEnd, ce)
			}
			prev = ce
		}
	}
	var end *big.Rat
	if begin != nil {
		end = explicitEnd(begin, implicitBegin, ee, ed, implicitEnd)
	}
	raw[n] = interval{begin, end}
	return end, nil
}

// activate clips n's raw interval by its parent's active one and by the
// interval of the region its region attribute names, recursively.
func (tt *ttmlTimes) activate(n *xnode, parent interval) {
	a, ok := tt.raw[n].clip(parent)
	if !ok {
		return // never active
	}
	if !n.isText() {
		if reg, named := tt.regions[n.attrOr("", "region")]; named {
			if a, ok = a.clip(reg); !ok {
				return
			}
		}
	}
	tt.active[n] = a
	for _, c := range contents(n) {
		tt.activate(c, a)
	}
}

// last returns the latest definite time of the document (nil if none).
func (tt *ttmlTimes) last() *big.Rat {
	if tt.lastDone {
		return tt.lastTime
	}
	tt.lastDone = true
	var m *big.Rat
	for _, iv := range tt.raw {
		for _, v := range []*big.Rat{iv.begin, iv.end} {
			if v != nil && (m == nil || v.Cmp(m) > 0) {
				m = v
			}
		}
	}
	tt.lastTime = m
	return m
}

// maxRat returns the larger of a and b; nil is +∞.
func maxRat(a, b *big.Rat) *big.Rat {
	if a == nil || b == nil {
		return nil
	}
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// minRat returns the smaller of a and b; nil is +∞.
func minRat(a, b *big.Rat) *big.Rat {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.Cmp(b) <= 0:
		return a
	}
	return b
}

// frameAt maps a media time to the first frame whose presentation time is at
// or after it (DAPT's mapping), exactly.
func frameAt(sec *big.Rat, r FrameRate) int64 {
	x := new(big.Rat).Mul(sec, big.NewRat(r.Num, r.Den))
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > MaxFrame {
		return MaxFrame
	}
	return q.Int64()
}
