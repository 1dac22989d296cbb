package cmaf

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// TestPerTrackKeys encrypts video and audio with keys of their own
// (TRACK=KID:KEY): each track's tenc, manifest KID and pssh name its own
// KID; ffmpeg decrypts each single file with that track's key alone to the
// clear packaging's packets; DecryptFile needs both keys and names the KID
// that is missing.
func TestPerTrackKeys(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	video, _ := cenc.ParseKeySpec("video=11112222333344445555666677778888:00112233445566778899aabbccddeeff")
	audio, _ := cenc.ParseKeySpec("audio=aaaabbbbccccddddeeeeffff00001111:ffeeddccbbaa99887766554433221100")
	opts := Options{SegmentDuration: 2 * time.Second, Layout: manifest.LayoutSingleFile,
		Encryption: &Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{video, audio}}}
	dir := t.TempDir()
	res := run(t, dir, opts, path)
	clearDir := t.TempDir()
	run(t, clearDir, Options{SegmentDuration: 2 * time.Second, Layout: manifest.LayoutSingleFile}, path)
	keyOf := map[string]cenc.KeySpec{"video-360p": video, "audio": audio}
	for _, rep := range res.Presentation.Representations {
		want := keyOf[rep.ID]
		if rep.Encryption == nil || rep.Encryption.KID != want.KID.Hex() {
			t.Fatalf("%s: encryption %+v, want KID %s", rep.ID, rep.Encryption, want.KID.Hex())
		}
		file := filepath.Join(dir, rep.FileURL)
		f, err := isobmff.OpenFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Tracks[0].Encryption.KID; got != want.KID.Hex() {
			t.Errorf("%s: tenc KID %s, want %s", rep.ID, got, want.KID.Hex())
		}
		// Our own decryption needs the track's key.
		in := NewInput(file, f, mustOpen(t, file), nil)
		other := video
		if rep.ID == "video-360p" {
			other = audio
		}
		err = DecryptFile(context.Background(), &bytes.Buffer{}, in, []cenc.KeySpec{other}, FileOptions{})
		if err == nil || !strings.Contains(err.Error(), want.KID.Hex()) {
			t.Errorf("%s decrypted with the other track's key: %v", rep.ID, err)
		}
		if err := DecryptFile(context.Background(), &bytes.Buffer{}, in, []cenc.KeySpec{video, audio}, FileOptions{}); err != nil {
			t.Errorf("%s with both keys: %v", rep.ID, err)
		}
		// ffmpeg with this track's key alone.
		ffmpeg, err := exec.LookPath("ffmpeg")
		if err != nil {
			continue
		}
		out, err := exec.Command(ffmpeg, "-v", "error", "-decryption_key", hex.EncodeToString(want.Key[:]), "-i", file, "-c", "copy", "-f", "framemd5", "-").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: ffmpeg: %v\n%s", rep.ID, err, out)
		}
		got := packetHashes(string(out))
		clear := ffmpegHashes(t, ffmpeg, filepath.Join(clearDir, rep.FileURL), "0", false)
		if !slices.Equal(got, clear) {
			t.Errorf("%s: ffmpeg with the track's key: %d packets, %d differ from the clear packaging's", rep.ID, len(got), diffCount(got, clear))
		}
	}
}

// packetHashes is column 6 of framemd5 lines.
func packetHashes(framemd5 string) []string {
	var hashes []string
	for _, line := range strings.Split(framemd5, "\n") {
		if f := strings.Split(line, ","); len(f) >= 6 && !strings.HasPrefix(line, "#") {
			hashes = append(hashes, strings.TrimSpace(f[5]))
		}
	}
	return hashes
}

func mustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	return fh
}
