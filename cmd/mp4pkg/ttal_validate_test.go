package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runTTAL runs the command line and returns exit code, stdout and stderr.
func runTTAL(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const ttalExample = "../../ttal/testdata/example.ttal"

// writeTemp writes data to a file in a test folder and returns its path.
func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTTALValidateClean(t *testing.T) {
	code, out, errb := runTTAL(t, "", "ttal", "validate", ttalExample)
	if code != 0 || out != "0 error(s), 0 warning(s), 0 finding(s)\n" || errb != "" {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errb)
	}
}

func TestTTALValidateFindings(t *testing.T) {
	data, err := os.ReadFile(ttalExample)
	if err != nil {
		t.Fatal(err)
	}
	// Make e1 too short for Netflix (origin 00:59:58:00 + 2880 frames).
	doc := strings.Replace(string(data), `"end": 2952`, `"end": 2890`, 1)
	p := writeTemp(t, "short.ttal", doc)
	code, out, errb := runTTAL(t, "", "ttal", "validate", "--profile", "netflix-subtitle", p)
	if code != 1 || !strings.Contains(out, "error   netflix.min-duration event e1 at 01:01:58:00: lasts 10 frames") ||
		!strings.Contains(errb, "error-level finding(s) under profile netflix-subtitle") {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errb)
	}
	code, out, _ = runTTAL(t, doc, "ttal", "validate", "--profile", "netflix-subtitle", "--format", "json", "-")
	var rep struct {
		Findings []struct{ Rule, Severity, EventID, Timecode string }
		Errors   int
	}
	if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || rep.Errors == 0 || rep.Findings[1].Rule != "netflix.min-duration" ||
		rep.Findings[1].Timecode != "01:01:58:00" {
		t.Fatalf("code %d json %s", code, out)
	}
}

func TestTTALValidateErrors(t *testing.T) {
	bad := writeTemp(t, "bad.ttal", `{"format": "ttal", "formatVersion": "1.0", "scriptType": "asRecorded",
  "language": "en_US"}`)
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"ttal", "validate", "--profile", "nope", ttalExample}, 2, "unknown --profile"},
		{[]string{"ttal", "validate", "--format", "xml", ttalExample}, 2, "--format must be text or json"},
		{[]string{"ttal", "validate"}, 2, "takes 1 argument"},
		{[]string{"ttal", "validate", "file.unknown"}, 2, "use --from"},
		{[]string{"ttal", "validate", "missing.ttal"}, 1, "no such file"},
		{[]string{"ttal", "validate", bad}, 1, `language: "en_US" is not a BCP 47 tag (line 2, col 15)`},
	} {
		code, _, errb := runTTAL(t, "", c.args...)
		if code != c.code || !strings.Contains(errb, c.stderr) || strings.Count(errb, "\n") != 1 {
			t.Errorf("%v: code %d stderr %q", c.args, code, errb)
		}
	}
}
