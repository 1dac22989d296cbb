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
