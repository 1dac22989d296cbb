package cmaf

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafov/m3u8"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// The key, KID and IVs of the encryption tests (reference/cenc.md §4 #16).
const (
	testKID  = "a7e61c373e219033c21091fa607bf3b8"
	testKey  = "76a6c65c5ea762046bd749a2e632ccbb"
	testIV16 = "9a5c2d3e4f60718293a4b5c6d7e8f901"
	testIV8  = "9a5c2d3e4f607182"
)

// testEncryption encrypts every track with the test key; cbcs gets the
// 16-byte test IV and cenc the 8-byte one.
func testEncryption(t testing.TB, scheme cenc.Scheme, drm ...cenc.DRM) *Encryption {
	t.Helper()
	spec, err := cenc.ParseKeySpec(testKID + ":" + testKey)
	if err != nil {
		t.Fatal(err)
	}
	ivHex := testIV16
	if scheme == cenc.CENC {
		ivHex = testIV8
	}
	iv, err := cenc.ParseIV(ivHex)
	if err != nil {
		t.Fatal(err)
	}
	return &Encryption{Scheme: scheme, Keys: []cenc.KeySpec{spec}, IV: iv, DRM: drm}
}

// packageErr packages names into dir and returns Package's error.
func packageErr(t testing.TB, dir string, opts Options, names ...string) (*Result, error) {
	t.Helper()
	ins, err := OpenInputs(names...)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(ins)
	return Package(context.Background(), DirOutput(dir), ins, opts)
}

// walkedBox is a box found by walking bytes, independently of isobmff.
type walkedBox struct {
	Type    string
	Offset  int64 // of the header, in the walked data
	Header  int64 // header size
	Payload []byte
}

// boxStart is where the children of a box start in its payload: container
// boxes at 0, sample descriptions and sample entries after their fields.
var boxStart = map[string]int{
	"moov": 0, "trak": 0, "mdia": 0, "minf": 0, "stbl": 0, "mvex": 0, "moof": 0, "traf": 0,
	"sinf": 0, "schi": 0, "stsd": 8, "encv": 78, "enca": 28,
}

// walkBoxes returns the boxes of data (a file or a payload at base) whose
// path, such as "moov/trak/mdia/minf/stbl/stsd/encv/sinf/schi/tenc",
// matches want.
func walkBoxes(t testing.TB, data []byte, want string) []walkedBox {
	t.Helper()
	var out []walkedBox
	var walk func(data []byte, base int64, prefix string, depth int)
	walk = func(data []byte, base int64, prefix string, depth int) {
		for off := int64(0); off+8 <= int64(len(data)); {
			size, hdr := int64(binary.BigEndian.Uint32(data[off:])), int64(8)
			typ := string(data[off+4 : off+8])
			switch size {
			case 0:
				size = int64(len(data)) - off
			case 1:
				if off+16 > int64(len(data)) {
					t.Fatalf("%s%s at %d: truncated 64-bit size", prefix, typ, base+off)
				}
				size, hdr = int64(binary.BigEndian.Uint64(data[off+8:])), 16
			}
			if size < hdr || off+size > int64(len(data)) {
				t.Fatalf("%s%s at %d: size %d runs past the end (%d bytes left)", prefix, typ, base+off, size, int64(len(data))-off)
			}
			path := prefix + typ
			b := walkedBox{Type: typ, Offset: base + off, Header: hdr, Payload: data[off+hdr : off+size]}
			if path == want {
				out = append(out, b)
			}
			if start, ok := boxStart[typ]; ok && depth < 16 && strings.HasPrefix(want, path+"/") && start <= len(b.Payload) {
				walk(b.Payload[start:], b.Offset+hdr+int64(start), path+"/", depth+1)
			}
			off += size
		}
	}
	walk(data, 0, "", 0)
	return out
}

// readFile reads a file or fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sencSummary is the content of the senc boxes of a fragmented file:
// their flags, sample count and entries (IVs and subsample maps), each
// concatenated over the fragments so that segment boundaries do not matter.
type sencSummary struct {
	Flags   []uint32
	Samples int
	Entries []byte
}

func readSenc(t testing.TB, data []byte) sencSummary {
	t.Helper()
	var s sencSummary
	for _, b := range walkBoxes(t, data, "moof/traf/senc") {
		if len(b.Payload) < 8 {
			t.Fatalf("senc at %d has %d bytes", b.Offset, len(b.Payload))
		}
		s.Flags = append(s.Flags, binary.BigEndian.Uint32(b.Payload)&0xffffff)
		s.Samples += int(binary.BigEndian.Uint32(b.Payload[4:]))
		s.Entries = append(s.Entries, b.Payload[8:]...)
	}
	return s
}

// mdatPayloads concatenates the payloads of the top-level mdat boxes.
func mdatPayloads(t testing.TB, data []byte) []byte {
	t.Helper()
	var out []byte
	for _, b := range walkBoxes(t, data, "mdat") {
		out = append(out, b.Payload...)
	}
	return out
}

// tencOf returns the payload of the tenc box of a (single-track) init
// segment or file.
func tencOf(t testing.TB, data []byte) []byte {
	t.Helper()
	var found []walkedBox
	for _, entry := range []string{"encv", "enca"} {
		found = append(found, walkBoxes(t, data, "moov/trak/mdia/minf/stbl/stsd/"+entry+"/sinf/schi/tenc")...)
	}
	if len(found) != 1 {
		t.Fatalf("%d tenc boxes, want 1", len(found))
	}
	return found[0].Payload
}

// shakaEncrypt packages one stream of path with Shaka Packager (cbcs with
// the test key and IV, no clear lead, 2 s segments) and returns the joined
// init and media segments.
func shakaEncrypt(t testing.TB, bin, path, stream, dir string) []byte {
	t.Helper()
	tpl := filepath.Join(dir, "seg-$Number$.m4s")
	args := []string{fmt.Sprintf("in=%s,stream=%s,init_segment=%s,segment_template=%s", path, stream, filepath.Join(dir, "init.mp4"), tpl),
		"--enable_raw_key_encryption", "--keys", "label=:key_id=" + testKID + ":key=" + testKey,
		"--protection_scheme", "cbcs", "--iv", testIV16, "--clear_lead", "0", "--segment_duration", "2"}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("shaka %v: %v\n%s", args, err, out)
	}
	joined := readFile(t, filepath.Join(dir, "init.mp4"))
	for n := 1; ; n++ {
		b, err := os.ReadFile(strings.Replace(tpl, "$Number$", strconv.Itoa(n), 1))
		if errors.Is(err, os.ErrNotExist) && n > 1 {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		joined = append(joined, b...)
	}
	return joined
}

// TestCbcsCiphertextMatchesShaka encrypts video and audio with cbcs and
// the same key and IV as Shaka Packager (reference/cenc.md §5.1): the
// sample data (all mdat payloads), the senc entries (subsample maps) and
// the tenc boxes must be byte-identical to Shaka's.
func TestCbcsCiphertextMatchesShaka(t *testing.T) {
	shaka := testmedia.ShakaPackager(t)
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	// av1.mp4's av1C and in-band sequence headers differ (SVT-AV1): the
	// maps must follow the in-band one, as Shaka's do.
	for _, name := range []string{"avc_aac.mp4", "avc_multislice.mp4", "hevc_hdr10.mp4", "av1.mp4", "vp9_opus.mp4"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			compareWithShaka(t, shaka, filepath.Join(td, name))
		})
	}
}

// compareWithShaka packages path with cbcs and with Shaka Packager and
// compares every track's sample data, senc entries and tenc.
func compareWithShaka(t *testing.T, shaka, path string) {
	dir := t.TempDir()
	res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Encryption: testEncryption(t, cenc.CBCS)}, path)
	for _, rep := range res.Presentation.Representations {
		ours := readFile(t, trackFile(t, dir, manifest.LayoutSegments, rep))
		theirs := shakaEncrypt(t, shaka, path, rep.Kind, filepath.Join(t.TempDir(), rep.ID))
		if a, b := mdatPayloads(t, ours), mdatPayloads(t, theirs); !bytes.Equal(a, b) {
			t.Errorf("%s (%s): sample data differs from Shaka's (%d and %d bytes, first difference at %d)", rep.ID, rep.Codec, len(a), len(b), firstDiff(a, b))
		}
		a, b := readSenc(t, ours), readSenc(t, theirs)
		if a.Samples != b.Samples || !bytes.Equal(a.Entries, b.Entries) {
			t.Errorf("%s (%s): senc entries differ from Shaka's (%d samples, %d bytes; Shaka %d samples, %d bytes; first difference at byte %d)",
				rep.ID, rep.Codec, a.Samples, len(a.Entries), b.Samples, len(b.Entries), firstDiff(a.Entries, b.Entries))
		}
		if fa, fb := uniq(a.Flags), uniq(b.Flags); fa != fb {
			t.Errorf("%s (%s): senc flags %s, Shaka %s", rep.ID, rep.Codec, fa, fb)
		}
		ta, tb := tencOf(t, ours), tencOf(t, theirs)
		if !bytes.Equal(ta, tb) {
			t.Errorf("%s (%s): tenc %x, Shaka %x", rep.ID, rep.Codec, ta, tb)
		}
		checkCbcsTenc(t, rep, ta)
	}
}

// checkCbcsTenc checks a cbcs tenc payload against design/cenc.md: version
// 1, pattern 1:9 for video and 0:0 for audio, protected, constant IV.
func checkCbcsTenc(t *testing.T, rep *manifest.Representation, p []byte) {
	t.Helper()
	pattern := byte(0x19)
	if rep.Kind == manifest.KindAudio {
		pattern = 0
	}
	iv, _ := hex.DecodeString(testIV16)
	kid, _ := hex.DecodeString(testKID)
	want := append(append([]byte{1, 0, 0, 0, 0, pattern, 1, 0}, kid...), 16)
	want = append(want, iv...)
	if !bytes.Equal(p, want) {
		t.Errorf("%s: tenc payload %x, want %x (v1, pattern %x, constant IV)", rep.ID, p, want, pattern)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// uniq lists the distinct values of flags in order, e.g. "[2]".
func uniq(flags []uint32) string {
	var out []uint32
	for _, f := range flags {
		if len(out) == 0 || out[len(out)-1] != f {
			out = append(out, f)
		}
	}
	return fmt.Sprint(out)
}

// shakaDecrypt decrypts the one stream of an encrypted fragmented file with
// Shaka Packager's raw-key decryption and returns the clear file's path.
func shakaDecrypt(t testing.TB, bin, path, stream, out string) string {
	t.Helper()
	args := []string{fmt.Sprintf("in=%s,stream=%s,output=%s", path, stream, out),
		"--enable_raw_key_decryption", "--keys", "label=:key_id=" + testKID + ":key=" + testKey}
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("shaka decryption of %s: %v\n%s", filepath.Base(path), err, b)
	}
	return out
}

// withoutEditList returns a copy of a file whose edts boxes are renamed
// free. Shaka Packager applies edit lists, and its muxer refuses the
// negative presentation times that a B-frame delay then gives ("Negative
// presentation timestamp ... is not supported"), on the input files too;
// the samples are the same without it.
func withoutEditList(t testing.TB, path string) string {
	t.Helper()
	data := readFile(t, path)
	edts := walkBoxes(t, data, "moov/trak/edts")
	if len(edts) == 0 {
		return path
	}
	for _, b := range edts {
		copy(data[b.Offset+4:], "free")
	}
	out := filepath.Join(t.TempDir(), "noedts-"+filepath.Base(path))
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// ffmpegDecryptHashes returns the packet hashes (framemd5 column 6) of
// stream 0 of path decrypted by ffmpeg with the test key.
func ffmpegDecryptHashes(t testing.TB, bin, path string) ([]string, error) {
	t.Helper()
	args := []string{"-v", "error", "-decryption_key", testKey, "-ignore_editlist", "1", "-i", path, "-map", "0:0", "-c", "copy", "-f", "framemd5", "-"}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg -decryption_key: %v\n%s", err, out)
	}
	var hashes []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(line, ","); len(f) >= 6 && !strings.HasPrefix(line, "#") {
			hashes = append(hashes, strings.TrimSpace(f[5]))
		} else if line != "" && !strings.HasPrefix(line, "#") {
			return nil, fmt.Errorf("ffmpeg -decryption_key says %q", line)
		}
	}
	return hashes, nil
}

// segmentPaths returns the files of a representation in layout segments:
// its init segment and its media segments in order.
func segmentPaths(dir string, rep *manifest.Representation) (string, []string) {
	var segs []string
	for _, s := range rep.Segments {
		segs = append(segs, filepath.Join(dir, strings.Replace(rep.SegmentURL, "$Number%05d$", fmt.Sprintf("%05d", s.Number), 1)))
	}
	return filepath.Join(dir, rep.InitURL), segs
}

// refusedInputs are the packaging inputs with a track whose codec cannot be
// encrypted (no subsample rule), and that track's name.
var refusedInputs = map[string]string{
	"iamf.mp4":           "audio",      // IAMF
	"stereo_spatial.mp4": "video-120p", // MV-HEVC (lhvC)
}

// TestEncryptedOutputDecrypts packages every input encrypted (cbcs and
// cenc in layout segments, cbcs in layout single-file) and clear with the
// same options, and decrypts every encrypted track twice: with Shaka
// Packager (the whole file) and with ffmpeg (the single file whole; in
// layout segments init + one media segment at a time, because of ffmpeg
// 5.1's multi-fragment bug, reference/cenc.md §5.3). Both must give the
// clear packaging's packets. Inputs with a codec that cannot be encrypted
// must be refused with an error naming the track.
func TestEncryptedOutputDecrypts(t *testing.T) {
	shaka := testmedia.ShakaPackager(t)
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	for _, path := range packagingInputs(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if track, ok := refusedInputs[name]; ok {
				for _, c := range decryptConfigs {
					_, err := packageErr(t, t.TempDir(), Options{SegmentDuration: 2 * time.Second, Layout: c.layout, Encryption: testEncryption(t, c.scheme)}, path)
					if !errors.Is(err, cenc.ErrUnsupportedCodec) || !strings.HasPrefix(err.Error(), track+" (") {
						t.Errorf("%s %s: error %v, want one wrapping cenc.ErrUnsupportedCodec and naming %s", c.scheme, c.layout, err, track)
					}
				}
				return
			}
			checkDecrypts(t, shaka, ffmpeg, path)
		})
	}
}

// decryptConfigs are the schemes and layouts TestEncryptedOutputDecrypts
// packages every input with.
var decryptConfigs = []struct {
	scheme cenc.Scheme
	layout string
}{{cenc.CBCS, manifest.LayoutSegments}, {cenc.CENC, manifest.LayoutSegments}, {cenc.CBCS, manifest.LayoutSingleFile}}

// checkDecrypts packages path clear and encrypted (decryptConfigs) and
// checks that Shaka and ffmpeg decrypt every encrypted track to the clear
// packaging's packets.
func checkDecrypts(t *testing.T, shaka, ffmpeg, path string) {
	// Packet hashes of the clear packaging, per layout and track.
	clear := map[string]map[string][]string{}
	for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
		dir := t.TempDir()
		res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: layout}, path)
		clear[layout] = map[string][]string{}
		for _, rep := range res.Presentation.Representations {
			clear[layout][rep.ID] = ffmpegHashes(t, ffmpeg, trackFile(t, dir, layout, rep), "0", false)
		}
	}
	for _, c := range decryptConfigs {
		dir := t.TempDir()
		res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: c.layout, Encryption: testEncryption(t, c.scheme)}, path)
		for _, rep := range res.Presentation.Representations {
			what := fmt.Sprintf("%s %s %s (%s)", c.scheme, c.layout, rep.ID, rep.Codec)
			want, ok := clear[c.layout][rep.ID]
			if !ok {
				t.Errorf("%s: not in the clear packaging", what)
				continue
			}
			joined := trackFile(t, dir, c.layout, rep)
			if rep.Encryption == nil || rep.Encryption.Scheme != string(c.scheme) {
				t.Errorf("%s: representation says encryption %+v", what, rep.Encryption)
			}
			dec := shakaDecrypt(t, shaka, withoutEditList(t, joined), rep.Kind, filepath.Join(t.TempDir(), "dec.mp4"))
			if got := ffmpegHashes(t, ffmpeg, dec, "0", false); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: Shaka's decryption gives %d packets, %d differ from the clear packaging's %d", what, len(got), diffCount(got, want), len(want))
			}
			if c.layout == manifest.LayoutSingleFile {
				// A single file has one top-level sidx, so ffmpeg 5.1 reads
				// its fragments lazily and decrypts it whole (§5.3).
				got, err := ffmpegDecryptHashes(t, ffmpeg, joined)
				if err != nil {
					t.Errorf("%s: %v", what, err)
				} else if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s: ffmpeg's decryption gives %d packets, %d differ from the clear packaging's %d", what, len(got), diffCount(got, want), len(want))
				}
				continue
			}
			init, segs := segmentPaths(dir, rep)
			initData := readFile(t, init)
			var got []string
			one := filepath.Join(t.TempDir(), "one.mp4")
			for k, seg := range segs {
				if err := os.WriteFile(one, append(bytes.Clone(initData), readFile(t, seg)...), 0o644); err != nil {
					t.Fatal(err)
				}
				h, err := ffmpegDecryptHashes(t, ffmpeg, one)
				if err != nil {
					t.Errorf("%s segment %d: %v", what, k+1, err)
				}
				got = append(got, h...)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: ffmpeg's decryption (init + one segment at a time) gives %d packets, %d differ from the clear packaging's %d", what, len(got), diffCount(got, want), len(want))
			}
		}
	}
}

// diffCount counts the positions where a and b differ, and the length
// difference.
func diffCount(a, b []string) int {
	n := max(len(a), len(b)) - min(len(a), len(b))
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// TestEncryptionOptionErrors gives Package bad encryption options: each
// must end in an error that says what is wrong (never a panic), before
// any file is written, and no message may show the key.
func TestEncryptionOptionErrors(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	key := func(track string) cenc.KeySpec {
		s := testEncryption(t, cenc.CBCS).Keys[0]
		s.Track = track
		return s
	}
	iv := func(n int) cenc.IV { return make(cenc.IV, n) }
	cases := []struct {
		name  string
		enc   Encryption
		words []string
	}{
		{"no keys", Encryption{Scheme: cenc.CBCS}, []string{"key"}},
		{"key for a missing track", Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{key("video-1080p")}}, []string{"video-1080p", "track", "video-360p"}},
		{"no key for one track", Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{key("video")}}, []string{"no key", "audio"}},
		{"cenc with a 16-byte IV", Encryption{Scheme: cenc.CENC, Keys: []cenc.KeySpec{key("")}, IV: iv(16)}, []string{"cenc", "8 bytes"}},
		{"cbcs with a 5-byte IV", Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{key("")}, IV: iv(5)}, []string{"IV", "5"}},
		{"cenc with a 5-byte IV", Encryption{Scheme: cenc.CENC, Keys: []cenc.KeySpec{key("")}, IV: iv(5)}, []string{"IV", "5"}},
		{"fairplay with cenc", Encryption{Scheme: cenc.CENC, Keys: []cenc.KeySpec{key("")}, DRM: []cenc.DRM{cenc.Widevine, cenc.FairPlay}}, []string{"FairPlay", "cbcs"}},
		{"scheme cens", Encryption{Scheme: "cens", Keys: []cenc.KeySpec{key("")}}, []string{"cens", "cbcs", "cenc"}},
		{"no scheme", Encryption{Keys: []cenc.KeySpec{key("")}}, []string{"scheme"}},
		{"unknown DRM", Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{key("")}, DRM: []cenc.DRM{"marlin"}}, []string{"marlin"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("Package panics: %v", p)
					}
				}()
				_, err = packageErr(t, dir, Options{SegmentDuration: 2 * time.Second, Encryption: &c.enc}, path)
			}()
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range c.words {
				if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			for _, secret := range []string{testKey, strings.ToUpper(testKey), base64.StdEncoding.EncodeToString(mustHex(t, testKey))} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q shows the key", msg)
				}
			}
			if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) > 0 {
				t.Errorf("files written before the error: %v", files)
			}
		})
	}
}

func mustHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encMPD is the part of an MPD that TestEncryptedManifests reads.
type encMPD struct {
	Sets []struct {
		ContentType string `xml:"contentType,attr"`
		CPs         []struct {
			Scheme string `xml:"schemeIdUri,attr"`
			Value  string `xml:"value,attr"`
			KID    string `xml:"urn:mpeg:cenc:2013 default_KID,attr"`
			PSSH   string `xml:"urn:mpeg:cenc:2013 pssh"`
		} `xml:"ContentProtection"`
		Reps []struct {
			ID string `xml:"id,attr"`
		} `xml:"Representation"`
	} `xml:"Period>AdaptationSet"`
}

// TestEncryptedManifests packages with every DRM system and checks what
// the manifests signal: in the MPD, per AdaptationSet, one mp4protection
// descriptor with the scheme and the default KID, and one descriptor per
// pssh system whose pssh is the init segment's box; in every HLS media
// and I-frame playlist, EXT-X-KEY lines before EXT-X-MAP with METHOD
// SAMPLE-AES (cbcs) or SAMPLE-AES-CTR (cenc), and an skd:// FairPlay line
// for cbcs only.
func TestEncryptedManifests(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	kidUUID := "a7e61c37-3e21-9033-c210-91fa607bf3b8"
	common, widevine, playready := cenc.CommonSystem.String(), cenc.WidevineSystem.String(), cenc.PlayReadySystem.String()
	cases := []struct {
		scheme  cenc.Scheme
		layout  string
		drm     []cenc.DRM
		systems []string
		method  string
	}{
		{cenc.CBCS, manifest.LayoutSegments, []cenc.DRM{cenc.Widevine, cenc.PlayReady, cenc.FairPlay, cenc.ClearKey}, []string{common, widevine, playready}, "SAMPLE-AES"},
		{cenc.CBCS, manifest.LayoutSingleFile, []cenc.DRM{cenc.Widevine, cenc.PlayReady, cenc.FairPlay, cenc.ClearKey}, []string{common, widevine, playready}, "SAMPLE-AES"},
		{cenc.CENC, manifest.LayoutSegments, []cenc.DRM{cenc.Widevine, cenc.PlayReady, cenc.ClearKey}, []string{common, widevine, playready}, "SAMPLE-AES-CTR"},
		{cenc.CBCS, manifest.LayoutSegments, nil, []string{common}, "SAMPLE-AES"}, // no --drm: clearkey
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s/%v", c.scheme, c.layout, c.drm), func(t *testing.T) {
			dir := t.TempDir()
			res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: c.layout, Encryption: testEncryption(t, c.scheme, c.drm...)}, path)
			if err := WriteManifests(DirOutput(dir), res, true, true); err != nil {
				t.Fatal(err)
			}
			// The pssh boxes of each representation's init segment, by system.
			initPSSH := map[string]map[string][]byte{}
			for _, rep := range res.Presentation.Representations {
				file := trackFile(t, dir, c.layout, rep)
				initPSSH[rep.ID] = map[string][]byte{}
				data := readFile(t, file)
				for _, b := range walkBoxes(t, data, "moov/pssh") {
					if len(b.Payload) < 20 {
						t.Fatalf("%s: pssh of %d bytes", rep.ID, len(b.Payload))
					}
					initPSSH[rep.ID][cenc.SystemID(b.Payload[4:20]).String()] = data[b.Offset : b.Offset+b.Header+int64(len(b.Payload))]
				}
			}
			checkEncryptedMPD(t, dir, c.scheme, kidUUID, c.systems, initPSSH)
			fairplay := false
			for _, d := range c.drm {
				fairplay = fairplay || d == cenc.FairPlay
			}
			checkEncryptedPlaylists(t, dir, res.Presentation, c.method, fairplay)
		})
	}
}

func checkEncryptedMPD(t *testing.T, dir string, scheme cenc.Scheme, kid string, systems []string, initPSSH map[string]map[string][]byte) {
	t.Helper()
	var m encMPD
	if err := xml.Unmarshal(readFile(t, filepath.Join(dir, MPDName)), &m); err != nil {
		t.Fatalf("MPD: %v", err)
	}
	if len(m.Sets) == 0 {
		t.Fatal("MPD has no AdaptationSet")
	}
	for _, set := range m.Sets {
		var prot int
		found := map[string]string{}
		for _, cp := range set.CPs {
			switch {
			case cp.Scheme == "urn:mpeg:dash:mp4protection:2011":
				prot++
				if cp.Value != string(scheme) || cp.KID != kid {
					t.Errorf("%s: mp4protection value %q default_KID %q, want %q %q", set.ContentType, cp.Value, cp.KID, scheme, kid)
				}
			case strings.HasPrefix(cp.Scheme, "urn:uuid:"):
				id := strings.TrimPrefix(cp.Scheme, "urn:uuid:")
				if _, dup := found[id]; dup {
					t.Errorf("%s: two ContentProtection for %s", set.ContentType, id)
				}
				found[id] = cp.PSSH
			default:
				t.Errorf("%s: unexpected ContentProtection %s", set.ContentType, cp.Scheme)
			}
		}
		if prot != 1 {
			t.Errorf("%s: %d mp4protection descriptors", set.ContentType, prot)
		}
		if got, want := sortedKeys(found), strings.Join(slices.Sorted(slices.Values(systems)), " "); got != want {
			t.Errorf("%s: ContentProtection for systems %s, want %s", set.ContentType, got, want)
		}
		for id, b64 := range found {
			box, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
			if err != nil || len(box) < 32 || int(binary.BigEndian.Uint32(box)) != len(box) || string(box[4:8]) != "pssh" {
				t.Errorf("%s %s: cenc:pssh is not a base64 pssh box (%v)", set.ContentType, id, err)
				continue
			}
			if got := cenc.SystemID(box[12:28]).String(); got != id {
				t.Errorf("%s: pssh for %s has system ID %s", set.ContentType, id, got)
			}
			if id != cenc.PlayReadySystem.String() && !bytes.Contains(box, mustHex(t, testKID)) {
				t.Errorf("%s %s: pssh does not carry the KID", set.ContentType, id)
			}
			for _, rep := range set.Reps {
				if !bytes.Equal(initPSSH[rep.ID][id], box) {
					t.Errorf("%s: the MPD's pssh for %s is not the init segment's", rep.ID, id)
				}
			}
		}
		for _, rep := range set.Reps {
			if got := sortedKeys(initPSSH[rep.ID]); got != sortedKeys(found) {
				t.Errorf("%s: init segment has pssh for %s, MPD for %s", rep.ID, got, sortedKeys(found))
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

func checkEncryptedPlaylists(t *testing.T, dir string, p *manifest.Presentation, method string, fairplay bool) {
	t.Helper()
	for _, rep := range p.Representations {
		for _, name := range []string{"playlist.m3u8", "iframes.m3u8"} {
			file := filepath.Join(dir, rep.ID, name)
			data, err := os.ReadFile(file)
			if errors.Is(err, os.ErrNotExist) && name == "iframes.m3u8" {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			uri := rep.ID + "/" + name
			if _, _, err := m3u8.Decode(*bytes.NewBuffer(data), true); err != nil {
				t.Errorf("%s does not parse: %v", uri, err)
			}
			var keys []string
			mapSeen, skd := false, false
			for _, line := range strings.Split(string(data), "\n") {
				switch {
				case strings.HasPrefix(line, "#EXT-X-VERSION:"):
					if v, _ := strconv.Atoi(strings.TrimPrefix(line, "#EXT-X-VERSION:")); v < 5 {
						t.Errorf("%s: version %d, KEYFORMAT needs 5", uri, v)
					}
				case strings.HasPrefix(line, "#EXT-X-MAP:"):
					mapSeen = true
				case strings.HasPrefix(line, "#EXT-X-KEY:"):
					keys = append(keys, line)
					if mapSeen {
						t.Errorf("%s: EXT-X-KEY after EXT-X-MAP", uri)
					}
					if !strings.Contains(line, "METHOD="+method+",") {
						t.Errorf("%s: %s, want METHOD=%s", uri, line, method)
					}
					if strings.Contains(line, `URI="skd://`) {
						skd = true
						if !strings.Contains(line, `KEYFORMAT="com.apple.streamingkeydelivery"`) {
							t.Errorf("%s: skd:// key without the FairPlay KEYFORMAT: %s", uri, line)
						}
					}
				}
			}
			if len(keys) == 0 {
				t.Errorf("%s: no EXT-X-KEY", uri)
			}
			if skd != fairplay {
				t.Errorf("%s: skd:// FairPlay key %v, want %v", uri, skd, fairplay)
			}
		}
	}
}

// TestEncryptedSizesMatchIndexes checks that every index of encrypted
// output describes the final bytes, although each moof grew by senc, saiz
// and saio: sidx references and tfra offsets land on the moofs
// (checkSegmentStarts), trun data offsets on the mdat payloads, saio on
// the senc entries, saiz sizes add up to them, and the I-frame byte ranges
// end at the end of each segment's first sample.
func TestEncryptedSizesMatchIndexes(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	for _, name := range []string{"avc_aac.mp4", "hevc_hdr10.mp4", "vp9_opus.mp4"} {
		for _, scheme := range []cenc.Scheme{cenc.CBCS, cenc.CENC} {
			for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
				for _, frag := range []time.Duration{0, 500 * time.Millisecond} {
					t.Run(fmt.Sprintf("%s/%s/%s/frag=%v", name, scheme, layout, frag), func(t *testing.T) {
						dir := t.TempDir()
						res := run(t, dir, Options{SegmentDuration: 2 * time.Second, FragmentDuration: frag, Layout: layout, Encryption: testEncryption(t, scheme)}, filepath.Join(td, name))
						for _, rep := range res.Presentation.Representations {
							path := trackFile(t, dir, layout, rep)
							f, err := isobmff.OpenFile(path)
							if err != nil {
								t.Fatalf("%s: %v", rep.ID, err)
							}
							checkSegmentStarts(t, dir, layout, rep, f)
							checkAuxInfo(t, rep.ID, readFile(t, path), f)
							checkIFrameRanges(t, dir, layout, rep, f)
						}
					})
				}
			}
		}
	}
}

// checkAuxInfo checks each fragment of a joined or single file: the first
// sample starts at the mdat payload that follows the moof, saio points at
// the senc entries and saiz sizes add up to them.
func checkAuxInfo(t *testing.T, id string, data []byte, f *isobmff.File) {
	t.Helper()
	samples, err := f.Samples(f.Tracks[0])
	if err != nil {
		t.Fatal(err)
	}
	next := 0
	for k, m := range f.Moofs {
		if typ, size := boxAt(data, m.Offset+m.Size); typ != "mdat" || size < 8 {
			t.Errorf("%s fragment %d: moof followed by %q", id, k+1, typ)
		} else if samples[next].Offset != m.Offset+m.Size+8 {
			t.Errorf("%s fragment %d: first sample at %d, mdat payload at %d", id, k+1, samples[next].Offset, m.Offset+m.Size+8)
		}
		count := 0
		for _, traf := range m.Box.Trafs {
			for _, trun := range traf.Truns {
				count += len(trun.Samples)
			}
		}
		next += count
		moof := data[m.Offset : m.Offset+m.Size]
		sencs := walkBoxes(t, moof, "moof/traf/senc")
		saios := walkBoxes(t, moof, "moof/traf/saio")
		saizs := walkBoxes(t, moof, "moof/traf/saiz")
		if len(sencs) != 1 {
			t.Errorf("%s fragment %d: %d senc boxes", id, k+1, len(sencs))
			continue
		}
		senc := sencs[0]
		if len(senc.Payload) < 8 {
			t.Fatalf("%s fragment %d: senc of %d bytes", id, k+1, len(senc.Payload))
		}
		entries := senc.Offset + senc.Header + 8
		if n := int(binary.BigEndian.Uint32(senc.Payload[4:])); n != count {
			t.Errorf("%s fragment %d: senc has %d samples, trun %d", id, k+1, n, count)
		}
		entryBytes := int64(len(senc.Payload) - 8)
		if len(saios) == 0 && len(saizs) == 0 {
			if entryBytes != 0 {
				t.Errorf("%s fragment %d: %d bytes of senc entries and no saiz/saio", id, k+1, entryBytes)
			}
			continue
		}
		if len(saios) != 1 || len(saizs) != 1 {
			t.Errorf("%s fragment %d: %d saio, %d saiz", id, k+1, len(saios), len(saizs))
			continue
		}
		if off, n := saioOffset(t, saios[0].Payload); n != 1 || off != entries {
			t.Errorf("%s fragment %d: saio has %d entries, offset %d; senc entries at %d", id, k+1, n, off, entries)
		}
		if n, total := saizTotal(t, saizs[0].Payload); n != count || total != entryBytes {
			t.Errorf("%s fragment %d: saiz %d samples of %d bytes; senc %d samples of %d bytes", id, k+1, n, total, count, entryBytes)
		}
	}
	if next != len(samples) {
		t.Errorf("%s: fragments hold %d samples, the track %d", id, next, len(samples))
	}
}

// saioOffset returns the first offset and the entry count of a saio payload.
func saioOffset(t testing.TB, p []byte) (int64, int) {
	t.Helper()
	version, flags := byte(0), uint32(0)
	if len(p) >= 4 {
		version, flags = p[0], binary.BigEndian.Uint32(p)&0xffffff
	}
	if n := 8 + 8*int(flags&1); len(p) < n {
		t.Fatalf("saio of %d bytes", len(p))
	}
	p = p[4+8*(flags&1):]
	n := int(binary.BigEndian.Uint32(p))
	if n == 0 || len(p) < 8+4*int(version) {
		return -1, n
	}
	if version == 0 {
		return int64(binary.BigEndian.Uint32(p[4:])), n
	}
	return int64(binary.BigEndian.Uint64(p[4:])), n
}

// saizTotal returns the sample count and the total size of a saiz payload.
func saizTotal(t testing.TB, p []byte) (int, int64) {
	t.Helper()
	flags := uint32(0)
	if len(p) >= 4 {
		flags = binary.BigEndian.Uint32(p) & 0xffffff
	}
	if n := 9 + 8*int(flags&1); len(p) < n {
		t.Fatalf("saiz of %d bytes", len(p))
	}
	p = p[4+8*(flags&1):]
	def, n := int64(p[0]), int(binary.BigEndian.Uint32(p[1:]))
	if def != 0 {
		return n, def * int64(n)
	}
	if len(p)-5 != n {
		t.Fatalf("saiz lists %d sizes for %d samples", len(p)-5, n)
	}
	var total int64
	for _, s := range p[5:] {
		total += int64(s)
	}
	return n, total
}

// checkIFrameRanges checks that each video segment's I-frame range starts
// at the segment and ends with its first sample.
func checkIFrameRanges(t *testing.T, dir, layout string, rep *manifest.Representation, f *isobmff.File) {
	t.Helper()
	if rep.Kind != manifest.KindVideo {
		return
	}
	samples, err := f.Samples(f.Tracks[0])
	if err != nil {
		t.Fatal(err)
	}
	start := int64(0) // of the segment, in the joined or single file
	if layout == manifest.LayoutSegments {
		start = int64(len(readFile(t, filepath.Join(dir, rep.InitURL))))
	}
	for k, s := range rep.Segments {
		if layout == manifest.LayoutSingleFile {
			start = s.Offset
		}
		first := -1
		for i, smp := range samples {
			if smp.Offset > start {
				first = i
				break
			}
		}
		if first < 0 {
			t.Fatalf("%s segment %d: no sample after byte %d", rep.ID, k+1, start)
		}
		end := samples[first].Offset + int64(samples[first].Size) - start
		if s.IFrame.First != 0 || s.IFrame.Last+1 != end {
			t.Errorf("%s segment %d: I-frame range %d-%d, first sample ends at %d", rep.ID, k+1, s.IFrame.First, s.IFrame.Last, end)
		}
		start += s.Size
	}
}

// TestEncryptedCencIVsAreUnique packages renditions and audio with cenc and one key:
// tenc must say 8-byte per-sample IVs, and no IV may repeat within or
// across tracks (a repeated IV under one key reuses AES-CTR keystream).
func TestEncryptedCencIVsAreUnique(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	names := []string{filepath.Join(td, "rend_360p.mp4"), filepath.Join(td, "rend_180p.mp4"), filepath.Join(td, "ac3.mp4")}
	for _, frag := range []time.Duration{0, 500 * time.Millisecond} {
		dir := t.TempDir()
		res := run(t, dir, Options{SegmentDuration: 2 * time.Second, FragmentDuration: frag, Encryption: testEncryption(t, cenc.CENC)}, names...)
		seen := map[string]string{}
		for _, rep := range res.Presentation.Representations {
			data := readFile(t, trackFile(t, dir, manifest.LayoutSegments, rep))
			tenc := tencOf(t, data)
			if len(tenc) != 24 || tenc[0] != 0 || tenc[6] != 1 || tenc[7] != 8 || !bytes.Equal(tenc[8:], mustHex(t, testKID)) {
				t.Errorf("%s: cenc tenc %x, want v0, protected, 8-byte IVs, the test KID", rep.ID, tenc)
			}
			n := 0
			for _, b := range walkBoxes(t, data, "moof/traf/senc") {
				if len(b.Payload) < 8 {
					t.Fatalf("%s: senc of %d bytes at %d", rep.ID, len(b.Payload), b.Offset)
				}
				flags, count := binary.BigEndian.Uint32(b.Payload)&0xffffff, int(binary.BigEndian.Uint32(b.Payload[4:]))
				p := b.Payload[8:]
				for i := 0; i < count; i++ {
					if len(p) < 8 {
						t.Fatalf("%s: senc at %d ends inside sample %d", rep.ID, b.Offset, i+1)
					}
					iv := hex.EncodeToString(p[:8])
					if prev, dup := seen[iv]; dup {
						t.Errorf("%s sample %d: IV %s already used by %s", rep.ID, n+1, iv, prev)
					}
					seen[iv] = fmt.Sprintf("%s sample %d", rep.ID, n+1)
					p = p[8:]
					if flags&2 != 0 {
						if len(p) < 2 {
							t.Fatalf("%s: senc at %d ends inside sample %d", rep.ID, b.Offset, i+1)
						}
						p = p[2+6*int(binary.BigEndian.Uint16(p)):]
					}
					n++
				}
			}
			if n == 0 {
				t.Errorf("%s: no senc entries", rep.ID)
			}
		}
	}
}
