package cenc

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// ffmpegVP9Headers runs ffmpeg's trace_headers bitstream filter on the
// VP9 track of path and returns, frame by frame (superframes split), the
// uncompressed header size in bytes: the end of header_size_in_bytes
// rounded up to a byte, or -1 for a show_existing_frame frame.
func ffmpegVP9Headers(t *testing.T, path string) []int {
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	cmd := exec.Command(ffmpeg, "-hide_banner", "-i", path, "-map", "0:v", "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	var sizes []int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[0], "[trace_headers") {
			continue
		}
		pos, err := strconv.Atoi(f[3])
		if err != nil {
			continue
		}
		switch f[4] {
		case "show_existing_frame":
			if f[len(f)-1] == "1" {
				sizes = append(sizes, -1)
			}
		case "header_size_in_bytes":
			sizes = append(sizes, (pos+16+7)/8)
		}
	}
	return sizes
}

// TestVP9SubsamplesAgreeWithFFmpeg parses the uncompressed header of every
// frame of a real VP9 stream (superframes with hidden alt-ref frames
// included) and checks its size against ffmpeg's VP9 syntax tracer, then
// checks every map: it covers the sample, protected ranges are multiples
// of 16 ending at each frame's end, the superframe index is clear.
func TestVP9SubsamplesAgreeWithFFmpeg(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "vp9_opus.mp4")
	want := ffmpegVP9Headers(t, path)
	f, tr, data := openTrack(t, path, func(e *mp4.VisualSampleEntryBox) bool { return e.VppC != nil })
	samples, err := f.Samples(tr)
	if err != nil {
		t.Fatal(err)
	}
	m, mapper := NewVP9Mapper(), NewVP9Mapper()
	var got []int
	superframes := 0
	for i, s := range samples {
		b := data[s.Offset : s.Offset+int64(s.Size)]
		frames, err := m.frames(b)
		if err != nil {
			t.Fatalf("sample %d: %v", i+1, err)
		}
		if len(frames) > 1 {
			superframes++
		}
		var ends [][2]int
		for _, fr := range frames {
			h := fr.header
			if h == fr.size && fr.size <= 2 {
				h = -1 // show_existing_frame
			}
			got = append(got, h)
			if n := (fr.size - fr.header) &^ 15; n > 0 {
				ends = append(ends, [2]int{fr.offset + fr.size - n, fr.offset + fr.size})
			}
		}
		ss, err := mapper.Subsamples(b, []string{"cbcs", "cenc"}[i%2])
		if err != nil {
			t.Fatalf("sample %d: %v", i+1, err)
		}
		if r := protectedRanges(ss); !slices.Equal(r, ends) {
			t.Fatalf("sample %d: map %v protects %v, want %v", i+1, ss, r, ends)
		}
		if i == 0 {
			t.Logf("sample 1 (%d bytes): %v", len(b), ss)
		}
	}
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("frame %d: uncompressed header %d bytes, ffmpeg says %d (%d frames vs %d)", i, got[i], want[i], len(got), len(want))
			}
		}
		t.Fatalf("%d frames, ffmpeg traced %d", len(got), len(want))
	}
	t.Logf("%d samples, %d frames (%d superframes): uncompressed header sizes agree with ffmpeg", len(samples), len(got), superframes)
}

// vp9Cases are broken VP9 samples that must fail cleanly; they also seed
// FuzzVP9Subsamples.
var vp9Cases = [][]byte{
	{0x00},                               // frame_marker 0
	{0x82, 0x49, 0x83},                   // key frame cut in the sync code
	{0x82, 0x00, 0x00, 0x00, 0x00, 0x00}, // bad sync code
	{0x86, 0x00, 0x00, 0x01, 0xff, 0xff}, // inter frame sized from an empty reference slot
	{0x88, 0x82, 0xc1, 0x01, 0x01, 0xc1}, // superframe: show_existing, then a cut key frame
	{0x88, 0xc1, 0x05, 0x01, 0xc1},       // superframe index summing past the sample
}

// TestVP9SubsampleErrors checks that broken samples return errors.
func TestVP9SubsampleErrors(t *testing.T) {
	for _, c := range vp9Cases {
		if got, err := NewVP9Mapper().Subsamples(c, "cbcs"); err == nil {
			t.Errorf("% x mapped to %v", c, got)
		} else {
			t.Logf("% x: %v", c, err)
		}
	}
	if got, err := NewVP9Mapper().Subsamples([]byte{0x88}, "cenc"); err != nil || !slices.Equal(got, []Subsample{{1, 0}}) {
		t.Errorf("show_existing_frame: %v, %v", got, err)
	}
	sf := []byte{0x88, 0x88, 0xc1, 0x01, 0x01, 0xc1}
	if got, err := NewVP9Mapper().frames(sf); err != nil || !slices.Equal(got, []vp9Frame{{0, 1, 1}, {1, 1, 1}}) {
		t.Errorf("superframe of two show_existing frames: %v, %v", got, err)
	}
}

// FuzzVP9Subsamples maps arbitrary samples with a fresh mapper: no panic,
// and every map covers the sample.
func FuzzVP9Subsamples(f *testing.F) {
	for _, c := range vp9Cases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, sample []byte) {
		if got, err := NewVP9Mapper().Subsamples(sample, "cbcs"); err == nil {
			if err := CheckSubsamples(got, len(sample)); err != nil {
				t.Fatal(err)
			}
		}
	})
}
