package hls

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafov/m3u8"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// TestErrors breaks one thing at a time in a good presentation: the writer
// of the playlist that needs it must give an error that names the problem,
// write nothing, and not panic.
func TestErrors(t *testing.T) {
	type breaker = func(p *manifest.Presentation)
	v0 := func(p *manifest.Presentation) *manifest.Representation { return p.Representations[0] }
	wv := "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"
	cases := []struct {
		name, fixture, playlist string // playlist: master, media, iframes
		break_                  breaker
		want                    string
	}{
		{"nil presentation", "", "master", nil, "nil presentation"},
		{"nil representation", "", "media", nil, "nil representation"},
		{"nil in list", "avc-segments", "master", func(p *manifest.Presentation) { p.Representations[1] = nil }, "is nil"},
		{"no video or audio", "multi-audio", "master", func(p *manifest.Presentation) { p.Representations = p.Representations[3:] }, "no video or audio"},
		{"repeated id", "avc-segments", "master", func(p *manifest.Presentation) { p.Representations[1].ID = "video-1080p" }, "repeated id"},
		{"id with slash", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).ID = "a/b" }, "bad or repeated id"},
		{"id with slash (media)", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).ID = "../x" }, "cannot name a folder"},
		{"unknown kind", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).Kind = "data" }, "unknown kind"},
		{"no codec", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).Codec = "" }, "no codecs"},
		{"quote in codec", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).Codec = `avc1"` }, "quoted string"},
		{"bad frame rate", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).FrameRate = "25/0" }, "frame rate"},
		{"zero timescale", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).Timescale = 0 }, "timescale is 0"},
		{"zero timescale (master)", "avc-segments", "master", func(p *manifest.Presentation) { v0(p).Timescale = 0 }, "timescale is 0"},
		{"nil segments", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).Segments = nil }, "no segments"},
		{"zero duration", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).Segments[3].Duration = 0 }, "duration 0"},
		{"unknown layout", "avc-segments", "media", func(p *manifest.Presentation) { p.Layout = "dash" }, "unknown layout"},
		{"no init URL", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).InitURL = "" }, "no InitURL"},
		{"bad template", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).SegmentURL = "seg-$Nr$.m4s" }, "unknown identifier"},
		{"newline in URL", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).SegmentURL = "a\n$Number$" }, "playlist line"},
		{"negative number", "avc-segments", "media", func(p *manifest.Presentation) { v0(p).Segments[0].Number = -1 }, "negative"},
		{"no file URL", "avc-single-file", "media", func(p *manifest.Presentation) { v0(p).FileURL = "" }, "no FileURL"},
		{"bad init range", "avc-single-file", "media", func(p *manifest.Presentation) { v0(p).InitRange = manifest.ByteRange{First: 5, Last: 4} }, "init range"},
		{"zero size", "avc-single-file", "media", func(p *manifest.Presentation) { v0(p).Segments[1].Size = 0 }, "not a byte range"},
		{"iframe past segment", "avc-single-file", "iframes", func(p *manifest.Presentation) { v0(p).Segments[1].IFrame.Last = v0(p).Segments[1].Size }, "not within"},
		{"no iframe range", "avc-segments", "iframes", func(p *manifest.Presentation) { v0(p).Segments[2].IFrame = manifest.ByteRange{} }, "I-frame range in every segment"},
		{"iframes of audio", "audio-only", "iframes", func(p *manifest.Presentation) {}, "not a video representation"},
		{"scheme cens", "cbcs-drm", "media", func(p *manifest.Presentation) { v0(p).Encryption.Scheme = "cens" }, "cannot signal"},
		{"skd with cenc", "cbcs-drm", "media", func(p *manifest.Presentation) { v0(p).Encryption.Scheme = "cenc" }, "needs the cbcs"},
		{"no key to signal", "cbcs-drm", "media", func(p *manifest.Presentation) {
			v0(p).Encryption.KeyURI, v0(p).Encryption.PSSH = "", nil
		}, "neither a KeyURI"},
		{"bad KID with ClearKey", "cbcs-drm", "media", func(p *manifest.Presentation) {
			v0(p).Encryption.PSSH["1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"], v0(p).Encryption.KID = "AAAA", "abba"
		}, "not 16 bytes"},
		{"bad widevine pssh", "cbcs-drm", "media", func(p *manifest.Presentation) { v0(p).Encryption.PSSH[wv] = "%%" }, "not base64"},
		{"quote in key URI", "cbcs-drm", "iframes", func(p *manifest.Presentation) { v0(p).Encryption.KeyURI = `skd://"` }, "quoted string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p *manifest.Presentation
			var r *manifest.Representation
			layout := manifest.LayoutSegments
			if c.fixture != "" {
				p = load(t, c.fixture)
				c.break_(p)
				layout = p.Layout
				if len(p.Representations) > 0 {
					r = p.Representations[0]
				}
			}
			var buf bytes.Buffer
			var err error
			switch c.playlist {
			case "master":
				err = WriteMaster(&buf, p)
			case "media":
				err = WriteMedia(&buf, r, layout)
			default:
				err = WriteIFrames(&buf, r, layout)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// TestKeyFormats: cenc gives SAMPLE-AES-CTR; KeyURI is identity unless
// skd://; a ClearKey pssh adds an org.w3.clearkey line with the key ID
// (hls.js), a Widevine pssh a line with the pssh.
func TestKeyFormats(t *testing.T) {
	const clearKey = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"
	cases := []struct {
		e    manifest.Encryption
		want []string
	}{
		{manifest.Encryption{Scheme: "cenc", KeyURI: "https://keys.example/k"},
			[]string{`#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="https://keys.example/k",KEYFORMAT="identity",KEYFORMATVERSIONS="1"`}},
		{manifest.Encryption{Scheme: "cbcs", KID: "abba271e8bcf552bbd2e86a434a9a5d9", KeyURI: "data:text/plain;base64,aeqoAqZ2Ovl56NGUD7iDkg==",
			PSSH: map[string]string{clearKey: "AAAA"}},
			[]string{
				`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,aeqoAqZ2Ovl56NGUD7iDkg==",KEYFORMAT="identity",KEYFORMATVERSIONS="1"`,
				`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,q7onHovPVSu9LoakNKml2Q==",KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1"`,
			}},
		{manifest.Encryption{Scheme: "cenc", KID: "abba271e-8bcf-552b-bd2e-86a434a9a5d9", PSSH: map[string]string{clearKey: "AAAA"}},
			[]string{`#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,q7onHovPVSu9LoakNKml2Q==",KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1"`}},
		{manifest.Encryption{Scheme: "cenc", PSSH: map[string]string{"EDEF8BA979D64ACEA3C827DCD51D21ED": "AAAA"}},
			[]string{`#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,AAAA",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",KEYFORMATVERSIONS="1"`}},
	}
	for _, c := range cases {
		got, err := keyLines(&c.e)
		if err != nil || strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%+v:\ngot  %q, %v\nwant %q", c.e, got, err, c.want)
		}
	}
}

// FuzzPlaylists feeds presentations decoded from arbitrary JSON (seeded
// with the fixtures) to every writer: each must return an error or a
// playlist that grafov/m3u8 decodes, never panic, and give the same bytes
// twice.
func FuzzPlaylists(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "dash", "testdata", "presentations", "*.json"))
	if len(seeds) == 0 {
		f.Fatal("no seed presentations")
	}
	for _, seed := range seeds {
		if b, err := os.ReadFile(seed); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := manifest.Presentation{}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Skip()
		}
		writers := []func(io.Writer) error{func(w io.Writer) error { return WriteMaster(w, &p) }}
		for _, r := range p.Representations {
			writers = append(writers,
				func(w io.Writer) error { return WriteMedia(w, r, p.Layout) },
				func(w io.Writer) error { return WriteIFrames(w, r, p.Layout) })
		}
		for i, write := range writers {
			var a, b bytes.Buffer
			errA, errB := write(&a), write(&b)
			if (errA == nil) != (errB == nil) || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("writer %d: two runs differ", i)
			}
			if errA == nil {
				if _, _, err := m3u8.DecodeFrom(&a, true); err != nil {
					t.Fatalf("writer %d: output does not decode: %v\n%s", i, err, b.Bytes())
				}
			}
		}
	})
}
