package isobmff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// malformedCase is one corruption of a real file.
type malformedCase struct {
	name string
	data []byte
	// mustFail is set when no valid file can result from the corruption.
	mustFail bool
}

// allBoxes lists every box of the tree in file order.
func allBoxes(bs []*Box) []*Box {
	var out []*Box
	for _, b := range bs {
		out = append(out, b)
		out = append(out, allBoxes(b.Children)...)
	}
	return out
}

// countFields are the offsets (within the payload) of the entry counts of
// table boxes, for the count corruptions.
var countFields = map[string]int{
	"stts": 4, "ctts": 4, "stss": 4, "stsc": 4, "stco": 4, "co64": 4, "stsz": 8, "elst": 4,
	"trun": 4, "senc": 4, "stsd": 4, "dref": 4, "sbgp": 8,
}

// malformedCases truncates data at every box boundary and corrupts every
// box's size and every table's count.
func malformedCases(t testing.TB, name string, data []byte) []malformedCase {
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: the intact file must open: %v", name, err)
	}
	var cases []malformedCase
	for _, b := range allBoxes(f.Boxes) {
		for _, cut := range []int64{b.Offset, b.Offset + 4, b.Offset + b.Size - 1} {
			if cut <= 0 || cut >= int64(len(data)) {
				continue
			}
			cases = append(cases, malformedCase{name: fmt.Sprintf("%s/truncate@%d(%s)", name, cut, b.Path), data: data[:cut],
				// Cutting inside a box always breaks it; cutting at a
				// top-level boundary may leave a file without media data.
				mustFail: cut != b.Offset || strings.Contains(b.Path, "/")})
		}
		if b.HeaderSize == 8 {
			parentLeft := int64(len(data)) - b.Offset
			for _, size := range []uint64{0, 1, 7, 1<<32 - 1, uint64(parentLeft) + 1} {
				d := bytes.Clone(data)
				binary.BigEndian.PutUint32(d[b.Offset:], uint32(size))
				cases = append(cases, malformedCase{name: fmt.Sprintf("%s/size=%d(%s)", name, size, b.Path), data: d,
					mustFail: size == 7 || size == 1<<32-1 || size == uint64(parentLeft)+1})
			}
			if b.Offset+16 > int64(len(data)) {
				continue
			}
			// A 64-bit size of 2^64-1.
			d := bytes.Clone(data)
			binary.BigEndian.PutUint32(d[b.Offset:], 1)
			binary.BigEndian.PutUint64(d[b.Offset+8:], 1<<64-1)
			cases = append(cases, malformedCase{name: fmt.Sprintf("%s/largesize=2^64-1(%s)", name, b.Path), data: d, mustFail: true})
		}
		if at, ok := countFields[b.Type]; ok && b.Size >= b.HeaderSize+int64(at)+4 {
			pos := b.Offset + b.HeaderSize + int64(at)
			if b.Type == "stsz" && binary.BigEndian.Uint32(data[pos-4:]) != 0 {
				continue // constant size: the count has no table
			}
			for _, n := range []uint32{0, 1, 1<<32 - 1, uint32(b.Size)} {
				d := bytes.Clone(data)
				old := binary.BigEndian.Uint32(d[pos:])
				if n == old {
					continue
				}
				binary.BigEndian.PutUint32(d[pos:], n)
				cases = append(cases, malformedCase{name: fmt.Sprintf("%s/count=%d(%s)", name, n, b.Path), data: d,
					mustFail: n == 1<<32-1 && b.Type != "stsd" && b.Type != "dref"})
			}
		}
	}
	return cases
}

// checkMalformed opens one corrupted file and checks the outcome: no panic,
// bounded time and memory, and a *BoxError naming a place.
func checkMalformed(t *testing.T, c malformedCase) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f, err := func() (f *File, err error) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("%s: panic: %v", c.name, r)
			}
		}()
		return Open(bytes.NewReader(c.data), int64(len(c.data)))
	}()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if elapsed > time.Second {
		t.Errorf("%s: took %v", c.name, elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
		t.Errorf("%s: allocated %d MB", c.name, alloc>>20)
	}
	if err == nil {
		if c.mustFail {
			t.Errorf("%s: no error (tracks %d)", c.name, len(f.Tracks))
		}
		return
	}
	var be *BoxError
	if !errors.As(err, &be) {
		t.Errorf("%s: error is not a *BoxError: %v", c.name, err)
		return
	}
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
		t.Errorf("%s: error is neither ErrMalformed nor ErrUnsupported: %v", c.name, err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !(strings.Contains(msg, " at 0x") || strings.HasPrefix(msg, "at 0x")) {
		t.Errorf("%s: error must be one line naming the offset: %q", c.name, msg)
	}
}

// malformedInputs are the files the malformed table corrupts: every
// testdata file and a few of mp4ff's fragmented and encrypted files.
func malformedInputs(t testing.TB) []string {
	files := testmedia.Testdata(t)
	dir := testmedia.MP4ffDir(t)
	for _, rel := range []string{"mp4/testdata/v300_multiple_segments.mp4", "mp4/testdata/bbb5s_aac_sidx.mp4",
		"mp4/testdata/cbcs.mp4", "mp4/testdata/prog_8s_enc_dashinit.mp4", "mp4/testdata/bbb5s_aac.isma"} {
		files = append(files, filepath.Join(dir, rel))
	}
	return files
}

func TestMalformed(t *testing.T) {
	total := 0
	for _, path := range malformedInputs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cases := malformedCases(t, filepath.Base(path), data)
		total += len(cases)
		for _, c := range cases {
			checkMalformed(t, c)
		}
	}
	t.Logf("%d malformed cases", total)
}
