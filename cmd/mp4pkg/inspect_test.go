package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// runCLI runs the command line and returns exit code, stdout and stderr.
func runCLI(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testmedia.Golden(t, filepath.Join(testmedia.RepoRoot(), "testdata", "golden", name), got, *update)
}

func TestInspectGolden(t *testing.T) {
	root := testmedia.RepoRoot() + string(filepath.Separator)
	for _, p := range testmedia.Testdata(t) {
		name := filepath.Base(p)
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errs := runCLI(t, nil, "inspect", "--format", format, p)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				out = strings.ReplaceAll(out, root, "")
				if format == "json" {
					var v map[string]any
					if err := json.Unmarshal([]byte(out), &v); err != nil {
						t.Fatalf("output is not JSON: %v", err)
					}
					for _, k := range []string{"file", "size", "boxes", "tracks"} {
						if _, ok := v[k]; !ok {
							t.Errorf("JSON lacks %q", k)
						}
					}
				}
				ext := map[string]string{"text": ".txt", "json": ".json"}[format]
				golden(t, filepath.Join("inspect", strings.TrimSuffix(name, ".mp4")+ext), []byte(out))
			})
		}
	}
}

// TestInspectFields applies a FieldMask read mask to the JSON output.
func TestInspectFields(t *testing.T) {
	good := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	code, out, errs := runCLI(t, nil, "inspect", "--fields", "tracks.codec,tracks.width,size", good)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	want := `{"size":298579,"tracks":[{"codec":"avc1.64001e","width":640},{"codec":"mp4a.40.2"}]}`
	if got, _ := json.Marshal(v); string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestInspectExitCodes(t *testing.T) {
	good := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "truncated.mp4")
	if err := os.WriteFile(bad, data[:3000], 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		stdin []byte
		args  []string
		code  int
		err   string
	}{
		{"ok", nil, []string{"inspect", good}, 0, ""},
		{"stdin", data, []string{"inspect", "--format", "json", "-"}, 0, ""},
		{"no file argument", nil, []string{"inspect"}, 2, "takes 1 argument"},
		{"bad format", nil, []string{"inspect", "--format", "xml", good}, 2, "--format must be text or json"},
		{"unknown flag", nil, []string{"inspect", "--bogus", good}, 2, "unknown flag"},
		{"unknown command", nil, []string{"bogus"}, 2, "unknown command"},
		{"missing file", nil, []string{"inspect", "/nonexistent.mp4"}, 1, "no such file"},
		{"truncated file", nil, []string{"inspect", bad}, 1, "moov at 0x20: malformed: box moov: size 5378 runs past the end of the file"},
		{"not an mp4", []byte("hello, world, this is text"), []string{"inspect", "-"}, 1, "malformed"},
		{"bad field mask", nil, []string{"inspect", "--fields", "tracks..codec", good}, 2, "empty segment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, c.stdin, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, c.code, errs)
			}
			if c.err != "" && !strings.Contains(errs, c.err) {
				t.Errorf("stderr %q lacks %q", errs, c.err)
			}
			if strings.Count(errs, "\n") > 1 || strings.Contains(errs, "goroutine") {
				t.Errorf("error must be one line without a stack trace: %q", errs)
			}
		})
	}
}
