package ttal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/asticode/go-astisub"
)

// SRT, WebVTT, SSA/ASS and EBU-STL go through go-astisub, guarded: a panic
// in it becomes an error; times are rounded to the nearest frame on reading
// and written exactly (astisub truncates to the millisecond, so we hand it
// times already rounded to the millisecond, or to the STL frame); cue ids
// that astisub drops or renumbers are restored; the BOM it adds to SRT is
// removed. One event and one text language per cue.

// DefaultSubtitleFrameRate is the frame rate given to scripts read from
// formats without one (SRT, WebVTT, SSA) when ReadOptions has none.
var DefaultSubtitleFrameRate = Rate25

// guard runs fn, turning a panic into an error.
func guard(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: go-astisub panicked: %v", ErrInvalid, what, r)
		}
	}()
	return fn()
}

// readSubtitles reads SRT, WebVTT, SSA/ASS or EBU-STL.
func readSubtitles(data []byte, f Format, opt ReadOptions) (*Script, error) {
	if opt.Loss == nil {
		opt.Loss = Loss{} // counted, then forgotten
	}
	prepared, cues, err := prepareSubtitles(data, f)
	if err != nil {
		return nil, err
	}
	subs, err := readAstisub(prepared, f)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, f, strings.TrimPrefix(err.Error(), "astisub: "))
	}
	if len(cues) != len(subs.Items) {
		cues = nil // the scan and astisub disagree: no line numbers
	}
	rate := opt.FrameRate
	grid := FrameRate{} // the grid the file's times are on, when it has frames
	if f == FormatSTL {
		fps := int64(25)
		if subs.Metadata != nil && subs.Metadata.Framerate > 0 {
			fps = int64(subs.Metadata.Framerate)
		}
		grid = FrameRate{fps, 1}
		switch {
		case !rate.Valid():
			rate = grid
		case rate.Nominal() != fps: // times to the nearest frame at the rate asked for
			grid = rate
		}
	}
	if !rate.Valid() {
		rate = DefaultSubtitleFrameRate
	}
	if !grid.Valid() {
		grid = rate
	}
	lang := opt.Language
	if lang == "" && f == FormatSTL && len(data) >= stlLanguageOffset+2 {
		lang = stlLanguageTag(string(data[stlLanguageOffset : stlLanguageOffset+2])) // astisub knows five
	}
	if lang == "" {
		lang = "und"
	}
	s := New(OriginalTranscript, lang, rate)
	s.Represents = []string{"visual.text"}
	if subs.Metadata != nil && strings.TrimSpace(subs.Metadata.Title) != "" {
		s.Title = &Title{Name: strings.TrimSpace(subs.Metadata.Title)}
	}
	var ids, settings []string
	if f == FormatVTT {
		ids, settings = webVTTCues(data, len(subs.Items))
	}
	subtitlesLoss(subs, f, settings, opt.Loss)
	if f == FormatSRT {
		opt.Loss.add("override tags", srtOverridesDropped(data))
	}
	chars := map[string]string{} // voice name → character id
	used := map[string]bool{}
	given := map[string]bool{} // the file's own ids, which numbered cues avoid
	for _, id := range ids {
		given[id] = true
	}
	for i, it := range subs.Items {
		id := strconv.Itoa(i + 1)
		taken := func(id string) bool { return used[id] || given[id] }
		switch {
		case ids != nil && ids[i] != "":
			id, taken = ids[i], func(id string) bool { return used[id] }
		case f == FormatSRT && cues != nil && cues[i].id != "":
			id = cues[i].id // astisub keeps numbers only
		case f == FormatSRT && it.Index > 0:
			id = strconv.Itoa(it.Index)
		}
		for base, k := id, 2; taken(id); k++ {
			id = base + "-" + strconv.Itoa(k)
		}
		used[id] = true
		line := 0
		if cues != nil {
			line = cues[i].line
			opt.Loss.add(lossUnparsed, cues[i].unparsed)
			opt.Loss.add(lossNonchars, cues[i].nonchars)
		}
		if it.StartAt < 0 { // EBU-STL: a cue before the programme start timecode (TCP)
			return nil, cueError(f, i+1, line, "begins %s before the start of the programme", -it.StartAt)
		}
		if it.EndAt < it.StartAt {
			return nil, cueError(f, i+1, line, "ends (%s) before it starts (%s)", it.EndAt, it.StartAt)
		}
		e := Event{ID: id, Start: grid.Frames(it.StartAt), End: grid.Frames(it.EndAt)}
		if e.End > MaxFrame {
			return nil, cueError(f, i+1, line, "time %s is frame %d at %s, beyond %d", it.EndAt, e.End, grid, int64(MaxFrame))
		}
		if e.End <= e.Start { // shorter than half a frame
			e.End = e.Start + 1
			opt.Loss.add(lossLengthened, 1)
		}
		if f == FormatSRT { // astisub keeps what follows a blank line in the last cue only
			for k, l := range it.Lines {
				if strings.TrimSpace(l.String()) == "" {
					it.Lines = it.Lines[:k]
					break
				}
			}
		}
		if settings != nil && settings[i] != "" {
			e.Unknown = Members{{Key: keyCueSettings, Value: markupJSON(FormatVTT, settings[i])}}
		}
		if f == FormatSRT && it.InlineStyle != nil && it.InlineStyle.SRTPosition >= 1 && it.InlineStyle.SRTPosition <= 9 {
			an := `{\an` + strconv.Itoa(int(it.InlineStyle.SRTPosition)) + `}`
			e.Unknown = Members{{Key: keyCueSettings, Value: markupJSON(FormatSRT, an)}}
		}
		t := Text{Lang: lang, Text: plainText(it.Lines)}
		if m := markupOf(it, f); m != "" {
			t.Unknown = Members{{Key: keyMarkup, Value: markupJSON(f, m)}}
		}
		e.Texts = []Text{t}
		var voices []string
		if f == FormatVTT && cues != nil {
			voices = cues[i].voices // astisub keeps the first of a line's voices only
		} else {
			for _, l := range it.Lines {
				if v := l.VoiceName; v != "" {
					if f == FormatVTT {
						v = decodeVoice(v)
					}
					voices = append(voices, v)
				}
			}
		}
		speaks := map[string]bool{} // maps, not lists: a cue may have thousands of voices
		for _, v := range voices {
			cid, ok := chars[v]
			if !ok {
				cid = "c" + strconv.Itoa(len(chars)+1)
				chars[v] = cid
				s.Characters = append(s.Characters, Character{ID: cid, Name: v})
			}
			if !speaks[cid] {
				speaks[cid] = true
				e.CharacterIDs = append(e.CharacterIDs, cid)
			}
		}
		s.Events = append(s.Events, e)
	}
	return s, nil
}

// plainText joins astisub lines with "\n".
func plainText(lines []astisub.Line) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, li := range l.Items {
			b.WriteString(li.Text)
		}
	}
	return b.String()
}

// styled reports whether any line item carries inline styling.
func styled(it *astisub.Item) bool {
	for _, l := range it.Lines {
		for _, li := range l.Items {
			if li.InlineStyle != nil {
				return true
			}
		}
	}
	return false
}

// markupOf returns the cue text of it with its inline tags, as astisub
// writes it in format f (SRT and WebVTT only; "" when unstyled).
func markupOf(it *astisub.Item, f Format) string {
	if (f != FormatSRT && f != FormatVTT) || !styled(it) {
		return ""
	}
	one := astisub.NewSubtitles()
	item := &astisub.Item{StartAt: 0, EndAt: time.Second}
	for _, l := range it.Lines {
		l.VoiceName = "" // speakers are characters
		item.Lines = append(item.Lines, l)
	}
	one.Items = []*astisub.Item{item}
	var b bytes.Buffer
	if guard("markup", func() error { return write(one, f, &b) }) != nil {
		return ""
	}
	_, text, ok := strings.Cut(b.String(), "-->")
	if !ok {
		return ""
	}
	_, text, _ = strings.Cut(text, "\n")
	return strings.TrimRight(text, "\n")
}

func markupJSON(f Format, m string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{string(f): m})
	return bytes.TrimSpace(b.Bytes())
}

// markupLines returns the styled lines kept in t's markup member, read in
// the format they were kept for (f's own first, then the other one, as
// astisub maps SRT and WebVTT styling onto each other), when they still
// spell the text; otherwise nil.
func markupLines(t *Text, f Format) []astisub.Line {
	var m map[string]string
	for _, u := range t.Unknown {
		if u.Key == keyMarkup && json.Unmarshal(u.Value, &m) == nil {
			break
		}
	}
	if f != FormatSRT && f != FormatVTT {
		return nil
	}
	for _, src := range []Format{f, FormatSRT, FormatVTT} {
		markup := m[string(src)]
		if markup == "" {
			continue
		}
		doc := "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n" + markup + "\n"
		if src == FormatSRT {
			doc = "1\n00:00:00,000 --> 00:00:01,000\n" + markup + "\n"
		}
		prepared, _, err := prepareSubtitles([]byte(doc), src)
		var subs *astisub.Subtitles
		if err == nil {
			subs, err = readAstisub(prepared, src)
		}
		if err == nil && len(subs.Items) == 1 && plainText(subs.Items[0].Lines) == t.Text {
			if src == FormatVTT && f == FormatSRT {
				srtFromWebVTTTags(subs.Items[0].Lines)
			}
			return subs.Items[0].Lines
		}
	}
	return nil
}

// srtFromWebVTTTags sets the SRT styles of WebVTT-read lines from their
// tags, which astisub v0.45.0 does not map (its SRT writer would drop
// <i>, <b>, <u> and <c.colour>): i, b and u, and the colour a c tag's
// class names.
func srtFromWebVTTTags(lines []astisub.Line) {
	for _, l := range lines {
		for _, li := range l.Items {
			sa := li.InlineStyle
			if sa == nil {
				continue
			}
			for _, tag := range sa.WebVTTTags {
				switch tag.Name {
				case "i":
					sa.SRTItalics = true
				case "b":
					sa.SRTBold = true
				case "u":
					sa.SRTUnderline = true
				}
			}
			if sa.SRTColor == nil {
				sa.SRTColor = sa.TTMLColor
			}
		}
	}
}

// vttCueTime matches a WebVTT timing line; group 1 is what follows the
// end time (the cue settings).
var vttCueTime = regexp.MustCompile(`^\s*\S+\s+-->\s+\S+(.*)$`)

// vttSetting matches one WebVTT cue setting, e.g. "line:0" or "align:start".
var vttSetting = regexp.MustCompile(`^[a-z]+:[^\s:]+$`)

// keptSettings returns the WebVTT cue settings of s that are kept: well
// formed, not a region (REGION blocks are not kept), no "-->" in them.
func keptSettings(s string) string {
	var kept []string
	for _, f := range strings.Fields(s) {
		if vttSetting.MatchString(f) && !strings.HasPrefix(f, "region:") && !strings.Contains(f, "-->") {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, " ")
}

// webVTTCues returns the identifier of each cue of a WebVTT file ("" for
// none), which astisub drops when it is not a number, and its cue settings
// but region ("" for none), read from the file itself; nil, nil when the
// cues found do not match the n astisub read.
func webVTTCues(data []byte, n int) (ids, settings []string) {
	text := strings.ReplaceAll(strings.ReplaceAll(string(bytes.TrimPrefix(data, []byte("\ufeff"))), "\r\n", "\n"), "\r", "\n")
	for i, block := range strings.Split(text, "\n\n") {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		if i == 0 || len(lines) == 0 || lines[0] == "" {
			continue
		}
		timing := ""
		switch {
		case vttCueTime.MatchString(lines[0]):
			ids, timing = append(ids, ""), lines[0]
		case len(lines) > 1 && vttCueTime.MatchString(lines[1]):
			ids, timing = append(ids, strings.TrimSpace(lines[0])), lines[1]
		default:
			continue
		}
		settings = append(settings, keptSettings(vttCueTime.FindStringSubmatch(timing)[1]))
	}
	if len(ids) != n {
		return nil, nil
	}
	return ids, settings
}

// cueSettings returns the WebVTT cue settings kept in e's member, or "".
// srtOverride matches an SSA override block in SRT text, e.g. {\an8}.
var srtOverride = regexp.MustCompile(`\{\\([^{}]*)\}`)

// srtOverridesDropped counts the SSA override blocks in SRT data that
// go-astisub drops: all but {\anN} (kept as the cue's position) and
// {\b1}, {\i1}, {\u1} and their ends (read as styles).
func srtOverridesDropped(data []byte) int {
	n := 0
	for _, m := range srtOverride.FindAllSubmatch(data, -1) {
		code := string(m[1])
		if len(code) == 3 && code[:2] == "an" && code[2] >= '1' && code[2] <= '9' ||
			len(code) == 2 && strings.ContainsRune("biu", rune(code[0])) && (code[1] == '0' || code[1] == '1') {
			continue
		}
		n++
	}
	return n
}

// srtPosition returns the SRT {\anN} position kept for e (1–9, keypad
// layout: 7 8 9 at the top, 1 2 3 at the bottom), or 0.
func srtPosition(e *Event) byte {
	v := keptCueSettings(e)[string(FormatSRT)]
	if len(v) == 6 && strings.HasPrefix(v, `{\an`) && v[5] == '}' && v[4] >= '1' && v[4] <= '9' {
		return v[4] - '0'
	}
	return 0
}

// vttFromSRTPosition returns WebVTT cue settings for an SRT {\anN}
// position, as go-astisub maps them ("" for bottom centre, the default).
func vttFromSRTPosition(an byte) string {
	if an == 0 {
		return ""
	}
	var out []string
	switch (an - 1) % 3 {
	case 0:
		out = append(out, "align:left")
	case 2:
		out = append(out, "align:right")
	}
	switch (an - 1) / 3 {
	case 1:
		out = append(out, "line:50%")
	case 2:
		out = append(out, "line:10%")
	}
	return strings.Join(out, " ")
}

// cueSettings returns the WebVTT cue settings kept for e ("" for none).
func cueSettings(e *Event) string {
	return keptSettings(keptCueSettings(e)[string(FormatVTT)])
}

// keptCueSettings returns e's keyCueSettings member, per format (nil when
// it has none).
func keptCueSettings(e *Event) map[string]string {
	for _, u := range e.Unknown {
		var m map[string]string
		if u.Key == keyCueSettings && json.Unmarshal(u.Value, &m) == nil {
			return m
		}
	}
	return nil
}

// restoreCueSettings appends to the timing line of each cue of a WebVTT
// file astisub wrote the settings kept for it (settings[i] for the i-th
// cue); out is returned unchanged when the cues do not line up.
func restoreCueSettings(out []byte, settings []string) []byte {
	lines := strings.Split(string(out), "\n")
	var timing []int
	for i, l := range lines {
		if strings.Contains(l, "-->") {
			timing = append(timing, i)
		}
	}
	if len(timing) != len(settings) {
		return out
	}
	for k, i := range timing {
		if settings[k] != "" {
			lines[i] = strings.TrimRight(lines[i], " ") + " " + settings[k]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func write(subs *astisub.Subtitles, f Format, w *bytes.Buffer) error {
	switch f {
	case FormatSRT:
		return subs.WriteToSRT(w)
	case FormatVTT:
		return subs.WriteToWebVTT(w)
	case FormatASS:
		return subs.WriteToSSA(w)
	case FormatSTL:
		return subs.WriteToSTL(w)
	}
	return fmt.Errorf("%w format %s", ErrUnsupported, f)
}

// writeSubtitles writes SRT, WebVTT, SSA/ASS or EBU-STL: one cue per event
// with its text in the chosen language.
func writeSubtitles(s *Script, f Format, opt WriteOptions, loss Loss) ([]byte, error) {
	rate := s.Timing.FrameRate
	if !rate.Valid() {
		return nil, fmt.Errorf("%w: frame rate %s", ErrInvalid, rate)
	}
	lang := opt.Language
	if lang == "" {
		lang = s.Language
	}
	subs := astisub.NewSubtitles()
	subs.Metadata = &astisub.Metadata{Title: subtitleTitle(s, f, loss)}
	stlFPS := stlFrameRate(rate)
	stlGrid := FrameRate{stlFPS, 1}
	if f == FormatSTL {
		subs.Metadata.Framerate = int(stlFPS)
		date := stlDate(s) // astisub's default is the local clock's date
		subs.Metadata.STLCreationDate, subs.Metadata.STLRevisionDate = &date, &date
	}
	// Each time is handed to astisub on the grid it writes, which it
	// truncates to: the nearest millisecond (SSA: centisecond) to the
	// frame's exact time, which reads back as the same frame at up to 1000
	// (SSA: 100) frames per second; STL stores frames at 25 or 30, so its
	// time is the STL frame's (stlFrame), rounded up to the nanosecond.
	at := func(frame int64) time.Duration {
		switch f {
		case FormatSTL:
			return stlGrid.durationCeil(stlFrame(rate, frame))
		case FormatASS:
			return rate.Duration(frame).Round(10 * time.Millisecond)
		}
		return rate.Duration(frame).Round(time.Millisecond)
	}
	maxTime := maxSubtitleTime
	if f == FormatSTL {
		maxTime = 24 * time.Hour // EBU-STL timecodes run to 23:59:59:xx
	}
	var ids, settings []string
	for i := range s.Events {
		e := &s.Events[i]
		t := e.Text(lang)
		if t == nil && len(e.Texts) > 0 && opt.Language == "" {
			t = &e.Texts[0]
		}
		if t == nil {
			loss.add("events without a "+lang+" text", 1)
			continue
		}
		if strings.Contains(t.Text, "\r") { // CR LF and a lone CR break lines, as readers take them
			tt := *t
			tt.Text = strings.ReplaceAll(strings.ReplaceAll(t.Text, "\r\n", "\n"), "\r", "\n")
			t = &tt
		}
		item := &astisub.Item{StartAt: at(e.Start), EndAt: at(e.End)}
		if e.Start < 0 || item.EndAt >= maxTime || item.StartAt >= maxTime {
			return nil, fmt.Errorf("%w: %s: event %q: [%d, %d) is outside 0 to %s", ErrInvalid, f, e.ID, e.Start, e.End, maxTime)
		}
		if f == FormatASS { // frame-exact up to 100 fps
			for _, fr := range []int64{e.Start, e.End} {
				if rate.Frames(at(fr)) != fr {
					loss.add(lossCentisec, 1)
				}
			}
		}
		if f == FormatSTL {
			for _, fr := range []int64{e.Start, e.End} {
				if rate.Nominal() != stlFPS && stlGrid.Duration(stlFrame(rate, fr)) != rate.Duration(fr) {
					loss.add(lossSTLRounded(stlFPS), 1)
				}
			}
			if item.EndAt <= item.StartAt { // both on one STL frame
				item.EndAt = stlGrid.durationCeil(stlFrame(rate, e.Start) + 1)
				loss.add(lossLengthened, 1)
				if item.EndAt >= maxTime {
					return nil, fmt.Errorf("%w: %s: event %q: [%d, %d) is outside 0 to %s", ErrInvalid, f, e.ID, e.Start, e.End, maxTime)
				}
			}
		}
		voice := ""
		if len(e.CharacterIDs) > 0 && (f == FormatVTT || f == FormatASS) {
			if c := s.Character(e.CharacterIDs[0]); c != nil {
				voice = c.Name
			}
			loss.add("extra speakers", len(e.CharacterIDs)-1)
		} else {
			loss.add("speakers", min(len(e.CharacterIDs), 1))
		}
		lines := markupLines(t, f)
		if lines != nil {
			item.Lines = lines
		} else {
			for _, l := range strings.Split(t.Text, "\n") {
				if strings.TrimSpace(l) == "" { // a blank line would end the cue
					loss.add("blank lines", 1)
					continue
				}
				item.Lines = append(item.Lines, astisub.Line{Items: []astisub.LineItem{{Text: l}}})
			}
		}
		for j := range item.Lines {
			item.Lines[j].VoiceName = voice
		}
		escapeCue(item, f, loss)
		if f == FormatSTL { // astisub's default is left-justified; subtitles are centred
			for j := range item.Lines {
				for k := range item.Lines[j].Items {
					li := &item.Lines[j].Items[k]
					li.Text = stlText(li.Text, loss)
				}
			}
			centred := astisub.JustificationCentered
			item.InlineStyle = &astisub.StyleAttributes{STLJustification: &centred}
		}
		subs.Items = append(subs.Items, item)
		ids = append(ids, e.ID)
		vs, an := cueSettings(e), srtPosition(e)
		switch {
		case f == FormatVTT && vs == "":
			vs = vttFromSRTPosition(an)
		case f == FormatSRT && an != 0:
			item.InlineStyle = &astisub.StyleAttributes{SRTPosition: an} // astisub writes {\anN}
			if vs != "" {
				loss.add("cue positions", 1)
			}
		case f != FormatVTT && (vs != "" || an != 0):
			loss.add("cue positions", 1)
		}
		settings = append(settings, vs)
		countDropped(e, t, loss)
		dropUnknown(loss, e.Unknown, keyCueSettings) // counted as cue positions above
		if lines != nil {
			dropUnknown(loss, t.Unknown, keyMarkup) // written
		} else {
			dropUnknown(loss, t.Unknown, "")
		}
	}
	if len(subs.Items) == 0 {
		return nil, fmt.Errorf("%w: no event has a %s text to write", ErrInvalid, lang)
	}
	var b bytes.Buffer
	if err := guard("writing "+string(f), func() error { return write(subs, f, &b) }); err != nil {
		return nil, err
	}
	out := b.Bytes()
	switch f {
	case FormatSTL: // the language of the texts written (astisub knows five)
		code, ok := stlLanguageCode(lang)
		if !ok {
			loss.add(lossSTLLang, 1)
		}
		if len(out) >= stlLanguageOffset+2 {
			copy(out[stlLanguageOffset:], code)
		}
	case FormatSRT:
		out = bytes.TrimPrefix(out, []byte("\ufeff"))
		out = restoreCueIDs(out, ids, true, loss)
	case FormatVTT:
		out = []byte(vttEscapes.Replace(string(out)))
		out = restoreCueIDs(out, ids, false, loss)
		out = restoreCueSettings(out, settings)
	}
	if f != FormatSTL && len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	loss.add("lineage entries", len(s.Lineage))
	loss.add("shot changes", len(s.ShotChanges))
	loss.add("unknown members", len(s.Unknown)+len(s.Timing.Unknown))
	if s.Timing.Origin != nil {
		loss.add("origin timecodes", 1)
	}
	if s.Timing.StartOfProgramme != nil {
		loss.add("start-of-programme timecodes", 1)
	}
	for _, c := range s.Characters {
		if c.Talent != "" || c.Color != "" || len(c.Unknown) > 0 {
			loss.add("character details", 1)
		}
	}
	return out, nil
}

// countDropped counts what one cue cannot carry of an event.
func countDropped(e *Event, t *Text, loss Loss) {
	loss.add("texts in other languages", len(e.Texts)-1)
	loss.add("anchors", len(t.Anchors))
	loss.add("annotations", len(e.Annotations))
	loss.add("descriptions", len(e.Descriptions))
	if e.OnScreen != "" {
		loss.add("on-screen indicators", 1)
	}
	if e.ForcedNarrative {
		loss.add("forced-narrative flags", 1)
	}
}

// dropUnknown counts the unknown members ms that a writer leaves out, but
// the one named written: the SRT/WebVTT markup this package keeps as inline
// styles, its WebVTT cue settings as cue positions, any other as unknown
// members.
func dropUnknown(loss Loss, ms Members, written string) {
	for _, m := range ms {
		switch m.Key {
		case written:
		case keyMarkup:
			loss.add("inline styles", 1)
		case keyCueSettings:
			loss.add("cue positions", 1)
		case keyOpenEnded: // written with its placeholder end, reported when it was given
		default:
			loss.add("unknown members", 1)
		}
	}
}

// subtitleTitle returns the title written to f (SSA/ASS Title, EBU-STL
// original programme title) and counts in loss what of s's title is not:
// all of it in SRT and WebVTT, which have no title; its line breaks, which
// would end the line, made spaces; in EBU-STL what does not fit its 32
// bytes; details beyond the name.
func subtitleTitle(s *Script, f Format, loss Loss) string {
	if s.Title == nil {
		return ""
	}
	if t := s.Title; t.Season != 0 || t.Episode != 0 || t.EpisodeTitle != "" || t.MovieID != "" || len(t.Unknown) > 0 {
		loss.add("title fields", 1)
	}
	name := s.Title.Name
	if f == FormatSRT || f == FormatVTT {
		if name != "" {
			loss.add("titles", 1)
		}
		return ""
	}
	if strings.ContainsAny(name, "\r\n") {
		name = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(name)
		loss.add(lossTitleBreaks, 1)
	}
	if f == FormatSTL && len(name) > stlTitleBytes {
		cut := stlTitleBytes
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		loss.add(lossSTLTitle, utf8.RuneCountInString(name[cut:]))
		name = name[:cut]
	}
	return name
}

func titleName(s *Script) string {
	if s.Title != nil {
		return s.Title.Name
	}
	return ""
}

// restoreCueIDs puts our ids back in place of the 1..n astisub writes
// before each cue's timing line. SRT: only when every id is a number.
// WebVTT: an id that a reader would take for something else (vttIDSafe) is
// left out, the cue written without one, and counted in loss.
func restoreCueIDs(out []byte, ids []string, srt bool, loss Loss) []byte {
	for _, id := range ids {
		if _, err := strconv.Atoi(id); srt && err != nil {
			for i, id := range ids {
				if id != strconv.Itoa(i+1) {
					loss.add(lossSRTIDs, 1)
				}
			}
			return out
		}
	}
	lines := strings.Split(string(out), "\n")
	kept := lines[:0:0]
	next, dropped := 0, 0
	for i := 0; i < len(lines); i++ {
		if next < len(ids) && i+1 < len(lines) && lines[i] == strconv.Itoa(next+1) && strings.Contains(lines[i+1], "-->") {
			id := ids[next]
			next++
			if !srt && !vttIDSafe(id) {
				dropped++
				continue
			}
			kept = append(kept, id)
			continue
		}
		kept = append(kept, lines[i])
	}
	if next != len(ids) {
		return out
	}
	loss.add(lossVTTIDs, dropped)
	return []byte(strings.Join(kept, "\n"))
}

// vttIDSafe reports whether a WebVTT cue identifier reads back as itself:
// one line, no "-->" (a timing line), no surrounding white space, and not
// the start of another block (NOTE, STYLE, REGION, Region:,
// X-TIMESTAMP-MAP), as the WebVTT specification and go-astisub read them.
func vttIDSafe(id string) bool {
	if id == "" || id != strings.TrimSpace(id) || strings.Contains(id, "-->") || strings.ContainsAny(id, "\r\n") {
		return false
	}
	if rest, ok := strings.CutPrefix(id, "NOTE"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		return false
	}
	for _, p := range []string{"STYLE", "REGION", "Region:", "X-TIMESTAMP-MAP"} {
		if strings.HasPrefix(id, p) {
			return false
		}
	}
	return true
}

// stlFrameRate is the frame rate of the EBU-STL file written for a script
// at rate (EBU Tech 3264 disk format codes STL25.01 and STL30.01): 30 for
// 29.97, 30, 59.94 and 60 (and other multiples of 30), else 25.
func stlFrameRate(rate FrameRate) int64 {
	if n := rate.Nominal(); n > 0 && n%30 == 0 {
		return 30
	}
	return 25
}

// stlFrame is the frame of the EBU-STL file written for frame of a script
// at rate: the same frame when the script's nominal rate is the file's
// (29.97 as 30, its timecodes' count), else the nearest STL frame to the
// frame's time.
func stlFrame(rate FrameRate, frame int64) int64 {
	fps := stlFrameRate(rate)
	if rate.Nominal() == fps {
		return frame
	}
	return FrameRate{fps, 1}.Frames(rate.Duration(frame))
}

// durationCeil is the duration of frames (≥ 0) rounded up to the
// nanosecond, so that truncating it back to frames gives frames.
func (r FrameRate) durationCeil(frames int64) time.Duration {
	if frames <= 0 || !r.Valid() {
		return 0
	}
	hi, lo := bits.Mul64(uint64(frames), uint64(r.Den)*uint64(time.Second))
	if hi >= uint64(r.Num) {
		return time.Duration(1<<63 - 1)
	}
	q, rem := bits.Div64(hi, lo, uint64(r.Num))
	if rem > 0 {
		q++
	}
	return time.Duration(q)
}
