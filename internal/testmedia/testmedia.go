// Package testmedia finds the real media files that mp4pkg's tests run on
// (the ffmpeg-made files in testdata/ and the files mp4ff ships in its
// module) and the external tools that check results (ffmpeg, ffprobe, Shaka
// Packager). A test that needs a missing tool skips with a message that
// says how to install it.
package testmedia

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// RepoRoot returns the repository root (the folder holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Testdata returns the paths of the ffmpeg-made files testdata/*.mp4.
func Testdata(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(RepoRoot(), "testdata", "*.mp4"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.mp4 files (run bash testdata/gen.sh): %v", err)
	}
	sort.Strings(files)
	return files
}

var (
	mp4ffOnce sync.Once
	mp4ffDir  string
	mp4ffErr  error
)

// MP4ffDir returns the folder of the mp4ff module in the module cache.
func MP4ffDir(t testing.TB) string {
	t.Helper()
	mp4ffOnce.Do(func() {
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/Eyevinn/mp4ff")
		cmd.Dir = RepoRoot()
		out, err := cmd.Output()
		mp4ffDir, mp4ffErr = strings.TrimSpace(string(out)), err
		if err == nil && mp4ffDir == "" {
			mp4ffErr = os.ErrNotExist
		}
	})
	if mp4ffErr != nil {
		t.Skipf("mp4ff module folder not found (run go mod download): %v", mp4ffErr)
	}
	return mp4ffDir
}

// ModuleDir returns the folder of a module of the build (e.g.
// github.com/asticode/go-astisub) in the module cache, whose shipped test
// files are real media; it skips the test when the folder is missing.
func ModuleDir(t testing.TB, module string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = RepoRoot()
	out, err := cmd.Output()
	dir := strings.TrimSpace(string(out))
	if err == nil && dir == "" {
		err = os.ErrNotExist
	}
	if err != nil {
		t.Skipf("%s module folder not found (run go mod download): %v", module, err)
	}
	return dir
}

// MP4ffFiles returns the MP4 files mp4ff ships (progressive, fragmented,
// init and media segments, encrypted), by path relative to the module.
func MP4ffFiles(t testing.TB) []string {
	t.Helper()
	dir := MP4ffDir(t)
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".mp4", ".m4s", ".cmfv", ".cmfa", ".isma", ".ismv", ".ismt", ".m4v", ".m4a", ".m4i", ".mov":
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// Tool returns the path of an external program, or skips the test with a
// message saying how to install it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	hint := "apt-get install -y ffmpeg"
	if name == "packager" {
		hint = "npm pack shaka-packager@3.4.2 (see .ci/run), or set SHAKA_PACKAGER"
	}
	t.Skipf("%s not found: install it (%s) to run this check", name, hint)
	return ""
}

// ShakaPackager returns the path of Shaka Packager: $SHAKA_PACKAGER, or
// packager on PATH; it skips the test when neither exists.
func ShakaPackager(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SHAKA_PACKAGER"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return Tool(t, "packager")
}

// SmallFiles returns the contents of the testdata and mp4ff files of at
// most maxBytes: fuzz seeds.
func SmallFiles(t testing.TB, maxBytes int64) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range append(Testdata(t), MP4ffFiles(t)...) {
		if st, err := os.Stat(p); err != nil || st.Size() > maxBytes {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}
