package isobmff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// findBox returns the first box of type typ in the tree.
func findType(bs []*Box, typ string) *Box {
	for _, b := range allBoxes(bs) {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

// TestMP4ffTrunSampleSlicing pins mp4ff crasher F1: a trun whose sample
// sizes run past its mdat makes mp4ff's Fragment.GetFullSamples slice out of
// range. Open must refuse the file, naming the trun, before anything slices.
func TestMP4ffTrunSampleSlicing(t *testing.T) {
	path := filepath.Join(testmedia.MP4ffDir(t), "mp4/testdata/v300_multiple_segments.mp4")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	trun := findType(f.Boxes, "trun")
	// flags 0xf01: data offset, then duration, size, flags, cto per sample.
	pos := trun.Offset + trun.HeaderSize + 12 + 4
	bad := bytes.Clone(data)
	binary.BigEndian.PutUint32(bad[pos:], 0xffffff00)

	_, err = Open(bytes.NewReader(bad), int64(len(bad)))
	var be *BoxError
	if !errors.As(err, &be) || !errors.Is(err, ErrMalformed) || be.Path != "moof[1]/traf[1]/trun[1]" {
		t.Fatalf("want ErrMalformed at moof[1]/traf[1]/trun[1], got %v", err)
	}
	// mp4ff on its own: the same bytes through the guard give an error,
	// never a panic that escapes.
	err = Guard("moof[1]", 0, func() error {
		mf, err := mp4.DecodeFile(bytes.NewReader(bad))
		if err != nil {
			return err
		}
		_, err = mf.Segments[0].Fragments[0].GetFullSamples(nil)
		return err
	})
	if err == nil {
		t.Fatal("mp4ff accepted a trun larger than its mdat")
	}
	t.Logf("mp4ff through Guard: %v", err)
}

// bitWriter writes the bits of a hand-made H.264 SPS.
type bitWriter struct {
	buf  []byte
	nbit int
}

func (w *bitWriter) bit(b uint) {
	if w.nbit%8 == 0 {
		w.buf = append(w.buf, 0)
	}
	if b != 0 {
		w.buf[len(w.buf)-1] |= 0x80 >> (w.nbit % 8)
	}
	w.nbit++
}

func (w *bitWriter) bits(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bit(uint(v>>i) & 1)
	}
}

// ue writes an unsigned Exp-Golomb code.
func (w *bitWriter) ue(v uint64) {
	v++
	n := 0
	for x := v; x > 1; x >>= 1 {
		n++
	}
	w.bits(0, n)
	w.bits(v, n+1)
}

// spsWithHugeHRD is a Baseline SPS whose VUI carries NAL HRD parameters with
// cpb_cnt_minus1 = 2^31, where the standard allows at most 31.
func spsWithHugeHRD() []byte {
	w := &bitWriter{}
	w.bits(0x67, 8) // NAL header: SPS
	w.bits(66, 8)   // profile_idc Baseline
	w.bits(0, 8)    // constraint flags
	w.bits(30, 8)   // level_idc
	w.ue(0)         // seq_parameter_set_id
	w.ue(0)         // log2_max_frame_num_minus4
	w.ue(2)         // pic_order_cnt_type
	w.ue(1)         // max_num_ref_frames
	w.bit(0)        // gaps_in_frame_num_value_allowed_flag
	w.ue(39)        // pic_width_in_mbs_minus1 (640)
	w.ue(22)        // pic_height_in_map_units_minus1 (368)
	w.bit(1)        // frame_mbs_only_flag
	w.bit(1)        // direct_8x8_inference_flag
	w.bit(0)        // frame_cropping_flag
	w.bit(1)        // vui_parameters_present_flag
	w.bits(0, 5)    // aspect, overscan, video signal, chroma loc, timing: absent
	w.bit(1)        // nal_hrd_parameters_present_flag
	w.ue(1 << 31)   // cpb_cnt_minus1
	w.bits(0, 8)    // bit_rate_scale, cpb_size_scale
	w.bit(1)        // rbsp_stop_one_bit
	for w.nbit%8 != 0 {
		w.bit(0)
	}
	return w.buf
}

// TestMP4ffSPSHRDCount pins mp4ff crasher F2: with VUI parsing on, mp4ff's
// AVC SPS parser loops and allocates cpb_cnt_minus1+1 entries from an
// unchecked Exp-Golomb count. Open parses the SPS without the VUI's HRD, so a
// file carrying such an SPS opens in bounded time and memory.
func TestMP4ffSPSHRDCount(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	avcC := findType(f.Boxes, "avcC")
	p := avcC.Offset + avcC.HeaderSize
	spsLen := int(binary.BigEndian.Uint16(data[p+6:]))
	sps := spsWithHugeHRD()
	if len(sps) > spsLen {
		t.Fatalf("crafted SPS of %d bytes does not fit the %d-byte slot", len(sps), spsLen)
	}
	bad := bytes.Clone(data)
	copy(bad[p+8:p+8+int64(spsLen)], append(sps, make([]byte, spsLen-len(sps))...))

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f, err = Open(bytes.NewReader(bad), int64(len(bad)))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("a file with an odd SPS VUI must still open: %v", err)
	}
	if elapsed > time.Second || after.TotalAlloc-before.TotalAlloc > 64<<20 {
		t.Fatalf("Open took %v and %d MB", elapsed, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
	if got := f.Tracks[0].Codec; got != "avc1.64001e" {
		t.Errorf("codec %q: the string comes from avcC, not the SPS", got)
	}
}

// TestGuardTurnsPanicIntoError checks the guard itself.
func TestGuardTurnsPanicIntoError(t *testing.T) {
	err := Guard("moov/trak[1]", 0x20, func() error {
		var s []int
		_ = s[3]
		return nil
	})
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "moov/trak[1] at 0x20") {
		t.Fatalf("got %v", err)
	}
}

// TestShortFtyp: mp4ff's FtypBox and StypBox read their brands by slicing
// the payload without a length check, so describing a short one panicked
// (found by FuzzDecryptFile). A short ftyp or styp now opens, or fails,
// with an error and no panic.
func TestShortFtyp(t *testing.T) {
	for _, data := range [][]byte{
		[]byte("\x00\x00\x00\x0cftypisom"),
		[]byte("\x00\x00\x00\x0estypisomab"),
		[]byte("\x00\x00\x00\x08styp"),
	} {
		if _, err := Open(bytes.NewReader(data), int64(len(data))); err == nil {
			t.Logf("%q opens", data)
		}
	}
}
