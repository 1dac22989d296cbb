package cmaf

import (
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafov/m3u8"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// mpd is the part of an MPD this test reads, parsed independently of the
// writer's own types.
type mpd struct {
	Duration string `xml:"mediaPresentationDuration,attr"`
	Sets     []struct {
		Reps []struct {
			ID       string `xml:"id,attr"`
			Codecs   string `xml:"codecs,attr"`
			BaseURL  string `xml:"BaseURL"`
			Template *struct {
				Timescale uint64 `xml:"timescale,attr"`
				Init      string `xml:"initialization,attr"`
				Media     string `xml:"media,attr"`
				Start     int    `xml:"startNumber,attr"`
				S         []struct {
					T *uint64 `xml:"t,attr"`
					D uint64  `xml:"d,attr"`
					R int     `xml:"r,attr"`
				} `xml:"SegmentTimeline>S"`
			} `xml:"SegmentTemplate"`
			Base *struct {
				IndexRange string `xml:"indexRange,attr"`
				Init       struct {
					Range string `xml:"range,attr"`
				} `xml:"Initialization"`
			} `xml:"SegmentBase"`
		} `xml:"Representation"`
	} `xml:"Period>AdaptationSet"`
}

func parseRange(t *testing.T, s string) (int64, int64) {
	a, b, ok := strings.Cut(s, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("bad byte range %q", s)
	}
	return first, last
}

// boxAt returns the type and size of the box at off in data.
func boxAt(data []byte, off int64) (string, int64) {
	if off < 0 || off+8 > int64(len(data)) {
		return "", 0
	}
	return string(data[off+4 : off+8]), int64(binary.BigEndian.Uint32(data[off:]))
}

// TestManifestsMatchFiles packages renditions and audio in both layouts and
// reads the MPD (encoding/xml) and every playlist (github.com/grafov/m3u8):
// every URL names a written file, timelines and EXTINF durations add up to
// the tracks' durations, and every byte range lands on the box it claims.
func TestManifestsMatchFiles(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	names := []string{filepath.Join(td, "rend_360p.mp4"), filepath.Join(td, "rend_180p.mp4"), filepath.Join(td, "ac3.mp4")}
	for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
		t.Run(layout, func(t *testing.T) {
			dir := t.TempDir()
			res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: layout}, names...)
			if err := WriteManifests(DirOutput(dir), res, true, true); err != nil {
				t.Fatal(err)
			}
			durations := map[string]float64{}
			for _, r := range res.Presentation.Representations {
				var d uint64
				for _, s := range r.Segments {
					d += s.Duration
				}
				durations[r.ID] = float64(d) / float64(r.Timescale)
			}
			checkMPD(t, dir, durations)
			checkHLS(t, dir, layout, res.Presentation, durations)
		})
	}
}

func checkMPD(t *testing.T, dir string, durations map[string]float64) {
	raw, err := os.ReadFile(filepath.Join(dir, MPDName))
	if err != nil {
		t.Fatal(err)
	}
	var m mpd
	if err := xml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("MPD is not well-formed XML: %v", err)
	}
	n := 0
	for _, set := range m.Sets {
		for _, r := range set.Reps {
			n++
			want, ok := durations[r.ID]
			if !ok {
				t.Errorf("MPD lists unknown representation %s", r.ID)
				continue
			}
			switch {
			case r.Template != nil:
				tpl := r.Template
				if _, err := os.Stat(filepath.Join(dir, tpl.Init)); err != nil {
					t.Errorf("%s: initialization %s: %v", r.ID, tpl.Init, err)
				}
				var total uint64
				num := tpl.Start
				for _, s := range tpl.S {
					for k := 0; k <= s.R; k++ {
						total += s.D
						file := strings.Replace(tpl.Media, "$Number%05d$", fmt.Sprintf("%05d", num), 1)
						if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
							t.Errorf("%s: segment %s: %v", r.ID, file, err)
						}
						num++
					}
				}
				if got := float64(total) / float64(tpl.Timescale); math.Abs(got-want) > 1e-6 {
					t.Errorf("%s: SegmentTimeline sums to %.6fs, segments to %.6fs", r.ID, got, want)
				}
			case r.Base != nil:
				data, err := os.ReadFile(filepath.Join(dir, r.BaseURL))
				if err != nil {
					t.Fatalf("%s: BaseURL: %v", r.ID, err)
				}
				i0, i1 := parseRange(t, r.Base.Init.Range)
				x0, x1 := parseRange(t, r.Base.IndexRange)
				if typ, _ := boxAt(data, i0); i0 != 0 || typ != "ftyp" || i1+1 != x0 {
					t.Errorf("%s: initialization range %d-%d does not cover ftyp+moov up to the index", r.ID, i0, i1)
				}
				if typ, size := boxAt(data, x0); typ != "sidx" || size != x1-x0+1 {
					t.Errorf("%s: indexRange %d-%d holds %s of %d bytes, not the sidx", r.ID, x0, x1, typ, size)
				}
			default:
				t.Errorf("%s: neither SegmentTemplate nor SegmentBase", r.ID)
			}
		}
	}
	if n != len(durations) {
		t.Errorf("MPD has %d representations, %d packaged", n, len(durations))
	}
}

func checkHLS(t *testing.T, dir, layout string, p *manifest.Presentation, durations map[string]float64) {
	f, err := os.Open(filepath.Join(dir, MasterName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pl, typ, err := m3u8.DecodeFrom(f, true)
	if err != nil || typ != m3u8.MASTER {
		t.Fatalf("master playlist does not parse as a master: %v", err)
	}
	master := pl.(*m3u8.MasterPlaylist)
	uris := map[string]bool{}
	for _, v := range master.Variants {
		uris[v.URI] = true
		for _, alt := range v.Alternatives {
			uris[alt.URI] = true
		}
	}
	for _, r := range p.Representations {
		uri := r.ID + "/playlist.m3u8"
		if !uris[uri] {
			t.Errorf("master does not reference %s", uri)
		}
		mf, err := os.Open(filepath.Join(dir, uri))
		if err != nil {
			t.Fatal(err)
		}
		mpl, mtyp, err := m3u8.DecodeFrom(mf, true)
		mf.Close()
		if err != nil || mtyp != m3u8.MEDIA {
			t.Fatalf("%s does not parse as a media playlist: %v", uri, err)
		}
		media := mpl.(*m3u8.MediaPlaylist)
		var total float64
		for k, s := range media.Segments {
			if s == nil {
				break
			}
			total += s.Duration
			file := filepath.Join(dir, r.ID, s.URI)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%s: segment %s: %v", uri, s.URI, err)
			}
			off, size := int64(0), int64(len(data))
			if layout == manifest.LayoutSingleFile {
				off, size = s.Offset, s.Limit
				if off != r.Segments[k].Offset || size != r.Segments[k].Size {
					t.Errorf("%s segment %d: byte range %d@%d, segment %d@%d", uri, k+1, size, off, r.Segments[k].Size, r.Segments[k].Offset)
				}
			}
			if typ, _ := boxAt(data, off); typ != "moof" && typ != "styp" {
				t.Errorf("%s segment %d starts with %q", uri, k+1, typ)
			}
		}
		if math.Abs(total-durations[r.ID]) > 1e-3 {
			t.Errorf("%s: EXTINF durations sum to %.6fs, segments to %.6fs", uri, total, durations[r.ID])
		}
	}
}
