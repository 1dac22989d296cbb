package ttal

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// eventKey summarises what a TTML/subtitle round trip must keep of an
// event: id, frames, speakers and texts by language.
func eventKey(e *Event) string {
	texts := make([]string, 0, len(e.Texts))
	for _, t := range e.Texts {
		texts = append(texts, t.Lang+"="+t.Text)
	}
	sort.Strings(texts)
	return fmt.Sprintf("%s [%d,%d) %v %q", e.ID, e.Start, e.End, e.CharacterIDs, texts)
}

func eventKeys(s *Script) []string {
	out := make([]string, len(s.Events))
	for i := range s.Events {
		out[i] = eventKey(&s.Events[i])
	}
	return out
}

func roundTrip(t *testing.T, s *Script, f Format, opt WriteOptions) (*Script, Loss) {
	t.Helper()
	var b bytes.Buffer
	loss, err := Write(&b, s, f, opt)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadBytes(b.Bytes(), f, ReadOptions{FrameRate: s.Timing.FrameRate})
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return back, loss
}

// ttmlScripts are the scripts of the TTML and DAPT round-trip tests.
func ttmlScripts(t *testing.T) map[string]*Script {
	example, err := Unmarshal(readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	df := New(PreRecording, "en-US", Rate2997)
	df.Timing.DropFrame = true
	df.Timing.Origin = &Timecode{Hours: 1, Drop: true}
	df.Events = append(df.Events,
		Event{ID: "1", Start: 107892, End: 107952, Texts: []Text{{Lang: "en-US", Text: "  spaced  <&>  \"text\" "}}},
		Event{ID: "two words", Start: 17982, End: 17983, Texts: []Text{{Lang: "en-US", Text: "a\nb\n\nc"}}})
	odd := New(OriginalTranscript, "de", FrameRate{30000, 1001})
	odd.Events = append(odd.Events, Event{ID: "e", Start: 5, End: 6, Texts: []Text{{Lang: "de", Text: "Grüße"}, {Lang: "pt-BR", LangSrc: "de", Text: "Olá"}}})
	return map[string]*Script{"example": example, "generated": generateScript(50), "drop-frame": df, "odd": odd}
}

func TestTTMLRoundTrip(t *testing.T) {
	for name, s := range ttmlScripts(t) {
		for _, f := range []Format{FormatTTML, FormatDAPT} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				back, _ := roundTrip(t, s, f, WriteOptions{})
				if got, want := eventKeys(back), eventKeys(s); !reflect.DeepEqual(got, want) {
					t.Fatalf("events differ:\ngot  %q\nwant %q", got, want)
				}
				chars := append([]Character(nil), s.Characters...)
				for i := range chars {
					chars[i].Unknown = nil // reported as lost
				}
				if !reflect.DeepEqual(back.Characters, chars) && len(chars) > 0 {
					t.Fatalf("characters %v, want %v", back.Characters, s.Characters)
				}
				if back.Timing.FrameRate != s.Timing.FrameRate || back.Timing.DropFrame != s.Timing.DropFrame ||
					fmt.Sprint(back.Timing.Origin) != fmt.Sprint(s.Timing.Origin) {
					t.Fatalf("timing %+v, want %+v", back.Timing, s.Timing)
				}
				if f != FormatDAPT {
					return
				}
				var doc bytes.Buffer
				if _, err := Write(&doc, s, FormatDAPT, WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				if fs := ValidateDAPTDocument(doc.Bytes()); HasErrors(fs) {
					t.Fatalf("our DAPT output breaks DAPT rules: %v", fs)
				}
				// DAPT keeps the whole event.
				for i := range s.Events {
					a, b := s.Events[i], back.Events[i]
					a.Unknown, b.Unknown = nil, nil
					for j := range a.Texts {
						a.Texts[j].Unknown = nil
					}
					if !reflect.DeepEqual(a, b) {
						t.Fatalf("event %d:\ngot  %+v\nwant %+v", i, b, a)
					}
				}
				if back.ScriptType != s.ScriptType || back.LanguageSource != s.LanguageSource {
					t.Fatalf("script type %s/%s", back.ScriptType, back.LanguageSource)
				}
			})
		}
	}
}

// TestTTMLGolden pins the DAPT and TTML documents written for the example.
func TestTTMLGolden(t *testing.T) {
	s, err := Unmarshal(readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{FormatDAPT, FormatTTML} {
		var b bytes.Buffer
		if _, err := Write(&b, s, f, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "example."+string(f)+".xml", b.Bytes())
	}
}

func TestTTMLLoss(t *testing.T) {
	s, _ := Unmarshal(readExample(t))
	_, loss := roundTrip(t, s, FormatTTML, WriteOptions{Language: "fr-FR"})
	want := "dropped 2 anchors, 1 annotations, 1 descriptions, 3 event content descriptors, 2 lineage entries, 2 on-screen indicators, " +
		"3 shot changes, 1 start-of-programme timecodes, 2 texts in other languages, 1 title fields, 1 unknown character members, 2 unknown members"
	if loss.String() != want {
		t.Fatalf("loss = %s\nwant   %s", loss, want)
	}
}

// ttmlDocs are TTML inputs with what they must read as; they also seed
// FuzzReadTTML.
var ttmlDocs = []struct {
	name, doc string
	events    []string // eventKey of each event
}{
	{"frames-multiplier", `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" xml:lang="en">
<body><div><p begin="108000f" end="01:00:04:00">one</p></div></body></tt>`,
		[]string{`e1 [108000,108012) [] ["en=one"]`}},
	{"clock-subframes-ticks", `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25" ttp:subFrameRate="2" ttp:tickRate="10000000" xml:lang="en">
<body><p xml:id="a" begin="00:00:01:12.1" end="25000000t">x</p><p xml:id="b" begin="0.5h" dur="1500ms">y</p><p xml:id="c" begin="1m" end="00:01:01.04">z</p></body></tt>`,
		[]string{`a [38,63) [] ["en=x"]`, `b [45000,45038) [] ["en=y"]`, `c [1500,1526) [] ["en=z"]`}},
	{"default-frame-rate", `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="fr"><body><div><p begin="00:00:01:15" end="2s">f</p></div></body></tt>`,
		[]string{`e1 [45,60) [] ["fr=f"]`}},
	{"nested-div-span-lang-agent", `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="24" xml:lang="en">
<head><metadata><ttm:agent type="character" xml:id="bob"><ttm:name type="alias">BOB</ttm:name></ttm:agent></metadata></head>
<body><div begin="100s"><div xml:lang="pt-BR"><p begin="1s" end="2s" ttm:agent="bob"><span>outer <span>inner</span>
  tail</span><br/> second   line </p></div></div></body></tt>`,
		[]string{`e1 [2424,2448) [bob] ["pt-BR=outer inner tail\nsecond line"]`}},
	{"span-timing", `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body><p begin="0s" end="3s"><span begin="0s" end="1s">a</span><span begin="1s" end="3s">b</span></p></body></tt>`,
		[]string{`e1 [0,30) [] ["en=a"]`, `e2 [30,90) [] ["en=b"]`}},
	{"seq", `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body><div timeContainer="seq"><p dur="1s">a</p><p begin="1s" dur="1s">b</p></div></body></tt>`,
		[]string{`e1 [0,30) [] ["en=a"]`, `e2 [60,90) [] ["en=b"]`}},
	{"bom-and-dur-only", "\ufeff" + `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body><p dur="2s">astisub panics here</p></body></tt>`,
		[]string{`e1 [0,60) [] ["en=astisub panics here"]`}},
}

func TestReadTTML(t *testing.T) {
	for _, c := range ttmlDocs {
		t.Run(c.name, func(t *testing.T) {
			s, err := ReadBytes([]byte(c.doc), FormatTTML, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := eventKeys(s); !reflect.DeepEqual(got, c.events) {
				t.Fatalf("got  %q\nwant %q", got, c.events)
			}
		})
	}
}

// ttmlErrors are malformed documents and the located error they give.
var ttmlErrors = []struct{ name, doc, want string }{
	{"not-xml", "plain text", "(document): XML: no root element (line 1, col 1)"},
	{"truncated", `<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="1s">`, "(document): XML: unexpected EOF (line 1, col"},
	{"wrong-root", `<html/>`, "html: root element is html, want tt"},
	{"bad-time", "<tt xmlns=\"http://www.w3.org/ns/ttml\">\n<body><p begin=\"1x\">a</p></body></tt>", `tt/body/p: begin: "1x" is not a TTML time expression (line 2, col 7)`},
	{"bad-clock", `<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="00:61:00">a</p></body></tt>`, `is not a TTML time expression`},
	{"bad-frame-rate", `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="0"/>`, `tt: ttp:frameRate "0" is not a positive integer (line 1, col 1)`},
	{"entity", `<!DOCTYPE tt [<!ENTITY e "x">]><tt xmlns="http://www.w3.org/ns/ttml"/>`, "entity declarations are not supported"},
	{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><tt xmlns="http://www.w3.org/ns/ttml"/>`, `only UTF-8`},
	{"deep", `<tt xmlns="http://www.w3.org/ns/ttml">` + strings.Repeat("<span>", 100), "elements nested deeper than 64"},
	{"huge-time", `<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="9999999999999999999h">a</p></body></tt>`, "is too large"},
}

func TestReadTTMLErrors(t *testing.T) {
	for _, c := range ttmlErrors {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadBytes([]byte(c.doc), FormatTTML, ReadOptions{})
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a located error containing %q", err, c.want)
			}
		})
	}
}

func TestTTMLTimeExpressions(t *testing.T) {
	tm := &ttmlTiming{nominal: 25, hasFrameRate: true, subFrameRate: 4, frameRate: big.NewRat(25, 1), tickRate: big.NewRat(100, 1)}
	for in, want := range map[string]string{
		"00:00:01":      "1",
		"100:00:00.5":   "720001/2",
		"00:00:00:05":   "1/5",
		"00:00:00:05.2": "11/50",
		"1.5s":          "3/2",
		"250ms":         "1/4",
		"2m":            "120",
		"0.5h":          "1800",
		"50f":           "2",
		"150t":          "3/2",
	} {
		got, err := tm.parse(in)
		if err != nil || got.RatString() != want {
			t.Errorf("%s = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1", "s", "1.s", ".5s", "00:00", "0:00:00", "00:60:00", "00:00:00:05:1", "-1s", "1e3s", "00:00:0x", "1 s"} {
		if got, err := tm.parse(in); err == nil {
			t.Errorf("%q accepted as %v", in, got)
		}
	}
}
