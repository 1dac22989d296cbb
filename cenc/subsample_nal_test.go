package cenc

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// fromMP4ff converts an mp4ff subsample map.
func fromMP4ff(ss []mp4.SubSamplePattern) []Subsample {
	out := make([]Subsample, len(ss))
	for i, s := range ss {
		out[i] = Subsample{uint32(s.BytesOfClearData), s.BytesOfProtectedData}
	}
	return out
}

// protectedRanges lists the [start, end) byte ranges a map protects.
func protectedRanges(m []Subsample) [][2]int {
	var out [][2]int
	pos := 0
	for _, s := range m {
		pos += int(s.Clear)
		if s.Protected > 0 {
			out = append(out, [2]int{pos, pos + int(s.Protected)})
		}
		pos += int(s.Protected)
	}
	return out
}

// checkCencFromCbcs checks our cenc map against our cbcs map of the same
// sample: the same ranges, each cut at its start to a multiple of 16 bytes,
// ranges under 16 bytes dropped.
func checkCencFromCbcs(cbcs, cenc []Subsample) error {
	var want [][2]int
	for _, r := range protectedRanges(cbcs) {
		if n := (r[1] - r[0]) &^ 15; n > 0 {
			want = append(want, [2]int{r[1] - n, r[1]})
		}
	}
	if got := protectedRanges(cenc); !slices.Equal(got, want) {
		return fmt.Errorf("cenc protects %v, cbcs ranges cut to 16 give %v", got, want)
	}
	return nil
}

// mapperFunc is the Subsamples method of a mapper.
type mapperFunc func(sample []byte, scheme string) ([]Subsample, error)

// mapStats sums up compareMaps.
type mapStats struct {
	samples, ranges, cencDiffer, ourCenc, theirCenc int
}

// compareMaps maps every sample of a track with ours and mp4ff's for both
// schemes: the cbcs maps must be equal, our cenc map must be our cbcs map
// cut to 16 (checkCencFromCbcs) and mp4ff's cenc map must cover the
// sample. It counts the cenc maps that differ and the protected bytes.
func compareMaps(t *testing.T, f *isobmff.File, tr *isobmff.Track, data []byte, ours mapperFunc,
	theirs func([]byte, string) ([]mp4.SubSamplePattern, error)) mapStats {
	t.Helper()
	samples, err := f.Samples(tr)
	if err != nil {
		t.Fatal(err)
	}
	st := mapStats{samples: len(samples)}
	for i, s := range samples {
		b := data[s.Offset : s.Offset+int64(s.Size)]
		cbcs, err := ours(b, "cbcs")
		if err != nil {
			t.Fatalf("sample %d cbcs: %v", i+1, err)
		}
		cenc, err := ours(b, "cenc")
		if err != nil {
			t.Fatalf("sample %d cenc: %v", i+1, err)
		}
		var want, mp4ffCenc []Subsample
		if err := isobmff.Guard("subsamples", s.Offset, func() error {
			ss, err := theirs(b, "cbcs")
			want = fromMP4ff(ss)
			if err == nil {
				ss, err = theirs(b, "cenc")
				mp4ffCenc = fromMP4ff(ss)
			}
			return err
		}); err != nil {
			t.Fatalf("sample %d: mp4ff: %v", i+1, err)
		}
		if !slices.Equal(cbcs, want) {
			t.Fatalf("sample %d cbcs: ours %v, mp4ff %v", i+1, cbcs, want)
		}
		if err := checkCencFromCbcs(cbcs, cenc); err != nil {
			t.Fatalf("sample %d: %v", i+1, err)
		}
		if err := CheckSubsamples(mp4ffCenc, len(b)); err != nil {
			t.Fatalf("sample %d: mp4ff cenc: %v", i+1, err)
		}
		if !slices.Equal(cenc, mp4ffCenc) {
			st.cencDiffer++
		}
		st.ranges += len(protectedRanges(cbcs))
		for _, r := range protectedRanges(cenc) {
			st.ourCenc += r[1] - r[0]
		}
		for _, r := range protectedRanges(mp4ffCenc) {
			st.theirCenc += r[1] - r[0]
		}
	}
	return st
}

// logNALStats reports a comparison of NAL-structured maps.
func logNALStats(t *testing.T, st mapStats) {
	t.Logf("%d samples, %d slices: cbcs maps equal mp4ff's; cenc maps differ from mp4ff's (96-byte Bento4 rule) in %d, protecting %d bytes against mp4ff's %d",
		st.samples, st.ranges, st.cencDiffer, st.ourCenc, st.theirCenc)
}

// TestAVCSubsamplesAgreeWithMP4ff maps every sample of real H.264 streams:
// cbcs maps must equal mp4ff's (both protect from the end of the slice
// header); cenc maps must be the cbcs ranges cut to 16-byte multiples at
// their start (Shaka's rule), where mp4ff's differ (it keeps 96 bytes
// clear to match Bento4).
func TestAVCSubsamplesAgreeWithMP4ff(t *testing.T) {
	for _, path := range avcFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			compareAVCWithMP4ff(t, path)
		})
	}
}

// TestHEVCSubsamplesAgreeWithMP4ff does the same on real H.265 streams.
func TestHEVCSubsamplesAgreeWithMP4ff(t *testing.T) {
	for _, path := range hevcFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, tr, data, _ := hevcTrack(t, path)
			m, err := NewHEVCMapper(4, hevcParamSets(tr))
			if err != nil {
				t.Fatal(err)
			}
			// mp4ff reads the mapper's parameter sets, which in-band ones update.
			logNALStats(t, compareMaps(t, f, tr, data, m.Subsamples, func(b []byte, s string) ([]mp4.SubSamplePattern, error) {
				return mp4.GetHEVCProtectRanges(m.ps.sps, m.ps.pps, b, s)
			}))
		})
	}
}

// avcParamSets returns the SPS and PPS NAL units of an AVC track's avcC.
func avcParamSets(tr *isobmff.Track) [][]byte {
	c := tr.Entry.(*mp4.VisualSampleEntryBox).AvcC
	return append(append([][]byte{}, c.SPSnalus...), c.PPSnalus...)
}

// hevcParamSets returns the parameter set NAL units of an HEVC track's hvcC.
func hevcParamSets(tr *isobmff.Track) [][]byte {
	var ps [][]byte
	for _, a := range tr.Entry.(*mp4.VisualSampleEntryBox).HvcC.NaluArrays {
		ps = append(ps, a.Nalus...)
	}
	return ps
}

// hevcFiles are the real H.265 streams of the HEVC tests.
func hevcFiles(t testing.TB) []string {
	dir := testmedia.MP4ffDir(t)
	return []string{filepath.Join(testmedia.RepoRoot(), "testdata", "hevc_hdr10.mp4"),
		filepath.Join(dir, "mp4/testdata/ed_hevc.mp4"), filepath.Join(dir, "cmd/mp4ff-nallister/testdata/hevc.mp4")}
}

// nal prefixes each NAL unit with a 4-byte length.
func nal(units ...[]byte) []byte {
	var b []byte
	for _, u := range units {
		b = binary.BigEndian.AppendUint32(b, uint32(len(u)))
		b = append(b, u...)
	}
	return b
}

// nalCase is a hand-built AVC or HEVC sample made of a real slice, whose
// header is h bytes, and a 5-byte SEI; want builds the expected cbcs map
// (nil: an error containing errText).
type nalCase struct {
	name    string
	sample  func(slice, sei []byte) []byte
	want    func(slice []byte, h int) []Subsample
	errText string
}

// avcSEI and hevcSEI are 5-byte SEI NAL units (a user_data_unregistered
// payload cut short does not matter: SEI is never parsed).
var (
	avcSEI  = []byte{0x06, 0x05, 0x01, 0x00, 0x80}
	hevcSEI = []byte{0x4e, 0x01, 0x05, 0x00, 0x80}
)

var nalCases = []nalCase{
	{name: "one slice", sample: func(s, sei []byte) []byte { return nal(s) },
		want: func(s []byte, h int) []Subsample { return []Subsample{{uint32(4 + h), uint32(len(s) - h)}} }},
	{name: "SEI then slice", sample: func(s, sei []byte) []byte { return nal(sei, s) },
		want: func(s []byte, h int) []Subsample { return []Subsample{{uint32(9 + 4 + h), uint32(len(s) - h)}} }},
	{name: "slice then SEI", sample: func(s, sei []byte) []byte { return nal(s, sei) },
		want: func(s []byte, h int) []Subsample { return []Subsample{{uint32(4 + h), uint32(len(s) - h)}, {9, 0}} }},
	{name: "SEI only", sample: func(_, sei []byte) []byte { return nal(sei) },
		want: func([]byte, int) []Subsample { return []Subsample{{9, 0}} }},
	{name: "empty sample", sample: func(_, sei []byte) []byte { return nil },
		want: func([]byte, int) []Subsample { return nil }},
	{name: "zero-size NAL", sample: func(s, sei []byte) []byte { return nal(nil, s) },
		want: func(s []byte, h int) []Subsample { return []Subsample{{uint32(8 + h), uint32(len(s) - h)}} }},
	{name: "clear run over 65535 bytes", sample: func(s, sei []byte) []byte { return nal(append(slices.Clone(sei[:2]), make([]byte, 69999)...), s) },
		want: func(s []byte, h int) []Subsample {
			return []Subsample{{65535, 0}, {uint32(70005 + 4 + h - 65535), uint32(len(s) - h)}}
		}},
	{name: "ends inside a length field", sample: func(s, sei []byte) []byte { return append(nal(sei), 0, 0) },
		errText: "NAL unit 1 at byte 9: sample ends inside the 4-byte length field"},
	{name: "length past the end", sample: func(s, sei []byte) []byte { return nal(s)[:len(s)] },
		errText: "runs 4 bytes past the sample end"},
	{name: "slice shorter than its header", sample: func(s, sei []byte) []byte { return nal(sei, s[:3]) },
		errText: "NAL unit 1 at byte 9 (type byte 0x"},
	{name: "slice of NAL header only", sample: func(s, sei []byte) []byte { return nal(s[:1]) },
		errText: "has no slice header"},
}

// firstSlice returns the first slice NAL unit of the first sample of path.
func firstSlice(t testing.TB, path string, isSlice func(header byte) bool) []byte {
	f, tr, data := openTrack(t, path, func(*mp4.VisualSampleEntryBox) bool { return true })
	samples, _ := f.Samples(tr)
	b := data[samples[0].Offset : samples[0].Offset+int64(samples[0].Size)]
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if isSlice(b[4]) {
			return b[4 : 4+n]
		}
		b = b[4+n:]
	}
	t.Fatal("no slice in the first sample")
	return nil
}

// edgeCodec is a codec the hand-built samples are made for.
type edgeCodec struct {
	name       string
	slice, sei []byte
	header     int
	mapper     mapperFunc
}

// edgeCodecs returns AVC (avc_aac.mp4) and HEVC (hevc_hdr10.mp4) slices
// and fresh mappers for them.
func edgeCodecs(t testing.TB) []edgeCodec {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	_, atr, _, _ := avcTrack(t, filepath.Join(td, "avc_aac.mp4"))
	am, err := NewAVCMapper(4, avcParamSets(atr))
	if err != nil {
		t.Fatal(err)
	}
	_, htr, _, _ := hevcTrack(t, filepath.Join(td, "hevc_hdr10.mp4"))
	hm, err := NewHEVCMapper(4, hevcParamSets(htr))
	if err != nil {
		t.Fatal(err)
	}
	avcSlice := firstSlice(t, filepath.Join(td, "avc_aac.mp4"), func(b byte) bool { return b&0x1f == avcIDR })
	hevcSlice := firstSlice(t, filepath.Join(td, "hevc_hdr10.mp4"), func(b byte) bool { return b>>1&0x3f < 32 })
	ah, err := avcSliceHeaderSize(avcSlice, am.ps)
	if err != nil {
		t.Fatal(err)
	}
	hh, err := hevcSliceHeaderSize(hevcSlice, hm.ps)
	if err != nil {
		t.Fatal(err)
	}
	return []edgeCodec{{"AVC", avcSlice, avcSEI, ah, am.Subsamples}, {"HEVC", hevcSlice, hevcSEI, hh, hm.Subsamples}}
}

// TestNALSubsampleEdgeCases maps hand-built AVC and HEVC samples.
func TestNALSubsampleEdgeCases(t *testing.T) {
	codecs := edgeCodecs(t)
	for _, codec := range codecs {
		for _, c := range nalCases {
			t.Run(codec.name+"/"+c.name, func(t *testing.T) {
				got, err := codec.mapper(c.sample(codec.slice, codec.sei), "cbcs")
				if c.want == nil {
					if err == nil || !strings.Contains(err.Error(), c.errText) {
						t.Fatalf("got %v, %v; want error %q", got, err, c.errText)
					}
					t.Log(err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if want := c.want(codec.slice, codec.header); !slices.Equal(got, want) {
					t.Fatalf("got %v, want %v", got, want)
				}
			})
		}
	}
	slice, h := codecs[0].slice, codecs[0].header
	if _, err := codecs[0].mapper(nal(slice), "cens"); err == nil {
		t.Error("scheme cens accepted")
	}
	if _, err := NewAVCMapper(3, nil); err == nil {
		t.Error("length size 3 accepted")
	}
	// 2-byte length fields and cenc alignment.
	_, atr, _, _ := avcTrack(t, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	m2, err := NewAVCMapper(2, avcParamSets(atr))
	if err != nil {
		t.Fatal(err)
	}
	s2 := append(binary.BigEndian.AppendUint16(nil, uint16(len(slice))), slice...)
	got, err := m2.Subsamples(s2, "cenc")
	odd := (len(slice) - h) % 16
	if want := []Subsample{{uint32(2 + h + odd), uint32(len(slice) - h - odd)}}; err != nil || !slices.Equal(got, want) {
		t.Errorf("2-byte lengths, cenc: got %v, %v; want %v", got, err, want)
	}
}

// FuzzSubsamples maps arbitrary samples with the parameter sets of
// avc_aac.mp4 and hevc_hdr10.mp4 (fresh mappers, as in-band parameter sets
// change them): no panic, and every map covers the sample exactly.
func FuzzSubsamples(f *testing.F) {
	codecs := edgeCodecs(f)
	hf, tr, data, _ := hevcTrack(f, filepath.Join(testmedia.RepoRoot(), "testdata", "hevc_hdr10.mp4"))
	hevcPS := hevcParamSets(tr)
	_, atr, _, _ := avcTrack(f, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	avcPS := avcParamSets(atr)
	samples, _ := hf.Samples(tr)
	for _, s := range samples[:20] {
		if s.Size < 4096 {
			f.Add(data[s.Offset:s.Offset+int64(s.Size)], true, true)
		}
	}
	for i, codec := range codecs {
		for _, c := range nalCases {
			if s := c.sample(codec.slice, codec.sei); len(s) < 4096 {
				f.Add(s, i == 1, true)
				f.Add(s, i == 1, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, sample []byte, hevc, cbcs bool) {
		scheme := "cenc"
		if cbcs {
			scheme = "cbcs"
		}
		var m mapperFunc
		if hevc {
			hm, err := NewHEVCMapper(4, hevcPS)
			if err != nil {
				t.Fatal(err)
			}
			m = hm.Subsamples
		} else {
			am, err := NewAVCMapper(4, avcPS)
			if err != nil {
				t.Fatal(err)
			}
			m = am.Subsamples
		}
		got, err := m(sample, scheme)
		if err != nil {
			return
		}
		if err := CheckSubsamples(got, len(sample)); err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if scheme == "cenc" && s.Protected%16 != 0 {
				t.Fatalf("cenc protected range of %d bytes", s.Protected)
			}
		}
	})
}

// TestAudioSubsamples checks that audio has no map.
func TestAudioSubsamples(t *testing.T) {
	if m, err := AudioSubsamples(make([]byte, 100), "cbcs"); m != nil || err != nil {
		t.Errorf("cbcs audio: %v, %v", m, err)
	}
	if _, err := AudioSubsamples(nil, "cens"); err == nil {
		t.Error("scheme cens accepted")
	}
}

// compareAVCWithMP4ff compares our AVC subsample maps of the file at path
// with mp4ff's GetAVCProtectRanges, sample by sample (compareMaps).
func compareAVCWithMP4ff(t *testing.T, path string) {
	t.Helper()
	f, tr, data, ps := avcTrack(t, path)
	m, err := NewAVCMapper(4, avcParamSets(tr))
	if err != nil {
		t.Fatal(err)
	}
	logNALStats(t, compareMaps(t, f, tr, data, m.Subsamples, func(b []byte, s string) ([]mp4.SubSamplePattern, error) {
		return mp4.GetAVCProtectRanges(ps.sps, ps.pps, b, s)
	}))
}
