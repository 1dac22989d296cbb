package ttal

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"
)

const assHead = "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"

// subtitleEdgeCases are the review's subtitle inputs: each must read with
// the texts, speakers and loss given, or fail with an error naming the place.
var subtitleEdgeCases = []struct {
	name  string
	f     Format
	doc   string
	err   string   // substring of the error; "" for none
	texts []string // each event's text
	loss  string
	chars [][]string // each event's speaker names, when given
}{
	{name: "srt-huge-hours", f: FormatSRT, doc: "1\n99999999:00:01,000 --> 99999999:00:02,000\nhuge\n",
		err: `srt: cue 1 (line 2): time "99999999:00:01,000" is too large`},
	{name: "ass-huge-hours", f: FormatASS, doc: assHead + "Dialogue: 0,99999999:00:01.00,99999999:00:02.00,Default,Bob,0,0,0,,huge\n",
		err: `ass: cue 1 (line 6): time "99999999:00:01.00" is too large`},
	{name: "vtt-huge-minutes", f: FormatVTT, doc: "WEBVTT\n\n00:00.000 --> 99999999999999999999:00.000\nx\n",
		err: "vtt: cue 1 (line 3): time"},
	{name: "srt-100-hours", f: FormatSRT, doc: "1\n100:00:01,000 --> 100:00:02,000\nbig hours\n", texts: []string{"big hours"}},
	{name: "srt-space-between-tags", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\n<i>one</i> <b>two</b>\n\n2\n00:00:03,000 --> 00:00:04,000\n<i>a</i> \t<i>b</i>\n",
		texts: []string{"one two", "a \tb"}},
	{name: "vtt-entities", f: FormatVTT, doc: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nTom &gt; Jerry &lt;3 &quot;q&quot; &#39;s&#39; &lrm;x &amp;gt;\n",
		texts: []string{"Tom > Jerry <3 \"q\" 's' \u200ex &gt;"}},
	{name: "srt-entities", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\n<i>a &gt; b</i> &#38; --&gt; c\n",
		texts: []string{"a > b & --> c"}},
	{name: "srt-blank-line-in-cue", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\nline1\n\nline after blank\n\n2\n00:00:03,000 --> 00:00:04,000\nx\n\nlast after blank\n",
		texts: []string{"line1", "x"}, loss: "dropped 2 unparsed lines"},
	{name: "vtt-no-signature", f: FormatVTT, doc: "NOTWEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n", err: "vtt: line 1: no WEBVTT signature"},
	{name: "vtt-two-voices", f: FormatVTT, doc: "WEBVTT\n\n00:00:03.000 --> 00:00:04.000\n<v Bob>Hi</v> <v Ann>there</v>\n\n00:00:05.000 --> 00:00:06.000\n<v Bob&gt;>x\n",
		texts: []string{"Hi there", "x"}, chars: [][]string{{"Bob", "Ann"}, {"Bob>"}}},
	{name: "srt-tiny-cue", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:01,010\nTiny\n", texts: []string{"Tiny"}, loss: "1 cues lengthened to one frame"},
	{name: "srt-backwards", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:05,000 --> 00:00:02,000\nback\n",
		err: "srt: cue 2 (line 6): ends (2s) before it starts (5s)"},
	{name: "srt-negative", f: FormatSRT, doc: "1\n-00:00:01,000 --> 00:00:02,000\nneg\n", err: `srt: cue 1 (line 2): negative time "-00:00:01,000"`},
	{name: "ass-negative", f: FormatASS, doc: assHead + "Dialogue: 0,-0:00:01.00,0:00:02.00,Default,Bob,0,0,0,,neg\n",
		err: `ass: cue 1 (line 6): negative time "-0:00:01.00"`},
	// Decoded references must not spell a timing line (a fake cue).
	{name: "vtt-entity-arrow", f: FormatVTT, doc: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwait &#45;-> go\n", texts: []string{"wait --> go"}},
	{name: "vtt-entity-arrow-end", f: FormatVTT, doc: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwait &#45;->\n", texts: []string{"wait -->"}},
	{name: "vtt-entity-fake-cue", f: FormatVTT, doc: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nThe log said:\n00:00:05.000 &#45;-> 00:00:09.000\n",
		texts: []string{"The log said:\n00:00:05.000 --> 00:00:09.000"}},
	{name: "srt-entity-arrow", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\nwait &#45;&#45;> go\n", texts: []string{"wait --> go"}},
	{name: "srt-entity-fake-cue", f: FormatSRT, doc: "1\n00:00:01,000 --> 00:00:02,000\nThe log said:\n00:00:05,000 &#45;&#45;> 00:00:09,000\n\n2\n00:00:10,000 --> 00:00:11,000\nnext\n",
		texts: []string{"The log said:\n00:00:05,000 --> 00:00:09,000", "next"}},
	// astisub trims each part of a time: spaces must not hide its size.
	{name: "ass-spaced-huge-hours", f: FormatASS, doc: assHead + "Dialogue: 0,0:00:05.00,5124096:00: 01.00,Default,,0,0,0,,world\n",
		err: `ass: cue 1 (line 6): time "5124096:00: 01.00" is too large`},
	{name: "ass-spaced-huge-hours-2", f: FormatASS, doc: assHead + "Dialogue: 0,0:00:01.00,2562048:00: 00.00,Default,,0,0,0,,hello\n",
		err: `ass: cue 1 (line 6): time "2562048:00: 00.00" is too large`},
	{name: "srt-spaced-huge-hours", f: FormatSRT, doc: "1\n00:00:01,000 --> 5124096:00: 01,000\nx\n",
		err: `srt: cue 1 (line 2): time`},
	{name: "ass-truncated", f: FormatASS, doc: assHead + "Dialogue: 0,0:00:01.00\n", err: "ass: line 6: event has 2 fields, its Format line names 10"},
}

func TestSubtitleEdgeCases(t *testing.T) {
	for _, c := range subtitleEdgeCases {
		t.Run(c.name, func(t *testing.T) {
			loss := Loss{}
			s, err := ReadBytes([]byte(c.doc), c.f, ReadOptions{Loss: loss})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for i, e := range s.Events {
				texts = append(texts, e.Texts[0].Text)
				if e.End <= e.Start {
					t.Errorf("event %s: [%d, %d)", e.ID, e.Start, e.End)
				}
				if c.chars != nil {
					var names []string
					for _, id := range e.CharacterIDs {
						names = append(names, s.Character(id).Name)
					}
					if strings.Join(names, "|") != strings.Join(c.chars[i], "|") {
						t.Errorf("event %d speakers %q, want %q", i, names, c.chars[i])
					}
				}
			}
			if strings.Join(texts, "|") != strings.Join(c.texts, "|") {
				t.Errorf("texts %q, want %q", texts, c.texts)
			}
			if loss.String() != c.loss {
				t.Errorf("loss %q, want %q", loss, c.loss)
			}
		})
	}
}

// subtitleWriteCases are texts and speaker names that a writer must not
// write as they are: each must read back as written, or be changed and
// reported.
var subtitleWriteCases = []struct {
	name, text, speaker string
	f                   Format
	avoid               string // must not be in the output
	back, backSpeaker   string // read back
	loss                string
}{
	{"srt-arrow", "a --> b\n00:00:09,000 --> 00:00:10,000", "", FormatSRT, "a -->", "a - -> b\n00:00:09,000 - -> 00:00:10,000", "", `1 "-->" in SRT text written "- ->"`},
	{"vtt-arrow", "a --> b & <c>", "", FormatVTT, "a -->", "a --> b & <c>", "", ""},
	{"vtt-gt", "Tom > Jerry", "", FormatVTT, "Tom >", "Tom > Jerry", "", ""},
	{"vtt-literal-entity", "Tom &gt; Jerry", "", FormatVTT, "Tom &gt;", "Tom &gt; Jerry", "", ""},
	{"srt-literal-entity", "Tom &gt; Jerry", "", FormatSRT, "Tom &gt;", "Tom &gt; Jerry", "", ""},
	{"vtt-voice", "x", "Bob> & <Ann>", FormatVTT, "<v Bob>>", "x", "Bob> & <Ann>", ""},
	{"ass-name-comma", "x", "Smith, John", FormatASS, "Smith, John", "x", "Smith; John", `1 commas in SSA speaker names written ";"`},
	{"ass-braces", "braces {not a tag} here", "", FormatASS, "{not", "braces ｛not a tag｝ here", "", "1 SSA override codes in text made full-width"},
	{"ass-newline-code", `back\Nslash`, "", FormatASS, `\N`, `back＼Nslash`, "", "1 SSA override codes in text made full-width"},
}

func TestSubtitleWriteEscapes(t *testing.T) {
	for _, c := range subtitleWriteCases {
		t.Run(c.name, func(t *testing.T) {
			s := New(OriginalTranscript, "en", Rate25)
			e := Event{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: "en", Text: c.text}}}
			if c.speaker != "" {
				s.Characters = []Character{{ID: "c1", Name: c.speaker}}
				e.CharacterIDs = []string{"c1"}
			}
			s.Events = []Event{e, {ID: "2", Start: 75, End: 100, Texts: []Text{{Lang: "en", Text: "next"}}}}
			var b bytes.Buffer
			loss, err := Write(&b, s, c.f, WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), c.avoid) {
				t.Errorf("output has %q:\n%s", c.avoid, b.String())
			}
			if loss.String() != c.loss {
				t.Errorf("loss %q, want %q", loss, c.loss)
			}
			rloss := Loss{}
			back, err := ReadBytes(b.Bytes(), c.f, ReadOptions{Loss: rloss})
			if err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			if len(back.Events) != 2 || back.Events[0].Texts[0].Text != c.back || len(rloss) > 0 {
				t.Fatalf("read back %+v (loss %s), want %q\n%s", back.Events, rloss, c.back, b.String())
			}
			if c.backSpeaker != "" && (len(back.Characters) != 1 || back.Characters[0].Name != c.backSpeaker) {
				t.Errorf("speakers %+v, want %q", back.Characters, c.backSpeaker)
			}
		})
	}
}

// TestSubtitleWriteTimeLimits: times a format cannot hold are refused,
// naming the event.
func TestSubtitleWriteTimeLimits(t *testing.T) {
	for _, c := range []struct {
		f     Format
		start int64 // frames at 25 fps
		end   int64 // 0: start + 25
		rate  FrameRate
	}{
		{f: FormatSTL, start: 24*3600*50 - 3, end: 24*3600*50 - 2, rate: Rate50}, // one STL frame, lengthened to 24:00:00:00
		{f: FormatSTL, start: 300 * 3600 * 25},                                   // EBU-STL hours wrapped mod 256
		{f: FormatSTL, start: 24 * 3600 * 25},
		{f: FormatSRT, start: 10000 * 3600 * 25},
		{f: FormatASS, start: -25},
	} {
		if c.end == 0 {
			c.end, c.rate = c.start+25, Rate25
		}
		s := New(OriginalTranscript, "en", c.rate)
		s.Events = []Event{{ID: "late", Start: c.start, End: c.end, Texts: []Text{{Lang: "en", Text: "x"}}}}
		_, err := Write(&bytes.Buffer{}, s, c.f, WriteOptions{})
		if err == nil || !strings.Contains(err.Error(), `event "late"`) {
			t.Errorf("%s at frame %d: error %v", c.f, c.start, err)
		}
	}
}

// TestSubtitleFramesSurvive: every frame of the first minutes, as a start
// and as an end, comes back the same through SRT, WebVTT and SSA (times in
// milliseconds and centiseconds, rounded to the nearest) and, at the rates
// it stores (25 and 30 frames), EBU-STL. Before, SSA truncated to the
// centisecond: at 59.94 fps frame 103 (1.7184 s) was written 1.71 and read
// back as frame 102.
func TestSubtitleFramesSurvive(t *testing.T) {
	const n = 6000
	for _, rate := range []FrameRate{Rate23976, Rate25, Rate2997, Rate50, Rate5994, Rate60} {
		s := New(OriginalTranscript, "en", rate)
		for k := int64(0); k < n; k += 2 {
			s.Events = append(s.Events, Event{ID: fmt.Sprint(k), Start: k, End: k + 1 + k%3, Texts: []Text{{Lang: "en", Text: "x"}}})
		}
		formats := []Format{FormatSRT, FormatVTT, FormatASS}
		if rate == Rate25 || rate == Rate2997 {
			formats = append(formats, FormatSTL)
		}
		for _, f := range formats {
			var b bytes.Buffer
			if _, err := Write(&b, s, f, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			back, err := ReadBytes(b.Bytes(), f, ReadOptions{FrameRate: rate})
			if err != nil {
				t.Fatal(err)
			}
			off := 0
			for i := range s.Events {
				a, b := s.Events[i], back.Events[i]
				if a.Start != b.Start || a.End != b.End {
					if off == 0 {
						t.Errorf("%s %s: [%d, %d) came back [%d, %d)", rate, f, a.Start, a.End, b.Start, b.End)
					}
					off++
				}
			}
			if off > 0 {
				t.Errorf("%s %s: %d of %d events off", rate, f, off, len(s.Events))
			}
		}
	}
}

// TestSTLReproducible: the GSI creation and revision dates do not come from
// the clock (astisub's default: the local date, which differs between time
// zones on the same instant) but from the script's newest lineage time,
// else 700101.
func TestSTLReproducible(t *testing.T) {
	defer func(loc *time.Location, now func() time.Time) { time.Local, astisub.Now = loc, now }(time.Local, astisub.Now)
	s := generateScript(3)
	write := func(zone string, now time.Time) []byte {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skip(err)
		}
		time.Local, astisub.Now = loc, func() time.Time { return now.In(loc) }
		var b bytes.Buffer
		if _, err := Write(&b, s, FormatSTL, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	instant := time.Date(2024, 3, 1, 11, 30, 0, 0, time.UTC) // 2 March in Kiritimati, 29 February at GMT-12
	a := write("Pacific/Kiritimati", instant)
	b := write("Etc/GMT+12", instant.Add(400*24*time.Hour))
	if !bytes.Equal(a, b) {
		t.Fatal("two clocks, two files")
	}
	if got := string(a[224:236]); got != "700101700101" {
		t.Fatalf("CD RD %q", got)
	}
	s.Lineage = []LineageEntry{{ScriptID: "a", CreatedAt: "2023-12-31T23:30:00-02:00"}, {ScriptID: "b", CreatedAt: "2021-05-01T00:00:00Z"}}
	if got := string(write("Etc/GMT+12", instant)[224:236]); got != "240101240101" {
		t.Fatalf("CD RD %q, want the newest lineage date", got)
	}
}

// TestSTLLanguage: the GSI language code is EBU Tech 3264's for the
// language written (before: 0F, French, for any language astisub did not
// know), read back as the script's language; one without a code is
// written 00 and reported.
func TestSTLLanguage(t *testing.T) {
	for _, c := range []struct{ lang, code, back, loss string }{
		{"de", "08", "de", ""}, {"fr-FR", "0F", "fr", ""}, {"en-GB", "09", "en", ""}, {"ja", "69", "ja", ""},
		{"nl-BE", "2A", "nl-BE", ""}, {"und", "00", "und", ""}, {"haw", "00", "und", "dropped 1 languages without an EBU-STL code"},
	} {
		s := New(OriginalTranscript, c.lang, Rate25)
		s.Events = []Event{{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: c.lang, Text: "x"}}}}
		var b bytes.Buffer
		loss, err := Write(&b, s, FormatSTL, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.String()[14:16]; got != c.code || loss.String() != c.loss {
			t.Errorf("%s: code %s (loss %q), want %s (%q)", c.lang, got, loss, c.code, c.loss)
		}
		back, err := ReadBytes(b.Bytes(), FormatSTL, ReadOptions{})
		if err != nil || back.Language != c.back {
			t.Errorf("%s: read back as %v (%v), want %s", c.lang, back.Language, err, c.back)
		}
	}
}

// TestManyVoicesLinear: a cue with 60,000 distinct voices reads in well
// under the 11–15 s it took when voices and character ids were
// de-duplicated by scanning lists (the review's manyv.vtt, manyv2.vtt).
func TestManyVoicesLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("60,000 voices")
	}
	for _, sep := range []string{"", "\n"} { // speed: BenchmarkReadManyVoices
		s, err := ReadBytes(manyVoices(60000, sep), FormatVTT, ReadOptions{})
		if err != nil || len(s.Events[0].CharacterIDs) != 60000 {
			t.Fatal(err)
		}
	}
}

// TestSTLFrameRates: an EBU-STL file runs at 25 (STL25.01) or 30
// (STL30.01) frames per second; a script at another rate has its times
// converted to the nearest STL frame, the change reported, and reads back
// at the right times (before, frame 180,000 at 50 fps, one hour, was
// written 01:40:00:00, and 24 fps was stretched by 4 %).
func TestSTLFrameRates(t *testing.T) {
	for _, c := range []struct {
		rate FrameRate
		fps  int64
		loss string
	}{
		{Rate23976, 25, "dropped 1 speakers; 6 times rounded to 25 fps"},
		{Rate24, 25, "dropped 1 speakers; 6 times rounded to 25 fps"},
		{Rate25, 25, "dropped 1 speakers"},
		{Rate2997, 30, "dropped 1 speakers"},
		{Rate30, 30, "dropped 1 speakers"},
		{Rate50, 25, "dropped 1 speakers; 3 times rounded to 25 fps"},
		{Rate5994, 30, "dropped 1 speakers; 6 times rounded to 30 fps"},
		{Rate60, 30, "dropped 1 speakers; 3 times rounded to 30 fps"},
	} {
		hour := 3600 * c.rate.Nominal()
		s := New(OriginalTranscript, "en", c.rate)
		s.Characters = []Character{{ID: "c1", Name: "Ann"}}
		for i, span := range [][2]int64{{0, 2}, {1, 3}, {hour, hour + 4}, {hour + 7, hour + 60}} {
			s.Events = append(s.Events, Event{ID: fmt.Sprint(i + 1), Start: span[0], End: span[1], Texts: []Text{{Lang: "en", Text: "x"}}})
		}
		s.Events[0].CharacterIDs = []string{"c1"}
		var b bytes.Buffer
		loss, err := Write(&b, s, FormatSTL, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if loss.String() != c.loss {
			t.Errorf("%s: loss %q, want %q", c.rate, loss, c.loss)
		}
		if got := b.String()[3:11]; got != fmt.Sprintf("STL%d.01", c.fps) {
			t.Errorf("%s: disk format code %q", c.rate, got)
		}
		// Read as the file's own rate: within half an STL frame of the
		// script's times (the same frames when the rates match nominally).
		back, err := ReadBytes(b.Bytes(), FormatSTL, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		grid := FrameRate{c.fps, 1}
		half := grid.Duration(1)/2 + time.Microsecond // halves round up
		if back.Timing.FrameRate != grid || len(back.Events) != len(s.Events) {
			t.Fatalf("%s: read back at %s, %d events", c.rate, back.Timing.FrameRate, len(back.Events))
		}
		for i, e := range back.Events {
			for k, fr := range []int64{e.Start, e.End} {
				want := []int64{s.Events[i].Start, s.Events[i].End}[k]
				if c.rate.Nominal() == c.fps {
					if fr != want {
						t.Errorf("%s: event %d time %d: frame %d, want %d", c.rate, i, k, fr, want)
					}
				} else if d := grid.Duration(fr) - c.rate.Duration(want); d > half || d < -half {
					t.Errorf("%s: event %d time %d: %s, want %s", c.rate, i, k, grid.Duration(fr), c.rate.Duration(want))
				}
			}
		}
		// Read at the script's rate: the nearest frame to the STL time.
		back, err = ReadBytes(b.Bytes(), FormatSTL, ReadOptions{FrameRate: c.rate})
		if err != nil {
			t.Fatal(err)
		}
		if back.Timing.FrameRate != c.rate {
			t.Fatalf("%s: read back at %s", c.rate, back.Timing.FrameRate)
		}
		for i, e := range back.Events {
			if d := e.Start - s.Events[i].Start; d < -1 || d > 1 || (c.rate.Nominal() == c.fps && d != 0) {
				t.Errorf("%s: event %d starts at %d, want %d", c.rate, i, e.Start, s.Events[i].Start)
			}
		}
	}
}

// TestSubtitleWriteCR: a CR in a text (CR LF or alone) is a line break in
// every subtitle format, as their readers take it; before, SSA output was
// unreadable and WebVTT lost the text.
func TestSubtitleWriteCR(t *testing.T) {
	for _, f := range []Format{FormatSRT, FormatVTT, FormatASS, FormatSTL} {
		for _, c := range []struct{ text, back string }{
			{"first\r;second, with comma", "first\n;second, with comma"},
			{"line a\r\nline b", "line a\nline b"},
			{"line a\r\rline b", "line a\nline b"}, // the blank line is reported
		} {
			s := New(OriginalTranscript, "en", Rate25)
			s.Events = []Event{{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: "en", Text: c.text}}},
				{ID: "2", Start: 75, End: 100, Texts: []Text{{Lang: "en", Text: "next"}}}}
			var b bytes.Buffer
			loss, err := Write(&b, s, f, WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(c.text, "\r\r") != (loss.String() == "dropped 1 blank lines") {
				t.Errorf("%s %q: loss %q", f, c.text, loss)
			}
			rloss := Loss{}
			back, err := ReadBytes(b.Bytes(), f, ReadOptions{Loss: rloss})
			if err != nil {
				t.Fatalf("%s %q: %v\n%s", f, c.text, err, b.String())
			}
			if len(back.Events) != 2 || back.Events[0].Texts[0].Text != c.back || back.Events[1].Texts[0].Text != "next" || len(rloss) > 0 {
				t.Errorf("%s %q: read back %+v (loss %s)\n%q", f, c.text, back.Events, rloss, b.String())
			}
		}
	}
}

// TestVTTCueIDs: a cue id that would make its block something else (a
// comment, a style or region block, a timing line) or not read back as
// itself is left out and reported; the others are kept, and the output
// reads back with nothing lost.
func TestVTTCueIDs(t *testing.T) {
	ids := []string{"NOTE 1", "STYLE", "REGION", "a --> b", "two\nlines", "cr\rid", " pad", "Region: x", "X-TIMESTAMP-MAP=1",
		"NOTE\tx", "NOTE", "NOTES", "intro", "7", "ok-->"}
	keep := map[string]bool{"NOTES": true, "intro": true, "7": true}
	s := New(OriginalTranscript, "en", Rate25)
	for i, id := range ids {
		s.Events = append(s.Events, Event{ID: id, Start: int64(25 * (i + 1)), End: int64(25*(i+1) + 10), Texts: []Text{{Lang: "en", Text: fmt.Sprint("text ", i)}}})
	}
	var b bytes.Buffer
	loss, err := Write(&b, s, FormatVTT, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("dropped %d cue ids WebVTT would misread", len(ids)-len(keep)); loss.String() != want {
		t.Errorf("loss %q, want %q", loss, want)
	}
	rloss := Loss{}
	back, err := ReadBytes(b.Bytes(), FormatVTT, ReadOptions{Loss: rloss})
	if err != nil || len(rloss) > 0 || len(back.Events) != len(ids) {
		t.Fatalf("%v, loss %s, %d events\n%s", err, rloss, len(back.Events), b.String())
	}
	for i, e := range back.Events {
		if e.Texts[0].Text != fmt.Sprint("text ", i) || keep[ids[i]] != (e.ID == ids[i]) {
			t.Errorf("event %d: %q %q (written as %q)", i, e.ID, e.Texts[0].Text, ids[i])
		}
	}
}

// TestSTLCharacters: characters go-astisub's EBU-STL table cannot encode
// are left out and reported (before, 日本語 ok 😀 came back as ", ok" and
// a tab or U+FFFD as other characters, silently); the others come back.
func TestSTLCharacters(t *testing.T) {
	for _, c := range []struct {
		text, back string
		lost       int
	}{
		{"日本語 ok 😀", "ok", 4},
		{"tab\there \uFFFD ok", "tab here  ok", 2},
		{"café Straße ñ œ ü «x» Ø", "café Straße ñ œ ü «x» Ø", 0},
		{"cafe\u0301 x\u0301", "café x\u0301", 0},            // a diacritic before its letter
		{"$5, #1 & 50% @ 10:30!", "5, #1 & 50% @ 10:30!", 1}, // go-astisub has ¤ where ISO 6937 has $ at 0x24, and no $
	} {
		s := New(OriginalTranscript, "en", Rate25)
		s.Events = []Event{{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: "en", Text: c.text}}}}
		var b bytes.Buffer
		loss, err := Write(&b, s, FormatSTL, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if loss[lossSTLChars] != c.lost {
			t.Errorf("%q: loss %q, want %d characters", c.text, loss, c.lost)
		}
		back, err := ReadBytes(b.Bytes(), FormatSTL, ReadOptions{})
		if err != nil || len(back.Events) != 1 || back.Events[0].Texts[0].Text != c.back {
			t.Errorf("%q: read back %+v (%v), want %q", c.text, back, err, c.back)
		}
	}
}

// TestSubtitleSmallFixes pins the review's smaller findings: this package's
// sentinel noncharacters in text, an SSA Format line in lower case, SSA
// above 100 fps, SRT ids that are not numbers.
func TestSubtitleSmallFixes(t *testing.T) {
	write := func(t *testing.T, s *Script, f Format) ([]byte, Loss) {
		t.Helper()
		var b bytes.Buffer
		loss, err := Write(&b, s, f, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), loss
	}
	t.Run("noncharacters", func(t *testing.T) {
		text := "a\uFDD0b\uFDD2c\uFDD4"
		for _, c := range []struct {
			f          Format
			back, loss string
		}{
			{FormatSRT, "a\uFFFDb\uFFFDc\uFFFD", "3 noncharacters U+FDD0–U+FDD4 made U+FFFD"},
			{FormatVTT, "a\uFFFDb\uFFFDc\uFFFD", "3 noncharacters U+FDD0–U+FDD4 made U+FFFD"},
			{FormatASS, text, ""}, // kept (they were read back as " ", ">", "<")
		} {
			s := New(OriginalTranscript, "en", Rate25)
			s.Events = []Event{{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: "en", Text: text}}}}
			out, loss := write(t, s, c.f)
			if loss.String() != c.loss {
				t.Errorf("%s: loss %q, want %q", c.f, loss, c.loss)
			}
			rloss := Loss{}
			back, err := ReadBytes(out, c.f, ReadOptions{Loss: rloss})
			if err != nil || back.Events[0].Texts[0].Text != c.back || len(rloss) > 0 {
				t.Errorf("%s: read back %q (%v, loss %s), want %q", c.f, back.Events[0].Texts[0].Text, err, rloss, c.back)
			}
		}
		rloss := Loss{}
		back, err := ReadBytes([]byte("1\n00:00:01,000 --> 00:00:02,000\nx\uFDD1y\n"), FormatSRT, ReadOptions{Loss: rloss})
		if err != nil || back.Events[0].Texts[0].Text != "x\uFFFDy" || rloss.String() != "1 noncharacters U+FDD0–U+FDD4 made U+FFFD" {
			t.Errorf("reading SRT: %v, loss %q", err, rloss)
		}
	})
	t.Run("ssa-format-case", func(t *testing.T) {
		doc := "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: layer, START, end, style, name, marginl, marginr, marginv, effect, text\n" +
			"Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,hi\n"
		s, err := ReadBytes([]byte(doc), FormatASS, ReadOptions{})
		if err != nil || len(s.Events) != 1 || s.Events[0].Start != 25 || s.Events[0].End != 50 || s.Events[0].Texts[0].Text != "hi" {
			t.Fatalf("%v %+v", err, s)
		}
	})
	t.Run("ssa-above-100-fps", func(t *testing.T) {
		for _, c := range []struct {
			rate FrameRate
			loss string
		}{{FrameRate{100, 1}, ""}, {FrameRate{120, 1}, "4 times rounded to centiseconds"}} {
			s := New(OriginalTranscript, "en", c.rate)
			s.Events = []Event{{ID: "1", Start: 3, End: 9, Texts: []Text{{Lang: "en", Text: "a"}}}, // 2.5 cs, 7.5 cs at 120 fps
				{ID: "2", Start: 15, End: 21, Texts: []Text{{Lang: "en", Text: "b"}}}}
			out, loss := write(t, s, FormatASS)
			if loss.String() != c.loss {
				t.Errorf("%s: loss %q, want %q", c.rate, loss, c.loss)
			}
			back, err := ReadBytes(out, FormatASS, ReadOptions{FrameRate: c.rate})
			if err != nil {
				t.Fatal(err)
			}
			same := back.Events[0].Start == 3 && back.Events[0].End == 9 && back.Events[1].Start == 15 && back.Events[1].End == 21
			if same != (c.loss == "") {
				t.Errorf("%s: read back %+v", c.rate, back.Events)
			}
		}
	})
	t.Run("srt-ids", func(t *testing.T) {
		s, err := ReadBytes([]byte("5\n00:00:01,000 --> 00:00:02,000\na\n\n5-2\n00:00:03,000 --> 00:00:04,000\nb\n\n\ufeffx\n00:00:05,000 --> 00:00:06,000\nc\n"), FormatSRT, ReadOptions{})
		if err != nil || len(s.Events) != 3 || s.Events[0].ID != "5" || s.Events[1].ID != "5-2" || s.Events[2].ID != "x" {
			t.Fatalf("%v %+v", err, s)
		}
		out, loss := write(t, s, FormatSRT)
		if loss.String() != "3 cue ids renumbered (SRT ids are numbers)" || !strings.HasPrefix(string(out), "1\n") {
			t.Errorf("loss %q\n%s", loss, out)
		}
		s.Events[1].ID, s.Events[2].ID = "9", "12"
		if out, loss := write(t, s, FormatSRT); len(loss) > 0 || !strings.Contains(string(out), "\n12\n00:00:05,000") {
			t.Errorf("numbers: loss %q\n%s", loss, out)
		}
	})
}

// TestSubtitleTitles: a title is written where the format has one, on one
// line and, in EBU-STL, within its 32 bytes; what is not written is
// reported (before, SRT and WebVTT dropped it silently, a line break cut it
// short in SSA and EBU-STL, and EBU-STL cut it at 32 bytes).
func TestSubtitleTitles(t *testing.T) {
	title := &Title{Name: "Ünïcödé title\r\nthat is rather long indeed", Season: 2}
	for _, c := range []struct {
		f          Format
		back, loss string
	}{
		{FormatSRT, "", "dropped 1 title fields, 1 titles"},
		{FormatVTT, "", "dropped 1 title fields, 1 titles"},
		{FormatASS, "Ünïcödé title that is rather long indeed", "dropped 1 title fields; 1 line breaks in titles made spaces"},
		{FormatSTL, "Ünïcödé title that is rather", "dropped 12 title characters beyond EBU-STL's 32 bytes, 1 title fields; 1 line breaks in titles made spaces"},
	} {
		s := New(OriginalTranscript, "en", Rate25)
		s.Title = title
		s.Events = []Event{{ID: "1", Start: 25, End: 50, Texts: []Text{{Lang: "en", Text: "x"}}}}
		var b bytes.Buffer
		loss, err := Write(&b, s, c.f, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if loss.String() != c.loss {
			t.Errorf("%s: loss %q, want %q", c.f, loss, c.loss)
		}
		back, err := ReadBytes(b.Bytes(), c.f, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := titleName(back); got != c.back {
			t.Errorf("%s: title %q, want %q", c.f, got, c.back)
		}
	}
}
