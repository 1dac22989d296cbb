package cmaf_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Example packages a file as CMAF segments with DASH and HLS manifests, as
// a Go service would without the CLI.
func Example() {
	inputs, err := cmaf.OpenInputs(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() {
		for _, in := range inputs {
			in.Close()
		}
	}()
	dir, _ := os.MkdirTemp("", "mp4pkg-example-")
	defer os.RemoveAll(dir)

	out := cmaf.DirOutput(dir)
	res, err := cmaf.Package(context.Background(), out, inputs, cmaf.Options{SegmentDuration: 2 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := cmaf.WriteManifests(out, res, true, true); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Presentation.Representations {
		fmt.Println(r.ID, r.Codec, len(r.Segments), "segments")
	}
	fmt.Println(res.Files[0], res.Files[len(res.Files)-1])
	// Output:
	// video-360p avc1.64001e 3 segments
	// audio mp4a.40.2 3 segments
	// video-360p/init.mp4 audio/playlist.m3u8
}

// Example_encrypted packages a file encrypted with cbcs for ClearKey and
// Widevine players: the MPD gets ContentProtection, the playlists
// EXT-X-KEY, the init segments pssh boxes.
func Example_encrypted() {
	inputs, err := cmaf.OpenInputs(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inputs[0].Close()
	dir, _ := os.MkdirTemp("", "mp4pkg-example-")
	defer os.RemoveAll(dir)

	spec, err := cenc.ParseKeySpec("a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb")
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, _ := cenc.ParseIV("9a5c2d3e4f60718293a4b5c6d7e8f901")
	enc := &cmaf.Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{spec}, IV: iv,
		DRM: []cenc.DRM{cenc.ClearKey, cenc.Widevine}}
	out := cmaf.DirOutput(dir)
	res, err := cmaf.Package(context.Background(), out, inputs, cmaf.Options{SegmentDuration: 2 * time.Second, Encryption: enc})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := cmaf.WriteManifests(out, res, true, true); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Presentation.Representations {
		fmt.Println(r.ID, r.Encryption.Scheme, r.Encryption.KID, len(r.Encryption.PSSH), "pssh")
	}
	// Output:
	// video-360p cbcs a7e61c373e219033c21091fa607bf3b8 2 pssh
	// audio cbcs a7e61c373e219033c21091fa607bf3b8 2 pssh
}

// ExampleDecryptFile encrypts a progressive file (150 video and 283 audio
// samples) into one fragmented file and decrypts it back.
func ExampleDecryptFile() {
	name := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	inputs, err := cmaf.OpenInputs(name)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inputs[0].Close()
	spec, _ := cenc.ParseKeySpec("a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb")
	var encrypted, clear bytes.Buffer
	err = cmaf.EncryptFile(context.Background(), &encrypted, inputs[0], &cmaf.Encryption{Scheme: cenc.CENC, Keys: []cenc.KeySpec{spec}}, cmaf.FileOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := isobmff.Open(bytes.NewReader(encrypted.Bytes()), int64(encrypted.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range f.Tracks {
		fmt.Println("encrypted:", t.SampleEntry, t.Encryption.Scheme, t.Encryption.KID)
	}
	in := cmaf.NewInput("encrypted", f, bytes.NewReader(encrypted.Bytes()), nil)
	if err := cmaf.DecryptFile(context.Background(), &clear, in, []cenc.KeySpec{spec}, cmaf.FileOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	g, err := isobmff.Open(bytes.NewReader(clear.Bytes()), int64(clear.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range g.Tracks {
		fmt.Println("decrypted:", t.SampleEntry, t.SampleCount, "samples")
	}
	// Output:
	// encrypted: encv cenc a7e61c373e219033c21091fa607bf3b8
	// encrypted: enca cenc a7e61c373e219033c21091fa607bf3b8
	// decrypted: avc1 150 samples
	// decrypted: mp4a 283 samples
}
