package main

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// The key the encrypt/decrypt tests use with mp4pkg, Shaka Packager and
// ffmpeg.
const (
	cryptKID = "a7e61c373e219033c21091fa607bf3b8"
	cryptKey = "76a6c65c5ea762046bd749a2e632ccbb"
	cryptIV  = "0123456789abcdef0123456789abcdef"
	keyArg   = cryptKID + ":" + cryptKey
	// keyArg2 is a second key, for per-track keys.
	keyArg2 = "b7e61c373e219033c21091fa607bf3b8:86a6c65c5ea762046bd749a2e632ccbb"
)

// media is the video and audio tracks of a file, with every sample's bytes.
type media struct {
	tracks []*mediaTrack
}

type mediaTrack struct {
	id       uint32
	handler  string
	entry    string // sample entry type of the first stsd entry
	enc      *isobmff.Encryption
	samples  []isobmff.Sample
	data     [][]byte
	timscale uint32
	// stsdEntries counts the sample entries.
	stsdEntries int
	info        *isobmff.Track
}

// trackMeta is what encrypt and decrypt keep of a track besides its
// samples.
type trackMeta struct {
	Codec                string
	Width, Height        uint32
	BitDepth             int
	Colour               *isobmff.Colour
	HDR                  *isobmff.HDR
	PixelAspect          string
	Channels, SampleRate int
	Language             string
	EditList             []isobmff.Edit
	SyncSamples          uint64
}

func (tr *mediaTrack) meta() trackMeta {
	i := tr.info
	return trackMeta{i.Codec, i.Width, i.Height, i.BitDepth, i.Colour, i.HDR, i.PixelAspect, i.Channels, i.SampleRate, i.Language, i.EditList, i.SyncSampleCount}
}

// readMedia reads the parts (a whole file, or an init segment followed by
// media segments) as one file and returns its video and audio tracks.
func readMedia(t testing.TB, parts ...string) *media {
	t.Helper()
	return parseMedia(t, strings.Join(baseNames(parts), "+"), joinFiles(t, parts...))
}

// joinFiles returns the bytes of the files one after the other.
func joinFiles(t testing.TB, parts ...string) []byte {
	t.Helper()
	var data []byte
	for _, p := range parts {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b...)
	}
	return data
}

func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

// parseMedia is readMedia on bytes.
func parseMedia(t testing.TB, name string, data []byte) *media {
	t.Helper()
	f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m := &media{}
	for _, tr := range f.Tracks {
		if tr.Handler != "vide" && tr.Handler != "soun" {
			continue
		}
		ss, err := f.Samples(tr)
		if err != nil {
			t.Fatalf("%s track %d: %v", name, tr.ID, err)
		}
		mt := &mediaTrack{id: tr.ID, handler: tr.Handler, entry: tr.SampleEntry, enc: tr.Encryption, samples: ss, timscale: tr.Timescale, info: tr}
		if stsd := tr.Trak.Mdia.Minf.Stbl.Stsd; stsd != nil {
			mt.stsdEntries = len(stsd.Children)
		}
		for _, s := range ss {
			mt.data = append(mt.data, data[s.Offset:s.Offset+int64(s.Size)])
		}
		m.tracks = append(m.tracks, mt)
	}
	return m
}

// byID returns the track with the ID, or nil.
func (m *media) byID(id uint32) *mediaTrack {
	for _, tr := range m.tracks {
		if tr.id == id {
			return tr
		}
	}
	return nil
}

// byHandler returns the only track with the handler (vide, soun), or nil
// when there is none or several.
func (m *media) byHandler(h string) *mediaTrack {
	var found *mediaTrack
	for _, tr := range m.tracks {
		if tr.handler == h {
			if found != nil {
				return nil
			}
			found = tr
		}
	}
	return found
}

// sameSamples reports how got's samples differ from want's: count, then
// the first samples whose bytes differ. It returns "" when they are equal.
func sameSamples(got, want *mediaTrack) string {
	if len(got.data) != len(want.data) {
		return fmt.Sprintf("%d samples, want %d", len(got.data), len(want.data))
	}
	var bad []string
	n := 0
	for i := range got.data {
		if !bytes.Equal(got.data[i], want.data[i]) {
			if n < 3 {
				bad = append(bad, fmt.Sprintf("sample %d (%d bytes, want %d, first difference at %d)", i+1, len(got.data[i]), len(want.data[i]), firstDiffAt(got.data[i], want.data[i])))
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d samples differ: %s", n, len(got.data), strings.Join(bad, ", "))
}

// sameTiming compares decode times, durations, composition offsets and
// sync flags, in the tracks' timescales.
func sameTiming(got, want *mediaTrack) string {
	if len(got.samples) != len(want.samples) || got.timscale != want.timscale {
		return fmt.Sprintf("%d samples at timescale %d, want %d at %d", len(got.samples), got.timscale, len(want.samples), want.timscale)
	}
	for i, g := range got.samples {
		w := want.samples[i]
		if g.DecodeTime != w.DecodeTime || g.Duration != w.Duration || g.CompositionOffset != w.CompositionOffset || g.Sync != w.Sync {
			return fmt.Sprintf("sample %d: time %d dur %d cto %d sync %v, want %d %d %d %v", i+1,
				g.DecodeTime, g.Duration, g.CompositionOffset, g.Sync, w.DecodeTime, w.Duration, w.CompositionOffset, w.Sync)
		}
	}
	return ""
}

func firstDiffAt(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// checkClear compares every video and audio track of got with the track of
// the same ID in want: same set of tracks, samples equal byte for byte, no
// protection left.
func checkClear(t *testing.T, what string, got, want *media) {
	t.Helper()
	if len(got.tracks) != len(want.tracks) {
		t.Errorf("%s: %d video/audio tracks, want %d", what, len(got.tracks), len(want.tracks))
	}
	for _, w := range want.tracks {
		g := got.byID(w.id)
		if g == nil {
			t.Errorf("%s: track %d (%s) missing", what, w.id, w.handler)
			continue
		}
		if g.enc != nil {
			t.Errorf("%s: track %d is still protected (%s, %s)", what, g.id, g.entry, g.enc.Scheme)
		}
		if d := sameSamples(g, w); d != "" {
			t.Errorf("%s: track %d (%s): %s", what, w.id, w.handler, d)
		}
	}
}

// cryptCLI runs mp4pkg and fails the test unless it exits 0.
func cryptCLI(t *testing.T, args ...string) {
	t.Helper()
	if code, _, errs := runCLI(t, nil, args...); code != 0 {
		t.Fatalf("mp4pkg %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
}

// TestDecryptVectors decrypts the public encrypted files mp4ff ships and
// compares every sample with mp4ff's clear reference.
func TestDecryptVectors(t *testing.T) {
	dir := testmedia.MP4ffDir(t)
	mp4 := func(n string) string { return filepath.Join(dir, "mp4", "testdata", n) }
	piff := func(n string) string { return filepath.Join(dir, "cmd", "mp4ff-decrypt", "testdata", "PIFF", n) }
	const zero = "00000000000000000000000000000000"
	cases := []struct {
		name     string
		init, in string
		key      string
		clear    []string // the reference: file, or init + segment
		scheme   string
	}{
		{"cbcs video", "", mp4("cbcs.mp4"), zero + ":22bdb0063805260307ee5045c0f3835a", []string{mp4("cbcsdec.mp4")}, "cbcs"},
		{"cbcs audio", "", mp4("cbcs_audio.mp4"), zero + ":5ffd93861fa776e96cccd934898fc1c8", []string{mp4("cbcs_audiodec.mp4")}, "cbcs"},
		{"cenc video+audio", "", mp4("prog_8s_enc_dashinit.mp4"), "cd7eb9ff88f34caeb06185b00024e4c2:63cb5f7184dd4b689a5c5ff11ee6a328", []string{mp4("prog_8s_dec_dashinit.mp4")}, "cenc"},
		{"PIFF video", "", piff("video/complseg-1.0001.mp4"), "21b82dc2ebb24d5aa9f8631f04726650:602a9289bfb9b1995b75ac63f123fc86", []string{piff("video/complseg-1.0001_dec.mp4")}, "cenc"},
		{"PIFF audio segment", piff("audio/init.mp4"), piff("audio/segment-1.0001.m4s"), "21b82dc2ebb24d5aa9f8631f04726650:602a9289bfb9b1995b75ac63f123fc86",
			[]string{piff("audio/init.mp4"), piff("audio/segment-1.0001_dec.m4s")}, "cenc"},
		{"PIFF scheme WMA", "", piff("wma_piff_scheme/audio.mp4"), "c5c971897e674646949e0cd4dd92cbd7:0b17cd8bfc86557341c77bbc6e4fe9a3", []string{piff("wma_piff_scheme/audio_dec.mp4")}, "piff"},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			encParts := []string{c.in}
			if c.init != "" {
				encParts = []string{c.init, c.in}
			}
			enc := readMedia(t, encParts...)
			for _, tr := range enc.tracks {
				if tr.enc == nil || tr.enc.Scheme != c.scheme {
					t.Fatalf("input track %d: encryption %+v, want scheme %s", tr.id, tr.enc, c.scheme)
				}
			}
			tmp := t.TempDir()
			out := filepath.Join(tmp, "out.mp4")
			args := []string{"decrypt", "--key", c.key}
			parts := []string{out}
			if c.init != "" {
				initOut := filepath.Join(tmp, "init.mp4")
				args = append(args, "--init", c.init, "--init-out", initOut)
				parts = []string{initOut, out}
			}
			cryptCLI(t, append(args, c.in, out)...)
			got, want := readMedia(t, parts...), readMedia(t, c.clear...)
			checkClear(t, c.name, got, want)
			for _, w := range want.tracks {
				entry := w.entry
				if w.enc != nil { // PIFF audio: the reference keeps the encrypted init segment
					entry = w.enc.OriginalFormat
				}
				if g := got.byID(w.id); g != nil && g.entry != entry {
					t.Errorf("track %d: sample entry %s, want %s", w.id, g.entry, entry)
				}
			}
		})
	}
}

// shakaStreams are the testdata files and streams Shaka Packager encrypts
// in TestDecryptShakaEncrypted.
var shakaStreams = []struct{ file, stream string }{
	{"avc_aac.mp4", "video"}, {"avc_aac.mp4", "audio"}, {"avc_multislice.mp4", "video"}, {"hevc_hdr10.mp4", "video"},
	{"av1.mp4", "video"}, {"vp9_opus.mp4", "video"}, {"vp9_opus.mp4", "audio"}, {"eac3.mp4", "audio"}, {"ac3.mp4", "audio"},
}

func handlerOf(stream string) string {
	if stream == "video" {
		return "vide"
	}
	return "soun"
}

// TestDecryptShakaEncrypted has Shaka Packager encrypt testdata streams
// (cbcs and cenc, no clear lead; as a single file and as init + 2 s
// segments decrypted one segment at a time with --init) and checks that
// mp4pkg decrypt gives back every input sample byte for byte. Shaka's
// default clear lead (the first seconds clear, under a second, clear sample
// entry) is decrypted too.
func TestDecryptShakaEncrypted(t *testing.T) {
	shaka := testmedia.ShakaPackager(t)
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	for _, s := range shakaStreams {
		for _, scheme := range []string{"cbcs", "cenc"} {
			t.Run(strings.TrimSuffix(s.file, ".mp4")+"/"+s.stream+"/"+scheme, func(t *testing.T) {
				t.Parallel()
				in := filepath.Join(td, s.file)
				want := readMedia(t, in).byHandler(handlerOf(s.stream))
				if want == nil {
					t.Fatalf("%s has no single %s track", s.file, s.stream)
				}
				tmp := t.TempDir()
				check := func(what string, parts ...string) {
					t.Helper()
					got := readMedia(t, parts...)
					if len(got.tracks) != 1 {
						t.Errorf("%s: %d tracks, want 1", what, len(got.tracks))
						return
					}
					if got.tracks[0].enc != nil {
						t.Errorf("%s: still protected (%s)", what, got.tracks[0].entry)
					}
					if d := sameSamples(got.tracks[0], want); d != "" {
						t.Errorf("%s: %s", what, d)
					}
				}
				keys := []string{"--enable_raw_key_encryption", "--keys", "label=:key_id=" + cryptKID + ":key=" + cryptKey, "--protection_scheme", scheme}

				// Single file, no clear lead.
				enc := filepath.Join(tmp, "enc.mp4")
				runShaka(t, shaka, append([]string{fmt.Sprintf("in=%s,stream=%s,output=%s", in, s.stream, enc), "--clear_lead", "0"}, keys...)...)
				if e := readMedia(t, enc).tracks[0].enc; e == nil || e.Scheme != scheme {
					t.Fatalf("Shaka's output is not %s: %+v", scheme, e)
				}
				dec := filepath.Join(tmp, "dec.mp4")
				cryptCLI(t, "decrypt", "--key", keyArg, enc, dec)
				check("single file", dec)

				// Init + segments, each segment decrypted alone.
				segmented := func(name, dir string, clearLead ...string) {
					t.Helper()
					segDir := filepath.Join(tmp, dir) // no comma: Shaka's descriptors are comma-separated
					if err := os.Mkdir(segDir, 0o755); err != nil {
						t.Fatal(err)
					}
					init := filepath.Join(segDir, "init.mp4")
					runShaka(t, shaka, append(append([]string{fmt.Sprintf("in=%s,stream=%s,init_segment=%s,segment_template=%s", in, s.stream, init, filepath.Join(segDir, "seg-$Number$.m4s")),
						"--segment_duration", "2"}, clearLead...), keys...)...)
					parts := []string{filepath.Join(segDir, "dec-init.mp4")}
					for n := 1; ; n++ {
						seg := filepath.Join(segDir, fmt.Sprintf("seg-%d.m4s", n))
						if _, err := os.Stat(seg); err != nil {
							if n < 2 {
								t.Fatalf("Shaka wrote no segment")
							}
							break
						}
						out := filepath.Join(segDir, fmt.Sprintf("dec-%d.m4s", n))
						cryptCLI(t, "decrypt", "--key", keyArg, "--init", init, "--init-out", parts[0], seg, out)
						parts = append(parts, out)
					}
					check(name, parts...)
				}
				segmented("init + segments", "segs", "--clear_lead", "0")

				// Shaka's default clear lead: clear samples under a second
				// sample entry, then encrypted ones.
				lead := filepath.Join(tmp, "lead.mp4")
				runShaka(t, shaka, append([]string{fmt.Sprintf("in=%s,stream=%s,output=%s", in, s.stream, lead)}, keys...)...)
				if tr := readMedia(t, lead).tracks[0]; tr.stsdEntries != 2 || tr.enc == nil {
					t.Errorf("Shaka's clear-lead file has %d sample entries (protected: %v), want a protected and a clear one", tr.stsdEntries, tr.enc != nil)
				}
				decLead := filepath.Join(tmp, "dec-lead.mp4")
				cryptCLI(t, "decrypt", "--key", keyArg, lead, decLead)
				check("default clear lead", decLead)
				segmented("init + segments, default clear lead", "segs-lead")
			})
		}
	}
}

func runShaka(t testing.TB, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("shaka %v: %v\n%s", args, err, out)
	}
}

// TestEncryptDecryptRoundTrip encrypts every testdata file with cbcs and
// with cenc and decrypts it again: every track must come back byte for
// byte with its timing, the encrypted video samples must differ from the
// clear ones, and ffmpeg (-decryption_key) and Shaka Packager (raw-key
// decryption) must decrypt the encrypted file to the input's samples.
func TestEncryptDecryptRoundTrip(t *testing.T) {
	shaka := os.Getenv("SHAKA_PACKAGER")
	if shaka == "" {
		shaka, _ = exec.LookPath("packager")
	} else if _, err := os.Stat(shaka); err != nil {
		shaka = ""
	}
	ffmpeg, _ := exec.LookPath("ffmpeg")
	if shaka == "" || ffmpeg == "" {
		t.Logf("the checks with external decryptors need ffmpeg (found %q) and Shaka Packager (found %q; set SHAKA_PACKAGER)", ffmpeg, shaka)
	}
	for _, in := range testmedia.Testdata(t) {
		for _, scheme := range []string{"cbcs", "cenc"} {
			t.Run(strings.TrimSuffix(filepath.Base(in), ".mp4")+"/"+scheme, func(t *testing.T) {
				t.Parallel()
				tmp := t.TempDir()
				enc, dec := filepath.Join(tmp, "enc.mp4"), filepath.Join(tmp, "dec.mp4")
				cryptCLI(t, "encrypt", "--scheme", scheme, "--key", keyArg, in, enc)
				cryptCLI(t, "decrypt", "--key", keyArg, enc, dec)
				want := readMedia(t, in)
				checkRoundTrip(t, scheme, want, readMedia(t, enc), readMedia(t, dec))
				if ffmpeg != "" {
					checkFFmpegDecrypts(t, ffmpeg, enc, want)
				}
				if shaka == "" {
					return
				}
				if scheme == "cbcs" && want.byHandler("vide") != nil && want.byHandler("soun") != nil {
					// Shaka Packager keeps one decryptor per KID, made with
					// the pattern of the first track that uses it, and so
					// decrypts cbcs audio (0:0) with the video's 1:9 when
					// both tracks share a KID. Give each track its own key;
					// mp4pkg decrypt takes both.
					enc2, dec2 := filepath.Join(tmp, "enc2.mp4"), filepath.Join(tmp, "dec2.mp4")
					cryptCLI(t, "encrypt", "--scheme", scheme, "--key", "video="+keyArg2, "--key", "audio="+keyArg, in, enc2)
					cryptCLI(t, "decrypt", "--key", keyArg, "--key", keyArg2, enc2, dec2)
					checkClear(t, "decrypted with two keys", readMedia(t, dec2), want)
					checkShakaDecrypts(t, shaka, enc2, want, keyArg2, keyArg)
					return
				}
				checkShakaDecrypts(t, shaka, enc, want, keyArg)
			})
		}
	}

	// A lone media segment of mp4pkg package's output, with its init
	// segment: encrypted and decrypted with --init and --init-out.
	t.Run("lone_segment", func(t *testing.T) {
		t.Parallel()
		tmp := t.TempDir()
		pkg := filepath.Join(tmp, "pkg")
		cryptCLI(t, "package", "--quiet", "--segment-duration", "2s", "-o", pkg, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
		for _, rep := range []string{"video-360p", "audio"} {
			for _, seg := range []string{"seg-00001.m4s", "seg-00002.m4s"} {
				for _, scheme := range []string{"cbcs", "cenc"} {
					what := rep + "/" + seg + "/" + scheme
					init, in := filepath.Join(pkg, rep, "init.mp4"), filepath.Join(pkg, rep, seg)
					p := func(n string) string { return filepath.Join(tmp, strings.ReplaceAll(what, "/", "-")+"-"+n) }
					cryptCLI(t, "encrypt", "--scheme", scheme, "--key", keyArg, "--init", init, "--init-out", p("enc-init.mp4"), in, p("enc.m4s"))
					cryptCLI(t, "decrypt", "--key", keyArg, "--init", p("enc-init.mp4"), "--init-out", p("dec-init.mp4"), p("enc.m4s"), p("dec.m4s"))
					want := readMedia(t, init, in)
					enc := readMedia(t, p("enc-init.mp4"), p("enc.m4s"))
					got := readMedia(t, p("dec-init.mp4"), p("dec.m4s"))
					t.Run(strings.ReplaceAll(what, "/", "_"), func(t *testing.T) {
						checkRoundTrip(t, scheme, want, enc, got)
						if ffmpeg != "" {
							joined := filepath.Join(tmp, strings.ReplaceAll(what, "/", "-")+"-joined.mp4")
							writeJoined(t, joined, p("enc-init.mp4"), p("enc.m4s"))
							checkFFmpegDecrypts(t, ffmpeg, joined, want)
						}
					})
				}
			}
		}
	})
}

func writeJoined(t testing.TB, out string, parts ...string) {
	t.Helper()
	if err := os.WriteFile(out, joinFiles(t, parts...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkRoundTrip checks the encrypted and the decrypted form of want.
func checkRoundTrip(t *testing.T, scheme string, want, enc, dec *media) {
	t.Helper()
	checkClear(t, "decrypted", dec, want)
	for _, w := range want.tracks {
		if g := dec.byID(w.id); g != nil {
			if d := sameTiming(g, w); d != "" {
				t.Errorf("decrypted track %d: %s", w.id, d)
			}
			if g.entry != w.entry {
				t.Errorf("decrypted track %d: sample entry %s, want %s", w.id, g.entry, w.entry)
			}
			if gm, wm := g.meta(), w.meta(); !reflect.DeepEqual(gm, wm) {
				t.Errorf("decrypted track %d: %+v, want %+v", w.id, gm, wm)
			}
		}
		e := enc.byID(w.id)
		if e == nil {
			t.Errorf("encrypted: track %d missing", w.id)
			continue
		}
		if e.enc == nil || e.enc.Scheme != scheme || e.enc.KID != cryptKID || e.enc.OriginalFormat != w.entry {
			t.Errorf("encrypted track %d: protection %+v, want %s with KID %s over %s", w.id, e.enc, scheme, cryptKID, w.entry)
		}
		if em, wm := e.meta(), w.meta(); !reflect.DeepEqual(em, wm) {
			t.Errorf("encrypted track %d: %+v, want %+v", w.id, em, wm)
		}
		if len(e.data) != len(w.data) {
			t.Errorf("encrypted track %d: %d samples, want %d", w.id, len(e.data), len(w.data))
			continue
		}
		if d := sameTiming(e, w); d != "" {
			t.Errorf("encrypted track %d: %s", w.id, d)
		}
		changed := 0
		var unchanged []int // video samples big enough to hold an encrypted block
		for i := range e.data {
			if len(e.data[i]) != len(w.data[i]) {
				t.Errorf("encrypted track %d sample %d: %d bytes, want %d (encryption keeps sizes)", w.id, i+1, len(e.data[i]), len(w.data[i]))
				break
			}
			if !bytes.Equal(e.data[i], w.data[i]) {
				changed++
			} else if w.handler == "vide" && len(w.data[i]) >= 48 {
				unchanged = append(unchanged, i+1)
			}
		}
		// Every video sample of 48 bytes or more has a slice (or tile)
		// with a whole block to encrypt in these files; smaller ones (AV1
		// show-existing-frame headers, 3 bytes) stay clear.
		if w.handler == "vide" && (len(unchanged) > 0 || changed == 0) {
			t.Errorf("encrypted track %d (%s): %d of %d samples differ from the clear ones; unchanged: %v", w.id, w.entry, changed, len(w.data), unchanged[:min(10, len(unchanged))])
		}
		if w.handler == "soun" && changed == 0 {
			t.Errorf("encrypted track %d (%s): no sample differs from the clear ones", w.id, w.entry)
		}
	}
}

// ffmpegDecryptHashes has ffmpeg decrypt path with the test key and
// returns the packet hashes (framemd5 column 6) of the stream map selects
// (0:v:0, 0:a:0). ffmpeg reads the file through a pipe: ffmpeg 5.1
// mis-decrypts several fragments of a file without sidx when it can seek
// (design/cenc.md).
func ffmpegDecryptHashes(t testing.TB, bin, path, stream string) ([]string, error) {
	t.Helper()
	args := []string{"-v", "error", "-decryption_key", cryptKey, "-ignore_editlist", "1", "-i", "pipe:", "-map", stream, "-c", "copy", "-f", "framemd5", "-"}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(readBytes(t, path))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		return nil, fmt.Errorf("ffmpeg %s says %q", strings.Join(args, " "), s)
	}
	var hashes []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(line, ","); len(f) >= 6 && !strings.HasPrefix(line, "#") {
			hashes = append(hashes, strings.TrimSpace(f[5]))
		}
	}
	return hashes, nil
}

// checkFFmpegDecrypts decrypts enc with ffmpeg and compares each stream's
// packet hashes with the MD5 of want's samples.
func checkFFmpegDecrypts(t *testing.T, ffmpeg, enc string, want *media) {
	t.Helper()
	for _, k := range []struct{ handler, stream string }{{"vide", "0:v:0"}, {"soun", "0:a:0"}} {
		w := want.byHandler(k.handler)
		if w == nil {
			continue
		}
		var clear []string
		for _, d := range w.data {
			h := md5.Sum(d)
			clear = append(clear, hex.EncodeToString(h[:]))
		}
		got, err := ffmpegDecryptHashes(t, ffmpeg, enc, k.stream)
		if err != nil {
			t.Errorf("ffmpeg decryption: %v", err)
			continue
		}
		if strings.Join(got, " ") != strings.Join(clear, " ") {
			t.Errorf("ffmpeg decryption of %s (%s): %d packets, %d differ from the clear input's %d", k.stream, w.entry, len(got), hashDiffs(got, clear), len(clear))
		}
	}
}

func hashDiffs(a, b []string) int {
	n := max(len(a), len(b)) - min(len(a), len(b))
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// checkShakaDecrypts decrypts each stream of enc with Shaka Packager's
// raw-key decryption and compares the samples with want's.
func checkShakaDecrypts(t *testing.T, shaka, enc string, want *media, keys ...string) {
	t.Helper()
	src := withoutEdts(t, enc)
	var shakaKeys []string
	for i, k := range keys {
		kid, key, _ := strings.Cut(k, ":")
		shakaKeys = append(shakaKeys, fmt.Sprintf("label=k%d:key_id=%s:key=%s", i, kid, key))
	}
	for _, stream := range []string{"video", "audio"} {
		w := want.byHandler(handlerOf(stream))
		if w == nil {
			continue
		}
		out := filepath.Join(t.TempDir(), stream+".mp4")
		args := []string{fmt.Sprintf("in=%s,stream=%s,output=%s", src, stream, out),
			"--enable_raw_key_decryption", "--keys", strings.Join(shakaKeys, ",")}
		if b, err := exec.Command(shaka, args...).CombinedOutput(); err != nil {
			t.Errorf("Shaka decryption of %s: %v\n%s", stream, err, b)
			continue
		}
		got := readMedia(t, out)
		if len(got.tracks) != 1 {
			t.Errorf("Shaka decryption of %s: %d tracks", stream, len(got.tracks))
			continue
		}
		if d := sameSamples(got.tracks[0], w); d != "" {
			t.Errorf("Shaka decryption of %s (%s): %s", stream, w.entry, d)
		}
	}
}

// withoutEdts returns a copy of path whose edts boxes are renamed free:
// Shaka Packager applies edit lists and then refuses negative presentation
// times (B-frame delay); the samples are the same without them.
func withoutEdts(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	boxes := findBoxes(data, "moov/trak/edts")
	if len(boxes) == 0 {
		return path
	}
	for _, b := range boxes {
		copy(data[b.off+4:], "free")
	}
	out := filepath.Join(t.TempDir(), "noedts.mp4")
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// box is a box found by findBoxes: its offset and size in the file.
type box struct{ off, size int }

// findBoxes returns the boxes at a slash-separated path of box types
// ("moof/traf/senc"), walking 32-bit-sized boxes only.
func findBoxes(data []byte, path string) []box {
	var out []box
	var walk func(start, end int, want []string)
	walk = func(start, end int, want []string) {
		for off := start; off+8 <= end; {
			size := int(binary.BigEndian.Uint32(data[off:]))
			if size < 8 || off+size > end {
				return
			}
			if string(data[off+4:off+8]) == want[0] {
				if len(want) == 1 {
					out = append(out, box{off, size})
				} else {
					walk(off+8, off+size, want[1:])
				}
			}
			off += size
		}
	}
	walk(0, len(data), strings.Split(path, "/"))
	return out
}

// TestCryptErrors gives encrypt and decrypt bad calls and bad inputs: each
// must exit with the right code and a one-line message, leave no output
// (nor a temporary file) behind, and never show the key.
func TestCryptErrors(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	clear := filepath.Join(td, "avc_aac.mp4")
	iamf := filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata", "iamf.mp4")
	fixtures := t.TempDir()
	encCbcs := filepath.Join(fixtures, "cbcs.mp4")
	encCenc := filepath.Join(fixtures, "cenc.mp4")
	cryptCLI(t, "encrypt", "--scheme", "cbcs", "--key", keyArg, clear, encCbcs)
	cryptCLI(t, "encrypt", "--scheme", "cenc", "--key", keyArg, clear, encCenc)
	badKeyFile := filepath.Join(fixtures, "keys.txt")
	if err := os.WriteFile(badKeyFile, []byte(cryptKID+":"+cryptKey[:30]+"zz\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "76a6c65c5ea762046bd749a2e632cc" // the key's first 30 digits

	type errCase struct {
		name string
		args []string // OUT is appended
		code int
		want string // in the message
	}
	cases := []errCase{
		{"encrypt without --scheme", []string{"encrypt", "--key", keyArg, clear}, 2, "--scheme"},
		{"encrypt with an unknown scheme", []string{"encrypt", "--scheme", "aes", "--key", keyArg, clear}, 2, "cbcs or cenc"},
		{"encrypt without key", []string{"encrypt", "--scheme", "cbcs", clear}, 2, "--key"},
		{"encrypt with a non-hex key", []string{"encrypt", "--scheme", "cbcs", "--key", cryptKID + ":" + secret + "zz", clear}, 2, "malformed key"},
		{"encrypt with a short key", []string{"encrypt", "--scheme", "cbcs", "--key", cryptKID + ":" + secret, clear}, 2, "malformed key"},
		{"encrypt with a key and no KID", []string{"encrypt", "--scheme", "cenc", "--key", secret + "bb", clear}, 2, "malformed key"},
		{"encrypt with a bad key file", []string{"encrypt", "--scheme", "cenc", "--key-file", badKeyFile, clear}, 2, "--key-file"},
		{"encrypt with a bad IV", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, "--iv", "0011", clear}, 2, "--iv"},
		{"encrypt with an unknown DRM", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, "--drm", "foo", clear}, 2, "foo"},
		{"decrypt with a malformed key", []string{"decrypt", "--key", cryptKID + "-" + secret + "bb", encCbcs}, 2, "malformed key"},
		{"decrypt with a bad key file", []string{"decrypt", "--key-file", badKeyFile, encCbcs}, 2, "--key-file"},
		{"decrypt without key", []string{"decrypt", encCbcs}, 2, "--key"},
		{"decrypt with the wrong KID", []string{"decrypt", "--key", "00112233445566778899aabbccddeeff:" + cryptKey, encCenc}, 1, cryptKID},
		{"encrypt an encrypted file", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, encCbcs}, 1, "encrypted"},
		{"--init-out without --init", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, "--init-out", filepath.Join(fixtures, "never-init.mp4"), clear}, 2, "--init"},
		{"decrypt --init-out without --init", []string{"decrypt", "--key", keyArg, "--init-out", filepath.Join(fixtures, "never-init.mp4"), encCbcs}, 2, "--init"},
		{"unsupported codec", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, iamf}, 1, "iamf"},
		{"missing input", []string{"decrypt", "--key", keyArg, filepath.Join(fixtures, "nope.mp4")}, 1, "no such file"},
		{"zero fragment duration", []string{"encrypt", "--scheme", "cbcs", "--key", keyArg, "--fragment-duration", "0s", clear}, 2, "--fragment-duration"},
		{"one argument", []string{"decrypt", "--key", keyArg}, 2, ""},
	}

	// Truncated encrypted files: cut inside boxes (a cut at a box
	// boundary may leave a valid shorter file).
	for _, src := range []string{encCbcs, encCenc} {
		data := readBytes(t, src)
		for _, cut := range truncationPoints(data) {
			p := filepath.Join(fixtures, fmt.Sprintf("%s-cut%d.mp4", strings.TrimSuffix(filepath.Base(src), ".mp4"), cut))
			if err := os.WriteFile(p, data[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, errCase{fmt.Sprintf("decrypt %s cut at %d of %d", filepath.Base(src), cut, len(data)), []string{"decrypt", "--key", keyArg, p}, 1, ""})
		}
	}
	// A clear input cut short, to encrypt.
	data := readBytes(t, clear)
	for _, cut := range truncationPoints(data) {
		p := filepath.Join(fixtures, fmt.Sprintf("clear-cut%d.mp4", cut))
		if err := os.WriteFile(p, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, errCase{fmt.Sprintf("encrypt avc_aac.mp4 cut at %d of %d", cut, len(data)), []string{"encrypt", "--scheme", "cenc", "--key", keyArg, p}, 1, ""})
	}

	// A clear input whose video sample 140 (of 150, in the last fragment)
	// has a NAL length past its end: encrypt fails after writing the
	// earlier fragments, and OUT must not appear.
	brokenNAL := writeBrokenNAL(t, clear, filepath.Join(fixtures, "broken-nal.mp4"))
	for _, scheme := range []string{"cbcs", "cenc"} {
		cases = append(cases, errCase{"encrypt with a broken NAL length in sample 140 (" + scheme + ")", []string{"encrypt", "--scheme", scheme, "--key", keyArg, brokenNAL}, 1, "sample 140"})
	}

	// senc boxes whose first sample's subsample count is wrong.
	for _, src := range []string{encCbcs, encCenc} {
		data := readBytes(t, src)
		f, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		ivSize := f.Tracks[0].Encryption.PerSampleIVSize
		sencs := findBoxes(data, "moof/traf/senc")
		if len(sencs) == 0 {
			t.Fatalf("%s: no senc", src)
		}
		s := sencs[0] // the first fragment's video track
		if flags := binary.BigEndian.Uint32(data[s.off+8:]) & 0xffffff; flags&2 == 0 {
			t.Fatalf("%s: first senc has flags %#x, want subsamples", src, flags)
		}
		at := s.off + 16 + ivSize
		n := binary.BigEndian.Uint16(data[at:])
		for _, bad := range []uint16{0xffff, n + 1, 1000} {
			c := bytes.Clone(data)
			binary.BigEndian.PutUint16(c[at:], bad)
			p := filepath.Join(fixtures, fmt.Sprintf("%s-subsamples%d.mp4", strings.TrimSuffix(filepath.Base(src), ".mp4"), bad))
			if err := os.WriteFile(p, c, 0o644); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, errCase{fmt.Sprintf("decrypt %s with subsample count %d (not %d)", filepath.Base(src), bad, n), []string{"decrypt", "--key", keyArg, p}, 1, ""})
		}
	}

	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := filepath.Join(dir, "out.mp4")
			code, stdout, errs := runCLI(t, nil, append(c.args, out)...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errs)
			}
			if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "mp4pkg: ") {
				t.Errorf("stderr is not one line: %q", errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q lacks %q", errs, c.want)
			}
			for _, bad := range []string{"internal error", "panic", "goroutine", secret} {
				if strings.Contains(errs, bad) {
					t.Errorf("stderr shows %q: %q", bad, errs)
				}
			}
			if stdout != "" && code == 2 {
				t.Errorf("stdout not empty: %.100q", stdout)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("left behind in OUT's folder: %s", strings.Join(names, ", "))
			}
			if _, err := os.Stat(filepath.Join(fixtures, "never-init.mp4")); err == nil {
				t.Errorf("--init-out file was written")
			}
		})
	}

	// OUT "-" writes the same bytes to stdout as to a file; IN "-" reads
	// stdin.
	t.Run("stdout", func(t *testing.T) {
		t.Parallel()
		tmp := t.TempDir()
		for _, scheme := range []string{"cbcs", "cenc"} {
			enc := filepath.Join(tmp, scheme+".mp4")
			iv := cryptIV
			if scheme == "cenc" {
				iv = cryptIV[:16] // cenc IVs are 8 bytes
			}
			args := []string{"encrypt", "--scheme", scheme, "--key", keyArg, "--iv", iv, clear}
			cryptCLI(t, append(args, enc)...)
			code, stdout, errs := runCLI(t, nil, append(args, "-")...)
			if code != 0 || errs != "" {
				t.Fatalf("encrypt to stdout: exit %d %q", code, errs)
			}
			if file := readBytes(t, enc); !bytes.Equal([]byte(stdout), file) {
				t.Errorf("%s: stdout (%d bytes) differs from the file (%d bytes) at %d", scheme, len(stdout), len(file), firstDiffAt([]byte(stdout), file))
			}
			dec := filepath.Join(tmp, scheme+"-dec.mp4")
			cryptCLI(t, "decrypt", "--key", keyArg, enc, dec)
			code, stdout, errs = runCLI(t, nil, "decrypt", "--key", keyArg, enc, "-")
			if code != 0 || errs != "" {
				t.Fatalf("decrypt to stdout: exit %d %q", code, errs)
			}
			if file := readBytes(t, dec); !bytes.Equal([]byte(stdout), file) {
				t.Errorf("%s decrypt: stdout (%d bytes) differs from the file (%d bytes)", scheme, len(stdout), len(file))
			}
			code, stdout, errs = runCLI(t, readBytes(t, enc), "decrypt", "--key", keyArg, "-", "-")
			if code != 0 || errs != "" {
				t.Fatalf("decrypt stdin to stdout: exit %d %q", code, errs)
			}
			if file := readBytes(t, dec); !bytes.Equal([]byte(stdout), file) {
				t.Errorf("%s decrypt from stdin: stdout (%d bytes) differs from the file (%d bytes)", scheme, len(stdout), len(file))
			}
			checkClear(t, scheme+" decrypted to stdout", parseMedia(t, "stdout", []byte(stdout)), readMedia(t, clear))
		}
	})
}

// writeBrokenNAL writes a copy of the clear file in whose video sample 140
// the first NAL length runs past the sample, and returns out.
func writeBrokenNAL(t testing.TB, in, out string) string {
	t.Helper()
	data := readBytes(t, in)
	v := parseMedia(t, in, data).byHandler("vide")
	if v == nil || len(v.samples) < 140 {
		t.Fatalf("%s: no video track of 140 samples", in)
	}
	binary.BigEndian.PutUint32(data[v.samples[139].Offset:], 0x7fffffff)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCryptRegressions pins bugs found in the encrypt and decrypt commands
// (fixed in 425865f).
func TestCryptRegressions(t *testing.T) {
	clear := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	// OUT "-" used to get the fragments made before a failure.
	t.Run("nothing_on_stdout_after_a_failure", func(t *testing.T) {
		broken := writeBrokenNAL(t, clear, filepath.Join(t.TempDir(), "broken.mp4"))
		code, stdout, errs := runCLI(t, nil, "encrypt", "--scheme", "cbcs", "--key", keyArg, broken, "-")
		if code != 1 || len(stdout) != 0 {
			t.Errorf("exit %d with %d bytes on stdout (%q), want exit 1 and nothing on stdout", code, len(stdout), errs)
		}
	})
	// encrypt's messages used to name package's --encrypt.
	t.Run("encrypt_names_scheme", func(t *testing.T) {
		for _, args := range [][]string{{"--scheme", "aes", "--key", keyArg}, {"--scheme", "cbcs"}} {
			code, _, errs := runCLI(t, nil, append(append([]string{"encrypt"}, args...), clear, filepath.Join(t.TempDir(), "out.mp4"))...)
			if code != 2 || strings.Contains(errs, "--encrypt") || !strings.Contains(errs, "--scheme") {
				t.Errorf("%v: exit %d %q, want 2 and a message naming --scheme (not package's --encrypt)", args, code, errs)
			}
		}
	})
	// --init-out naming OUT used to leave OUT holding the init segment alone.
	t.Run("init_out_is_out", func(t *testing.T) {
		tmp := t.TempDir()
		pkg := filepath.Join(tmp, "pkg")
		cryptCLI(t, "package", "--quiet", "--segment-duration", "2s", "-o", pkg, clear)
		same := filepath.Join(tmp, "same.mp4")
		code, _, errs := runCLI(t, nil, "encrypt", "--scheme", "cbcs", "--key", keyArg, "--init", filepath.Join(pkg, "audio", "init.mp4"), "--init-out", same,
			filepath.Join(pkg, "audio", "seg-00001.m4s"), same)
		if _, err := os.Stat(same); code != 2 || err == nil {
			t.Errorf("--init-out equal to OUT: exit %d (%q), OUT exists: %v; want exit 2 and no OUT", code, errs, err == nil)
		}
	})
	// A second --key without a track used to be silently unused.
	t.Run("two_keys_without_a_track", func(t *testing.T) {
		code, _, errs := runCLI(t, nil, "encrypt", "--scheme", "cbcs", "--key", keyArg, "--key", keyArg2, clear, filepath.Join(t.TempDir(), "out.mp4"))
		if code != 2 || strings.Contains(errs, cryptKey) || strings.Contains(errs, keyArg2[33:]) {
			t.Errorf("two --key without a track: exit %d (%q), want 2 without the keys", code, errs)
		}
	})
}

// TestCryptFixedIssues pins bugs found by these tests and fixed since:
// one KID given two keys (decrypt and encrypt refuse it), and errors in a
// sample entry naming the box's real offset.
func TestCryptFixedIssues(t *testing.T) {
	t.Run("decrypt_two_keys_for_one_KID", func(t *testing.T) {
		tmp := t.TempDir()
		enc := filepath.Join(tmp, "enc.mp4")
		cryptCLI(t, "encrypt", "--scheme", "cbcs", "--key", keyArg, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"), enc)
		other := cryptKID + ":" + strings.Repeat("0", 32)
		code, _, errs := runCLI(t, nil, "decrypt", "--key", other, "--key", keyArg, enc, filepath.Join(tmp, "out.mp4"))
		if code != 2 {
			t.Errorf("two keys for KID %s: exit %d (%q), want 2", cryptKID, code, errs)
		}
	})
	t.Run("sample_entry_error_offset", func(t *testing.T) {
		tmp := t.TempDir()
		enc := filepath.Join(tmp, "enc.mp4")
		cryptCLI(t, "encrypt", "--scheme", "cenc", "--key", keyArg, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"), enc)
		data := readBytes(t, enc)
		schm := findBoxes(data, "moov/trak/mdia/minf/stbl/stsd")
		at := bytes.Index(data[schm[0].off:], []byte("schm")) + schm[0].off
		copy(data[at+8:], "cens")
		bad := filepath.Join(tmp, "cens.mp4")
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, nil, "decrypt", "--key", keyArg, bad, filepath.Join(tmp, "out.mp4"))
		if want := fmt.Sprintf("at %#x", at-4); code != 1 || !strings.Contains(errs, want) {
			t.Errorf("exit %d %q, want 1 and the schm box's offset (%s)", code, errs, want)
		}
	})
	t.Run("encrypt_two_keys_for_one_KID", func(t *testing.T) {
		other := "audio=" + cryptKID + ":" + strings.Repeat("0", 32)
		code, _, errs := runCLI(t, nil, "encrypt", "--scheme", "cbcs", "--key", "video="+keyArg, "--key", other,
			filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"), filepath.Join(t.TempDir(), "out.mp4"))
		if code != 2 {
			t.Errorf("one KID with two keys: exit %d (%q), want 2", code, errs)
		}
	})
}

func readBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// truncationPoints returns offsets inside data's boxes at which to cut it:
// the first bytes, inside moov, inside the first moof (its senc too), inside
// the first and the last mdat, one byte short of the end.
func truncationPoints(data []byte) []int {
	var top []box
	for off := 0; off+8 <= len(data); {
		size := int(binary.BigEndian.Uint32(data[off:]))
		if size < 8 {
			break
		}
		top = append(top, box{off, size})
		off += size
	}
	boundary := map[int]bool{}
	for _, b := range top {
		boundary[b.off] = true
		boundary[b.off+b.size] = true
	}
	pts := []int{1, 7, 12}
	for _, typ := range []string{"moov", "moof", "mdat"} {
		var found []box
		for _, b := range top {
			if string(data[b.off+4:b.off+8]) == typ {
				found = append(found, b)
			}
		}
		if len(found) == 0 {
			continue
		}
		for _, b := range []box{found[0], found[len(found)-1]} {
			pts = append(pts, b.off+4, b.off+b.size/2, b.off+b.size-1)
		}
	}
	for _, s := range findBoxes(data, "moof/traf/senc")[:min(1, len(findBoxes(data, "moof/traf/senc")))] {
		pts = append(pts, s.off+s.size/2)
	}
	pts = append(pts, len(data)-1)
	var out []int
	seen := map[int]bool{}
	for _, p := range pts {
		if p > 0 && p < len(data) && !boundary[p] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
