package cmaf

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// replaceBox returns data with box b replaced by repl, the sizes of the
// boxes that contain it adjusted (all have 32-bit headers here).
func replaceBox(t *testing.T, data []byte, f *isobmff.File, b *isobmff.Box, repl []byte) []byte {
	t.Helper()
	delta := int64(len(repl)) - b.Size
	out := append(bytes.Clone(data[:b.Offset]), repl...)
	out = append(out, data[b.Offset+b.Size:]...)
	for _, a := range allBoxes(f.Boxes) {
		if a.Offset < b.Offset && a.Offset+a.Size >= b.Offset+b.Size {
			if a.HeaderSize != 8 {
				t.Fatalf("ancestor %s has a 64-bit header", a.Path)
			}
			binary.BigEndian.PutUint32(out[a.Offset:], uint32(a.Size+delta))
		}
	}
	return out
}

func allBoxes(bs []*isobmff.Box) []*isobmff.Box {
	var out []*isobmff.Box
	for _, b := range bs {
		out = append(out, b)
		out = append(out, allBoxes(b.Children)...)
	}
	return out
}

// boxBytes builds a full box.
func boxBytes(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
	return append(append(b, typ...), payload...)
}

// otherForms rewrites mdat_first.mp4 (moov after mdat, so chunk offsets do
// not move when moov grows) into the sample-table forms ffmpeg does not
// write: 64-bit chunk offsets (co64), compact sample sizes (stz2, 16-bit),
// and its media data split into two mdat boxes.
func otherForms(t *testing.T) map[string][]byte {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "mdat_first.mp4")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{}
	// co64 and stz2: one box at a time, re-opening after each change.
	for _, form := range []string{"co64", "stz2"} {
		d := data
		for {
			f, err := isobmff.Open(bytes.NewReader(d), int64(len(d)))
			if err != nil {
				t.Fatalf("%s: %v", form, err)
			}
			var target *isobmff.Box
			for _, b := range allBoxes(f.Boxes) {
				if (form == "co64" && b.Type == "stco") || (form == "stz2" && b.Type == "stsz") {
					target = b
					break
				}
			}
			if target == nil {
				break
			}
			p := d[target.Offset+8 : target.Offset+target.Size]
			var repl []byte
			if form == "co64" {
				n := binary.BigEndian.Uint32(p[4:])
				payload := bytes.Clone(p[:8])
				for i := uint32(0); i < n; i++ {
					payload = binary.BigEndian.AppendUint64(payload, uint64(binary.BigEndian.Uint32(p[8+4*i:])))
				}
				repl = boxBytes("co64", payload)
			} else {
				if binary.BigEndian.Uint32(p[4:]) != 0 {
					t.Fatal("constant-size stsz")
				}
				n := binary.BigEndian.Uint32(p[8:])
				payload := []byte{0, 0, 0, 0, 0, 0, 0, 16}
				payload = binary.BigEndian.AppendUint32(payload, n)
				for i := uint32(0); i < n; i++ {
					size := binary.BigEndian.Uint32(p[12+4*i:])
					if size > 0xffff {
						t.Fatalf("sample of %d bytes does not fit 16 bits", size)
					}
					payload = binary.BigEndian.AppendUint16(payload, uint16(size))
				}
				repl = boxBytes("stz2", payload)
			}
			d = replaceBox(t, d, f, target, repl)
		}
		forms[form] = d
	}
	// Two mdats: an 8-byte mdat header inserted at the chunk nearest the
	// middle, and every chunk offset after it moved by 8.
	f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	mdat := f.Mdats[0]
	var split int64
	var stcos []*isobmff.Box
	for _, b := range allBoxes(f.Boxes) {
		if b.Type != "stco" {
			continue
		}
		stcos = append(stcos, b)
		p := data[b.Offset+8 : b.Offset+b.Size]
		for i := uint32(0); i < binary.BigEndian.Uint32(p[4:]); i++ {
			if o := int64(binary.BigEndian.Uint32(p[8+4*i:])); split == 0 && o > (mdat.Start+mdat.End)/2 {
				split = o
			}
		}
	}
	d := bytes.Clone(data)
	for _, b := range stcos {
		p := d[b.Offset+8 : b.Offset+b.Size]
		for i := uint32(0); i < binary.BigEndian.Uint32(p[4:]); i++ {
			if o := binary.BigEndian.Uint32(p[8+4*i:]); int64(o) >= split {
				binary.BigEndian.PutUint32(p[8+4*i:], o+8)
			}
		}
	}
	first := mdat.Start - 8
	binary.BigEndian.PutUint32(d[first:], uint32(split-first))
	second := append(binary.BigEndian.AppendUint32(nil, uint32(mdat.End-split+8)), "mdat"...)
	forms["two-mdats"] = append(append(bytes.Clone(d[:split]), second...), d[split:]...)
	return forms
}

// TestOtherSampleTableForms packages co64, stz2 and two-mdat variants of a
// real file: every output packet must equal the original file's.
func TestOtherSampleTableForms(t *testing.T) {
	bin := testmedia.Tool(t, "ffmpeg")
	orig := filepath.Join(testmedia.RepoRoot(), "testdata", "mdat_first.mp4")
	in, err := isobmff.OpenFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	for form, data := range otherForms(t) {
		t.Run(form, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, form+".mp4")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := isobmff.OpenFile(path)
			if err != nil {
				t.Fatalf("the %s variant does not open: %v", form, err)
			}
			if form == "two-mdats" && len(f.Mdats) != 2 {
				t.Fatalf("%d mdats", len(f.Mdats))
			}
			res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: manifest.LayoutSegments}, path)
			for _, rep := range res.Presentation.Representations {
				src := findTrack(t, in, rep)
				want := ffmpegHashes(t, bin, orig, streamSpec(in, src.ID), false)
				got := ffmpegHashes(t, bin, trackFile(t, dir, manifest.LayoutSegments, rep), "0", false)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s %s: %d packets differ from the original's %d", form, rep.ID, len(got), len(want))
				}
			}
		})
	}
}
