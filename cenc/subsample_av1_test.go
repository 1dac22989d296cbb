package cenc

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/Eyevinn/mp4ff/av1"
	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// av1Files returns real AV1 files: ffmpeg's single-tile testdata/av1.mp4
// and mp4ff's multi-tile init + segment, joined into one file.
func av1Files(t *testing.T) []string {
	dir := filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata")
	var joined []byte
	for _, n := range []string{"av1_multitile_init.mp4", "av1_multitile_seg.m4s"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		joined = append(joined, b...)
	}
	multi := filepath.Join(t.TempDir(), "av1_multitile.mp4")
	if err := os.WriteFile(multi, joined, 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{filepath.Join(testmedia.RepoRoot(), "testdata", "av1.mp4"), multi}
}

// TestAV1SubsamplesAgreeWithMP4ff maps every temporal unit of real AV1
// streams. cbcs maps must equal mp4ff's GetAV1ProtectRanges (one subsample
// per decode_tile). cenc maps must be the cbcs ranges cut to 16 at their
// start (AV1-ISOBMFF: end on the tile's last byte; Shaka does this);
// mp4ff's cenc maps protect the same number of bytes but keep the odd ones
// at the tile's end, so they differ wherever a tile is not a multiple of
// 16 bytes. mp4ff parses frame headers with the av1C sequence header only;
// SVT-AV1 (testdata/av1.mp4) writes one there that differs from the one in
// the stream (enable_cdef 0 against 1), so mp4ff's decoders are given the
// stream's (the sequence header OBU of the first sample), which is what
// ours switch to by themselves. Shaka Packager agrees on av1.mp4
// (cmaf.TestCbcsCiphertextMatchesShaka).
func TestAV1SubsamplesAgreeWithMP4ff(t *testing.T) {
	for _, path := range av1Files(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, tr, data := openTrack(t, path, func(e *mp4.VisualSampleEntryBox) bool { return e.Av1C != nil })
			rec := &tr.Entry.(*mp4.VisualSampleEntryBox).Av1C.CodecConfRec
			// Each mapper advances its own decoder: one per scheme, and mp4ff's.
			cbcsM, err := NewAV1Mapper(rec)
			if err != nil {
				t.Fatal(err)
			}
			cencM, _ := NewAV1Mapper(rec)
			seq, _ := rec.SequenceHeader()
			samples, err := f.Samples(tr)
			if err != nil {
				t.Fatal(err)
			}
			if inBand := firstSequenceHeader(t, data[samples[0].Offset:][:samples[0].Size]); inBand != nil {
				seq = inBand
			}
			theirCbcs, _ := av1.NewFrameHeaderDecoder(seq)
			theirCenc, _ := av1.NewFrameHeaderDecoder(seq)
			st := compareMaps(t, f, tr, data, func(b []byte, s string) ([]Subsample, error) {
				if s == "cbcs" {
					return cbcsM.Subsamples(b, s)
				}
				return cencM.Subsamples(b, s)
			}, func(b []byte, s string) ([]mp4.SubSamplePattern, error) {
				if s == "cbcs" {
					return mp4.GetAV1ProtectRanges(theirCbcs, b, s)
				}
				return mp4.GetAV1ProtectRanges(theirCenc, b, s)
			})
			if st.ourCenc != st.theirCenc {
				t.Errorf("cenc protects %d bytes, mp4ff %d", st.ourCenc, st.theirCenc)
			}
			t.Logf("%d samples, %d tiles: cbcs maps equal mp4ff's; cenc maps protect the same %d bytes as mp4ff's but differ (odd bytes at the tile start, not the end) in %d",
				st.samples, st.ranges, st.ourCenc, st.cencDiffer)
		})
	}
}

// TestAV1SubsampleErrors checks that broken temporal units fail cleanly.
func TestAV1SubsampleErrors(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "av1.mp4")
	f, err := isobmff.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewAV1Mapper(&f.Tracks[0].Entry.(*mp4.VisualSampleEntryBox).Av1C.CodecConfRec)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{{0x32, 0x10, 0x00}, {0x12, 0x00, 0x32, 0x05, 0x10}, {0x80}} {
		if got, err := m.Subsamples(b, "cbcs"); err == nil {
			t.Errorf("% x mapped to %v", b, got)
		}
	}
	if got, err := m.Subsamples([]byte{0x12, 0x00}, "cenc"); err != nil || !slices.Equal(got, []Subsample{{2, 0}}) {
		t.Errorf("temporal delimiter: %v, %v", got, err)
	}
	if _, err := NewAV1Mapper(&av1.CodecConfRec{}); err == nil {
		t.Error("av1C without sequence header accepted")
	}
}

// FuzzAV1Subsamples maps arbitrary temporal units with a fresh mapper for
// testdata/av1.mp4: no panic (mp4ff runs behind isobmff.Guard), and every
// map covers the sample.
func FuzzAV1Subsamples(f *testing.F) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "av1.mp4")
	data, _ := os.ReadFile(path)
	file, err := isobmff.OpenFile(path)
	if err != nil {
		f.Fatal(err)
	}
	rec := &file.Tracks[0].Entry.(*mp4.VisualSampleEntryBox).Av1C.CodecConfRec
	samples, _ := file.Samples(file.Tracks[0])
	for _, s := range samples[:4] {
		f.Add(data[s.Offset:s.Offset+int64(min(s.Size, 2048))], true)
	}
	f.Add([]byte{0x12, 0x00, 0x32, 0x05, 0x10}, false)
	f.Fuzz(func(t *testing.T, sample []byte, cbcs bool) {
		m, err := NewAV1Mapper(rec)
		if err != nil {
			t.Fatal(err)
		}
		scheme := "cenc"
		if cbcs {
			scheme = "cbcs"
		}
		if got, err := m.Subsamples(sample, scheme); err == nil {
			if err := CheckSubsamples(got, len(sample)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// firstSequenceHeader parses the sequence header OBU of a temporal unit
// with mp4ff, or returns nil when there is none. (Sized OBUs with no
// extension header, as the test streams have.)
func firstSequenceHeader(t *testing.T, tu []byte) *av1.SequenceHeader {
	for pos := 0; pos+2 <= len(tu); {
		typ, size, n := (tu[pos]>>3)&0xf, 0, 0
		for shift := 0; ; shift += 7 {
			b := tu[pos+1+n]
			size |= int(b&0x7f) << shift
			n++
			if b&0x80 == 0 {
				break
			}
		}
		payload := tu[pos+1+n : pos+1+n+size]
		if typ == 1 {
			seq, err := av1.ParseSequenceHeader(payload)
			if err != nil {
				t.Fatal(err)
			}
			return seq
		}
		pos += 1 + n + size
	}
	return nil
}
