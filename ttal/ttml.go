package ttal

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TTML and DAPT reading. A document with DAPT markers (daptm:scriptType or a
// DAPT content profile) maps script events to <div xml:id> elements without
// div children and texts to their <p> children; any other TTML document maps
// each displayed <p> to an event (grouped by ttal:event when written by this
// package). Times follow TTML's par/seq time containment exactly (rational
// seconds) and map to the first frame at or after them, as DAPT specifies.

const daptProfile = "http://www.w3.org/ns/ttml/profile/dapt1.0/content"

type ttmlReader struct {
	doc    *xmlDoc
	timing *ttmlTiming
	layout *ttmlLayout
	rate   FrameRate
	times  *ttmlTimes
	s      *Script
	ids    map[string]int // event id → index
	// cuts are the frames of the document's significant times when plain
	// TTML events are split per ISD ([ttmlReader.isdCuts]), else nil.
	cuts    []int64
	grouped []int // indexes of the events made from ttal:event groups
	// maxEvents bounds the events of one document by its size
	// ([ttmlMaxEvents]), so that splitting per ISD cannot amplify a small
	// document into a huge script.
	maxEvents int
	loss      Loss                // read-side loss (nil: not counted)
	sets      map[*xnode][]*xnode // cache of displaySets
	static    map[*xnode]bool     // cache of displayed for elements without display sets
	// activeIdx and cutIdx answer activeAt while segments walks the cuts
	// of one paragraph (nil otherwise).
	activeIdx map[*xnode][2]int
	cutIdx    int
	work      int // content visited by segments, bounded by maxTTMLWork
}

// maxTTMLWork bounds the content nodes the reader visits to find the text
// of every stretch of every paragraph (a paragraph of n timed spans that
// change at k distinct frames costs k×n): about a second of work.
const maxTTMLWork = 8 << 20

// activeAt reports whether content node c is active at time at: from the
// index segments built for the cut it is at, or by comparing times.
func (r *ttmlReader) activeAt(c *xnode, at *big.Rat) bool {
	if span, ok := r.activeIdx[c]; ok {
		return span[0] <= r.cutIdx && r.cutIdx < span[1]
	}
	return r.times.active[c].contains(at)
}

// checkFrames refuses an element of body active at a time beyond
// [MaxFrame] at the script's frame rate (frame numbers would be clamped).
func (r *ttmlReader) checkFrames(body *xnode) error {
	var bad error
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, c := range n.children { // the innermost element first
			if !c.isText() && bad == nil {
				walk(c)
			}
		}
		if iv, ok := r.times.active[n]; ok && bad == nil {
			for _, v := range []*big.Rat{iv.begin, iv.end} {
				if v != nil && frameAt(v, r.rate) >= MaxFrame {
					bad = n.errAt("time %s s is beyond frame %d at %s fps", v.FloatString(3), int64(MaxFrame), r.rate)
					return
				}
			}
		}
	}
	walk(body)
	return bad
}

// displaySets returns the <set> children of n that animate tts:display
// (cached: a div may hold thousands of paragraphs, each asking).
func (r *ttmlReader) displaySets(n *xnode) []*xnode {
	if out, ok := r.sets[n]; ok {
		return out
	}
	var out []*xnode
	for _, c := range n.elems(nsTT, "set") {
		if _, ok := c.get(nsTTS, "display"); ok {
			out = append(out, c)
		}
	}
	if r.sets == nil {
		r.sets = map[*xnode][]*xnode{}
	}
	r.sets[n] = out
	return out
}

// ttmlMaxEvents returns the most events a TTML document of size bytes may
// make: 65,536, or one per 16 bytes of a larger document (a timed <p> takes
// 30 or more), never more than [MaxItems]; each event costs about 1 KB.
func ttmlMaxEvents(size int) int {
	return min(MaxItems, max(1<<16, size/16))
}

// OpenEndedDuration is the duration given to an event whose TTML content is
// active indefinitely when the document names no later time (ttconv, the
// reference converter, does the same); the reader reports each such event.
const OpenEndedDuration = 10 // seconds

// openEnd returns the end of an element n whose content is active
// indefinitely: the document's last definite time if it is later than
// every time in n, else n's latest time + OpenEndedDuration (placeholder
// true) — what n shows after its own last change is shown too.
func (r *ttmlReader) openEnd(n *xnode) (end *big.Rat, placeholder bool) {
	latest := r.times.active[n].begin
	var walk func(m *xnode)
	walk = func(m *xnode) {
		for _, c := range contents(m) {
			if iv, ok := r.times.active[c]; ok {
				for _, v := range []*big.Rat{iv.begin, iv.end} {
					if v != nil && v.Cmp(latest) > 0 {
						latest = v
					}
				}
			}
			walk(c)
		}
	}
	walk(n)
	if end := r.times.last(); end != nil && end.Cmp(latest) > 0 {
		return end, false
	}
	return new(big.Rat).Add(latest, big.NewRat(OpenEndedDuration, 1)), true
}

// markOpenEnded marks e, whose end is a placeholder, and reports it. The
// placeholder is OpenEndedDuration after e's own begin (the last piece of a
// split paragraph begins after the paragraph), so that the event, written
// open-ended, reads back the same.
func (r *ttmlReader) markOpenEnded(e *Event) {
	e.End = e.Start + frameAt(big.NewRat(OpenEndedDuration, 1), r.rate)
	e.Unknown = append(e.Unknown, Member{Key: keyOpenEnded, Value: json.RawMessage("true")})
	r.loss.add(openEndedLoss, 1)
}

// endAttr returns the end attribute of event i of s in TTML: none when it
// is written open-ended (openEnds), else its end.
func endAttr(open map[int]bool, i int, e *Event) string {
	if open[i] {
		return ""
	}
	return frames(e.End)
}

// openEnds returns the events of s to write without an end: those marked
// open-ended whose end is still the placeholder, when they begin last and
// every other event ends by then — so that reading the document gives them
// the same placeholder again. Otherwise every end is written.
func openEnds(s *Script) map[int]bool {
	ph := frameAt(big.NewRat(OpenEndedDuration, 1), s.Timing.FrameRate)
	var latest int64
	for i := range s.Events {
		latest = max(latest, s.Events[i].Start)
	}
	open := map[int]bool{}
	for i := range s.Events {
		if e := &s.Events[i]; openEnded(e) && e.Start == latest && e.End == e.Start+ph {
			open[i] = true
		}
	}
	for i := range s.Events {
		if !open[i] && s.Events[i].End > latest {
			return nil
		}
	}
	return open
}

// lossRenamedIDs counts events written under another id because their id
// repeats an earlier event's.
const lossRenamedIDs = "repeated event ids renamed"

// openEnded reports whether e's end is a placeholder (keyOpenEnded).
func openEnded(e *Event) bool {
	for _, m := range e.Unknown {
		if m.Key == keyOpenEnded {
			return string(m.Value) == "true"
		}
	}
	return false
}

// openEndedLoss is the loss key of events given [OpenEndedDuration].
var openEndedLoss = fmt.Sprintf("open-ended cues ended %d s after their begin", OpenEndedDuration)

// readTTML reads a TTML, IMSC or DAPT document.
func readTTML(data []byte, opt ReadOptions) (*Script, error) {
	doc, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	root := doc.root
	if !root.is(nsTT, "tt") {
		return nil, root.errAt("root element is %s, want tt in namespace %s", root.name.Local, nsTT)
	}
	t, err := ttmlTimingOf(root)
	if err != nil {
		return nil, err
	}
	r := &ttmlReader{doc: doc, timing: t, ids: map[string]int{}, maxEvents: ttmlMaxEvents(len(data)), loss: opt.Loss}
	r.rate = t.rate()
	if !t.hasFrameRate && opt.FrameRate.Valid() {
		r.rate = opt.FrameRate
	}
	if !r.rate.Valid() {
		return nil, root.errAt("frame rate %s is out of range", r.rate)
	}
	lang := root.attrOr(nsXML, "lang")
	if lang == "" {
		lang = opt.Language
	}
	if lang == "" {
		lang = "und"
	}
	s := New(OriginalTranscript, lang, r.rate)
	r.s = s
	ttmlLoss(root, opt.Loss, !r.isDAPT())
	if st, ok := root.get(nsDAPTM, "scriptType"); ok {
		s.ScriptType = ScriptType(st)
	}
	if rep, ok := root.get(nsDAPTM, "scriptRepresents"); ok {
		s.Represents = strings.Fields(rep)
	}
	s.LanguageSource = root.attrOr(nsDAPTM, "langSrc")
	s.Timing.DropFrame = root.attrOr(nsTTAL, "dropFrame") == "true" && r.rate.SupportsDropFrame()
	if head := root.first(nsTT, "head"); head != nil {
		if err := r.head(head); err != nil {
			return nil, err
		}
	}
	body := root.first(nsTT, "body")
	if body == nil {
		return s, nil
	}
	r.layout = layoutOf(root)
	if r.times, err = t.resolveTimes(body, r.layout.regions); err != nil {
		return nil, err
	}
	if err := r.checkFrames(body); err != nil {
		return nil, err
	}
	if r.isDAPT() {
		r.daptEvents(body)
	} else {
		if len(s.Represents) == 0 {
			s.Represents = []string{"visual.text"}
		}
		r.cuts = r.isdCuts(body)
		if err := r.paragraphs(body); err != nil {
			return nil, err
		}
		if err := r.splitGroups(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (r *ttmlReader) isDAPT() bool {
	root := r.doc.root
	_, st := root.get(nsDAPTM, "scriptType")
	return st || strings.Contains(root.attrOr(nsTTP, "contentProfiles"), daptProfile)
}

// head reads characters and the origin timecode.
func (r *ttmlReader) head(head *xnode) error {
	s := r.s
	persons := map[string]string{}
	var agents []*xnode
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, c := range n.elems("", "") {
			switch {
			case c.is(nsTTM, "agent"):
				agents = append(agents, c)
				if c.attrOr("", "type") == "person" {
					persons[c.attrOr(nsXML, "id")] = agentName(c)
				}
			case c.is(nsDAPTM, "daptOriginTimecode") && s.Timing.Origin == nil:
				tc, err := ParseTimecode(strings.TrimSpace(textContent(c)))
				if err == nil {
					tc.Drop = s.Timing.DropFrame
					_, err = r.rate.FrameOf(tc)
				}
				if err == nil {
					s.Timing.Origin = &tc
				}
			case c.is(nsTTM, "title") && s.Title == nil:
				s.Title = &Title{Name: strings.TrimSpace(textContent(c))}
			default:
				walk(c)
			}
		}
	}
	walk(head)
	for _, a := range agents {
		if a.attrOr("", "type") == "person" {
			continue
		}
		c := Character{ID: a.attrOr(nsXML, "id"), Name: agentName(a), Color: a.attrOr(nsTTS, "color")}
		if actor := a.first(nsTTM, "actor"); actor != nil {
			c.Talent = persons[actor.attrOr("", "agent")]
		}
		s.Characters = append(s.Characters, c)
	}
	return nil
}

// agentName returns the text of an agent's first ttm:name.
func agentName(a *xnode) string {
	if n := a.first(nsTTM, "name"); n != nil {
		return strings.TrimSpace(textContent(n))
	}
	return ""
}

// textContent concatenates the text under n.
func textContent(n *xnode) string {
	if n.isText() {
		return n.text
	}
	var b strings.Builder
	for _, c := range n.children {
		b.WriteString(textContent(c))
	}
	return b.String()
}

// eventID returns a unique event id, preferring ttal:id, then xml:id.
func (r *ttmlReader) eventID(n *xnode) string {
	id := n.attrOr(nsTTAL, "id")
	if id == "" {
		id = n.attrOr(nsXML, "id")
	}
	if id == "" {
		id = "e" + strconv.Itoa(len(r.s.Events)+1)
	}
	return r.uniqueID(id)
}

// uniqueID returns id, or the first of id-2, id-3… that no event has.
func (r *ttmlReader) uniqueID(id string) string {
	for base, k := id, 2; ; k++ {
		if _, dup := r.ids[id]; !dup {
			return id
		}
		id = base + "-" + strconv.Itoa(k)
	}
}

// span returns the frames of n's interval; ok is false when n is never
// active or has no definite end.
func (r *ttmlReader) span(n *xnode) (start, end int64, ok bool) {
	iv, found := r.times.active[n]
	if !found {
		return 0, 0, false
	}
	start = frameAt(iv.begin, r.rate)
	if iv.end == nil {
		return start, start, false
	}
	end = frameAt(iv.end, r.rate)
	return start, end, end > start
}

// daptEvents maps DAPT script events (div with xml:id and no div children).
func (r *ttmlReader) daptEvents(n *xnode) {
	for _, c := range n.elems(nsTT, "div") {
		if len(c.elems(nsTT, "div")) > 0 || c.attrOr(nsXML, "id") == "" {
			r.daptEvents(c)
			continue
		}
		e := r.newEvent(c)
		for _, p := range c.elems(nsTT, "p") {
			e.Texts = append(e.Texts, r.text(p))
			if ps, pe, ok := r.span(p); ok && e.End <= e.Start { // untimed div, timed p
				e.Start, e.End = ps, pe
			}
		}
		// A script event with a begin and no end anywhere is open-ended (this
		// package writes one so); one with no begin is untimed, as DAPT
		// allows, and stays zero-length.
		if iv, ok := r.times.active[c]; ok && iv.end == nil && e.End <= e.Start && c.attrOr("", "begin") != "" {
			end, placeholder := r.openEnd(c)
			e.End = frameAt(end, r.rate)
			if placeholder {
				r.markOpenEnded(e)
			}
		}
		for _, d := range c.elems(nsTTM, "desc") {
			typ, text := d.attrOr(nsDAPTM, "descType"), strings.TrimSpace(textContent(d))
			if cat, ok := strings.CutPrefix(typ, "x-annotation-"); ok {
				e.Annotations = append(e.Annotations, Annotation{Category: cat, Text: text})
			} else {
				e.Descriptions = append(e.Descriptions, Description{Type: typ, Text: text})
			}
		}
	}
}

// newEvent adds an event for element n with its times and event attributes.
func (r *ttmlReader) newEvent(n *xnode) *Event {
	id := r.eventID(n)
	start, end, _ := r.span(n)
	r.ids[id] = len(r.s.Events)
	r.s.Events = append(r.s.Events, Event{ID: id, Start: start, End: end, Texts: []Text{}})
	e := &r.s.Events[len(r.s.Events)-1]
	if ag, ok := n.inherited(nsTTM, "agent"); ok {
		e.CharacterIDs = strings.Fields(ag)
	}
	for m := n; m != nil; m = m.parent {
		if rep, ok := m.get(nsDAPTM, "represents"); ok {
			if m.attrOr(nsTTAL, "implied") != "represents" {
				e.Represents = rep
			}
			break
		}
	}
	e.OnScreen = OnScreen(n.attrOr(nsDAPTM, "onScreen"))
	e.ForcedNarrative = n.attrOr(nsTTAL, "forcedNarrative") == "true"
	return e
}

// paragraphs maps every displayed <p> of a plain TTML document to events:
// one per stretch of time in which its visible text stays the same (timed
// spans and <set> display changes split it) and, when the document has
// significant times of its own ([ttmlReader.isdCuts]), per ISD interval; or
// to a text of the event named by its ttal:event when this package wrote the
// document.
func (r *ttmlReader) paragraphs(n *xnode) error {
	for _, c := range n.elems(nsTT, "") {
		if c.name.Local != "p" {
			if imageDiv(c) {
				if err := r.imageEvents(c); err != nil {
					return err
				}
			}
			if err := r.paragraphs(c); err != nil {
				return err
			}
			continue
		}
		if _, ok := r.times.active[c]; !ok {
			continue // never displayed
		}
		if group := c.attrOr(nsTTAL, "event"); group != "" {
			if i, ok := r.ids[group]; ok {
				e := &r.s.Events[i]
				e.Texts = append(e.Texts, r.text(c))
				continue
			}
			e := r.newEvent(c)
			if iv := r.times.active[c]; iv.end == nil { // written open-ended
				end, placeholder := r.openEnd(c)
				e.End = frameAt(end, r.rate)
				if placeholder {
					r.markOpenEnded(e)
				}
			}
			delete(r.ids, e.ID)
			e.ID = group
			r.ids[group] = len(r.s.Events) - 1
			r.grouped = append(r.grouped, len(r.s.Events)-1)
			e.Texts = append(e.Texts, r.text(c))
			continue
		}
		if err := r.segments(c); err != nil {
			return err
		}
	}
	return nil
}

// imageDiv reports whether div is an image subtitle: smpte:backgroundImage
// (IMSC 1 Image profile) or an image child (IMSC 1.1).
func imageDiv(div *xnode) bool {
	if !div.is(nsTT, "div") {
		return false
	}
	_, bg := div.get(nsSMPTE, "backgroundImage")
	return bg || div.first(nsTT, "image") != nil
}

// DescriptionImage is the description type of an event read from a TTML
// image subtitle; its text is the image's source (smpte:backgroundImage or
// the image element's src).
const DescriptionImage = "x-image"

// imageEvents maps an image subtitle to events, one per ISD piece of the
// time it is active and shown: no text but its ittm:altText (the text
// equivalent IMSC gives an image), and the image's source as a
// DescriptionImage description. The image itself is not carried.
func (r *ttmlReader) imageEvents(div *xnode) error {
	iv, ok := r.times.active[div]
	if !ok || !r.shown(div, iv.begin) || !r.layout.associated(div) {
		return nil
	}
	end, placeholder := iv.end, false
	if end == nil {
		end, placeholder = r.openEnd(div)
	}
	start, stop := frameAt(iv.begin, r.rate), frameAt(end, r.rate)
	if stop <= start {
		return nil
	}
	src := div.attrOr(nsSMPTE, "backgroundImage")
	if img := div.first(nsTT, "image"); src == "" && img != nil {
		src = img.attrOr("", "src")
	}
	var alt string
	for _, m := range div.elems(nsTT, "metadata") {
		if a := m.first(nsITTM, "altText"); a != nil && alt == "" {
			alt = strings.TrimSpace(textContent(a))
		}
	}
	lang, langSrc := r.languages(div)
	for _, pc := range r.pieces(start, stop) {
		if len(r.s.Events) >= r.maxEvents {
			return div.errAt("more than %d events: the document's timing splits it too finely", r.maxEvents)
		}
		e := r.newEvent(div)
		e.Start, e.End = pc[0], pc[1]
		if placeholder && e.End == stop {
			r.markOpenEnded(e)
		}
		if alt != "" {
			e.Texts = append(e.Texts, Text{Lang: lang, LangSrc: langSrc, Text: alt})
		}
		e.Descriptions = append(e.Descriptions, Description{Type: DescriptionImage, Text: src})
	}
	return nil
}

// MaxParagraphChanges bounds the times at which one <p> of plain TTML may
// change (each change makes an event and a pass over the paragraph).
const MaxParagraphChanges = 4096

// segments splits a <p> at the times its active content changes, and each
// stretch at the ISD cuts inside it (one event per TTML intermediate
// synchronic document in which it shows text; pieces of one stretch have the
// same text, language and speakers).
func (r *ttmlReader) segments(p *xnode) error {
	pa := r.times.active[p]
	end, placeholder := pa.end, false
	if end == nil { // an indefinite paragraph lasts to the document's last time
		end, placeholder = r.openEnd(p)
	}
	last := frameAt(end, r.rate)
	cuts := []*big.Rat{pa.begin}
	// Display changes of the paragraph's ancestors and region.
	for _, n := range r.displayHolders(p)[1:] {
		for _, c := range r.displaySets(n) {
			if iv, ok := r.times.active[c]; ok {
				for _, v := range []*big.Rat{iv.begin, iv.end} {
					if v != nil && v.Cmp(pa.begin) > 0 && v.Cmp(end) < 0 {
						cuts = append(cuts, v)
					}
				}
			}
		}
	}
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, c := range contents(n) {
			if iv, ok := r.times.active[c]; ok && iv.begin.Cmp(end) < 0 {
				cuts = append(cuts, iv.begin)
				if iv.end != nil && iv.end.Cmp(end) < 0 {
					cuts = append(cuts, iv.end)
				}
			}
			walk(c)
		}
	}
	walk(p)
	cuts = append(cuts, end)
	if len(cuts) > MaxParagraphChanges {
		return p.errAt("more than %d timing changes in one paragraph", MaxParagraphChanges)
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Cmp(cuts[j]) < 0 })
	// Which cuts each piece of content is active at, as a range of indexes:
	// the stretches then ask no more time comparisons of it.
	r.activeIdx = map[*xnode][2]int{}
	defer func() { r.activeIdx = nil }()
	var index func(n *xnode)
	index = func(n *xnode) {
		for _, c := range contents(n) {
			if iv, ok := r.times.active[c]; ok && iv.begin != nil {
				lo := sort.Search(len(cuts), func(i int) bool { return cuts[i].Cmp(iv.begin) >= 0 })
				hi := len(cuts)
				if iv.end != nil {
					hi = sort.Search(len(cuts), func(i int) bool { return cuts[i].Cmp(iv.end) >= 0 })
				}
				r.activeIdx[c] = [2]int{lo, hi}
			}
			index(c)
		}
	}
	index(p)
	for i := 0; i+1 < len(cuts); i++ {
		at := cuts[i]
		r.cutIdx = i
		start, end := frameAt(at, r.rate), frameAt(cuts[i+1], r.rate)
		if end <= start {
			continue
		}
		tb := &textBuilder{}
		if r.shown(p, at) {
			if r.work += len(r.activeIdx) + 1; r.work > maxTTMLWork {
				return p.errAt("the document's timing is too complex: more than %d element visits to resolve its paragraphs", maxTTMLWork)
			}
			r.collectAt(p, tb, false, at)
		}
		text := tb.String()
		if strings.TrimSpace(text) == "" {
			continue
		}
		lang, src := r.languages(p) // not r.text: that collects the whole paragraph again
		tx := Text{Lang: lang, LangSrc: src, Text: text, Anchors: nil}
		for _, pc := range r.pieces(start, end) {
			if len(r.s.Events) >= r.maxEvents {
				return p.errAt("more than %d events: the document's timing splits it too finely", r.maxEvents)
			}
			e := r.newEvent(p)
			e.Start, e.End = pc[0], pc[1]
			e.Texts = append(e.Texts, tx)
			if placeholder && e.End == last {
				r.markOpenEnded(e)
			}
		}
	}
	return nil
}

// displayHolders returns p, its ancestors up to body and the region it is
// flowed into: the elements whose tts:display decides whether p is shown.
func (r *ttmlReader) displayHolders(p *xnode) []*xnode {
	var out []*xnode
	for m := p; m != nil && !m.is(nsTT, "tt"); m = m.parent {
		out = append(out, m)
	}
	if reg := r.layout.regionOf(p); reg != nil {
		out = append(out, reg)
	}
	return out
}

// shown reports whether paragraph p is shown at time at: neither it, nor an
// ancestor, nor its region has display none then (tts:display is not
// inherited, but hiding an element hides everything in it).
func (r *ttmlReader) shown(p *xnode, at *big.Rat) bool {
	for _, n := range r.displayHolders(p) {
		if !r.displayed(n, at) {
			return false
		}
	}
	return true
}

// displayed reports whether n is shown at time at: tts:display="none" —
// given on n, through the styles it references (chained) or, for a region,
// its nested styles — hides it unless an active <set tts:display="auto">
// child says otherwise.
func (r *ttmlReader) displayed(n *xnode, at *big.Rat) bool {
	sets := r.displaySets(n)
	if len(sets) == 0 {
		if shown, ok := r.static[n]; ok {
			return shown
		}
	}
	v, _ := r.layout.style(n, "display")
	shown := v != "none"
	if len(sets) == 0 {
		if r.static == nil {
			r.static = map[*xnode]bool{}
		}
		r.static[n] = shown
		return shown
	}
	for _, c := range sets {
		if r.times.active[c].contains(at) {
			shown = c.attrOr(nsTTS, "display") != "none"
		}
	}
	return shown
}

// collectAt collects the text of n that is active at time at.
func (r *ttmlReader) collectAt(n *xnode, tb *textBuilder, preserve bool, at *big.Rat) {
	if v, ok := n.get(nsXML, "space"); ok {
		preserve = v == "preserve"
	}
	anon := contents(n) != nil
	placed := r.layout.associated(n) // else no region presents n's own text
	for _, c := range n.children {
		switch {
		case c.isText():
			if placed && (!anon || r.activeAt(c, at)) {
				tb.write(c.text, preserve)
			}
		case c.is(nsTT, "br"):
			if placed && r.activeAt(c, at) {
				tb.br()
			}
		case c.is(nsTT, "span"):
			if r.activeAt(c, at) && r.displayed(c, at) {
				r.collectAt(c, tb, preserve, at)
			}
		}
	}
}

// text reads the text of a <p>: spans flattened, <br> as "\n", white space
// collapsed unless xml:space="preserve", timed spans as anchors.
func (r *ttmlReader) text(p *xnode) Text {
	lang, src := r.languages(p)
	tb := &textBuilder{}
	r.collect(p, tb, false)
	return Text{Lang: lang, LangSrc: src, Text: tb.String(), Anchors: tb.finish()}
}

// languages returns the computed xml:lang of n (the script's language when
// none is given) and its daptm:langSrc.
func (r *ttmlReader) languages(n *xnode) (lang, src string) {
	lang, _ = n.inherited(nsXML, "lang")
	if lang == "" {
		lang = r.s.Language
	}
	src, _ = n.inherited(nsDAPTM, "langSrc")
	return lang, src
}

// textBuilder collects text with TTML white-space handling and anchors.
type textBuilder struct {
	b       strings.Builder
	n       int64 // code points written
	space   bool  // a collapsed space is pending
	anchors []Anchor
	pending []int // anchors waiting for the next character
}

func (t *textBuilder) write(s string, preserve bool) {
	for _, c := range s {
		if !preserve && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			t.space = t.n > 0 && !strings.HasSuffix(t.b.String(), "\n")
			continue
		}
		if t.space {
			t.b.WriteByte(' ')
			t.n++
			t.space = false
		}
		t.resolve()
		t.b.WriteRune(c)
		t.n++
	}
}

func (t *textBuilder) br() {
	t.space = false
	t.resolve()
	t.b.WriteByte('\n')
	t.n++
}

func (t *textBuilder) anchor(frame int64) {
	t.anchors = append(t.anchors, Anchor{Offset: -1, Frame: frame})
	t.pending = append(t.pending, len(t.anchors)-1)
}

func (t *textBuilder) resolve() {
	for _, i := range t.pending {
		t.anchors[i].Offset = t.n
	}
	t.pending = t.pending[:0]
}

// String returns the text collected so far.
func (t *textBuilder) String() string { return t.b.String() }

func (t *textBuilder) finish() []Anchor {
	t.space = false
	t.resolve()
	return t.anchors
}

func (r *ttmlReader) collect(n *xnode, tb *textBuilder, preserve bool) {
	if v, ok := n.get(nsXML, "space"); ok {
		preserve = v == "preserve"
	}
	for _, c := range n.children {
		switch {
		case c.isText():
			tb.write(c.text, preserve)
		case c.is(nsTT, "br"):
			tb.br()
		case c.is(nsTT, "span"):
			if _, timed := c.get("", "begin"); timed {
				if iv, ok := r.times.active[c]; ok {
					tb.anchor(frameAt(iv.begin, r.rate))
				}
			}
			r.collect(c, tb, preserve)
		}
	}
}

// Writing.

// xmlWriter builds an indented XML document.
type xmlWriter struct {
	b        strings.Builder
	depth    int
	replaced int               // characters written as U+FFFD
	taken    map[string]bool   // xml:id values written
	chars    map[string]string // character id → its xml:id
}

// uniqueID returns an xml:id for an element whose id would be base (an
// NCName): base itself, or base_2, base_3… when an earlier element of the
// document took it (ids that differ in TTAL can map to one NCName).
func (w *xmlWriter) uniqueID(base string) string {
	if w.taken == nil {
		w.taken = map[string]bool{}
	}
	v := base
	for k := 2; w.taken[v]; k++ {
		v = base + "_" + strconv.Itoa(k)
	}
	w.taken[v] = true
	return v
}

// idFor returns the xml:id of an element for TTAL id and, when that is not
// id itself, id to keep in ttal:id.
func (w *xmlWriter) idFor(id string) (string, string) {
	base, _ := xmlID(id)
	v := w.uniqueID(base)
	if v == id {
		return v, ""
	}
	return v, id
}

// characterID returns the xml:id given to character id (made by idFor
// when its agent was written).
func (w *xmlWriter) characterID(id string) string {
	if v, ok := w.chars[id]; ok {
		return v
	}
	v, _ := xmlID(id) // an unknown character: refer to it as written
	return v
}

func (w *xmlWriter) indent() {
	w.b.WriteByte('\n')
	for i := 0; i < w.depth; i++ {
		w.b.WriteString("  ")
	}
}

// open writes a start tag with attributes (name, value pairs; empty values
// are skipped); empty closes it at once.
func (w *xmlWriter) open(name string, empty bool, attrs ...string) {
	w.indent()
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			w.b.WriteString(" " + attrs[i] + `="` + w.escape(attrs[i+1], true) + `"`)
		}
	}
	if empty {
		w.b.WriteString("/>")
		return
	}
	w.b.WriteString(">")
	w.depth++
}

func (w *xmlWriter) close(name string) {
	w.depth--
	w.indent()
	w.b.WriteString("</" + name + ">")
}

// leaf writes <name attrs>text</name> on one line.
func (w *xmlWriter) leaf(name, text string, attrs ...string) {
	w.open(name, false, attrs...)
	w.depth--
	w.b.WriteString(w.escape(text, false) + "</" + name + ">")
}

// escapeXML escapes text for XML content or attribute values; invalid
// characters become U+FFFD.
// escape escapes s with escapeXML, counting in w.replaced the characters
// XML 1.0 cannot carry (written as U+FFFD).
func (w *xmlWriter) escape(s string, attr bool) string {
	for _, c := range s {
		if xmlForbidden(c) {
			w.replaced++
		}
	}
	return escapeXML(s, attr)
}

// xmlForbidden reports whether XML 1.0 cannot carry c (a control character
// other than tab, line feed and carriage return, a surrogate, U+FFFE,
// U+FFFF).
func xmlForbidden(c rune) bool {
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF || (c >= 0xD800 && c < 0xE000)
}

func escapeXML(s string, attr bool) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		case c == '"' && attr:
			b.WriteString("&quot;")
		case c == '\n' && attr:
			b.WriteString("&#xA;")
		case c == '\t' || c == '\n' || c == '\r':
			b.WriteRune(c)
		case c < 0x20 || c == 0xFFFE || c == 0xFFFF || (c >= 0xD800 && c < 0xE000) || c == utf8.RuneError:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ncName reports whether s is an XML NCName (usable as xml:id).
func ncName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0
		if i == 0 && !letter {
			return false
		}
		if !letter && c != '-' && c != '.' && !(c >= '0' && c <= '9') && c != 0xB7 {
			return false
		}
	}
	return true
}

// xmlID returns id if it is an NCName, else "x_" + a safe form; the second
// result is the original id to keep in ttal:id when they differ.
func xmlID(id string) (string, string) {
	if ncName(id) {
		return id, ""
	}
	var b strings.Builder
	b.WriteString("x_")
	for _, c := range id {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String(), id
}

// frameRateAttrs returns ttp:frameRate and ttp:frameRateMultiplier for r.
func frameRateAttrs(r FrameRate) (string, string) {
	nom := r.Nominal()
	if nom < 1 {
		nom = 1
	}
	mult := big.NewRat(r.Num, r.Den*nom)
	if mult.Cmp(big.NewRat(1, 1)) == 0 {
		return strconv.FormatInt(nom, 10), ""
	}
	return strconv.FormatInt(nom, 10), mult.Num().String() + " " + mult.Denom().String()
}

func frames(f int64) string { return strconv.FormatInt(f, 10) + "f" }

// writeTTML writes s as TTML (dapt false: one div per language, a p per
// event) or as a DAPT script (dapt true: a div per event, a p per text).
func writeTTML(s *Script, dapt bool, opt WriteOptions, loss Loss) ([]byte, error) {
	if !s.Timing.FrameRate.Valid() {
		return nil, fmt.Errorf("%w: frame rate %s", ErrInvalid, s.Timing.FrameRate)
	}
	w := &xmlWriter{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	fr, mult := frameRateAttrs(s.Timing.FrameRate)
	attrs := []string{"xmlns", nsTT, "xmlns:ttp", nsTTP, "xmlns:tts", nsTTS, "xmlns:ttm", nsTTM,
		"xmlns:daptm", nsDAPTM, "xmlns:ttal", nsTTAL,
		"ttp:timeBase", "media", "ttp:frameRate", fr, "ttp:frameRateMultiplier", mult, "xml:lang", s.Language}
	if s.Timing.DropFrame {
		attrs = append(attrs, "ttal:dropFrame", "true")
	}
	if dapt {
		rep := strings.Join(s.Represents, " ")
		if rep == "" {
			rep = "audio.dialogue"
		}
		attrs = append(attrs, "ttp:contentProfiles", daptProfile, "daptm:scriptType", string(s.ScriptType),
			"daptm:scriptRepresents", rep, "daptm:langSrc", s.LanguageSource)
	}
	w.open("tt", false, attrs...)
	w.open("head", false)
	w.open("metadata", false)
	if s.Title != nil && s.Title.Name != "" {
		w.leaf("ttm:title", s.Title.Name)
	}
	if s.Timing.Origin != nil {
		tc := *s.Timing.Origin
		tc.Drop = false // DAPT's syntax has no drop-frame separator; ttal:dropFrame says it
		w.leaf("daptm:daptOriginTimecode", tc.String())
	}
	w.chars = map[string]string{}
	for _, c := range s.Characters {
		if _, dup := w.chars[c.ID]; !dup {
			w.chars[c.ID], _ = w.idFor(c.ID)
		}
	}
	for _, c := range s.Characters {
		id := w.chars[c.ID]
		actor := ""
		if c.Talent != "" {
			actor = w.uniqueID("actor_" + id)
			w.open("ttm:agent", false, "type", "person", "xml:id", actor)
			w.leaf("ttm:name", c.Talent, "type", "full")
			w.close("ttm:agent")
		}
		w.open("ttm:agent", false, "type", "character", "xml:id", id, "tts:color", c.Color)
		w.leaf("ttm:name", c.Name, "type", "alias")
		if c.Talent != "" {
			w.open("ttm:actor", true, "agent", actor)
		}
		w.close("ttm:agent")
		loss.add("unknown character members", len(c.Unknown))
	}
	w.close("metadata")
	w.close("head")
	var bodyAttrs []string
	if dapt && needsDefaultRepresents(s) {
		// DAPT wants every event to have a represents value; events without
		// one inherit the script's first, marked so that reading gives "" back.
		rep := "audio.dialogue"
		if len(s.Represents) > 0 {
			rep = s.Represents[0]
		}
		bodyAttrs = []string{"daptm:represents", rep, "ttal:implied", "represents"}
	}
	w.open("body", false, bodyAttrs...)
	if dapt {
		writeDAPTEvents(w, s, loss)
	} else {
		writeTTMLParagraphs(w, s, opt, loss)
	}
	w.close("body")
	w.close("tt")
	w.b.WriteByte('\n')

	loss.add("lineage entries", len(s.Lineage))
	loss.add("shot changes", len(s.ShotChanges))
	loss.add("unknown members", len(s.Unknown)+len(s.Timing.Unknown))
	loss.add("characters XML cannot carry (written as U+FFFD)", w.replaced)
	if s.Timing.StartOfProgramme != nil {
		loss.add("start-of-programme timecodes", 1)
	}
	if s.Title != nil && (s.Title.Season != 0 || s.Title.Episode != 0 || s.Title.EpisodeTitle != "" || s.Title.MovieID != "") {
		loss.add("title fields", 1)
	}
	return []byte(w.b.String()), nil
}

// needsDefaultRepresents reports whether some event has no represents value.
func needsDefaultRepresents(s *Script) bool {
	for i := range s.Events {
		if s.Events[i].Represents == "" {
			return true
		}
	}
	return false
}

// characterAttr returns the ttm:agent value for an event's characters.
func (w *xmlWriter) characterAttr(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = w.characterID(id)
	}
	return strings.Join(out, " ")
}

func writeDAPTEvents(w *xmlWriter, s *Script, loss Loss) {
	open := openEnds(s)
	for i := range s.Events {
		e := &s.Events[i]
		id, orig := w.idFor(e.ID)
		fn := ""
		if e.ForcedNarrative {
			fn = "true"
		}
		w.open("div", false, "xml:id", id, "ttal:id", orig, "begin", frames(e.Start), "end", endAttr(open, i, e),
			"ttm:agent", w.characterAttr(e.CharacterIDs), "daptm:represents", e.Represents,
			"daptm:onScreen", string(e.OnScreen), "ttal:forcedNarrative", fn)
		for _, d := range e.Descriptions {
			w.leaf("ttm:desc", d.Text, "daptm:descType", d.Type)
		}
		for _, a := range e.Annotations {
			w.leaf("ttm:desc", a.Text, "daptm:descType", "x-annotation-"+a.Category)
		}
		for j := range e.Texts {
			t := &e.Texts[j]
			w.open("p", false, "xml:lang", t.Lang, "daptm:langSrc", t.LangSrc, "xml:space", "preserve")
			w.depth--
			writeAnchoredText(w, t, e.Start)
			w.b.WriteString("</p>")
			dropUnknown(loss, t.Unknown, "")
		}
		w.close("div")
		dropUnknown(loss, e.Unknown, keyOpenEnded)
	}
}

// writeAnchoredText writes a text with its anchors as timed spans (begin
// relative to the event) and its line breaks as <br/>.
func writeAnchoredText(w *xmlWriter, t *Text, start int64) {
	runes := []rune(t.Text)
	seg := func(from, to int64) string {
		from, to = max(0, min(from, int64(len(runes)))), max(0, min(to, int64(len(runes))))
		if to < from {
			to = from
		}
		return w.brText(string(runes[from:to]))
	}
	pos := int64(0)
	for i, a := range t.Anchors {
		if i == 0 && a.Offset > 0 {
			w.b.WriteString(seg(0, a.Offset))
		}
		next := int64(len(runes))
		if i+1 < len(t.Anchors) {
			next = t.Anchors[i+1].Offset
		}
		w.b.WriteString(`<span begin="` + frames(a.Frame-start) + `">` + seg(a.Offset, next) + "</span>")
		pos = next
	}
	if len(t.Anchors) == 0 {
		w.b.WriteString(seg(0, int64(len(runes))))
	} else if pos < int64(len(runes)) {
		w.b.WriteString(seg(pos, int64(len(runes))))
	}
}

// brText escapes text and turns line breaks (LF, CRLF or CR) into <br/>.
func (w *xmlWriter) brText(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	return strings.ReplaceAll(w.escape(s, false), "\n", "<br/>")
}

// scriptLanguages returns the text languages of s, the script's first.
func scriptLanguages(s *Script) []string {
	seen := map[string]bool{}
	var out []string
	add := func(l string) {
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for i := range s.Events {
		for _, t := range s.Events[i].Texts {
			if t.Lang == s.Language {
				add(t.Lang)
			}
		}
	}
	for i := range s.Events {
		for _, t := range s.Events[i].Texts {
			add(t.Lang)
		}
	}
	return out
}

func writeTTMLParagraphs(w *xmlWriter, s *Script, opt WriteOptions, loss Loss) {
	open := openEnds(s)
	langs := scriptLanguages(s)
	if opt.Language != "" {
		langs = []string{opt.Language}
	}
	// ttal:event groups the paragraphs of one event; an id that repeats
	// (an invalid script) gets -2, -3…, as the reader would name it, rather
	// than merging two events into one.
	groups := make([]string, len(s.Events))
	seen := map[string]bool{}
	for i := range s.Events {
		g := s.Events[i].ID
		for k := 2; seen[g]; k++ {
			g = s.Events[i].ID + "-" + strconv.Itoa(k)
		}
		if g != s.Events[i].ID {
			loss.add(lossRenamedIDs, 1)
		}
		seen[g], groups[i] = true, g
	}
	for li, lang := range langs {
		w.open("div", false, "xml:lang", lang)
		for i := range s.Events {
			e := &s.Events[i]
			t := e.Text(lang)
			if opt.Language == "" {
				t = exactText(e, lang)
			}
			if t == nil {
				continue
			}
			base, _ := xmlID(groups[i])
			if li > 0 {
				base += "." + strconv.Itoa(li)
			}
			id := w.uniqueID(base)
			fn := ""
			if e.ForcedNarrative {
				fn = "true"
			}
			w.open("p", false, "xml:id", id, "ttal:event", groups[i], "begin", frames(e.Start), "end", endAttr(open, i, e),
				"ttm:agent", w.characterAttr(e.CharacterIDs), "daptm:langSrc", t.LangSrc, "ttal:forcedNarrative", fn, "xml:space", "preserve")
			w.depth--
			w.b.WriteString(w.brText(t.Text) + "</p>")
			loss.add("anchors", len(t.Anchors))
			dropUnknown(loss, t.Unknown, "")
		}
		w.close("div")
	}
	for i := range s.Events {
		e := &s.Events[i]
		loss.add("annotations", len(e.Annotations))
		loss.add("descriptions", len(e.Descriptions))
		if e.OnScreen != "" {
			loss.add("on-screen indicators", 1)
		}
		if e.Represents != "" {
			loss.add("event content descriptors", 1)
		}
		dropUnknown(loss, e.Unknown, keyOpenEnded)
		if opt.Language != "" {
			for _, t := range e.Texts {
				if t.Lang != opt.Language {
					loss.add("texts in other languages", 1)
				}
			}
		}
	}
}

// exactText returns the event's text whose tag is exactly lang.
func exactText(e *Event, lang string) *Text {
	for i := range e.Texts {
		if e.Texts[i].Lang == lang {
			return &e.Texts[i]
		}
	}
	return nil
}
