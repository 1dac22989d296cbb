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
