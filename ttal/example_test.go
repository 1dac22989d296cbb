package ttal_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/mp4pkg/mp4pkg/ttal"
)

func ExampleDecode() {
	doc := `{"format": "ttal", "formatVersion": "1.0", "scriptType": "originalTranscript", "language": "en",
	  "timing": {"frameRate": {"num": 24000, "den": 1001}},
	  "events": [{"id": "e1", "start": 24, "end": 72, "texts": [{"lang": "en", "text": "Hello."}]}]}`
	s, err := ttal.Decode(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := s.Events[0]
	fmt.Println(e.ID, s.Timing.FrameRate.Duration(e.Start), s.Timing.FrameRate.Duration(e.End), e.Texts[0].Text)
	// Output: e1 1.001s 3.003s Hello.
}

func ExampleDecode_error() {
	doc := `{"format": "ttal", "formatVersion": "1.0", "scriptType": "originalTranscript",
  "language": "en_US"}`
	_, err := ttal.Decode(strings.NewReader(doc))
	fmt.Println(err)
	// Output: language: "en_US" is not a BCP 47 tag (line 2, col 15)
}

func ExampleScript_Encode() {
	s := ttal.New(ttal.OriginalTranscript, "en", ttal.Rate25)
	s.Events = append(s.Events, ttal.Event{ID: "e1", Start: 0, End: 50, Texts: []ttal.Text{{Lang: "en", Text: "Hi"}}})
	_ = s.Encode(os.Stdout)
	// Output:
	// {
	//   "format": "ttal",
	//   "formatVersion": "1.0",
	//   "scriptType": "originalTranscript",
	//   "language": "en",
	//   "timing": {
	//     "frameRate": {
	//       "num": 25,
	//       "den": 1
	//     }
	//   },
	//   "events": [
	//     {
	//       "id": "e1",
	//       "start": 0,
	//       "end": 50,
	//       "texts": [
	//         {
	//           "lang": "en",
	//           "text": "Hi"
	//         }
	//       ]
	//     }
	//   ]
	// }
}

func ExampleFrameRate_TimecodeOf() {
	tc, _ := ttal.Rate2997.TimecodeOf(17982, true)
	f, _ := ttal.Rate2997.ParseTimecodeFrame("00:01:00;02", true)
	fmt.Println(tc, f)
	// Output: 00:10:00;00 1800
}

func ExampleValidate() {
	s := ttal.New(ttal.TranslatedTranscript, "fr-FR", ttal.Rate24)
	s.Events = append(s.Events,
		ttal.Event{ID: "e1", Start: 0, End: 12, Texts: []ttal.Text{{Lang: "fr-FR", LangSrc: "en", Text: "Vite !"}}},
		ttal.Event{ID: "e2", Start: 13, End: 60, Texts: []ttal.Text{{Lang: "fr-FR", LangSrc: "en", Text: "On y va."}}})
	for _, f := range ttal.Validate(s, ttal.ProfileNetflixSubtitle) {
		fmt.Println(f)
	}
	// Output:
	// error   netflix.min-duration event e1 at 00:00:00:00: lasts 12 frames (0.500 s), minimum is 20 frames (5/6 s)
	// error   netflix.min-gap event e2 at 00:00:00:13: starts 1 frame(s) after event e1 ends, minimum gap is 2 frames
}

func ExampleConvert() {
	srt := "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> there\n"
	out, loss, err := ttal.Convert([]byte(srt), ttal.FormatSRT, ttal.FormatVTT, ttal.ConvertOptions{
		Read: ttal.ReadOptions{FrameRate: ttal.Rate24, Language: "en"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(loss)
	// Output:
	// WEBVTT
	//
	// 1
	// 00:00:01.000 --> 00:00:02.500
	// <i>Hello</i> there
	// dropped 2 lineage entries
}
