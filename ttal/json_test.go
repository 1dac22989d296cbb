package ttal

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readExample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/example.ttal")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// minimal is the smallest valid document.
const minimal = `{"format":"ttal","formatVersion":"1.0","scriptType":"originalTranscript","language":"en",
"timing":{"frameRate":{"num":25,"den":1}},"events":[]}`

// jsonCases are documents that decode; they feed the round-trip test and
// the fuzz seeds.
var jsonCases = []struct{ name, doc string }{
	{"minimal", minimal},
	{"bom", "\ufeff" + minimal},
	{"escapes", `{"format":"ttal","formatVersion":"1.0","scriptType":"preRecording","language":"ja",
"timing":{"frameRate":{"num":30000,"den":1001},"dropFrame":true,"originTimecode":"00:59:59;28"},
"events":[{"id":"e\u0031","start":0,"end":10,"texts":[{"lang":"ja","text":"\u65e5\u672c \"q\" \\ \/ \b\f\n\r\t \ud83d\ude00 <&>"}]}]}`},
	{"unknown-everywhere", `{"format":"ttal","formatVersion":"1.0","scriptType":"asRecorded","language":"de","x":[1,{"a":null}],
"timing":{"frameRate":{"num":24,"den":1},"y":true},"events":[{"id":"a","start":1,"end":2,"z":-1.5e3,
"texts":[{"lang":"de","text":"Hallo","w":"v","anchors":[{"offset":0,"frame":1,"u":{}}]}],
"annotations":[{"category":"context","text":"t","k":[]}],"descriptions":[{"type":"scene","text":"s","m":0}]}]}`},
}

func TestRoundTripCanonical(t *testing.T) {
	in := readExample(t)
	s, err := Unmarshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if out := s.Marshal(); !bytes.Equal(out, in) {
		t.Fatalf("canonical round trip differs:\n%s", out)
	}
	s2, err := Unmarshal(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, s2) {
		t.Fatal("TTAL → JSON → TTAL is not identical")
	}
}

func TestRoundTripCases(t *testing.T) {
	for _, c := range jsonCases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Unmarshal([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			out := s.Marshal()
			// Semantically identical: same JSON value once BOMs are gone.
			var a, b any
			if err := json.Unmarshal(bytes.TrimPrefix([]byte(c.doc), []byte("\ufeff")), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("not semantically identical:\nin  %v\nout %v", a, b)
			}
			s2, err := Unmarshal(out)
			if err != nil || !reflect.DeepEqual(s, s2) {
				t.Fatalf("second decode differs: %v", err)
			}
			if out2 := s2.Marshal(); !bytes.Equal(out, out2) {
				t.Fatal("canonical output is not stable")
			}
		})
	}
}

// TestEncodeMatchesEncodingJSON checks the string escaping and layout
// against encoding/json with HTML escaping off.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	s := New(OriginalTranscript, "en", Rate25)
	text := "a\"b\\c\n\r\t\x01\x1f<>&\u2028\u2029\xff end é 😀"
	s.Events = append(s.Events, Event{ID: "e1", Start: 0, End: 25, Texts: []Text{{Lang: "en", Text: text}}})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	type tx struct {
		Lang string `json:"lang"`
		Text string `json:"text"`
	}
	type ev struct {
		ID    string `json:"id"`
		Start int64  `json:"start"`
		End   int64  `json:"end"`
		Texts []tx   `json:"texts"`
	}
	type fr struct {
		Num int64 `json:"num"`
		Den int64 `json:"den"`
	}
	type tm struct {
		FrameRate fr `json:"frameRate"`
	}
	mirror := struct {
		Format        string `json:"format"`
		FormatVersion string `json:"formatVersion"`
		ScriptType    string `json:"scriptType"`
		Language      string `json:"language"`
		Timing        tm     `json:"timing"`
		Events        []ev   `json:"events"`
	}{"ttal", "1.0", "originalTranscript", "en", tm{fr{25, 1}}, []ev{{"e1", 0, 25, []tx{{"en", text}}}}}
	if err := enc.Encode(mirror); err != nil {
		t.Fatal(err)
	}
	if got := s.Marshal(); !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("got\n%s\nwant\n%s", got, buf.Bytes())
	}
}

// decodeErrorCases are malformed or invalid documents with the error they
// must give; they also seed the fuzz target.
var decodeErrorCases = []struct{ name, doc, want string }{
	{"empty", ``, `(document): unexpected end of input, want an object (line 1, col 1)`},
	{"not-object", `[]`, `(document): want an object, got an array (line 1, col 1)`},
	{"trailing", minimal + ` x`, `(document): unexpected data after the document (line 2, col 56)`},
	{"bad-lang", `{"format":"ttal","formatVersion":"1.0","scriptType":"asRecorded","language":"fr",
"timing":{"frameRate":{"num":25,"den":1}},"events":[{"id":"a","start":0,"end":1,"texts":[]},
{"id":"b","start":0,"end":1,
 "texts":[{"lang":"en_US","text":"x"}]}]}`, `events[1].texts[0].lang: "en_US" is not a BCP 47 tag (line 4, col 19)`},
	{"missing-format", `{"formatVersion":"1.0"}`, `(document): missing required member "format" (line 1, col 1)`},
	{"wrong-format", strings.Replace(minimal, `"ttal"`, `"dfxp"`, 1), `format: "dfxp" is not "ttal" (line 1, col 1)`},
	{"bad-script-type", strings.Replace(minimal, `originalTranscript`, `DIALOGUE_LIST`, 1), `scriptType: "DIALOGUE_LIST" is not a script type (originalTranscript, translatedTranscript, preRecording, asRecorded) (line 1, col 53)`},
	{"string-for-int", strings.Replace(minimal, `"num":25`, `"num":"25"`, 1), `timing.frameRate.num: want an integer, got a string (line 2, col 30)`},
	{"float-frame", strings.Replace(minimal, `[]}`, `[{"id":"a","start":1.5,"end":2,"texts":[]}]}`, 1), `events[0].start: 1.5 is not an integer (line 2, col 71)`},
	{"negative-frame", strings.Replace(minimal, `[]}`, `[{"id":"a","start":-1,"end":2,"texts":[]}]}`, 1), `events[0].start: -1 is out of range [0, 1099511627776] (line 2, col 71)`},
	{"missing-texts", strings.Replace(minimal, `[]}`, `[{"id":"a","start":1,"end":2}]}`, 1), `events[0]: missing required member "texts" (line 2, col 53)`},
	{"duplicate", strings.Replace(minimal, `"language":"en"`, `"language":"en","language":"fr"`, 1), `(document): duplicate member "language" (line 1, col 90)`},
	{"bad-onscreen", strings.Replace(minimal, `[]}`, `[{"id":"a","start":1,"end":2,"onScreen":"on","texts":[]}]}`, 1), `events[0].onScreen: "on" is not ON, OFF, ON_OFF or OFF_ON (line 2, col 92)`},
	{"bad-timecode", strings.Replace(minimal, `"den":1}`, `"den":1},"originTimecode":"00:00:00:25"`, 1), `timing.originTimecode: invalid timecode: 00:00:00:25 has frames ≥ 25 at 25 fps (line 2, col 59)`},
	{"df-at-25", strings.Replace(minimal, `"den":1}`, `"den":1},"dropFrame":true`, 1), `timing.dropFrame: drop-frame needs a frame rate of 30000/1001 or 60000/1001, not 25 (line 2, col 10)`},
	{"unterminated", `{"format":"tt`, `format: unterminated string (line 1, col 11)`},
	{"bad-escape", `{"format":"\q"}`, `format: invalid escape \q (line 1, col 12)`},
	{"deep", strings.Replace(minimal, `"events"`, `"x":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+`,"events"`, 1), `x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting deeper than 64 (line 2, col 110)`},
	{"bad-utf8", "{\"format\":\"\xff\"}", `format: invalid UTF-8 in string (line 1, col 11)`},
	{"frame-rate-extra", strings.Replace(minimal, `"den":1}`, `"den":1,"x":1}`, 1), `timing.frameRate.x: unknown member "x" in a frame rate (line 2, col 45)`},
	{"bad-created-at", strings.Replace(minimal, `"events"`, `"lineage":[{"createdAt":"yesterday"}],"events"`, 1), `lineage[0].createdAt: "yesterday" is not an RFC 3339 time (line 2, col 67)`},
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range decodeErrorCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(c.doc))
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a *DecodeError", err)
			}
			if err.Error() != c.want {
				t.Fatalf("err = %s\nwant  %s", err, c.want)
			}
		})
	}
}

func TestDecodeReader(t *testing.T) {
	s, err := Decode(bytes.NewReader(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Events) != 3 || s.Timing.FrameRate != Rate23976 || s.Timing.Origin.String() != "00:59:58:00" {
		t.Fatalf("unexpected script %+v", s)
	}
	if got := s.Characters[0].Unknown; len(got) != 1 || got[0].Key != "x-vendor" {
		t.Fatalf("unknown character members = %v", got)
	}
	if got := s.Unknown; len(got) != 1 || got[0].Key != "extensions" || string(got[0].Value) != `{"studio":"x"}` {
		t.Fatalf("unknown script members = %q", got)
	}
}
