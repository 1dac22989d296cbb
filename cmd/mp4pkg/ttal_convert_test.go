package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/ttal"
)

func TestTTALConvertDAPTAndBack(t *testing.T) {
	dir := t.TempDir()
	dapt := filepath.Join(dir, "script.xml")
	code, out, errb := runTTAL(t, "", "ttal", "convert", "--to", "dapt", ttalExample, dapt)
	if code != 0 || out != "" || !strings.HasPrefix(errb, "mp4pkg: ttal → dapt: dropped 3 lineage entries, 3 shot changes") || strings.Count(errb, "\n") != 1 {
		t.Fatalf("code %d stdout %q stderr %q", code, out, errb)
	}
	back := filepath.Join(dir, "back.ttal")
	if code, _, errb := runTTAL(t, "", "ttal", "convert", dapt, back); code != 0 || errb != "" {
		t.Fatalf("code %d stderr %q", code, errb)
	}
	data, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ttal.Unmarshal(data)
	if err != nil || len(s.Events) != 3 || s.Events[0].Texts[1].Anchors[1].Frame != 2916 {
		t.Fatalf("%v %s", err, data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if code, _, _ := runTTAL(t, "", "ttal", "validate", "--profile", "dapt", dapt); code != 0 {
		t.Fatal("our DAPT output does not pass --profile dapt")
	}
}

func TestTTALConvertStdio(t *testing.T) {
	data, err := os.ReadFile(ttalExample)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errb := runTTAL(t, string(data), "ttal", "convert", "-q", "--to", "ttml", "--lang", "en-US", "-", "-")
	if code != 0 || !strings.Contains(out, `<p xml:id="e1" ttal:event="e1" begin="2880f" end="2952f"`) || errb != "" {
		t.Fatalf("code %d stdout %s stderr %q", code, out, errb)
	}
}

func TestTTALConvertErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeTemp(t, "bad.xml", "<tt xmlns=\"http://www.w3.org/ns/ttml\">\n<body><p begin=\"1x\">a</p></body></tt>")
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"ttal", "convert", ttalExample}, 2, "takes 2 argument"},
		{[]string{"ttal", "convert", "--to", "docx", ttalExample, "-"}, 2, `unsupported format "docx"`},
		{[]string{"ttal", "convert", ttalExample, filepath.Join(dir, "out.unknown")}, 2, "use --to"},
		{[]string{"ttal", "convert", "--frame-rate", "0", ttalExample, "-"}, 2, "--frame-rate"},
		{[]string{"ttal", "convert", bad, filepath.Join(dir, "out.ttal")}, 1, `tt/body/p: begin: "1x" is not a TTML time expression (line 2, col 7)`},
	} {
		code, _, errb := runTTAL(t, "", c.args...)
		if code != c.code || !strings.Contains(errb, c.stderr) {
			t.Errorf("%v: code %d stderr %q", c.args, code, errb)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("output left behind after a failure: %v", entries)
	}
}

func TestTTALConvertSRT(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "real.ttal")
	code, _, errb := runTTAL(t, "", "ttal", "convert", "--frame-rate", "25", "--lang", "en-GB", "../../ttal/testdata/subtitles/real.srt", script)
	if code != 0 || errb != "" {
		t.Fatalf("code %d stderr %q", code, errb)
	}
	code, out, errb := runTTAL(t, "", "ttal", "convert", script, "-", "--to", "srt")
	if code != 0 || !strings.HasPrefix(out, "1\n00:00:01,000 --> 00:00:02,520\n<i>Hello</i> there,\n") ||
		errb != "mp4pkg: ttal → srt: dropped 3 lineage entries\n" {
		t.Fatalf("code %d stdout %q stderr %q", code, out, errb)
	}
	code, out, _ = runTTAL(t, "", "ttal", "validate", "--profile", "netflix-subtitle", script)
	if code != 1 || !strings.Contains(out, "netflix.overlap") {
		t.Fatalf("code %d stdout %s", code, out)
	}
}

// TestTTALConvertNoLogNoise checks that go-astisub's warnings (written to
// the standard logger) do not reach stderr.
func TestTTALConvertNoLogNoise(t *testing.T) {
	vtt := "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>x <v B>y\n" // astisub logs the second voice
	code, _, errb := runTTAL(t, vtt, "ttal", "convert", "--from", "vtt", "--to", "vtt", "-", "-")
	// Both voices are read as the event's speakers; a cue is written with one.
	if code != 0 || errb != "mp4pkg: vtt → vtt: dropped 1 extra speakers, 2 lineage entries\n" {
		t.Fatalf("code %d stderr %q", code, errb)
	}
}

// TestTTALConvertReadLoss: what the input has that a script cannot carry
// (here a WebVTT NOTE; its cue settings are kept) is reported like what the output
// drops, on the same line.
func TestTTALConvertReadLoss(t *testing.T) {
	script := filepath.Join(t.TempDir(), "real.ttal")
	code, _, errb := runTTAL(t, "", "ttal", "convert", "../../ttal/testdata/subtitles/real.vtt", script)
	if code != 0 || errb != "mp4pkg: vtt → ttal: dropped 1 comments\n" {
		t.Fatalf("code %d stderr %q", code, errb)
	}
	code, _, errb = runTTAL(t, "", "ttal", "convert", "--quiet", "../../ttal/testdata/subtitles/real.vtt", filepath.Join(filepath.Dir(script), "quiet.ttal"))
	if code != 0 || errb != "" {
		t.Fatalf("--quiet: code %d stderr %q", code, errb)
	}
}

// TestTTALConvertReproducible: the same input and flags give the same
// bytes (lineage ids derived from the input, no time); --timestamp records
// the time.
func TestTTALConvertReproducible(t *testing.T) {
	srt := filepath.Join("..", "..", "ttal", "testdata", "subtitles", "real.srt")
	var outs []string
	for _, args := range [][]string{{}, {}, {"--timestamp"}} {
		code, out, errb := runTTAL(t, "", append([]string{"ttal", "convert", "-q", "--lang", "en"}, append(args, srt, "-")...)...)
		if code != 0 || errb != "" {
			t.Fatalf("code %d stderr %q", code, errb)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] || strings.Contains(outs[0], "createdAt") {
		t.Fatalf("two runs differ or carry a time:\n%s\n%s", outs[0], outs[1])
	}
	if strings.Count(outs[2], `"createdAt"`) != 2 {
		t.Fatalf("--timestamp: %s", outs[2])
	}
}
