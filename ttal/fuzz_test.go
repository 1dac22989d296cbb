package ttal

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDecode feeds the JSON decoder. Seeds: the example file and the
// jsonCases and decodeErrorCases tables. A document that decodes must
// encode, decode to the same script, and encode to the same bytes.
// Crashers found so far: none.
func FuzzDecode(f *testing.F) {
	f.Add(readExample(f))
	for _, c := range jsonCases {
		f.Add([]byte(c.doc))
	}
	for _, c := range decodeErrorCases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Unmarshal(data)
		if err != nil {
			return
		}
		out := s.Marshal()
		s2, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("re-decoding our own output: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("decode(encode(s)) != s\n%s", out)
		}
		if out2 := s2.Marshal(); !bytes.Equal(out, out2) {
			t.Fatalf("canonical output unstable:\n%s\n%s", out, out2)
		}
		_ = Validate(s, ProfileNetflixSubtitle)
		_ = Validate(s, ProfileNetflixDubAsRecorded)
	})
}

// FuzzParseTimecode feeds the SMPTE parser with the timecodeCases labels.
// A label that parses formats back to itself, and a frame number it names
// at any supported rate formats back to the same label. Crashers: none.
func FuzzParseTimecode(f *testing.F) {
	for _, c := range timecodeCases {
		f.Add(c.label)
	}
	f.Add("00:00:00.00")
	f.Add("99:99:99:99")
	f.Fuzz(func(t *testing.T, s string) {
		tc, err := ParseTimecode(s)
		if err != nil {
			return
		}
		if s[8] == ':' || s[8] == ';' {
			if tc.String() != s {
				t.Fatalf("%q formats as %q", s, tc.String())
			}
		}
		for _, r := range []FrameRate{Rate23976, Rate24, Rate25, Rate2997, Rate30, Rate50, Rate5994, Rate60} {
			frame, err := r.FrameOf(tc)
			if err != nil {
				continue
			}
			back, err := r.TimecodeOf(frame, tc.Drop)
			if err != nil || back != tc {
				t.Fatalf("%s at %s: frame %d formats as %s (%v)", tc, r, frame, back, err)
			}
		}
	})
}

// FuzzReadTTML feeds the TTML/DAPT reader and the DAPT validator. Seeds:
// the ttmlDocs, ttmlLayoutDocs and ttmlErrors tables, our own DAPT and TTML output of the
// example, and the dapt-tests documents when present. A document that reads
// must write as DAPT and read back with as many events. Crashers found
// (testdata/fuzz/FuzzReadTTML): e180ca3f12f05866, a clock time of 1.2
// million hours that was read but whose frame count, written back, was
// refused as too large (one bound now applies to every time expression).
func FuzzReadTTML(f *testing.F) {
	for _, c := range ttmlDocs {
		f.Add([]byte(c.doc))
	}
	for _, c := range ttmlLayoutDocs {
		f.Add([]byte(c.doc))
	}
	for _, c := range ttmlErrors {
		f.Add([]byte(c.doc))
	}
	if s, err := Unmarshal(readExample(f)); err == nil {
		for _, format := range []Format{FormatDAPT, FormatTTML} {
			var b bytes.Buffer
			if _, err := Write(&b, s, format, WriteOptions{}); err == nil {
				f.Add(b.Bytes())
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "dapt-tests", "dapt1", "validation", "*", "*.xml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
			f.Add(b)
		}
	}
	for _, c := range readLossCases {
		if c.f == FormatTTML {
			f.Add([]byte(c.doc))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ValidateDAPTDocument(data)
		s, err := ReadBytes(data, FormatTTML, ReadOptions{Loss: Loss{}})
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err) // a panic caught by ReadBytes
			}
			return
		}
		var b bytes.Buffer
		if _, err := Write(&b, s, FormatDAPT, WriteOptions{}); err != nil {
			return // e.g. no valid frame rate
		}
		loss := Loss{}
		back, err := ReadBytes(b.Bytes(), FormatDAPT, ReadOptions{Loss: loss})
		if err != nil {
			t.Fatalf("reading our own DAPT: %v\n%s", err, b.String())
		}
		delete(loss, openEndedLoss) // written open-ended again, so given its placeholder end again
		if len(loss) > 0 {
			t.Fatalf("reading our own DAPT reports %s\n%s", loss, b.String())
		}
		for i := range back.Events {
			if i < len(s.Events) && openEnded(&s.Events[i]) && back.Events[i].End != s.Events[i].End {
				t.Fatalf("open-ended event %d: end %d became %d\n%s", i, s.Events[i].End, back.Events[i].End, b.String())
			}
		}
		if len(back.Events) != len(s.Events) {
			t.Fatalf("%d events became %d\n%s", len(s.Events), len(back.Events), b.String())
		}
	})
}

// FuzzReadSubtitles feeds go-astisub's SRT, WebVTT, SSA and STL readers
// through our guard. Seeds: the subtitle files and subtitleErrors.
// Nothing may panic. Crashers: none.
func FuzzReadSubtitles(f *testing.F) {
	for _, name := range subtitleFiles {
		f.Add(readTestFile(f, name))
	}
	for _, c := range subtitleErrors {
		f.Add([]byte(c.data))
	}
	for _, c := range readLossCases {
		if c.f != FormatTTML {
			f.Add([]byte(c.doc))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		begin := time.Now()
		defer func() {
			if d := time.Since(begin); d > 5*time.Second {
				t.Fatalf("%d bytes took %v", len(data), d) // a hang in the making
			}
		}()
		for _, format := range []Format{FormatSRT, FormatVTT, FormatASS, FormatSTL} {
			s, err := ReadBytes(data, format, ReadOptions{Loss: Loss{}})
			if err != nil {
				if strings.Contains(err.Error(), "reading "+string(format)+": internal error") {
					t.Fatal(err) // a panic of ours caught by ReadBytes (astisub's are guarded apart)
				}
				continue
			}
			for _, to := range []Format{FormatSRT, FormatVTT, FormatASS, FormatSTL, FormatTTML} {
				if _, err := Write(&bytes.Buffer{}, s, to, WriteOptions{}); err != nil && strings.Contains(err.Error(), "internal error") {
					t.Fatalf("%s → %s: %v", format, to, err)
				}
			}
		}
	})
}
