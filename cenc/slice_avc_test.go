package cenc

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/Eyevinn/mp4ff/avc"
	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// avcFiles are the real H.264 streams the AVC tests run on: ffmpeg-made
// single-slice, 4-slices-per-picture and open-GOP files, and two of mp4ff's.
func avcFiles(t testing.TB) []string {
	dir := testmedia.MP4ffDir(t)
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	return []string{filepath.Join(td, "avc_aac.mp4"), filepath.Join(td, "avc_multislice.mp4"),
		filepath.Join(td, "open_gop.mp4"), filepath.Join(dir, "mp4/testdata/prog_8s.mp4"),
		filepath.Join(dir, "cmd/mp4ff-nallister/testdata/h264.mp4")}
}

// openTrack opens path and returns the file, its first visual track whose
// sample entry passes want, and the file bytes.
func openTrack(t testing.TB, path string, want func(*mp4.VisualSampleEntryBox) bool) (*isobmff.File, *isobmff.Track, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := isobmff.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range f.Tracks {
		if vse, ok := tr.Entry.(*mp4.VisualSampleEntryBox); ok && want(vse) {
			return f, tr, data
		}
	}
	t.Fatalf("%s has no such track", path)
	return nil, nil, nil
}

// avcTrack opens path and returns its AVC track, the file bytes and the
// parameter sets of its avcC.
func avcTrack(t testing.TB, path string) (*isobmff.File, *isobmff.Track, []byte, avcParams) {
	t.Helper()
	f, tr, data := openTrack(t, path, func(e *mp4.VisualSampleEntryBox) bool { return e.AvcC != nil })
	ps := avcParams{sps: map[uint32]*avc.SPS{}, pps: map[uint32]*avc.PPS{}}
	if err := addSPSFirst(avcParamSets(tr), func(n []byte) bool { return avc.GetNaluType(n[0]) == avc.NALU_SPS }, ps.add); err != nil {
		t.Fatal(err)
	}
	return f, tr, data, ps
}

// TestAVCSliceHeaderSizeAgreesWithMP4ff parses every slice of real H.264
// streams (CABAC and CAVLC, IDR and non-IDR, P and B, multi-slice) and
// checks the header size against mp4ff's parser, which is right on valid
// streams.
func TestAVCSliceHeaderSizeAgreesWithMP4ff(t *testing.T) {
	for _, path := range avcFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) { checkAVCSliceSizes(t, path) })
	}
}

// TestAVCSliceHeaderSizeGenerated does the same on streams x264 makes for
// the syntax the files above lack: CAVLC (no cabac_alignment_one_bits,
// header ending inside a byte), weighted prediction, B-pyramids and
// several references (reordering and memory management), MBAFF interlace
// (field_pic_flag) and multiple slices. Their subsample maps are compared
// with mp4ff's as in TestAVCSubsamplesAgreeWithMP4ff.
func TestAVCSliceHeaderSizeGenerated(t *testing.T) {
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	for _, params := range []string{
		"cabac=0:weightp=2:bframes=3:b-pyramid=normal:ref=4",
		"cabac=1:weightp=2:bframes=3:ref=4:interlaced=1",
		"cabac=0:slices=3:bframes=2:ref=3:interlaced=1:bff=1",
		"cabac=0:bframes=0:ref=1:weightp=0:8x8dct=0:slices=2",
	} {
		t.Run(params, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x264.mp4")
			out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi",
				"-i", "testsrc2=size=352x288:rate=25", "-t", "2", "-c:v", "libx264",
				"-x264-params", params+":keyint=25", "-pix_fmt", "yuv420p", path).CombinedOutput()
			if err != nil {
				t.Skipf("ffmpeg with libx264: %v %s", err, out)
			}
			checkAVCSliceSizes(t, path)
			compareAVCWithMP4ff(t, path)
		})
	}
}

// checkAVCSliceSizes parses every slice of the AVC track of path and
// checks the header size against mp4ff's parser.
func checkAVCSliceSizes(t *testing.T, path string) {
	f, tr, data, ps := avcTrack(t, path)
	samples, err := f.Samples(tr)
	if err != nil {
		t.Fatal(err)
	}
	slices := 0
	for i, s := range samples {
		// Walk the NAL units with the subsample walker, checking each slice.
		_, err := nalSubsamples(data[s.Offset:s.Offset+int64(s.Size)], 4, "cbcs", func(nalu []byte) (int, bool, error) {
			if typ := nalu[0] & 0x1f; typ != avcNonIDR && typ != avcIDR {
				return 0, false, ps.add(nalu)
			}
			got, err := avcSliceHeaderSize(nalu, ps)
			if err != nil {
				return 0, false, err
			}
			var want int
			if err := isobmff.Guard("slice", 0, func() error {
				sh, err := avc.ParseSliceHeader(nalu, ps.sps, ps.pps)
				if err == nil {
					want = int(sh.Size)
				}
				return err
			}); err != nil {
				return 0, false, fmt.Errorf("mp4ff: %w", err)
			}
			if got != want {
				return 0, false, fmt.Errorf("header %d bytes, mp4ff says %d", got, want)
			}
			slices++
			return got, true, nil
		})
		if err != nil {
			t.Fatalf("sample %d: %v", i+1, err)
		}
	}
	if slices == 0 {
		t.Fatal("no slices")
	}
	cabac, weighted, mbaff := false, false, false
	for _, pps := range ps.pps {
		cabac = cabac || pps.EntropyCodingModeFlag
		weighted = weighted || pps.WeightedPredFlag || pps.WeightedBipredIDC == 1
	}
	for _, sps := range ps.sps {
		mbaff = mbaff || !sps.FrameMbsOnlyFlag
	}
	t.Logf("%d slices agree (CABAC %v, explicit weighted prediction %v, interlaced %v)", slices, cabac, weighted, mbaff)
}

// avcSliceCases are hand-built slices with the SPS/PPS of avc_aac.mp4 that
// must fail cleanly; they also seed FuzzAVCSliceHeader.
var avcSliceCases = []struct {
	name string
	nalu []byte
}{
	{"header only", []byte{0x65}},
	{"not a slice", []byte{0x67, 0x42, 0x00}},
	{"unknown PPS", []byte{0x65, 0x88, 0x37, 0xff, 0xff}},
	{"cut in frame_num", []byte{0x65, 0xb8}},
	{"long Exp-Golomb", []byte{0x41, 0x00, 0x00, 0x00, 0x00, 0x01}},
	{"emulation prevention at end", []byte{0x41, 0x9a, 0x00, 0x00, 0x03}},
}

// TestAVCSliceHeaderErrors checks that broken slices return an error.
func TestAVCSliceHeaderErrors(t *testing.T) {
	_, _, _, ps := avcTrack(t, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	for _, c := range avcSliceCases {
		if n, err := avcSliceHeaderSize(c.nalu, ps); err == nil {
			t.Errorf("%s: parsed as %d bytes", c.name, n)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

// FuzzAVCSliceHeader feeds arbitrary slices to the parser with the
// parameter sets of testdata/avc_aac.mp4; it must never panic, and a size
// it returns lies inside the NAL unit.
func FuzzAVCSliceHeader(f *testing.F) {
	file, tr, data, ps := avcTrack(f, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	addNALSeeds(f, file, tr, data)
	for _, c := range avcSliceCases {
		f.Add(c.nalu)
	}
	f.Fuzz(func(t *testing.T, nalu []byte) {
		n, err := avcSliceHeaderSize(nalu, ps)
		if err == nil && (n < 2 || n > len(nalu)) {
			t.Fatalf("header size %d for a %d-byte NAL unit", n, len(nalu))
		}
	})
}

// addNALSeeds adds the first 64 bytes of every NAL unit of the first eight
// samples of a track (4-byte NAL lengths) as fuzz seeds.
func addNALSeeds(f *testing.F, file *isobmff.File, tr *isobmff.Track, data []byte) {
	samples, _ := file.Samples(tr)
	for _, s := range samples[:min(8, len(samples))] {
		b := data[s.Offset : s.Offset+int64(s.Size)]
		for len(b) >= 4 {
			n := int(binary.BigEndian.Uint32(b))
			if n > len(b)-4 {
				break
			}
			f.Add(b[4 : 4+min(n, 64)])
			b = b[4+n:]
		}
	}
}
