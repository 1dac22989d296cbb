package ttal

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/asticode/go-astisub"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// readLossCases are inputs with presentation a script cannot carry and the
// loss a reader must report for them.
var readLossCases = []struct {
	name string
	f    Format
	doc  string
	want string
}{
	{"srt-plain", FormatSRT, "1\n00:00:01,000 --> 00:00:02,000\nHello <i>there</i>\n", ""},
	{"vtt-settings-region-note", FormatVTT, "WEBVTT\n\nREGION\nid:r1\nwidth:40%\n\nSTYLE\n::cue { color: yellow }\n\nNOTE kept nowhere\n\n" +
		"a\n00:00:01.000 --> 00:00:02.000 region:r1\none\n\nb\n00:00:03.000 --> 00:00:04.000 line:0 align:start\ntwo\n\nc\n00:00:05.000 --> 00:00:06.000\n<i>three</i>\n",
		"dropped 1 comments, 1 cue positions, 1 regions, 1 style blocks"}, // line:0 align:start kept
	{"srt-overrides", FormatSRT, "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}{\\b1}Hello{\\b0} {\\fs20}there{\\k20}\n", "dropped 2 override tags"}, // \an8 and \b kept
	{"ass-styles-overrides", FormatASS, `[Script Info]
Title: My Show
ScriptType: v4.00+
Original Script: Jane

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1
Style: Top,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,8,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.00,Default,Bob,0,0,0,,Hello {\i1}there{\i0}
Dialogue: 0,0:00:04.00,0:00:06.00,Top,,0,0,50,,Sign text
`, "dropped 1 cue positions, 1 cue style references, 1 metadata fields, 1 styled cues, 2 styles"},
	{"ttml-style-region-image-set", FormatTTML, `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xml:lang="en">
<head><metadata><ttm:title>T</ttm:title><ttm:copyright>W3C</ttm:copyright><smpte:image xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt" xml:id="i1" imageType="PNG" encoding="Base64">iVBORw0K</smpte:image></metadata>
<styling><style xml:id="s1" tts:color="yellow"/></styling>
<layout><region xml:id="r1" tts:origin="10% 10%" tts:extent="80% 20%"/><region xml:id="r2"/></layout></head>
<body region="r1"><div><p begin="0s" end="1s" style="s1">a</p><p begin="1s" end="2s" tts:fontStyle="italic">b<set begin="0s" end="1s" tts:color="red"/></p>
<p begin="2s" end="3s" tts:display="none">hidden</p><p begin="3s" end="4s"><set tts:display="none"/>c</p></div><div begin="5s" end="6s"><image src="x.png"/></div></body></tt>`,
		"dropped 1 animations, 1 document metadata items, 1 images, 2 regions, 2 styled elements, 1 styles"},
	{"ttml-region-association", FormatTTML, `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><head><layout><region xml:id="r1"/></layout></head>
<body><div><p begin="0s" end="1s" region="r1">shown</p><p begin="1s" end="2s">in no region</p><p begin="2s" end="3s">part <span region="r1">shown</span></p></div></body></tt>`,
		"dropped 2 paragraphs in no region, 1 regions"},
}

func TestReadLoss(t *testing.T) {
	for _, c := range readLossCases {
		t.Run(c.name, func(t *testing.T) {
			loss := Loss{}
			if _, err := ReadBytes([]byte(c.doc), c.f, ReadOptions{Loss: loss}); err != nil {
				t.Fatal(err)
			}
			if loss.String() != c.want {
				t.Fatalf("loss = %q\nwant   %q", loss, c.want)
			}
			// Convert reports the same, before what the output drops.
			_, closs, err := Convert([]byte(c.doc), c.f, FormatTTAL, ConvertOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if closs.String() != c.want {
				t.Fatalf("Convert loss = %q, want %q", closs, c.want)
			}
		})
	}
	// Without a Loss, readers count nothing and do not fail.
	if _, err := ReadBytes([]byte(readLossCases[1].doc), FormatVTT, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestReadLossSTL builds an EBU-STL file with go-astisub: a top-positioned,
// left-justified italic cue and an ordinary one.
func TestReadLossSTL(t *testing.T) {
	subs := astisub.NewSubtitles()
	subs.Metadata = &astisub.Metadata{Framerate: 25, Title: "Programme", Language: astisub.LanguageFrench, STLPublisher: "ACME"}
	left, centred := astisub.JustificationLeft, astisub.JustificationCentered
	yes := true
	subs.Items = []*astisub.Item{
		{StartAt: 1e9, EndAt: 2e9, InlineStyle: &astisub.StyleAttributes{STLJustification: &left, STLPosition: &astisub.STLPosition{VerticalPosition: 2, MaxRows: 23, Rows: 1}},
			Lines: []astisub.Line{{Items: []astisub.LineItem{{Text: "top", InlineStyle: &astisub.StyleAttributes{STLItalics: &yes}}}}}},
		{StartAt: 3e9, EndAt: 4e9, InlineStyle: &astisub.StyleAttributes{STLJustification: &centred},
			Lines: []astisub.Line{{Items: []astisub.LineItem{{Text: "bottom"}}}}},
	}
	var b bytes.Buffer
	if err := subs.WriteToSTL(&b); err != nil {
		t.Fatal(err)
	}
	loss := Loss{}
	s, err := ReadBytes(b.Bytes(), FormatSTL, ReadOptions{Loss: loss})
	if err != nil {
		t.Fatal(err)
	}
	if want := "dropped 1 cue positions, 1 metadata fields, 1 styled cues"; loss.String() != want {
		t.Errorf("loss = %q, want %q", loss, want)
	}
	if s.Language != "fr" || s.Title == nil || s.Title.Name != "Programme" {
		t.Errorf("language %q, title %+v: want fr and Programme (carried from the GSI block)", s.Language, s.Title)
	}
}

// TestReadLossOwnOutput: what this package writes, in every format, reads
// back with nothing reported lost (its writers put no presentation in).
func TestReadLossOwnOutput(t *testing.T) {
	s, err := Unmarshal(readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{FormatTTML, FormatDAPT, FormatSRT, FormatVTT, FormatASS, FormatSTL} {
		var b bytes.Buffer
		if _, err := Write(&b, s, f, WriteOptions{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		loss := Loss{}
		back, err := ReadBytes(b.Bytes(), f, ReadOptions{Loss: loss, FrameRate: s.Timing.FrameRate})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(loss) > 0 {
			t.Errorf("%s: reading our own output reports %s", f, loss)
		}
		if f == FormatASS || f == FormatSTL || f == FormatTTML {
			if back.Title == nil || back.Title.Name != s.Title.Name {
				t.Errorf("%s: title %+v, want %q", f, back.Title, s.Title.Name)
			}
		}
	}
}

// TestReadLossFFmpegASS: ffmpeg's SRT → ASS conversion writes a Default
// style and a Script Info block; reading it reports the style, and the
// events match the SRT's.
func TestReadLossFFmpegASS(t *testing.T) {
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	dir := t.TempDir()
	out := filepath.Join(dir, "real.ass")
	cmd := exec.Command(ffmpeg, "-v", "error", "-i", filepath.Join("testdata", "subtitles", "real.srt"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	loss := Loss{}
	got, err := ReadBytes(data, FormatASS, ReadOptions{Loss: loss})
	if err != nil {
		t.Fatal(err)
	}
	if loss["styles"] != 1 {
		t.Errorf("loss = %s, want 1 styles (ffmpeg's Default)", loss)
	}
	want, err := ReadBytes(readTestFile(t, "real.srt"), FormatSRT, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != len(want.Events) {
		t.Fatalf("%d events from ffmpeg's ASS, %d from the SRT", len(got.Events), len(want.Events))
	}
	for i := range want.Events {
		g, w := got.Events[i], want.Events[i]
		if g.Start != w.Start || g.End != w.End {
			t.Errorf("event %d: [%d,%d) from ffmpeg's ASS, [%d,%d) from the SRT", i, g.Start, g.End, w.Start, w.End)
		}
	}
}

// TestWebVTTCueSettingsKept: cue settings survive WebVTT → TTAL → WebVTT
// (as read back by go-astisub), and are reported when the output cannot
// carry them.
func TestWebVTTCueSettingsKept(t *testing.T) {
	doc := []byte(readLossCases[1].doc)
	s, err := ReadBytes(doc, FormatVTT, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	loss, err := Write(&b, s, FormatVTT, WriteOptions{})
	if err != nil || len(loss) > 0 {
		t.Fatalf("loss %v, err %v", loss, err)
	}
	if !strings.Contains(b.String(), "\nb\n00:00:03.000 --> 00:00:04.000 line:0 align:start\ntwo\n") ||
		strings.Count(b.String(), "-->") != 3 || strings.Contains(b.String(), "region:") {
		t.Fatalf("written:\n%s", b.String())
	}
	back, err := astisub.ReadFromWebVTT(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if sa := back.Items[1].InlineStyle; sa == nil || sa.WebVTTAlign != "start" || sa.WebVTTLine != "0" {
		t.Fatalf("go-astisub reads the second cue's settings as %+v", sa)
	}
	loss, err = Write(&bytes.Buffer{}, s, FormatSRT, WriteOptions{})
	if err != nil || loss.String() != "dropped 1 cue positions; 3 cue ids renumbered (SRT ids are numbers)" { // a, b, c
		t.Fatalf("to SRT: loss %v, err %v", loss, err)
	}
}

// TestTTMLImageSubtitles: IMSC image subtitles (smpte:backgroundImage, or
// an image child) become events with their alt text and source, not
// nothing.
func TestTTMLImageSubtitles(t *testing.T) {
	doc := `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
 xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt" xmlns:ittm="http://www.w3.org/ns/ttml/profile/imsc1#metadata" ttp:frameRate="25" xml:lang="en">
<body><div begin="1s" end="9s" smpte:backgroundImage="a.png"><metadata><ittm:altText> Alt text </ittm:altText></metadata></div>
<div begin="10s" end="11s" smpte:backgroundImage="b.png"/>
<div begin="12s" end="13s" xml:lang="fr"><image src="c.png" type="image/png"/><metadata><ittm:altText>Texte</ittm:altText></metadata></div>
<div begin="14s" end="15s" smpte:backgroundImage="hidden.png" tts:display="none"/>
<div begin="16s" end="17s"><p>text</p></div></body></tt>`
	loss := Loss{}
	s, err := ReadBytes([]byte(doc), FormatTTML, ReadOptions{Loss: loss})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Events {
		k := fmt.Sprintf("[%d,%d)", e.Start, e.End)
		for _, tx := range e.Texts {
			k += " " + tx.Lang + "=" + tx.Text
		}
		for _, d := range e.Descriptions {
			k += " " + d.Type + ":" + d.Text
		}
		got = append(got, k)
	}
	want := []string{"[25,225) en=Alt text x-image:a.png", "[250,275) x-image:b.png", "[300,325) fr=Texte x-image:c.png", "[400,425) en=text"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events %q\nwant   %q", got, want)
	}
	if len(loss) > 0 {
		t.Errorf("loss %s, want none (the images are referenced)", loss)
	}
	if findings := Validate(s, ProfileStructural); len(findings) > 0 {
		t.Errorf("structural findings on image events: %v", findings)
	}
	// DAPT keeps them (descriptions with daptm:descType x-image).
	var b bytes.Buffer
	if _, err := Write(&b, s, FormatDAPT, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBytes(b.Bytes(), FormatDAPT, ReadOptions{})
	if err != nil || len(back.Events) != 4 || len(back.Events[1].Descriptions) != 1 ||
		back.Events[1].Descriptions[0].Type != DescriptionImage || back.Events[1].Descriptions[0].Text != "b.png" {
		t.Fatalf("DAPT round trip: %v %+v\n%s", err, back, b.String())
	}
}
