package cenc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// readVector is a public encrypted file with its key and clear reference.
// Init names an init segment to put before a lone media segment.
type readVector struct {
	name             string
	enc, clear, init string
	key              string
	scheme           Scheme
}

var readVectors = []readVector{
	{name: "mp4ff cbcs video", enc: "mp4/testdata/cbcs.mp4", clear: "mp4/testdata/cbcsdec.mp4",
		key: "22bdb0063805260307ee5045c0f3835a", scheme: CBCS},
	{name: "mp4ff cbcs audio", enc: "mp4/testdata/cbcs_audio.mp4", clear: "mp4/testdata/cbcs_audiodec.mp4",
		key: "5ffd93861fa776e96cccd934898fc1c8", scheme: CBCS},
	{name: "mp4ff cenc progressive-dash", enc: "mp4/testdata/prog_8s_enc_dashinit.mp4", clear: "mp4/testdata/prog_8s_dec_dashinit.mp4",
		key: "63cb5f7184dd4b689a5c5ff11ee6a328", scheme: CENC},
	{name: "mp4ff PIFF senc video", enc: "cmd/mp4ff-decrypt/testdata/PIFF/video/complseg-1.0001.mp4",
		clear: "cmd/mp4ff-decrypt/testdata/PIFF/video/complseg-1.0001_dec.mp4",
		key:   "602a9289bfb9b1995b75ac63f123fc86", scheme: CENC},
	{name: "mp4ff PIFF senc audio", init: "cmd/mp4ff-decrypt/testdata/PIFF/audio/init.mp4",
		enc:   "cmd/mp4ff-decrypt/testdata/PIFF/audio/segment-1.0001.m4s",
		clear: "cmd/mp4ff-decrypt/testdata/PIFF/audio/segment-1.0001_dec.m4s",
		key:   "602a9289bfb9b1995b75ac63f123fc86", scheme: CENC},
	{name: "mp4ff piff scheme WMA", enc: "cmd/mp4ff-decrypt/testdata/PIFF/wma_piff_scheme/audio.mp4",
		clear: "cmd/mp4ff-decrypt/testdata/PIFF/wma_piff_scheme/audio_dec.mp4",
		key:   "0b17cd8bfc86557341c77bbc6e4fe9a3", scheme: CENC},
}

// vectorBytes returns a vector file's bytes, behind its init segment when
// it has one; it skips the test when the file is missing.
func vectorBytes(t *testing.T, v readVector, rel string) []byte {
	t.Helper()
	dir := testmedia.MP4ffDir(t)
	var out []byte
	for _, r := range []string{v.init, rel} {
		if r == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, r))
		if errors.Is(err, os.ErrNotExist) {
			t.Skipf("%s is not in this mp4ff module", r)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

func openBytes(t *testing.T, data []byte) *isobmff.File {
	t.Helper()
	f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReadSampleInfosVectors decrypts every sample of the public vectors
// with ReadProtection, ReadSampleInfos and Cipher, and compares them with
// the clear reference byte for byte.
func TestReadSampleInfosVectors(t *testing.T) {
	for _, v := range readVectors {
		t.Run(v.name, func(t *testing.T) {
			enc := vectorBytes(t, v, v.enc)
			clr := vectorBytes(t, v, v.clear)
			key, err := ParseKey(v.key)
			if err != nil {
				t.Fatal(err)
			}
			n := decryptAndCompare(t, enc, clr, key, v.scheme)
			t.Logf("%d samples decrypted to the clear reference", n)
		})
	}
}

// decryptAndCompare decrypts every protected track of enc and compares
// its samples with those of the same track in clr. It returns the number
// of samples compared and fails unless at least one track is protected.
func decryptAndCompare(t *testing.T, enc, clr []byte, key Key, scheme Scheme) int {
	t.Helper()
	fe, fc := openBytes(t, enc), openBytes(t, clr)
	compared, protected := 0, 0
	for _, te := range fe.Tracks {
		p, err := ReadProtection(te)
		if err != nil {
			t.Fatalf("track %d: %v", te.ID, err)
		}
		var tc *isobmff.Track
		for _, c := range fc.Tracks {
			if c.ID == te.ID {
				tc = c
			}
		}
		if tc == nil {
			t.Fatalf("track %d is missing from the clear reference", te.ID)
		}
		se, err := fe.Samples(te)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := fc.Samples(tc)
		if err != nil {
			t.Fatal(err)
		}
		if len(se) != len(sc) {
			t.Fatalf("track %d: %d samples, clear reference has %d", te.ID, len(se), len(sc))
		}
		if p == nil {
			continue
		}
		protected++
		if p.Scheme != scheme {
			t.Errorf("track %d: scheme %s, want %s", te.ID, p.Scheme, scheme)
		}
		infos, err := ReadSampleInfos(fe, te, p)
		if err != nil {
			t.Fatalf("track %d: %v", te.ID, err)
		}
		if len(infos) != len(se) {
			t.Fatalf("track %d: %d infos for %d samples", te.ID, len(infos), len(se))
		}
		c, err := NewCipher(p.Scheme, key, p.Crypt, p.Skip)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range se {
			got := bytes.Clone(enc[s.Offset : s.Offset+int64(s.Size)])
			if err := c.Decrypt(got, infos[i]); err != nil {
				t.Fatalf("track %d sample %d: %v", te.ID, i+1, err)
			}
			want := clr[sc[i].Offset : sc[i].Offset+int64(sc[i].Size)]
			if !bytes.Equal(got, want) {
				t.Fatalf("track %d sample %d (%d bytes): decrypted bytes differ from the clear reference", te.ID, i+1, s.Size)
			}
			compared++
		}
	}
	if protected == 0 {
		t.Fatal("no protected track")
	}
	return compared
}

// TestReadSampleInfosFFmpegProgressive encrypts testdata/avc_aac.mp4 with
// ffmpeg's cenc-aes-ctr (a progressive file with senc, saiz and saio in
// stbl) and decrypts it back to the input's samples.
func TestReadSampleInfosFFmpegProgressive(t *testing.T) {
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	in := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	out := filepath.Join(t.TempDir(), "out.mp4")
	cmd := exec.Command(ffmpeg, "-loglevel", "error", "-y", "-i", in, "-c", "copy", "-encryption_scheme", "cenc-aes-ctr",
		"-encryption_key", "76a6c65c5ea762046bd749a2e632ccbb", "-encryption_kid", "a7e61c373e219033c21091fa607bf3b8", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	enc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	clr, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ParseKey("76a6c65c5ea762046bd749a2e632ccbb")
	fe := openBytes(t, enc)
	for _, tr := range fe.Tracks {
		p, err := ReadProtection(tr)
		if err != nil || p == nil {
			t.Fatalf("track %d: protection %v, %v", tr.ID, p, err)
		}
		if p.KID.Hex() != "a7e61c373e219033c21091fa607bf3b8" || p.PerSampleIVSize != 8 {
			t.Errorf("track %d: %+v", tr.ID, p)
		}
	}
	n := decryptAndCompare(t, enc, clr, key, CENC)
	t.Logf("%d samples decrypted to the input's", n)
}

// readCase is a corruption of a real encrypted file that must be refused.
type readCase struct {
	name string
	file string // mp4ff path
	// edit changes the file; it may look boxes up in the opened tree.
	edit func(t testing.TB, data []byte, f *isobmff.File)
	// want is a substring of the error (the box path).
	want string
}

// findBox returns the first box of the tree whose path ends with suffix.
func findBox(bs []*isobmff.Box, suffix string) *isobmff.Box {
	for _, b := range bs {
		if strings.HasSuffix(b.Path, suffix) {
			return b
		}
		if c := findBox(b.Children, suffix); c != nil {
			return c
		}
	}
	return nil
}

func mustBox(t testing.TB, f *isobmff.File, suffix string) *isobmff.Box {
	t.Helper()
	b := findBox(f.Boxes, suffix)
	if b == nil {
		t.Fatalf("no box %s", suffix)
	}
	return b
}

// sencEntries is the file offset of the first entry of a senc box.
func sencEntries(b *isobmff.Box) int64 { return b.Offset + b.HeaderSize + 8 }

var readCases = []readCase{
	{name: "senc payload truncated", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			// The senc loses its last 16 bytes to a free box.
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			end := b.Offset + b.Size
			binary.BigEndian.PutUint32(d[b.Offset:], uint32(b.Size-16))
			binary.BigEndian.PutUint32(d[end-16:], 16)
			copy(d[end-12:], "free")
		}},
	{name: "senc sample count 2^32-1", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			binary.BigEndian.PutUint32(d[b.Offset+b.HeaderSize+4:], 1<<32-1)
		}},
	{name: "senc sample count one more", file: "mp4/testdata/cbcs.mp4", want: "moof[2]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[2]/traf[1]/senc")
			at := b.Offset + b.HeaderSize + 4
			binary.BigEndian.PutUint32(d[at:], binary.BigEndian.Uint32(d[at:])+1)
		}},
	{name: "senc subsample count huge", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			binary.BigEndian.PutUint16(d[sencEntries(b):], 0xffff) // cbcs: no IV before the count
		}},
	{name: "senc subsample map short of the sample", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			at := sencEntries(b) + 2 + 2 // first subsample's BytesOfProtectedData
			binary.BigEndian.PutUint32(d[at:], binary.BigEndian.Uint32(d[at:])-1)
		}},
	{name: "senc without the subsample flag", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			d[b.Offset+b.HeaderSize+3] &^= 2
		}},
	{name: "senc with the subsample flag but none", file: "mp4/testdata/prog_8s_enc_dashinit.mp4", want: "moof[1]/traf[2]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := sencWithoutSubsamples(t, d, f)
			d[b.Offset+b.HeaderSize+3] |= 2
		}},
	{name: "senc unknown flag", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/senc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			d[b.Offset+b.HeaderSize+3] |= 4
		}},
	{name: "saiz size disagrees with senc", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/saiz",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/saiz")
			p := d[b.Offset+b.HeaderSize : b.Offset+b.Size]
			at := 4
			if p[3]&1 != 0 {
				at += 8
			}
			if p[at] != 0 {
				p[at]++
			} else {
				p[at+5]++
			}
		}},
	{name: "saio points elsewhere", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/saio",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/saio")
			at := b.Offset + b.Size - 4 // version 0: the one 32-bit offset ends the box
			binary.BigEndian.PutUint32(d[at:], binary.BigEndian.Uint32(d[at:])+2)
		}},
	{name: "tenc IV size 7", file: "mp4/testdata/prog_8s_enc_dashinit.mp4", want: "moov/trak[1]/mdia/minf/stbl/stsd/encv/sinf/schi/tenc",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "sinf/schi/tenc")
			d[b.Offset+b.HeaderSize+4+3] = 7 // reserved(2) isProtected(1) IVsize(1)
		}},
	{name: "tenc removed", file: "mp4/testdata/cbcs.mp4", want: "moov/trak[1]/mdia/minf/stbl/stsd/encv/sinf/schi",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "sinf/schi/tenc")
			copy(d[b.Offset+4:], "xenc")
		}},
	{name: "scheme cens", file: "mp4/testdata/cbcs.mp4", want: "moov/trak[1]/mdia/minf/stbl/stsd/encv/sinf/schm",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "sinf/schm")
			copy(d[b.Offset+b.HeaderSize+4:], "cens")
		}},
	{name: "saiz without senc", file: "mp4/testdata/cbcs.mp4", want: "moof[1]/traf[1]/saiz",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			b := mustBox(t, f, "moof[1]/traf[1]/senc")
			copy(d[b.Offset+4:], "free")
		}},
	{name: "senc removed, per-sample IVs", file: "mp4/testdata/prog_8s_enc_dashinit.mp4", want: "moof[1]/traf[1]",
		edit: func(t testing.TB, d []byte, f *isobmff.File) {
			for _, m := range []string{"moof[1]", "moof[2]"} {
				for _, tr := range []string{"traf[1]", "traf[2]"} {
					if b := findBox(f.Boxes, m+"/"+tr+"/senc"); b != nil {
						copy(d[b.Offset+4:], "free")
					}
					if b := findBox(f.Boxes, m+"/"+tr+"/saiz"); b != nil {
						copy(d[b.Offset+4:], "free")
					}
				}
			}
		}},
}

// sencWithoutSubsamples is the first senc whose flags lack 0x2.
func sencWithoutSubsamples(t testing.TB, d []byte, f *isobmff.File) *isobmff.Box {
	t.Helper()
	var found *isobmff.Box
	var walk func([]*isobmff.Box)
	walk = func(bs []*isobmff.Box) {
		for _, b := range bs {
			if found == nil && b.Type == "senc" && d[b.Offset+b.HeaderSize+3]&2 == 0 {
				found = b
			}
			walk(b.Children)
		}
	}
	walk(f.Boxes)
	if found == nil {
		t.Fatal("no senc without subsamples")
	}
	return found
}

// caseBytes builds the corrupted file of a case.
func caseBytes(t testing.TB, c readCase) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testmedia.MP4ffDir(t), c.file))
	if err != nil {
		t.Fatal(err)
	}
	f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	c.edit(t, data, f)
	return data
}

// readAll runs the read side on every track of data and decrypts every
// sample with key; it returns the first error.
func readAll(data []byte, key Key) error {
	f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	return readTracks(f, data, key)
}

// readTracks is readAll on an opened file.
func readTracks(f *isobmff.File, data []byte, key Key) error {
	for _, tr := range f.Tracks {
		// With p nil, ReadSampleInfos reads the protection itself and
		// places its errors in the file.
		infos, err := ReadSampleInfos(f, tr, nil)
		if err != nil {
			return err
		}
		p, err := ReadProtection(tr)
		if err != nil {
			return fmt.Errorf("ReadProtection fails where ReadSampleInfos did not: %w", err)
		}
		if p == nil {
			if infos != nil {
				return errors.New("sample infos for a clear track")
			}
			continue
		}
		if infos2, err := ReadSampleInfos(f, tr, p); err != nil || len(infos2) != len(infos) {
			return fmt.Errorf("ReadSampleInfos with ReadProtection's result differs: %v", err)
		}
		c, err := NewCipher(p.Scheme, key, p.Crypt, p.Skip)
		if err != nil {
			return err
		}
		samples, err := f.Samples(tr)
		if err != nil {
			return err
		}
		if len(samples) != len(infos) {
			return errors.New("sample infos do not match the samples")
		}
		for i, s := range samples {
			if s.Offset < 0 || s.Offset+int64(s.Size) > int64(len(data)) {
				return errors.New("sample outside the file")
			}
			if err := c.Decrypt(bytes.Clone(data[s.Offset:s.Offset+int64(s.Size)]), infos[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestReadSampleInfosMalformed checks that each corruption of a real file
// is refused with an error naming the box, without a panic.
func TestReadSampleInfosMalformed(t *testing.T) {
	key, _ := ParseKey("00112233445566778899aabbccddeeff")
	for _, c := range readCases {
		t.Run(c.name, func(t *testing.T) {
			err := readAll(caseBytes(t, c), key)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %s", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %q", err)
			}
			var be *isobmff.BoxError
			if !errors.As(err, &be) {
				t.Errorf("error is not a *isobmff.BoxError: %v", err)
			}
			t.Log(err)
		})
	}
}

// TestReadProtectionSchemeCens checks that an unsupported scheme wraps
// ErrUnsupportedScheme.
func TestReadProtectionSchemeCens(t *testing.T) {
	for _, c := range readCases {
		if c.name != "scheme cens" {
			continue
		}
		data := caseBytes(t, c)
		f := openBytes(t, data)
		_, err := ReadProtection(f.Tracks[0])
		if !errors.Is(err, ErrUnsupportedScheme) || !errors.Is(err, isobmff.ErrUnsupported) {
			t.Fatalf("error %v does not wrap ErrUnsupportedScheme and isobmff.ErrUnsupported", err)
		}
	}
}

// TestReadProtectionClear checks that clear tracks have no protection and
// no sample infos.
func TestReadProtectionClear(t *testing.T) {
	f, err := isobmff.OpenFile(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range f.Tracks {
		p, err := ReadProtection(tr)
		if p != nil || err != nil {
			t.Fatalf("track %d: %v, %v", tr.ID, p, err)
		}
		infos, err := ReadSampleInfos(f, tr, nil)
		if infos != nil || err != nil {
			t.Fatalf("track %d: %d infos, %v", tr.ID, len(infos), err)
		}
	}
}

// FuzzReadSampleInfos opens arbitrary bytes and runs the read side and the
// cipher on every track with a fixed key: it must never panic. Seeds: the
// corrupted files of readCases and the encrypted vectors of at most 64 KiB.
// Run it with -fuzzminimizetime 1x: the fuzzer minimises every new input,
// which on inputs of tens of kilobytes takes the default minute each and
// stalls the run (isobmff's FuzzOpen has the same trait). Crashers found
// are kept in testdata/fuzz/FuzzReadSampleInfos.
func FuzzReadSampleInfos(f *testing.F) {
	const maxSeed = 64 << 10
	for _, c := range readCases {
		if b := caseBytes(f, c); len(b) <= maxSeed {
			f.Add(b)
		}
	}
	dir := testmedia.MP4ffDir(f)
	for _, v := range readVectors {
		b, err := os.ReadFile(filepath.Join(dir, v.enc))
		if err != nil {
			continue
		}
		if v.init != "" {
			ib, err := os.ReadFile(filepath.Join(dir, v.init))
			if err != nil {
				continue
			}
			b = append(ib, b...)
		}
		if len(b) <= maxSeed {
			f.Add(b)
		}
	}
	for _, rel := range []string{"mp4/testdata/moof_enc.m4s", "mp4/testdata/init_cenc.cmfv"} {
		if b, err := os.ReadFile(filepath.Join(dir, rel)); err == nil {
			f.Add(b)
		}
	}
	key, _ := ParseKey("00112233445566778899aabbccddeeff")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		file, err := openRecovering(data)
		if err != nil {
			return
		}
		_ = readTracks(file, data, key)
	})
}

// openRecovering is isobmff.Open with its panics turned into a skip:
// isobmff.Open panics on a few inputs of its own (a 12-byte ftyp, an
// 8-byte styp: describeTree reads their brands outside Guard), which are
// isobmff's to fix and its FuzzOpen's to find; this target is about the
// read side.
func openRecovering(data []byte) (f *isobmff.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("isobmff.Open panicked: %v", r)
		}
	}()
	return isobmff.Open(bytes.NewReader(data), int64(len(data)))
}

// seigFile is mp4ff's init_cenc.cmfv followed by its moof_enc.m4s, whose
// traf maps its samples to a 'seig' group (KID 914e69f4…, 8-byte IVs),
// and by an mdat of zeros standing for the media data mp4ff does not ship.
// edit may change the seig entry (its bytes from reserved on).
func seigFile(t *testing.T, edit func(entry []byte)) (*isobmff.File, []byte) {
	t.Helper()
	dir := filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata")
	var data []byte
	for _, name := range []string{"init_cenc.cmfv", "moof_enc.m4s"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("%s is not in this mp4ff module", name)
		}
		data = append(data, b...)
	}
	const mdat = 200 << 10
	data = binary.BigEndian.AppendUint32(data, mdat+8)
	data = append(data, "mdat"...)
	data = append(data, make([]byte, mdat)...)
	f := openBytes(t, data)
	sgpd := mustBox(t, f, "moof[1]/traf[1]/sgpd")
	entry := data[sgpd.Offset+sgpd.HeaderSize+16 : sgpd.Offset+sgpd.Size]
	if edit != nil {
		edit(entry)
		f = openBytes(t, data)
	}
	return f, data
}

// TestReadSampleInfosSeig reads per-sample IV sizes from a seig group and
// refuses key rotation.
func TestReadSampleInfosSeig(t *testing.T) {
	tencKID, _ := ParseKeyID("f057639d928733158bf550999c4945f7")

	t.Run("another KID is key rotation", func(t *testing.T) {
		f, _ := seigFile(t, nil)
		_, err := ReadSampleInfos(f, f.Tracks[0], nil)
		if !errors.Is(err, isobmff.ErrUnsupported) || !strings.Contains(err.Error(), "moof[1]/traf[1]/sgpd") {
			t.Fatalf("got %v, want an unsupported error naming the sgpd", err)
		}
	})
	t.Run("tenc's KID", func(t *testing.T) {
		f, _ := seigFile(t, func(e []byte) { copy(e[4:20], tencKID[:]) })
		infos, err := ReadSampleInfos(f, f.Tracks[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(infos) != 96 {
			t.Fatalf("%d infos, want 96", len(infos))
		}
		for i, in := range infos {
			if len(in.IV) != 8 || len(in.Subsamples) == 0 {
				t.Fatalf("sample %d: IV %x, %d subsamples", i+1, in.IV, len(in.Subsamples))
			}
		}
	})
	t.Run("seig IV size 16 against 8-byte senc entries", func(t *testing.T) {
		f, _ := seigFile(t, func(e []byte) { copy(e[4:20], tencKID[:]); e[3] = 16 })
		_, err := ReadSampleInfos(f, f.Tracks[0], nil)
		if !errors.Is(err, isobmff.ErrMalformed) || !strings.Contains(err.Error(), "moof[1]/traf[1]/s") {
			t.Fatalf("got %v, want a malformed error naming senc or saiz", err)
		}
	})
	t.Run("seig IV size 7", func(t *testing.T) {
		f, _ := seigFile(t, func(e []byte) { copy(e[4:20], tencKID[:]); e[3] = 7 })
		_, err := ReadSampleInfos(f, f.Tracks[0], nil)
		if !errors.Is(err, isobmff.ErrMalformed) || !strings.Contains(err.Error(), "moof[1]/traf[1]/sgpd") {
			t.Fatalf("got %v, want a malformed error naming the sgpd", err)
		}
	})
	t.Run("unprotected group", func(t *testing.T) {
		// isProtected 0 with the senc entries' 8-byte IVs left in place.
		f, data := seigFile(t, func(e []byte) { e[2] = 0; clear(e[4:20]) })
		infos, err := ReadSampleInfos(f, f.Tracks[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		samples, _ := f.Samples(f.Tracks[0])
		key, _ := ParseKey("00112233445566778899aabbccddeeff")
		c, _ := NewCipher(CENC, key, 0, 0)
		for i, s := range samples {
			in := data[s.Offset : s.Offset+int64(s.Size)]
			out := bytes.Clone(in)
			if err := c.Decrypt(out, infos[i]); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, out) {
				t.Fatalf("sample %d of an unprotected group changed", i+1)
			}
		}
	})
}

// TestReadSampleInfosSencAndPIFFSenc reads mp4ff's seg_cenc_no_seig.m4v,
// whose trafs hold a senc and a PIFF uuid senc saying the same.
func TestReadSampleInfosSencAndPIFFSenc(t *testing.T) {
	dir := filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata")
	var data []byte
	for _, name := range []string{"init_cenc_test.m4i", "seg_cenc_no_seig.m4v"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("%s is not in this mp4ff module", name)
		}
		data = append(data, b...)
	}
	f := openBytes(t, data)
	infos, err := ReadSampleInfos(f, f.Tracks[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	samples, _ := f.Samples(f.Tracks[0])
	if len(infos) != len(samples) || len(samples) == 0 {
		t.Fatalf("%d infos for %d samples", len(infos), len(samples))
	}
	// The PIFF copy must agree: change one of its IV bytes.
	u := mustBox(t, f, "moof[1]/traf[1]/uuid")
	data[u.Offset+u.HeaderSize+8] ^= 1
	f = openBytes(t, data)
	if _, err := ReadSampleInfos(f, f.Tracks[0], nil); err == nil || !strings.Contains(err.Error(), "moof[1]/traf[1]/uuid") {
		t.Fatalf("got %v, want an error naming the PIFF uuid box", err)
	}
}

// TestReadSampleInfosTencOnly reads mp4ff's cbcs_audio.mp4 with its senc,
// saiz and saio boxes turned into free boxes: a constant-IV track with no
// auxiliary information (as GPAC and Shaka write cbcs audio) gets the
// constant IV and no subsample map for every sample.
func TestReadSampleInfosTencOnly(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata", "cbcs_audio.mp4"))
	if err != nil {
		t.Skip(err)
	}
	f := openBytes(t, data)
	var walk func([]*isobmff.Box)
	walk = func(bs []*isobmff.Box) {
		for _, b := range bs {
			if b.Type == "senc" || b.Type == "saiz" || b.Type == "saio" {
				copy(data[b.Offset+4:], "free")
			}
			walk(b.Children)
		}
	}
	walk(f.Boxes)
	f = openBytes(t, data)
	p, err := ReadProtection(f.Tracks[0])
	if err != nil || p == nil || p.PerSampleIVSize != 0 {
		t.Fatalf("protection %+v, %v", p, err)
	}
	infos, err := ReadSampleInfos(f, f.Tracks[0], p)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != int(f.Tracks[0].SampleCount) {
		t.Fatalf("%d infos for %d samples", len(infos), f.Tracks[0].SampleCount)
	}
	for i, in := range infos {
		if !bytes.Equal(in.IV, p.ConstantIV) || in.Subsamples != nil {
			t.Fatalf("sample %d: %+v", i+1, in)
		}
	}
}
