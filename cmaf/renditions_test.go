package cmaf

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// TestRenditionsShareBoundaries packages two encodes of one source at
// different sizes (same fixed GOP) with an audio file: the video
// renditions must get identical segment times, and audio segments must
// start at the first audio sample at or after each video boundary.
func TestRenditionsShareBoundaries(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	names := []string{filepath.Join(td, "rend_180p.mp4"), filepath.Join(td, "rend_360p.mp4"), filepath.Join(td, "ac3.mp4")}
	res := run(t, t.TempDir(), Options{SegmentDuration: 2 * time.Second}, names...)
	ins, err := OpenInputs(names...)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(ins)
	tracks, _, err := collectTracks(ins, false)
	if err != nil {
		t.Fatal(err)
	}
	reps := res.Presentation.Representations
	if len(reps) != 3 || reps[0].ID != "video-360p" || reps[1].ID != "video-180p" || reps[2].ID != "audio" {
		t.Fatalf("representations: %v", ids(reps))
	}
	a, b := reps[0].Segments, reps[1].Segments
	if len(a) < 3 || len(a) != len(b) {
		t.Fatalf("segment counts %d and %d", len(a), len(b))
	}
	for k := range a {
		if a[k].Start*uint64(reps[1].Timescale) != b[k].Start*uint64(reps[0].Timescale) || a[k].Duration != b[k].Duration {
			t.Errorf("segment %d: %+v vs %+v", k+1, a[k], b[k])
		}
	}
	// Audio boundaries, in presentation time (edit lists applied): within
	// one audio frame after the video's.
	au := reps[2]
	for k := 1; k < len(au.Segments) && k < len(a); k++ {
		v := float64(int64(a[k].Start)-tracks[0].shift) / float64(reps[0].Timescale)
		s := float64(int64(au.Segments[k].Start)-tracks[2].shift) / float64(au.Timescale)
		if s < v-0.001 || s > v+0.033 {
			t.Errorf("audio segment %d starts at %.4fs, video at %.4fs", k+1, s, v)
		}
	}
}

func ids(reps []*manifest.Representation) []string {
	var out []string
	for _, r := range reps {
		out = append(out, r.ID)
	}
	return out
}

// TestMisalignedRenditionFails packages a rendition whose key frames do not
// line up with the leading one: a clear error, no output.
func TestMisalignedRenditionFails(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	ins, err := OpenInputs(filepath.Join(td, "rend_360p.mp4"), filepath.Join(td, "rend_180p_gop40.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(ins)
	_, err = Package(context.Background(), DirOutput(t.TempDir()), ins, Options{SegmentDuration: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "video-180p") || !strings.Contains(err.Error(), "no sync sample at 2.000s") {
		t.Fatalf("want a no-sync-sample error naming video-180p at 2.000s, got %v", err)
	}
}

// TestShakaPackagerRepackagesOutput feeds every output track to Shaka
// Packager, which must accept it and write every sample back out.
func TestShakaPackagerRepackagesOutput(t *testing.T) {
	shaka := testmedia.ShakaPackager(t)
	ffprobe := testmedia.Tool(t, "ffprobe")
	for _, path := range packagingInputs(t) {
		for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
			t.Run(filepath.Base(path)+"/"+layout, func(t *testing.T) {
				dir := t.TempDir()
				res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: layout}, path)
				for _, rep := range res.Presentation.Representations {
					in := trackFile(t, dir, layout, rep)
					out := filepath.Join(dir, rep.ID+".shaka.mp4")
					cmd := exec.Command(shaka, "in="+in+",stream="+rep.Kind+",output="+out, "--quiet")
					if msg, err := cmd.CombinedOutput(); err != nil {
						// Shaka refuses some inputs (negative presentation times
						// before an edit list): then it must refuse ours too.
						orig := exec.Command(shaka, "in="+path+",stream="+rep.Kind+",output="+filepath.Join(dir, "orig.mp4"), "--quiet")
						if omsg, oerr := orig.CombinedOutput(); oerr != nil {
							t.Logf("%s: Shaka Packager refuses the input too: %s", rep.ID, firstLine(omsg))
							continue
						}
						t.Fatalf("%s: Shaka Packager refused our output: %v\n%s", rep.ID, err, msg)
					}
					got := countPackets(t, ffprobe, out)
					mine := countPackets(t, ffprobe, in)
					if got != mine {
						t.Errorf("%s: Shaka wrote %s samples of our %s", rep.ID, got, mine)
					}
				}
			})
		}
	}
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func countPackets(t testing.TB, ffprobe, path string) string {
	out, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}
