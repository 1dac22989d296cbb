package ttal

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// subtitleFiles are real-world-shaped subtitle files (styling tags,
// multi-line cues, BOM, CRLF, times over an hour, overlapping cues, cue
// ids); they feed the round-trip tests, the golden files and the fuzz seeds.
var subtitleFiles = []string{"real.srt", "real.vtt", "real.ass"}

func readTestFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "subtitles", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testmedia.Golden(t, filepath.Join("testdata", filepath.FromSlash(name)), got, *update)
}

// TestSubtitleRoundTrip reads each file, writes it back in its own format
// through TTAL, and checks that reading the output gives the same events
// (ids, frames, texts, speakers) and that the output matches its golden file.
func TestSubtitleRoundTrip(t *testing.T) {
	for _, name := range subtitleFiles {
		t.Run(name, func(t *testing.T) {
			f, _ := FormatFromPath(name)
			in := readTestFile(t, name)
			s, err := ReadBytes(in, f, ReadOptions{Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			js := s.Marshal()
			s2, err := Unmarshal(js) // through TTAL JSON
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := Write(&out, s2, f, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			back, err := ReadBytes(out.Bytes(), f, ReadOptions{Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := eventKeys(back), eventKeys(s); !reflect.DeepEqual(got, want) {
				t.Fatalf("events differ:\ngot  %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(back.Characters, s.Characters) {
				t.Fatalf("characters %v, want %v", back.Characters, s.Characters)
			}
			golden(t, "subtitles/"+name+".golden", out.Bytes())
		})
	}
}

// TestSRTSurvives checks what SRT → TTAL → SRT keeps of a real-world file:
// the same text once the BOM and CRLFs are gone and times are on the frame.
func TestSRTSurvives(t *testing.T) {
	in := strings.ReplaceAll(strings.TrimPrefix(string(readTestFile(t, "real.srt")), "\ufeff"), "\r\n", "\n")
	out, _, err := Convert([]byte(in), FormatSRT, FormatSRT, ConvertOptions{Read: ReadOptions{FrameRate: Rate25}})
	if err != nil {
		t.Fatal(err)
	}
	// 2.500 s is 62.5 frames at 25 fps: the only time not on the frame grid.
	want := strings.Replace(in, "00:00:02,500", "00:00:02,520", 1)
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}

func TestTTALToWebVTTAndBack(t *testing.T) {
	for name, s := range map[string]*Script{"generated": generateScript(30), "drop-frame": ttmlScripts(t)["drop-frame"]} {
		for _, lang := range scriptLanguages(s) {
			var b bytes.Buffer
			loss, err := Write(&b, s, FormatVTT, WriteOptions{Language: lang})
			if err != nil {
				t.Fatal(err)
			}
			back, err := ReadBytes(b.Bytes(), FormatVTT, ReadOptions{FrameRate: s.Timing.FrameRate, Language: lang})
			if err != nil {
				t.Fatal(err)
			}
			if len(back.Events) != len(s.Events) {
				t.Fatalf("%s/%s: %d events, want %d", name, lang, len(back.Events), len(s.Events))
			}
			for i := range s.Events {
				a, b := &s.Events[i], &back.Events[i]
				ta := a.Text(lang)
				names := func(sc *Script, e *Event) []string {
					var out []string
					for _, id := range e.CharacterIDs {
						out = append(out, sc.Character(id).Name)
					}
					return out
				}
				// WebVTT (and astisub) trim the white space around cue lines; blank lines cannot be carried.
				if a.ID != b.ID || a.Start != b.Start || a.End != b.End || trimLines(ta.Text) != b.Texts[0].Text || b.Texts[0].Lang != lang ||
					!reflect.DeepEqual(names(s, a), names(back, b)) {
					t.Fatalf("%s/%s event %d: got %+v, want %+v (%s)", name, lang, i, *b, *a, b.Texts[0].Text)
				}
			}
			if name == "generated" && lang == s.Language && loss.String() != "dropped 30 anchors, 1 character details, 30 on-screen indicators, 30 texts in other languages" {
				t.Fatalf("loss %s", loss)
			}
		}
	}
}

func trimLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestSTLRoundTrip(t *testing.T) {
	for _, rate := range []FrameRate{Rate25, Rate2997} {
		s := generateScript(10)
		s.Timing.FrameRate = rate
		s.Events[3].End = 2*3600*rate.Nominal() + 7 // past two hours, odd frame
		var b bytes.Buffer
		if _, err := Write(&b, s, FormatSTL, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err := ReadBytes(b.Bytes(), FormatSTL, ReadOptions{FrameRate: rate})
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Events {
			a, b := s.Events[i], back.Events[i]
			if a.Start != b.Start || a.End != b.End || a.Text("fr-FR").Text != b.Texts[0].Text {
				t.Fatalf("%s event %d: got [%d,%d) %q, want [%d,%d) %q", rate, i, b.Start, b.End, b.Texts[0].Text, a.Start, a.End, a.Text("fr-FR").Text)
			}
		}
	}
}

// subtitleErrors are inputs astisub rejects or panics on; each must give
// an error, never a panic.
var subtitleErrors = []struct {
	f    Format
	data string
}{
	{FormatSRT, "1\n00:00:01,000 --> \nx\n"},
	{FormatSRT, "1\n00:00:0a,000 --> 00:00:02,000\nx\n"},
	{FormatSRT, "\xff\xfe1\n"},
	{FormatVTT, "not webvtt"},
	{FormatVTT, "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 region:missing\nx\n"},
	{FormatSTL, "short"},
	{FormatASS, "[Events]\nFormat: Layer, Start\nDialogue: 0,xx\n"},
}

func TestSubtitleErrors(t *testing.T) {
	for _, c := range subtitleErrors {
		if s, err := ReadBytes([]byte(c.data), c.f, ReadOptions{}); err == nil && len(s.Events) > 0 {
			t.Errorf("%s %q: read %d events without error", c.f, c.data, len(s.Events))
		}
	}
	if _, err := Write(&bytes.Buffer{}, New(OriginalTranscript, "en", Rate25), FormatSRT, WriteOptions{}); err == nil {
		t.Error("writing an empty script to SRT gave no error")
	}
}

func TestDurationCeil(t *testing.T) {
	for _, r := range []FrameRate{{25, 1}, {30, 1}} {
		for f := int64(0); f < 200000; f += 13 {
			d := r.durationCeil(f)
			if got := int64(d) * r.Num / int64(time.Second); got != f {
				t.Fatalf("%s frame %d: %v truncates to %d", r, f, d, got)
			}
		}
	}
}

// TestInlineStylesLoss: the SRT/WebVTT inline styles a script keeps are
// written to SRT and WebVTT and counted as dropped by the formats that
// cannot carry them.
func TestInlineStylesLoss(t *testing.T) {
	for _, in := range []string{"real.srt", "real.vtt"} {
		from, _ := FormatFromPath(in)
		for _, to := range []Format{FormatSRT, FormatVTT, FormatASS, FormatSTL, FormatTTML, FormatDAPT} {
			_, loss, err := Convert(readTestFile(t, in), from, to, ConvertOptions{Read: ReadOptions{FrameRate: Rate25, Language: "en"}})
			if err != nil {
				t.Fatal(err)
			}
			want := 2 // two styled cues in each file
			if to == FormatSRT || to == FormatVTT {
				want = 0
			}
			if loss["inline styles"] != want || loss["unknown members"] != 0 {
				t.Errorf("%s → %s: %s, want %d inline styles and no unknown members", in, to, loss, want)
			}
		}
	}
}

// TestSRTPositionsKept: SRT {\anN} positions (go-astisub reads them) are
// kept, written back to SRT, mapped to WebVTT cue settings, and reported
// by the formats that cannot carry them.
func TestSRTPositionsKept(t *testing.T) {
	in := "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}Top line\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an1}<i>left</i> bottom\n\n3\n00:00:05,000 --> 00:00:06,000\nplain\n"
	for _, c := range []struct {
		to        Format
		contains  []string
		positions int
	}{
		{FormatSRT, []string{"\n{\\an8}Top line\n", "\n{\\an1}<i>left</i> bottom\n"}, 0},
		{FormatVTT, []string{"--> 00:00:02.000 line:10%\n", "--> 00:00:04.000 align:left\n", "--> 00:00:06.000\n"}, 0},
		{FormatASS, nil, 2},
		{FormatTTML, nil, 2},
	} {
		out, loss, err := Convert([]byte(in), FormatSRT, c.to, ConvertOptions{Read: ReadOptions{FrameRate: Rate25, Language: "en"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.contains {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s: no %q in\n%s", c.to, want, out)
			}
		}
		if loss["cue positions"] != c.positions {
			t.Errorf("%s: loss %s, want %d cue positions", c.to, loss, c.positions)
		}
	}
}

// TestSTLBeforeProgrammeStart: an EBU-STL cue timed before the programme
// start timecode (GSI TCP) is refused (it became a negative frame).
func TestSTLBeforeProgrammeStart(t *testing.T) {
	subs := astisub.NewSubtitles()
	subs.Metadata = &astisub.Metadata{Framerate: 25, STLTimecodeStartOfProgramme: 10 * time.Hour}
	subs.Items = []*astisub.Item{{StartAt: 10*time.Hour + time.Minute, EndAt: 10*time.Hour + time.Minute + time.Second,
		Lines: []astisub.Line{{Items: []astisub.LineItem{{Text: "ok"}}}}}}
	var b bytes.Buffer
	if err := subs.WriteToSTL(&b); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if s, err := ReadBytes(data, FormatSTL, ReadOptions{}); err != nil || s.Events[0].Start != 25*60 {
		t.Fatalf("%v %+v", err, s)
	}
	copy(data[256:264], "11000000") // TCP 11:00:00:00, after the cue
	if _, err := ReadBytes(data, FormatSTL, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "stl: cue 1: begins 59m0s before the start of the programme") {
		t.Fatalf("err = %v", err)
	}
}

// TestSubtitleWritersReportTimecodes: SRT, WebVTT, SSA and EBU-STL carry
// neither the origin nor the start-of-programme timecode.
func TestSubtitleWritersReportTimecodes(t *testing.T) {
	s := generateScript(2)
	tc, err := ParseTimecode("10:00:00:00")
	if err != nil {
		t.Fatal(err)
	}
	s.Timing.Origin, s.Timing.StartOfProgramme = &tc, &tc
	for _, f := range []Format{FormatSRT, FormatVTT, FormatASS, FormatSTL} {
		loss, err := Write(&bytes.Buffer{}, s, f, WriteOptions{})
		if err != nil || loss["origin timecodes"] != 1 || loss["start-of-programme timecodes"] != 1 {
			t.Errorf("%s: %v %s", f, err, loss)
		}
	}
}

// TestWebVTTSpacesLine: a line of spaces does not end a WebVTT cue (an
// empty line does); go-astisub ended it there and dropped the rest.
func TestWebVTTSpacesLine(t *testing.T) {
	s, err := ReadBytes([]byte("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n   \nworld?\n"), FormatVTT, ReadOptions{})
	if err != nil || len(s.Events) != 1 || s.Events[0].Texts[0].Text != "Hello\n   \nworld?" {
		t.Fatalf("%v %+v", err, s)
	}
}
