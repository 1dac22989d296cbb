package dash

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// TestErrors breaks one thing at a time in a good presentation: each must
// give an error that names the problem, write nothing, and not panic.
func TestErrors(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		break_  func(p *manifest.Presentation)
		want    string
	}{
		{"nil presentation", "", nil, "nil presentation"},
		{"no representations", "audio-only", func(p *manifest.Presentation) { p.Representations = nil }, "no representations"},
		{"nil representation", "audio-only", func(p *manifest.Presentation) { p.Representations[1] = nil }, "is nil"},
		{"unknown layout", "audio-only", func(p *manifest.Presentation) { p.Layout = "" }, "unknown layout"},
		{"repeated id", "audio-only", func(p *manifest.Presentation) { p.Representations[1].ID = "audio-en" }, "repeated id"},
		{"unknown kind", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Kind = "data" }, "unknown kind"},
		{"no codec", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Codec = "" }, "no codecs"},
		{"zero timescale", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Timescale = 0 }, "timescale is 0"},
		{"zero bandwidth", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Bandwidth = 0 }, "bandwidth 0"},
		{"negative channels", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Channels = -2 }, "negative"},
		{"nil segments", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Segments = nil }, "no segments"},
		{"zero duration", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Segments[2].Duration = 0 }, "duration 0"},
		{"overlap", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Segments[2].Start-- }, "before the previous"},
		{"end past 2^64", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Segments[5].Start = 1<<64 - 10 }, "past 2^64"},
		{"number gap", "audio-only", func(p *manifest.Presentation) { p.Representations[0].Segments[3].Number = 9 }, "numbered 9, want 4"},
		{"negative start number", "audio-only", func(p *manifest.Presentation) { p.Representations[0].StartNumber = -1 }, "negative"},
		{"no $Number$", "audio-only", func(p *manifest.Presentation) { p.Representations[0].SegmentURL = "a/seg.m4s" }, "no $Number$"},
		{"no init URL", "audio-only", func(p *manifest.Presentation) { p.Representations[0].InitURL = "" }, "no InitURL"},
		{"bad frame rate", "avc-segments", func(p *manifest.Presentation) { p.Representations[0].FrameRate = "25.0" }, "frame rate"},
		{"bad sar", "avc-segments", func(p *manifest.Presentation) { p.Representations[0].SAR = "1/1" }, "aspect ratio"},
		{"no file URL", "avc-single-file", func(p *manifest.Presentation) { p.Representations[0].FileURL = "" }, "no FileURL"},
		{"bad init range", "avc-single-file", func(p *manifest.Presentation) { p.Representations[0].InitRange.Last = -1 }, "init range"},
		{"bad index range", "avc-single-file", func(p *manifest.Presentation) { p.Representations[0].IndexRange.First = -5 }, "index range"},
		{"unknown scheme", "cbcs-drm", func(p *manifest.Presentation) { p.Representations[0].Encryption.Scheme = "aes" }, "unknown protection scheme"},
		{"short KID", "cbcs-drm", func(p *manifest.Presentation) { p.Representations[0].Encryption.KID = "abba" }, "key ID"},
		{"bad system ID", "cbcs-drm", func(p *manifest.Presentation) { p.Representations[0].Encryption.PSSH["widevine"] = "AAAA" }, "DRM system ID"},
		{"bad pssh", "cbcs-drm", func(p *manifest.Presentation) {
			p.Representations[0].Encryption.PSSH["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"] = "not base64!"
		}, "not base64"},
		{"pssh twice", "cbcs-drm", func(p *manifest.Presentation) {
			p.Representations[0].Encryption.PSSH["EDEF8BA979D64ACEA3C827DCD51D21ED"] = "AAAA"
		}, "given twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p *manifest.Presentation
			if c.fixture != "" {
				p = load(t, c.fixture)
				c.break_(p)
			}
			var buf bytes.Buffer
			err := WriteMPD(&buf, p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// TestStartNumberZero: StartNumber 0 means "the first segment's Number".
func TestStartNumberZero(t *testing.T) {
	p := load(t, "audio-only")
	for _, r := range p.Representations {
		r.StartNumber = 0
		for i := range r.Segments {
			r.Segments[i].Number += 9
		}
	}
	if !bytes.Contains(write(t, p), []byte(`startNumber="10"`)) {
		t.Error("startNumber is not the first segment's Number")
	}
}

// TestTimelineGap: a gap between segments restarts the run with a t.
func TestTimelineGap(t *testing.T) {
	segs := []manifest.Segment{{Start: 0, Duration: 10}, {Start: 10, Duration: 10}, {Start: 25, Duration: 10}, {Start: 35, Duration: 10}}
	runs, sp, err := timeline(segs, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || *runs[0].T != 0 || runs[0].R != 1 || runs[1].T == nil || *runs[1].T != 25 || runs[1].R != 1 {
		t.Errorf("runs %+v", runs)
	}
	if sp.end != 4.5 || sp.longest != 1 {
		t.Errorf("span %+v", sp)
	}
}

// FuzzWriteMPD feeds presentations decoded from arbitrary JSON (seeded
// with the fixtures) to WriteMPD: it must return an error or a document
// that encoding/xml reads back, never panic, and give the same bytes twice.
func FuzzWriteMPD(f *testing.F) {
	for _, name := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", "presentations", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p manifest.Presentation
		if json.Unmarshal(data, &p) != nil {
			return
		}
		var a, b bytes.Buffer
		errA, errB := WriteMPD(&a, &p), WriteMPD(&b, &p)
		if (errA == nil) != (errB == nil) || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("two runs differ")
		}
		if errA == nil {
			var m tMPD
			if err := xml.Unmarshal(a.Bytes(), &m); err != nil {
				t.Fatalf("output does not parse: %v", err)
			}
		}
	})
}
