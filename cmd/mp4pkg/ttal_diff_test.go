package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/ttal"
)

// TestTTALDiff edits a real script (one event retimed, one removed, one
// added) and checks what ttal diff reports in text and JSON, that equal
// scripts give no change, and the usage errors.
func TestTTALDiff(t *testing.T) {
	orig, s := exampleScript(t)
	s.Events[1].Start += 10
	added := s.Events[0]
	added.ID = "e9"
	s.Events = append(s.Events[:2], added)
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(t.TempDir(), "v2.ttal")
	if err := os.WriteFile(edited, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, nil, "ttal", "diff", orig, edited)
	want := "retimed e2: [3000, 3060) → [3010, 3060)\nadded e9\nremoved e3\n"
	if code != 0 || out != want {
		t.Errorf("diff: exit %d, stdout %q (stderr %q), want %q", code, out, errs, want)
	}
	code, out, _ = runCLI(t, nil, "ttal", "diff", "--format", "json", orig, edited)
	var changes []ttal.Change
	if err := json.Unmarshal([]byte(out), &changes); code != 0 || err != nil || len(changes) != 3 || changes[2].Kind != ttal.Removed {
		t.Errorf("diff --format json: exit %d, %v, %q", code, err, out)
	}
	if code, out, _ := runCLI(t, nil, "ttal", "diff", orig, orig); code != 0 || out != "" {
		t.Errorf("a script against itself: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, nil, "ttal", "diff", "--format", "json", orig, orig); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("a script against itself, json: exit %d, %q", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"ttal", "diff", orig}, 2, "takes 2 argument"},
		{[]string{"ttal", "diff", "--format", "xml", orig, orig}, 2, "--format"},
		{[]string{"ttal", "diff", orig, filepath.Join(t.TempDir(), "nope.ttal")}, 1, "no such file"},
	} {
		if code, _, errs := runCLI(t, nil, c.args...); code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d %q, want %d with %q", c.args, code, errs, c.code, c.err)
		}
	}
}

// TestTTALDiffDuplicateIDs pins the review finding that ttal diff, given a
// script with two events of the same id, compared only the last one and
// reported the others as removed: a duplicate id is now an error naming
// the file and both events.
func TestTTALDiffDuplicateIDs(t *testing.T) {
	orig, s := exampleScript(t)
	s.Events[1].ID = s.Events[0].ID
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(t.TempDir(), "dupid.ttal")
	if err := os.WriteFile(dup, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := dup + `: events[1]: id "e1" is already used by events[0]; diff matches events by id`
	for _, args := range [][]string{{orig, dup}, {dup, orig}, {"--format", "json", orig, dup}} {
		code, out, errs := runCLI(t, nil, append([]string{"ttal", "diff"}, args...)...)
		if code != 1 || out != "" || errs != "mp4pkg: "+want+"\n" {
			t.Errorf("diff %v: exit %d, stdout %q, stderr %q; want exit 1 and %q", args, code, out, errs, want)
		}
	}
}

func TestTTALDiffBothStdin(t *testing.T) {
	code, out, errb := runTTAL(t, "", "ttal", "diff", "-", "-")
	if code != 2 || out != "" || !strings.Contains(errb, "only one of OLD and NEW can be -") {
		t.Fatalf("code %d stdout %q stderr %q", code, out, errb)
	}
}

// exampleScript returns the path of ttal/testdata/example.ttal and the
// script it holds.
func exampleScript(t *testing.T) (string, *ttal.Script) {
	t.Helper()
	orig := filepath.Join(testmedia.RepoRoot(), "ttal", "testdata", "example.ttal")
	data, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ttal.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return orig, s
}
