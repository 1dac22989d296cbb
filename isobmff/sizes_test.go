package isobmff

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// TestLargeAndToEndSizes rewrites the header of mdat_first.mp4's last box
// (moov, so no chunk offset moves) as a 64-bit largesize header and as a
// size-0 "to end of file" header: both must open to the same tracks.
func TestLargeAndToEndSizes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testmedia.RepoRoot(), "testdata", "mdat_first.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	moov := f.Boxes[len(f.Boxes)-1]
	if moov.Type != "moov" || moov.Offset+moov.Size != int64(len(data)) {
		t.Fatalf("the last box is %s, not moov at the end", moov.Type)
	}
	large := bytes.Clone(data[:moov.Offset])
	large = append(binary.BigEndian.AppendUint32(large, 1), "moov"...)
	large = binary.BigEndian.AppendUint64(large, uint64(moov.Size+8))
	large = append(large, data[moov.Offset+8:]...)
	toEnd := bytes.Clone(data)
	binary.BigEndian.PutUint32(toEnd[moov.Offset:], 0)
	for name, d := range map[string][]byte{"largesize": large, "size 0": toEnd} {
		g, err := Open(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(g.Tracks) != len(f.Tracks) {
			t.Fatalf("%s: %d tracks, want %d", name, len(g.Tracks), len(f.Tracks))
		}
		for i, tr := range g.Tracks {
			if tr.Codec != f.Tracks[i].Codec || tr.SampleCount != f.Tracks[i].SampleCount || tr.Duration != f.Tracks[i].Duration {
				t.Errorf("%s track %d: %s %d %d, want %s %d %d", name, tr.ID, tr.Codec, tr.SampleCount, tr.Duration,
					f.Tracks[i].Codec, f.Tracks[i].SampleCount, f.Tracks[i].Duration)
			}
		}
	}
}

// TestFileOver4GiB moves mdat_first.mp4's moov past 4 GiB: its mdat gets a
// 64-bit header and 5 GiB of zeros after the real media (a sparse file, so
// the disk holds only the real bytes), and the chunk offsets move by the 8
// header bytes. It must open to the same tracks and samples.
func TestFileOver4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	data, err := os.ReadFile(filepath.Join(testmedia.RepoRoot(), "testdata", "mdat_first.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var mdat, moov *Box
	for _, b := range f.Boxes {
		switch b.Type {
		case "mdat":
			mdat = b
		case "moov":
			moov = b
		}
	}
	if mdat == nil || moov == nil || mdat.Offset > moov.Offset || mdat.HeaderSize != 8 {
		t.Fatal("want a 32-bit mdat before moov")
	}
	const pad = 5 << 30
	// moov with every stco entry moved by 8.
	mv := bytes.Clone(data[moov.Offset : moov.Offset+moov.Size])
	for _, b := range allBoxes(moov.Children) {
		if b.Type != "stco" {
			continue
		}
		p := mv[b.Offset-moov.Offset+8:]
		for i := uint32(0); i < binary.BigEndian.Uint32(p[4:]); i++ {
			binary.BigEndian.PutUint32(p[8+4*i:], binary.BigEndian.Uint32(p[8+4*i:])+8)
		}
	}
	path := filepath.Join(t.TempDir(), "over4g.mp4")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	head := bytes.Clone(data[:mdat.Offset])
	head = append(binary.BigEndian.AppendUint32(head, 1), "mdat"...)
	head = binary.BigEndian.AppendUint64(head, uint64(mdat.Size+8+pad))
	head = append(head, data[mdat.Offset+8:mdat.Offset+mdat.Size]...)
	if _, err := fh.Write(head); err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt(mv, int64(len(head))+pad); err != nil {
		t.Skipf("cannot write a sparse 5 GiB file here: %v", err)
	}
	st, _ := fh.Stat()
	g, err := Open(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() < 5<<30 || len(g.Tracks) != len(f.Tracks) {
		t.Fatalf("size %d, %d tracks", st.Size(), len(g.Tracks))
	}
	for i, tr := range g.Tracks {
		a, _ := f.Samples(f.Tracks[i])
		b, _ := g.Samples(tr)
		if len(a) != len(b) || tr.Codec != f.Tracks[i].Codec {
			t.Fatalf("track %d: %d samples %s, want %d %s", tr.ID, len(b), tr.Codec, len(a), f.Tracks[i].Codec)
		}
		for k := range a {
			if b[k].Offset != a[k].Offset+8 || b[k].Size != a[k].Size || b[k].DecodeTime != a[k].DecodeTime {
				t.Fatalf("track %d sample %d: %+v, want %+v moved by 8", tr.ID, k+1, b[k], a[k])
			}
		}
	}
}
