package cenc

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/Eyevinn/mp4ff/hevc"
	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// hevcTrack opens path and returns its HEVC track, the file bytes and the
// parameter sets of its hvcC.
func hevcTrack(t testing.TB, path string) (*isobmff.File, *isobmff.Track, []byte, hevcParams) {
	t.Helper()
	f, tr, data := openTrack(t, path, func(e *mp4.VisualSampleEntryBox) bool { return e.HvcC != nil })
	ps := hevcParams{sps: map[uint32]*hevc.SPS{}, pps: map[uint32]*hevc.PPS{}}
	for _, a := range tr.Entry.(*mp4.VisualSampleEntryBox).HvcC.NaluArrays {
		for _, n := range a.Nalus {
			addParamSet(t, ps, n)
		}
	}
	return f, tr, data, ps
}

// addParamSet parses an SPS or PPS NAL unit into ps.
func addParamSet(t testing.TB, ps hevcParams, n []byte) {
	switch hevc.GetNaluType(n[0]) {
	case hevc.NALU_SPS:
		sps, err := hevc.ParseSPSNALUnit(n)
		if err != nil {
			t.Fatal(err)
		}
		ps.sps[uint32(sps.SpsID)] = sps
	case hevc.NALU_PPS:
		pps, err := hevc.ParsePPSNALUnit(n, ps.sps)
		if err != nil {
			t.Fatal(err)
		}
		ps.pps[pps.PicParameterSetID] = pps
	}
}

// TestHEVCSliceHeaderSizeAgreesWithMP4ff parses every slice of real HEVC
// streams (x265 with wavefront entry points, hvc1 and hev1 with in-band
// parameter sets) and checks the header size against mp4ff's parser, which
// is right on valid streams.
func TestHEVCSliceHeaderSizeAgreesWithMP4ff(t *testing.T) {
	dir := testmedia.MP4ffDir(t)
	files := []string{filepath.Join(testmedia.RepoRoot(), "testdata", "hevc_hdr10.mp4"),
		filepath.Join(dir, "mp4/testdata/ed_hevc.mp4"), filepath.Join(dir, "cmd/mp4ff-nallister/testdata/hevc.mp4")}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, tr, data, ps := hevcTrack(t, path)
			samples, err := f.Samples(tr)
			if err != nil {
				t.Fatal(err)
			}
			slices := 0
			for i, s := range samples {
				b := data[s.Offset : s.Offset+int64(s.Size)]
				for len(b) >= 4 {
					n := int(binary.BigEndian.Uint32(b))
					if n > len(b)-4 {
						t.Fatalf("sample %d: NAL length %d overruns", i+1, n)
					}
					nalu := b[4 : 4+n]
					b = b[4+n:]
					typ := hevc.GetNaluType(nalu[0])
					if typ == hevc.NALU_SPS || typ == hevc.NALU_PPS {
						addParamSet(t, ps, nalu)
					}
					if typ >= 32 {
						continue
					}
					got, err := hevcSliceHeaderSize(nalu, ps)
					if err != nil {
						t.Fatalf("sample %d: %v", i+1, err)
					}
					var want int
					if err := isobmff.Guard("slice", 0, func() error {
						sh, err := hevc.ParseSliceHeader(nalu, ps.sps, ps.pps)
						if err == nil {
							want = int(sh.Size)
						}
						return err
					}); err != nil {
						t.Fatalf("sample %d: mp4ff: %v", i+1, err)
					}
					if got != want {
						t.Fatalf("sample %d type %d: header %d bytes, mp4ff says %d", i+1, typ, got, want)
					}
					slices++
				}
			}
			t.Logf("%d slices agree", slices)
		})
	}
}

// TestMP4ffHEVCSliceEntryPoints pins mp4ff crasher F3: a slice header whose
// num_entry_point_offsets is huge makes mp4ff's ParseSliceHeader allocate
// that many entries and die out of memory (input found by fuzzing, kept in
// testdata/fuzz/mp4ff-crashers). Our parser checks every count against the
// standard's range and the picture before using it (here it stops earlier,
// at a short-term RPS index the SPS does not have).
func TestMP4ffHEVCSliceEntryPoints(t *testing.T) {
	_, _, _, ps := hevcTrack(t, filepath.Join(testmedia.RepoRoot(), "testdata", "hevc_hdr10.mp4"))
	nalu := []byte(" 0$0Z\xe0A\x00\x00\x00\x00\x01\x000000000000000000000000000000\xff\xff\x00\x00")
	_, err := hevcSliceHeaderSize(nalu, ps)
	if err == nil {
		t.Fatal("the crasher parsed without error")
	}
	t.Logf("crasher: %v", err)
}

// FuzzHEVCSliceHeader feeds arbitrary slices to the parser with the
// parameter sets of testdata/hevc_hdr10.mp4; it must never panic.
func FuzzHEVCSliceHeader(f *testing.F) {
	file, tr, data, ps := hevcTrack(f, filepath.Join(testmedia.RepoRoot(), "testdata", "hevc_hdr10.mp4"))
	addNALSeeds(f, file, tr, data)
	f.Add([]byte(" 0$0Z\xe0A\x00\x00\x00\x00\x01\x000000000000000000000000000000\xff\xff\x00\x00"))
	f.Fuzz(func(t *testing.T, nalu []byte) {
		_, _ = hevcSliceHeaderSize(nalu, ps)
	})
}
