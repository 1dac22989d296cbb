package dash

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixtures are the hand-built presentations shared with the other writer's tests.
var fixtures = testmedia.Presentations

func load(t *testing.T, name string) *manifest.Presentation { return testmedia.Presentation(t, name) }

func write(t *testing.T, p *manifest.Presentation) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMPD(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares every fixture's MPD with testdata/golden/NAME.mpd
// and checks that a second run gives the same bytes.
func TestGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			got := write(t, load(t, name))
			if again := write(t, load(t, name)); !bytes.Equal(got, again) {
				t.Fatal("two runs gave different bytes")
			}
			path := filepath.Join("testdata", "golden", name+".mpd")
			testmedia.Golden(t, path, got, *update)
		})
	}
}

// The test's own view of an MPD, written from ISO/IEC 23009-1 rather than
// from the writer's structs. The root and the cenc names are matched with
// their namespaces, so a missing or wrong declaration fails.
type tMPD struct {
	XMLName  xml.Name `xml:"urn:mpeg:dash:schema:mpd:2011 MPD"`
	Profiles string   `xml:"profiles,attr"`
	Type     string   `xml:"type,attr"`
	Duration string   `xml:"mediaPresentationDuration,attr"`
	MinBuf   string   `xml:"minBufferTime,attr"`
	Periods  []struct {
		Sets []tSet `xml:"AdaptationSet"`
	} `xml:"Period"`
}

type tSet struct {
	ContentType      string `xml:"contentType,attr"`
	MimeType         string `xml:"mimeType,attr"`
	Lang             string `xml:"lang,attr"`
	SegmentAlignment string `xml:"segmentAlignment,attr"`
	StartWithSAP     string `xml:"startWithSAP,attr"`
	SubsegAlignment  string `xml:"subsegmentAlignment,attr"`
	SubsegSAP        string `xml:"subsegmentStartsWithSAP,attr"`
	Protection       []struct {
		Scheme string `xml:"schemeIdUri,attr"`
		Value  string `xml:"value,attr"`
		KID    string `xml:"urn:mpeg:cenc:2013 default_KID,attr"`
		PSSH   string `xml:"urn:mpeg:cenc:2013 pssh"`
	} `xml:"ContentProtection"`
	Reps []tRep `xml:"Representation"`
}

type tRep struct {
	ID        string `xml:"id,attr"`
	Bandwidth int64  `xml:"bandwidth,attr"`
	Codecs    string `xml:"codecs,attr"`
	Width     int    `xml:"width,attr"`
	Height    int    `xml:"height,attr"`
	FrameRate string `xml:"frameRate,attr"`
	SAR       string `xml:"sar,attr"`
	Rate      int    `xml:"audioSamplingRate,attr"`
	Channels  []struct {
		Scheme string `xml:"schemeIdUri,attr"`
		Value  string `xml:"value,attr"`
	} `xml:"AudioChannelConfiguration"`
	BaseURL     string `xml:"BaseURL"`
	SegmentBase *struct {
		Timescale  uint32 `xml:"timescale,attr"`
		IndexRange string `xml:"indexRange,attr"`
		Init       struct {
			Range string `xml:"range,attr"`
		} `xml:"Initialization"`
	} `xml:"SegmentBase"`
	Template *struct {
		Timescale   uint32 `xml:"timescale,attr"`
		Init        string `xml:"initialization,attr"`
		Media       string `xml:"media,attr"`
		StartNumber int    `xml:"startNumber,attr"`
		S           []struct {
			T *uint64 `xml:"t,attr"`
			D uint64  `xml:"d,attr"`
			R int     `xml:"r,attr"`
		} `xml:"SegmentTimeline>S"`
	} `xml:"SegmentTemplate"`
}

func parseSeconds(t *testing.T, d string) float64 {
	t.Helper()
	if !strings.HasPrefix(d, "PT") || !strings.HasSuffix(d, "S") {
		t.Fatalf("duration %q is not PTnS", d)
	}
	v, err := strconv.ParseFloat(d[2:len(d)-1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func uuidOf(hex string) string {
	return hex[:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:]
}

// TestStructure reads every fixture's MPD back with encoding/xml into the
// test's own structs and checks it says what the presentation says: each
// representation once, with its attributes, a SegmentTimeline that expands
// to exactly its segments (or the single file's byte ranges), its
// protection, and durations that equal the sum of segment durations.
func TestStructure(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			p := load(t, name)
			var m tMPD
			if err := xml.Unmarshal(write(t, p), &m); err != nil {
				t.Fatal(err)
			}
			wantProfile := map[string]string{manifest.LayoutSegments: profileLive, manifest.LayoutSingleFile: profileOnDemand}[p.Layout]
			if m.Type != "static" || m.Profiles != wantProfile || len(m.Periods) != 1 {
				t.Fatalf("type %q profiles %q periods %d", m.Type, m.Profiles, len(m.Periods))
			}
			found := map[string]bool{}
			var longest, end float64
			for _, set := range m.Periods[0].Sets {
				for _, got := range set.Reps {
					r := find(p, got.ID)
					if r == nil || found[got.ID] {
						t.Fatalf("representation %q unknown or repeated", got.ID)
					}
					found[got.ID] = true
					checkSet(t, p.Layout, r, set)
					checkRep(t, p.Layout, r, got)
					var sum uint64
					for _, s := range r.Segments {
						sum += s.Duration
						longest = max(longest, float64(s.Duration)/float64(r.Timescale))
					}
					end = max(end, float64(sum)/float64(r.Timescale))
				}
			}
			if len(found) != len(p.Representations) {
				t.Fatalf("%d of %d representations in the MPD", len(found), len(p.Representations))
			}
			if d := parseSeconds(t, m.Duration); math.Abs(d-end) > 0.0005 || math.Abs(d-p.Duration) > 0.0005 {
				t.Errorf("mediaPresentationDuration %v, segments sum to %v, presentation says %v", d, end, p.Duration)
			}
			if b := parseSeconds(t, m.MinBuf); math.Abs(b-longest) > 0.0005 {
				t.Errorf("minBufferTime %v, longest segment %v", b, longest)
			}
		})
	}
}

func find(p *manifest.Presentation, id string) *manifest.Representation {
	for _, r := range p.Representations {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func checkSet(t *testing.T, layout string, r *manifest.Representation, set tSet) {
	t.Helper()
	mime := map[string]string{"video": "video/mp4", "audio": "audio/mp4", "text": "application/mp4"}[r.Kind]
	if set.ContentType != r.Kind || set.MimeType != mime {
		t.Errorf("%s: contentType %q mimeType %q", r.ID, set.ContentType, set.MimeType)
	}
	if r.Kind != manifest.KindVideo && set.Lang != r.Language {
		t.Errorf("%s: lang %q, want %q", r.ID, set.Lang, r.Language)
	}
	if layout == manifest.LayoutSegments && (set.SegmentAlignment != "true" || set.StartWithSAP != "1") ||
		layout == manifest.LayoutSingleFile && (set.SubsegAlignment != "true" || set.SubsegSAP != "1") {
		t.Errorf("%s: alignment and SAP attributes missing for layout %s", r.ID, layout)
	}
	e := r.Encryption
	if e == nil {
		if len(set.Protection) != 0 {
			t.Errorf("%s: clear, but %d ContentProtection", r.ID, len(set.Protection))
		}
		return
	}
	if len(set.Protection) != 1+len(e.PSSH) {
		t.Fatalf("%s: %d ContentProtection, want %d", r.ID, len(set.Protection), 1+len(e.PSSH))
	}
	cp := set.Protection[0]
	if cp.Scheme != schemeMP4Prot || cp.Value != e.Scheme || cp.KID != uuidOf(e.KID) {
		t.Errorf("%s: mp4protection %+v", r.ID, cp)
	}
	for _, cp := range set.Protection[1:] {
		data, ok := e.PSSH[strings.TrimPrefix(cp.Scheme, "urn:uuid:")]
		if !ok || cp.PSSH != data {
			t.Errorf("%s: ContentProtection %s has pssh %q, want %q", r.ID, cp.Scheme, cp.PSSH, data)
		}
		if b, err := base64.StdEncoding.DecodeString(cp.PSSH); err != nil || string(b[4:8]) != "pssh" {
			t.Errorf("%s: cenc:pssh is not a base64 pssh box", r.ID)
		}
	}
}

func checkRep(t *testing.T, layout string, r *manifest.Representation, got tRep) {
	t.Helper()
	if got.Bandwidth != r.Bandwidth || got.Codecs != r.Codec {
		t.Errorf("%s: bandwidth %d codecs %q", r.ID, got.Bandwidth, got.Codecs)
	}
	switch r.Kind {
	case manifest.KindVideo:
		if got.Width != r.Width || got.Height != r.Height || got.FrameRate != r.FrameRate || got.SAR != r.SAR {
			t.Errorf("%s: video attributes %+v", r.ID, got)
		}
	case manifest.KindAudio:
		if got.Rate != r.SampleRate || len(got.Channels) != 1 || got.Channels[0].Value != strconv.Itoa(r.Channels) ||
			got.Channels[0].Scheme != schemeChannels {
			t.Errorf("%s: audio attributes %+v", r.ID, got)
		}
	}
	if layout == manifest.LayoutSingleFile {
		sb := got.SegmentBase
		if got.BaseURL != r.FileURL || sb == nil || got.Template != nil {
			t.Fatalf("%s: BaseURL %q, SegmentBase %v", r.ID, got.BaseURL, sb)
		}
		index := strconv.FormatInt(r.IndexRange.First, 10) + "-" + strconv.FormatInt(r.IndexRange.Last, 10)
		init := strconv.FormatInt(r.InitRange.First, 10) + "-" + strconv.FormatInt(r.InitRange.Last, 10)
		if sb.Timescale != r.Timescale || sb.IndexRange != index || sb.Init.Range != init {
			t.Errorf("%s: SegmentBase %+v, want index %s init %s", r.ID, sb, index, init)
		}
		return
	}
	tpl := got.Template
	if tpl == nil || got.SegmentBase != nil {
		t.Fatalf("%s: no SegmentTemplate", r.ID)
	}
	if tpl.Timescale != r.Timescale || tpl.Init != r.InitURL || tpl.Media != r.SegmentURL || tpl.StartNumber != r.Segments[0].Number {
		t.Errorf("%s: SegmentTemplate %+v", r.ID, tpl)
	}
	// Expand the timeline as a player does and compare segment by segment.
	var i int
	var now uint64
	for _, s := range tpl.S {
		if s.T != nil {
			now = *s.T
		}
		for range s.R + 1 {
			if i >= len(r.Segments) || r.Segments[i].Start != now || r.Segments[i].Duration != s.D {
				t.Fatalf("%s: timeline entry %d is %d+%d, segment is %+v", r.ID, i, now, s.D, r.Segments[min(i, len(r.Segments)-1)])
			}
			now += s.D
			i++
		}
	}
	if i != len(r.Segments) {
		t.Errorf("%s: timeline has %d segments, want %d", r.ID, i, len(r.Segments))
	}
}
