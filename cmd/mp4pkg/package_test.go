package main

import (
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
		{"encryption not built", []string{"package", "-o", filepath.Join(base, "x"), "--encrypt", "cbcs", good}, 1, "not available"},
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
