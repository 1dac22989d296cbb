package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/fieldmask"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

const maskScript = `{"format":"ttal","formatVersion":"1.0","scriptType":"asRecorded","language":"fr-FR",
 "title":{"name":"Show","season":1},"timing":{"frameRate":{"num":25,"den":1}},
 "characters":[{"id":"c1","name":"ASSANE"}],
 "events":[{"id":"e1","start":10,"end":40,"characterIds":["c1"],"texts":[{"lang":"fr-FR","text":"Bonjour & <salut>"}]},
           {"id":"e2","start":50,"end":90,"texts":[]}]}`

func TestTTALGet(t *testing.T) {
	file := writeTemp(t, "s.ttal", maskScript)
	bad := writeTemp(t, "bad.ttal", `{"events":[`)
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string // stdout, or a part of stderr when code != 0
	}{
		{"fields", "", []string{"--fields", "events.start,events.end,title.name", file}, 0,
			"{\n  \"events\": [\n    {\n      \"end\": 40,\n      \"start\": 10\n    },\n    {\n      \"end\": 90,\n      \"start\": 50\n    }\n  ],\n  \"title\": {\n    \"name\": \"Show\"\n  }\n}\n"},
		{"view from stdin", maskScript, []string{"--view", "characters", "-"}, 0,
			"{\n  \"characters\": [\n    {\n      \"id\": \"c1\",\n      \"name\": \"ASSANE\"\n    }\n  ],\n  \"events\": [\n    {\n      \"characterIds\": [\n        \"c1\"\n      ],\n      \"id\": \"e1\"\n    },\n    {\n      \"id\": \"e2\"\n    }\n  ]\n}\n"},
		{"texts unescaped", "", []string{"--fields", "events.texts.text", file}, 0,
			"{\n  \"events\": [\n    {\n      \"texts\": [\n        {\n          \"text\": \"Bonjour & <salut>\"\n        }\n      ]\n    },\n    {\n      \"texts\": []\n    }\n  ]\n}\n"},
		{"no mask is everything", "", []string{file}, 0, ""},
		{"malformed mask", "", []string{"--fields", "title, language", file}, 2, `--fields: fieldmask: path " language": white space`},
		{"numeric index", "", []string{"--fields", "events.0.start", file}, 2, "numeric segment"},
		{"unknown view", "", []string{"--view", "nope", file}, 2, "unknown --view"},
		{"fields and view", "", []string{"--view", "texts", "--fields", "title", file}, 2, "cannot be used together"},
		{"strict unknown path", "", []string{"--strict", "--fields", "events.nope", file}, 1, `path "events.nope": no field nope`},
		{"bad JSON", "", []string{"--fields", "title", bad}, 1, "bad.ttal: events[0]: unexpected end of input (line 1, col 12)"},
		{"missing file", "", []string{filepath.Join(t.TempDir(), "none.ttal")}, 1, "no such file"},
		{"two files", "", []string{file, file}, 2, "takes 1 argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, []byte(c.stdin), append([]string{"ttal", "get"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, errs)
			}
			if code == 0 {
				if c.want != "" && out != c.want {
					t.Errorf("stdout:\n%s\nwant:\n%s", out, c.want)
				}
				return
			}
			if !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 || out != "" {
				t.Errorf("stderr %q (stdout %q), want one line containing %q", errs, out, c.want)
			}
		})
	}
}

func TestTTALPatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	patch := write("patch.json", `{"title":{"name":"Lupin","season":9},"language":"de-DE","nope":1,
		"characters":[{"id":"c1","name":"ASSANE"},{"id":"c2","name":"BEN"}]}`)
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string // parts of stdout, or of stderr when code != 0
	}{
		{"title name", []string{"--mask", "title.name"}, 0, []string{`"name": "Lupin"`, `"season": 1`, `"language": "fr-FR"`}},
		{"replace array", []string{"--mask", "characters"}, 0, []string{`"BEN"`}},
		{"remove absent", []string{"--mask", "title.season"}, 0, []string{`"name": "Show"`}},
		{"implied", []string{"--mask", "", "--empty-mask", "implied", "--allow-unknown"}, 0, []string{`"name": "Lupin"`, `"season": 9`, `"nope": 1`}},
		{"missing mask", nil, 2, []string{"required flag"}},
		{"empty mask", []string{"--mask", ""}, 2, []string{"--mask is empty"}},
		{"bad policy", []string{"--mask", "", "--empty-mask", "all"}, 2, []string{"--empty-mask"}},
		{"malformed mask", []string{"--mask", "title..name"}, 2, []string{"empty segment"}},
		{"through an array", []string{"--mask", "events.start"}, 1, []string{`"events" is an array`}},
		{"unknown field", []string{"--mask", "nope"}, 1, []string{`path "nope": no field nope`}},
		{"invalid result", []string{"--mask", "format"}, 1, []string{"not valid TTAL, nothing written"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := write("s.ttal", maskScript)
			args := append([]string{"ttal", "patch", "--patch", patch}, c.args...)
			code, out, errs := runCLI(t, nil, append(args, file)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, errs)
			}
			got := out
			if code != 0 {
				got = errs
				if strings.Count(errs, "\n") != 1 || out != "" {
					t.Errorf("stderr %q, stdout %q: want one error line and no output", errs, out)
				}
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("output %q lacks %q", got, w)
				}
			}
		})
	}
}

// TestTTALPatchJSONPlaces pins the review findings that a malformed patch
// was reported without its place, and that a duplicate member in the patch
// (or in the script) was accepted, the last one winning, while the TTAL
// decoder rejects it.
func TestTTALPatchJSONPlaces(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	script := write("s.ttal", maskScript)
	for _, c := range []struct {
		name, patch, script, mask, want string
	}{
		{"trailing comma", `{"title":{"name":"New",}}`, "", "title.name",
			`bad.json: title: invalid character '}' looking for beginning of object key string (line 1, col 24)`},
		{"duplicate member", `{"title":{"name":"A","name":"B"}}`, "", "title.name",
			`bad.json: title: duplicate member "name" (line 1, col 22)`},
		{"duplicate in an array", "{\"characters\":[\n {\"id\":\"c1\"},\n {\"id\":\"c2\",\"name\":\"B\",\"id\":\"c3\"}]}", "", "characters",
			`bad.json: characters[1]: duplicate member "id" (line 3, col 24)`},
		{"cut short", `{"language":`, "", "language",
			`bad.json: language: unexpected end of input (line 1, col 13)`},
		{"not an object", `["x"]`, "", "language",
			`bad.json: (document): want an object, got an array (line 1, col 1)`},
		{"duplicate in the script", `{"language":"de-DE"}`, `{"format":"ttal","format":"ttal"}`, "language",
			`dup.ttal: (document): duplicate member "format" (line 1, col 18)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := script
			if c.script != "" {
				file = write("dup.ttal", c.script)
			}
			code, out, errs := runCLI(t, nil, "ttal", "patch", "--mask", c.mask, "--patch", write("bad.json", c.patch), file)
			if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, c.want+"\n") {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line ending in %q", code, out, errs, c.want)
			}
		})
	}
}

func TestTTALPatchOutFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.ttal")
	if err := os.WriteFile(file, []byte(maskScript), 0o600); err != nil {
		t.Fatal(err)
	}
	patch := `{"language":"de-DE"}`
	// In place, patch from standard input.
	code, out, errs := runCLI(t, []byte(patch), "ttal", "patch", "--mask", "language", "--patch", "-", "-o", file, file)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(data, []byte(`"language": "de-DE"`)) {
		t.Fatalf("output file: %v\n%s", err, data)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("permissions %v, want 0600 kept", fi.Mode().Perm())
	}
	// A failing update leaves the output untouched and no temporary file.
	code, _, _ = runCLI(t, []byte(`{}`), "ttal", "patch", "--mask", "format", "--patch", "-", "-o", file, file)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	again, _ := os.ReadFile(file)
	if !bytes.Equal(again, data) {
		t.Errorf("failed patch changed the output file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the script", len(entries))
	}
	// Applying the same patch again gives the same bytes (idempotent, canonical).
	if code, _, errs := runCLI(t, []byte(patch), "ttal", "patch", "--mask", "language", "--patch", "-", "-o", file, file); code != 0 {
		t.Fatal(errs)
	}
	if third, _ := os.ReadFile(file); !bytes.Equal(third, data) {
		t.Errorf("second patch changed the bytes:\n%s\n%s", data, third)
	}
	code, _, errs = runCLI(t, nil, "ttal", "patch", "--mask", "language", "--patch", "-", "-")
	if code != 2 || !strings.Contains(errs, "both be standard input") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestInspectTrackSummaryMask checks the pre-built inspect mask against the
// inspect JSON model and a real file.
func TestInspectTrackSummaryMask(t *testing.T) {
	m := fieldmask.InspectTrackSummary
	if err := fieldmask.ValidateType(m, reflect.TypeFor[isobmff.File](), fieldmask.Read); err != nil {
		t.Fatal(err)
	}
	f, err := isobmff.OpenFile(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		t.Skip(err)
	}
	var b bytes.Buffer
	if err := writeMaskedJSON(&b, f, m.String()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tracks []map[string]any `json:"tracks"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got.Tracks) != 2 {
		t.Fatalf("%v: %s", err, b.String())
	}
	allowed := map[string]bool{}
	for _, p := range m.Paths() {
		allowed[strings.TrimPrefix(p, "tracks.")] = true
	}
	for _, tr := range got.Tracks {
		if tr["codec"] == nil || tr["timescale"] == nil {
			t.Errorf("track summary lacks codec or timescale: %v", tr)
		}
		for k := range tr {
			if !allowed[k] {
				t.Errorf("unmasked member %q in %v", k, tr)
			}
		}
	}
}
