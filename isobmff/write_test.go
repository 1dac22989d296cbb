package isobmff

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// writtenTypes are the boxes mp4pkg writes itself (indexes, encryption
// boxes, brands, events); every one found in real files must round-trip.
var writtenTypes = map[string]bool{
	"sidx": true, "mfra": true, "tfra": true, "mfro": true, "senc": true, "saiz": true, "saio": true,
	"pssh": true, "styp": true, "ftyp": true, "emsg": true, "prft": true, "tenc": true, "schm": true,
	"frma": true, "tfdt": true, "mfhd": true, "tfhd": true, "trex": true, "mehd": true, "elst": true,
}

func TestAppendBoxRoundTrip(t *testing.T) {
	files := append(testmedia.Testdata(t), testmedia.MP4ffFiles(t)...)
	seen := map[string]int{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			continue // lone segments and broken files: covered elsewhere
		}
		for _, b := range allBoxes(f.Boxes) {
			if b.Type == "mdat" || b.Size > MaxSmallBoxSize {
				continue
			}
			in := data[b.Offset : b.Offset+b.Size]
			dec, err := DecodeBox(in, b.Path, b.Offset)
			if err != nil {
				t.Errorf("%s %s: %v", filepath.Base(path), b.Path, err)
				continue
			}
			_, unknown := dec.(*mp4.UnknownBox)
			if !writtenTypes[b.Type] && !unknown {
				continue
			}
			out, err := AppendBox([]byte("prefix"), dec)
			if err != nil {
				t.Errorf("%s %s: %v", filepath.Base(path), b.Path, err)
				continue
			}
			if !bytes.Equal(out[6:], in) || string(out[:6]) != "prefix" {
				t.Errorf("%s %s @%d: re-encoded %d bytes differ from the %d read", filepath.Base(path), b.Path, b.Offset, len(out)-6, len(in))
			}
			seen[b.Type]++
		}
	}
	t.Logf("round-tripped boxes by type: %v", seen)
	for _, typ := range []string{"sidx", "mfra", "tfra", "senc", "pssh", "saiz", "saio"} {
		if seen[typ] == 0 {
			t.Errorf("no %s box found in the real files to round-trip", typ)
		}
	}
}
