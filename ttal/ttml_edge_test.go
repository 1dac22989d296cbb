package ttal

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

const ttmlHead = `<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25" xml:lang="en">
<body>`

// TestTTMLOpenEnded: content active indefinitely in a document that names
// no later time is kept (it was dropped), ends OpenEndedDuration after its
// begin, is marked and reported, and TTML and DAPT write it open-ended
// again; with a later time in the document it lasts to that time.
func TestTTMLOpenEnded(t *testing.T) {
	doc := ttmlHead + `<div><p>This text must be visible.</p></div></body></tt>`
	loss := Loss{}
	s, err := ReadBytes([]byte(doc), FormatTTML, ReadOptions{Loss: loss})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Events) != 1 || s.Events[0].Start != 0 || s.Events[0].End != 25*OpenEndedDuration || !openEnded(&s.Events[0]) {
		t.Fatalf("events %+v", s.Events)
	}
	if loss[openEndedLoss] != 1 {
		t.Fatalf("loss %s", loss)
	}
	for _, f := range []Format{FormatTTML, FormatDAPT} {
		var b bytes.Buffer
		wl, err := Write(&b, s, f, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), ` end="`) || wl[openEndedLoss] != 0 || wl["unknown members"] != 0 {
			t.Fatalf("%s: loss %s\n%s", f, wl, b.String())
		}
		back, err := ReadBytes(b.Bytes(), f, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Events) != 1 || back.Events[0].End != s.Events[0].End || !openEnded(&back.Events[0]) {
			t.Fatalf("%s read back: %+v", f, back.Events)
		}
	}
	var b bytes.Buffer
	if wl, err := Write(&b, s, FormatSRT, WriteOptions{}); err != nil || wl[openEndedLoss] != 0 || !strings.Contains(b.String(), "00:00:00,000 --> 00:00:10,000") {
		t.Fatalf("SRT: %v %s\n%s", err, wl, b.String())
	}
	// A later time in the document ends it there, as before.
	doc = ttmlHead + `<div><p>always</p><p begin="2s" end="4s">timed</p></div></body></tt>`
	loss = Loss{}
	s, err = ReadBytes([]byte(doc), FormatTTML, ReadOptions{Loss: loss})
	if err != nil || len(s.Events) != 2 || s.Events[0].End != 100 || openEnded(&s.Events[0]) || len(loss) != 0 {
		t.Fatalf("%v %+v %s", err, s.Events, loss)
	}
}

// ttmlSplitBomb is a small document whose significant times split every
// paragraph many times: paragraphs × divs events.
func ttmlSplitBomb(paragraphs, divs int) []byte {
	var b strings.Builder
	b.WriteString(ttmlHead + "<div>")
	for i := range paragraphs {
		fmt.Fprintf(&b, `<p begin="0s" end="100000s">long %d</p>`, i)
	}
	b.WriteString("</div>")
	for i := range divs {
		fmt.Fprintf(&b, `<div begin="%ds" end="%ds"/>`, i+1, i+2)
	}
	b.WriteString("</body></tt>")
	return []byte(b.String())
}

// TestTTMLEventBudget: splitting per ISD cannot turn a small document into
// a huge script: the events are bounded by the document's size.
func TestTTMLEventBudget(t *testing.T) {
	for _, c := range []struct{ size, want int }{{0, 1 << 16}, {1 << 20, 1 << 16}, {1 << 24, 1 << 20}, {1 << 30, MaxItems}} {
		if got := ttmlMaxEvents(c.size); got != c.want {
			t.Errorf("ttmlMaxEvents(%d) = %d, want %d", c.size, got, c.want)
		}
	}
	doc := ttmlSplitBomb(300, 3000) // 900,000 pieces from 110 KB
	_, err := ReadBytes(doc, FormatTTML, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "more than 65536 events") {
		t.Fatalf("err = %v", err)
	}
	s, err := ReadBytes(ttmlSplitBomb(20, 100), FormatTTML, ReadOptions{}) // 20 × 102 pieces: fine
	if err != nil || len(s.Events) != 20*102 {
		t.Fatalf("%v, %d events", err, len(s.Events))
	}
}

// TestTTMLTimeBeyondLastFrame: a time past MaxFrame is refused where it is
// (it was clamped, or the event silently vanished).
func TestTTMLTimeBeyondLastFrame(t *testing.T) {
	for _, p := range []string{`<p begin="0s" end="99999999h">x</p>`, `<p begin="99999999:00:00" end="99999999:00:01">x</p>`} {
		_, err := ReadBytes([]byte(ttmlHead+"<div>"+p+"</div></body></tt>"), FormatTTML, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "tt/body/div/p: time") || !strings.Contains(err.Error(), "beyond frame") {
			t.Errorf("%s: err = %v", p, err)
		}
	}
}

// TestTTMLUniqueIDs: TTAL ids that map to one NCName get distinct xml:ids
// (references follow), and the DAPT profile rejects a repeated xml:id.
func TestTTMLUniqueIDs(t *testing.T) {
	s := New(OriginalTranscript, "en", Rate25)
	s.Represents = []string{"audio.dialogue"}
	s.Characters = []Character{{ID: "c 1", Name: "A", Talent: "T"}, {ID: "c_1", Name: "B"}, {ID: "actor_c_1", Name: "C"}}
	for i, id := range []string{"a b", "a_b", "x_1", "1"} {
		s.Events = append(s.Events, Event{ID: id, Start: int64(25 * i), End: int64(25*i + 10), Represents: "audio.dialogue",
			CharacterIDs: []string{s.Characters[i%3].ID}, Texts: []Text{{Lang: "en", Text: "t" + id}}})
	}
	for _, f := range []Format{FormatTTML, FormatDAPT} {
		var b bytes.Buffer
		if _, err := Write(&b, s, f, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		d := xml.NewDecoder(&b)
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				for _, a := range se.Attr {
					if a.Name.Local == "id" && a.Name.Space == nsXML {
						if seen[a.Value] {
							t.Errorf("%s: xml:id %q written twice", f, a.Value)
						}
						seen[a.Value] = true
					}
				}
			}
		}
		b.Reset()
		_, _ = Write(&b, s, f, WriteOptions{})
		back, err := ReadBytes(b.Bytes(), f, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range back.Events {
			if e.ID != s.Events[i].ID || len(e.CharacterIDs) != 1 || back.Character(e.CharacterIDs[0]) == nil ||
				back.Character(e.CharacterIDs[0]).Name != s.Character(s.Events[i].CharacterIDs[0]).Name {
				t.Errorf("%s: event %d read back as %+v", f, i, e)
			}
		}
		if f == FormatDAPT {
			if fs := ValidateDAPTDocument(b.Bytes()); len(fs) != 0 {
				t.Errorf("our DAPT fails the profile: %v", fs)
			}
			dup := strings.Replace(b.String(), `xml:id="x_1_2"`, `xml:id="x_1"`, 1)
			fs := ValidateDAPTDocument([]byte(dup))
			if len(fs) != 1 || fs[0].Rule != "dapt.serialization" || !strings.Contains(fs[0].Message, `xml:id "x_1" is not unique`) {
				t.Errorf("repeated xml:id: %v", fs)
			}
		}
	}
}

// TestXMLForbiddenCharacters: characters XML 1.0 cannot carry are written
// as U+FFFD and reported.
func TestXMLForbiddenCharacters(t *testing.T) {
	s := generateScript(2)
	s.Events[0].Texts[0].Text = "a\x00b\x01"
	var b bytes.Buffer
	loss, err := Write(&b, s, FormatTTML, WriteOptions{})
	if err != nil || loss["characters XML cannot carry (written as U+FFFD)"] != 2 || !strings.Contains(b.String(), "a\uFFFDb\uFFFD") {
		t.Fatalf("%v %s", err, loss)
	}
}

// TestXMLRepeatedAttribute: XML 1.0 allows an attribute once per element.
func TestXMLRepeatedAttribute(t *testing.T) {
	_, err := ReadBytes([]byte(ttmlHead+`<div><p begin="0s" end="1s" begin="2s">x</p></div></body></tt>`), FormatTTML, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "attribute begin repeated on element p (line 3") {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkReadTTMLParagraphs reads 8,000 untimed paragraphs in one div
// (quadratic before: every paragraph rescanned the div's children).
func BenchmarkReadTTMLParagraphs(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(ttmlHead + "<div>")
	for i := range 8000 {
		fmt.Fprintf(&sb, "<p>x%d</p>", i)
	}
	sb.WriteString(`</div><div begin="0s" end="3600s"/></body></tt>`)
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ReadBytes(doc, FormatTTML, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTTMLRepeatedEventIDs: events that share an id (an invalid script)
// are written as separate events, renamed as the reader would, and
// reported; they were merged into one.
func TestTTMLRepeatedEventIDs(t *testing.T) {
	s := generateScript(3)
	for i := range s.Events {
		s.Events[i].ID = "a"
	}
	var b bytes.Buffer
	loss, err := Write(&b, s, FormatTTML, WriteOptions{})
	if err != nil || loss[lossRenamedIDs] != 2 {
		t.Fatalf("%v %s", err, loss)
	}
	back, err := ReadBytes(b.Bytes(), FormatTTML, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Events) != 3 || back.Events[1].ID != "a-2" || back.Events[2].ID != "a-3" || back.Events[2].Start != s.Events[2].Start ||
		len(back.Events[2].Texts) != len(s.Events[2].Texts) {
		t.Fatalf("read back %+v", back.Events)
	}
}

// ttmlTimedSpans is paragraphs × spans spans, the i-th beginning at frame
// i: each paragraph changes at every frame.
func ttmlTimedSpans(paragraphs, spans int) []byte {
	var b strings.Builder
	b.WriteString(ttmlHead + "<div>")
	for range paragraphs {
		b.WriteString(`<p begin="0s" end="1000s">`)
		for i := range spans {
			fmt.Fprintf(&b, `<span begin="%df">x</span>`, i)
		}
		b.WriteString("</p>")
	}
	b.WriteString("</div></body></tt>")
	return []byte(b.String())
}

// TestTTMLWorkBudget: finding the text of every stretch of a paragraph
// costs stretches × spans; past maxTTMLWork the document is refused at
// the paragraph (a 550 KB document took 10 s before the reader indexed
// the spans per cut, and would take 20 s more without the bound).
func TestTTMLWorkBudget(t *testing.T) {
	_, err := ReadBytes(ttmlTimedSpans(10, 2000), FormatTTML, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "the document's timing is too complex") {
		t.Fatalf("err = %v", err)
	}
	s, err := ReadBytes(ttmlTimedSpans(2, 300), FormatTTML, ReadOptions{})
	if err != nil || len(s.Events) != 2*300 || s.Events[299].Texts[0].Text != strings.Repeat("x", 300) {
		t.Fatalf("%v, %d events", err, len(s.Events))
	}
}

// BenchmarkReadTTMLTimedSpans reads 4 paragraphs of 1,000 spans that
// begin one frame apart (4,000 stretches × 1,000 spans).
func BenchmarkReadTTMLTimedSpans(b *testing.B) {
	doc := ttmlTimedSpans(4, 1000)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ReadBytes(doc, FormatTTML, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTTMLOpenEndedAfterLastChange: what an open-ended paragraph shows
// after its own last change is kept (it was cut at the document's last
// time, which was that change), and a marked event is written without an
// end only when that reads back the same.
func TestTTMLOpenEndedAfterLastChange(t *testing.T) {
	for _, c := range []struct{ p, want string }{
		{`<p begin="5s">first <span begin="1s">later</span></p>`, "[125,150) first|[150,400) first later*"},
		{`<p begin="5s">first <span begin="1s" end="2s">mid</span> last</p>`, "[125,150) first last|[150,175) first mid last|[175,425) first last*"},
	} {
		s, err := ReadBytes([]byte(ttmlHead+"<div>"+c.p+"</div></body></tt>"), FormatTTML, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, e := range s.Events {
			mark := ""
			if openEnded(&s.Events[i]) {
				mark = "*"
			}
			got = append(got, fmt.Sprintf("[%d,%d) %s%s", e.Start, e.End, e.Texts[0].Text, mark))
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%s: %s, want %s", c.p, strings.Join(got, "|"), c.want)
		}
	}
	// A marked event that does not begin last, or whose end was edited,
	// is written with its end.
	s := generateScript(3)
	s.Timing.FrameRate = Rate25
	s.Events[1].End = s.Events[1].Start + 250
	s.Events[1].Unknown = Members{{Key: keyOpenEnded, Value: json.RawMessage("true")}}
	for _, f := range []Format{FormatTTML, FormatDAPT} {
		var b bytes.Buffer
		if _, err := Write(&b, s, f, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err := ReadBytes(b.Bytes(), f, ReadOptions{})
		if err != nil || back.Events[1].Start != s.Events[1].Start || back.Events[1].End != s.Events[1].End {
			t.Fatalf("%s: %v %+v", f, err, back.Events[1])
		}
	}
}

// TestTTMLLineBreaksCRLF: CRLF and CR in a text are one line break in
// TTML, as in the subtitle formats.
func TestTTMLLineBreaksCRLF(t *testing.T) {
	s := generateScript(1)
	s.Events[0].Texts = s.Events[0].Texts[:1]
	s.Events[0].Texts[0].Text = "a\rb\r\nc\nd"
	s.Events[0].Texts[0].Anchors = nil
	var b bytes.Buffer
	if _, err := Write(&b, s, FormatTTML, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBytes(b.Bytes(), FormatTTML, ReadOptions{})
	if err != nil || back.Events[0].Texts[0].Text != "a\nb\nc\nd" {
		t.Fatalf("%v %q", err, back.Events[0].Texts[0].Text)
	}
}
