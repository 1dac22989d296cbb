package playback

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf"
)

// The ClearKey key of every encrypted case (as in cmaf/example_test.go).
const (
	kidHex   = "a7e61c373e219033c21091fa607bf3b8"
	keyHex   = "76a6c65c5ea762046bd749a2e632ccbb"
	wrongKey = "00000000000000000000000000000000"
)

// source is an input made at test time: testdata/*.mp4 last 4–6 s, too short
// for "currentTime passes 5 s" with room to spare, so the suite encodes
// longer ones in the style of testdata/gen.sh (a few hundred KB each).
type source struct {
	name   string
	inputs []string // ffmpeg input arguments (-f lavfi -i …)
	codecs []string // ffmpeg output arguments
}

// mediaSeconds is the length of the made inputs: past 5 s of playback with a
// segment to spare.
const mediaSeconds = "8"

func lavfi(graph, size string) []string {
	return []string{"-f", "lavfi", "-i", strings.NewReplacer("SIZE", size, "SECONDS", mediaSeconds).Replace(graph)}
}

func sources() []source {
	const moving = "testsrc2=size=SIZE:rate=25:duration=SECONDS"
	const tone = "sine=frequency=440:sample_rate=48000:duration=SECONDS"
	// Fixed 2 s GOP without scene-cut key frames, so that renditions align.
	avc := []string{"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-b:v", "300k", "-bf", "3",
		"-g", "50", "-keyint_min", "50", "-x264-params", "scenecut=0"}
	aac := []string{"-c:a", "aac", "-b:a", "64k", "-ac", "2"}
	cat := func(parts ...[]string) []string {
		var all []string
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}
	return []source{
		{"avc_aac", cat(lavfi(moving, "640x360"), lavfi(tone, "")), cat(avc, aac)},
		{"av1", lavfi(moving, "320x180"), []string{"-c:v", "libsvtav1", "-preset", "12", "-b:v", "150k", "-g", "50", "-pix_fmt", "yuv420p"}},
		{"vp9_opus", cat(lavfi(moving, "320x180"), lavfi(strings.Replace(tone, "440", "660", 1), "")),
			[]string{"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "150k", "-g", "50", "-pix_fmt", "yuv420p",
				"-c:a", "libopus", "-b:a", "48k", "-ac", "2"}},
		// Renditions of one programme: two video sizes with aligned GOPs, and audio.
		{"rend_360p", lavfi(moving, "640x360"), avc},
		{"rend_180p", lavfi(moving, "320x180"), avc},
		{"rend_audio", lavfi(tone, ""), aac},
	}
}

// makeSources encodes every source into dir, in parallel, and returns the
// paths by name.
func makeSources(t *testing.T, ffmpeg, dir string) map[string]string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	for _, s := range sources() {
		out := filepath.Join(dir, s.name+".mp4")
		paths[s.name] = out
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, s.inputs...)
			args = append(append(args, s.codecs...), "-fflags", "+bitexact", "-map_metadata", "-1", "-movflags", "+faststart", out)
			if b, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("ffmpeg %s: %v\n%s", s.name, err, b))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("making the inputs (ffmpeg needs libx264, libsvtav1, libvpx, libopus):\n%s", strings.Join(errs, "\n"))
	}
	return paths
}

// pkgOptions is one packaging of a set of inputs.
type pkgOptions struct {
	layout string     // manifest.LayoutSegments or LayoutSingleFile
	scheme string     // "", "cbcs" or "cenc"
	drm    []cenc.DRM // nil: cmaf's default (clearkey)
	// identityKey adds the key itself as the HLS key URI (an identity
	// EXT-X-KEY with a data: URI), which only the library can ask for.
	identityKey bool
}

// packageTo packages inputs into dir with the mp4pkg library, as
// `mp4pkg package --segment-duration 2 [--layout L] [--encrypt S --key
// KID:KEY --drm D]` does, and writes the DASH and HLS manifests.
func packageTo(dir string, inputs []string, o pkgOptions) error {
	ins, err := cmaf.OpenInputs(inputs...)
	if err != nil {
		return err
	}
	defer func() {
		for _, in := range ins {
			in.Close()
		}
	}()
	opts := cmaf.Options{SegmentDuration: 2 * time.Second, Layout: o.layout}
	if o.scheme != "" {
		spec, err := cenc.ParseKeySpec(kidHex + ":" + keyHex)
		if err != nil {
			return err
		}
		opts.Encryption = &cmaf.Encryption{Scheme: cenc.Scheme(o.scheme), Keys: []cenc.KeySpec{spec}, DRM: o.drm}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	out := cmaf.DirOutput(dir)
	res, err := cmaf.Package(context.Background(), out, ins, opts)
	if err != nil {
		return err
	}
	if o.identityKey {
		key, _ := hex.DecodeString(keyHex)
		for _, r := range res.Presentation.Representations {
			r.Encryption.KeyURI = "data:text/plain;base64," + base64.StdEncoding.EncodeToString(key)
		}
	}
	return cmaf.WriteManifests(out, res, true, true)
}
