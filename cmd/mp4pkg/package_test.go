package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

func TestPackageCommand(t *testing.T) {
	td := filepath.Join(testmedia.RepoRoot(), "testdata")
	good := filepath.Join(td, "avc_aac.mp4")
	base := t.TempDir()
	out := filepath.Join(base, "out")
	code, _, errs := runCLI(t, nil, "package", "-o", out, good)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(errs, "packaged 2 tracks (video-360p, audio) into ") {
		t.Errorf("summary line: %q", errs)
	}
	for _, name := range []string{"manifest.mpd", "master.m3u8", "video-360p/init.mp4", "video-360p/seg-00001.m4s",
		"video-360p/playlist.m3u8", "video-360p/iframes.m3u8", "audio/init.mp4", "audio/playlist.m3u8"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	// A second run refuses the non-empty folder, --force replaces it.
	if code, _, errs := runCLI(t, nil, "package", "-o", out, good); code != 1 || !strings.Contains(errs, "not empty (use --force") {
		t.Errorf("second run: exit %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, nil, "package", "--quiet", "--force", "--layout", "single-file", "-o", out, good); code != 0 || errs != "" {
		t.Errorf("--force --quiet: exit %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "video-360p.mp4")); err != nil {
		t.Errorf("single-file output missing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "video-360p", "init.mp4")); err == nil {
		t.Errorf("--force left the old output behind")
	}

	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no input", []string{"package", "-o", filepath.Join(base, "x")}, 2, "needs at least 1 argument"},
		{"no out", []string{"package", good}, 2, "--out (-o) is required"},
		{"bad layout", []string{"package", "-o", filepath.Join(base, "x"), "--layout", "flat", good}, 2, "--layout must be"},
		{"bad duration", []string{"package", "-o", filepath.Join(base, "x"), "--segment-duration", "4", good}, 2, "invalid argument"},
		{"missing input", []string{"package", "-o", filepath.Join(base, "x"), filepath.Join(td, "nope.mp4")}, 1, "no such file"},
		{"misaligned renditions", []string{"package", "-o", filepath.Join(base, "x"), "--segment-duration", "2s",
			filepath.Join(td, "rend_360p.mp4"), filepath.Join(td, "rend_180p_gop40.mp4")}, 1, "no sync sample at 2.000s"},
		{"encryption without a key", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cbcs", good}, 2, "--encrypt needs --key"},
		{"key without --encrypt", []string{"package", "-o", filepath.Join(base, "x"), "--key", "a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb", good}, 2, "need --encrypt"},
		{"bad scheme", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cens", "--key", "a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb", good}, 2, "cbcs or cenc"},
		{"malformed key", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cbcs", "--key", "a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632cc", good}, 2, "--key #1"},
		{"bad drm", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cbcs", "--key", "a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb", "--drm", "marlin", good}, 2, "--drm"},
		{"key for no track", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cbcs", "--key", "subtitles=a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb", good}, 1, "names no track"},
		{"output holds the input", []string{"package", "--force", "-o", td, good}, 1, "holds the input"},
		{"output holds the current folder", []string{"package", "--force", "-o", ".", good}, 1, "holds the current folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, nil, c.args...)
			if code != c.code || !strings.Contains(errs, c.err) {
				t.Fatalf("exit %d %q, want %d with %q", code, errs, c.code, c.err)
			}
			if _, err := os.Stat(filepath.Join(base, "x")); err == nil {
				t.Errorf("a failed run left output behind")
			}
		})
	}
	// No temporary folders left behind by the failures.
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".mp4pkg-tmp-") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

// TestPackageEncrypted runs package --encrypt with a key file and every
// DRM: the manifests signal the scheme, the KID and each system (the cmaf
// tests decrypt such output with Shaka Packager and ffmpeg); the key
// itself is printed nowhere.
func TestPackageEncrypted(t *testing.T) {
	good := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	base := t.TempDir()
	keyFile := filepath.Join(base, "keys.txt")
	const key = "76a6c65c5ea762046bd749a2e632ccbb"
	if err := os.WriteFile(keyFile, []byte("# test key\na7e61c373e219033c21091fa607bf3b8:"+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "out")
	code, stdout, errs := runCLI(t, nil, "package", "-o", out, "--encrypt", "cbcs", "--key-file", keyFile,
		"--drm", "widevine,playready,fairplay,clearkey", good)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	mpd, _ := os.ReadFile(filepath.Join(out, "manifest.mpd"))
	media, _ := os.ReadFile(filepath.Join(out, "video-360p", "playlist.m3u8"))
	for _, want := range []string{`value="cbcs"`, `cenc:default_KID="a7e61c37-3e21-9033-c210-91fa607bf3b8"`,
		"urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", "urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95", "urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"} {
		if !strings.Contains(string(mpd), want) {
			t.Errorf("MPD lacks %s", want)
		}
	}
	for _, want := range []string{"METHOD=SAMPLE-AES", `URI="skd://a7e61c373e219033c21091fa607bf3b8"`, `KEYFORMAT="com.apple.streamingkeydelivery"`} {
		if !strings.Contains(string(media), want) {
			t.Errorf("playlist lacks %s", want)
		}
	}
	var all []byte
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	k, _ := hex.DecodeString(key)
	for _, leak := range [][]byte{[]byte(key), []byte(strings.ToUpper(key)), k} {
		if bytes.Contains(all, leak) || strings.Contains(stdout+errs, string(leak)) {
			t.Errorf("the key appears in the output")
		}
	}
}
