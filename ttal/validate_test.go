package ttal

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// cleanScript returns a script with no findings under profile p.
func cleanScript(p Profile) *Script {
	s := generateScript(20)
	switch p {
	case ProfileNetflixDubPreRecording:
		s.ScriptType = PreRecording
	case ProfileNetflixDubAsRecorded:
		s.ScriptType = AsRecorded
	case ProfileNetflixForcedNarrative:
		for i := range s.Events {
			s.Events[i].ForcedNarrative = true
		}
	}
	return s
}

func TestValidateClean(t *testing.T) {
	for _, p := range Profiles() {
		if fs := Validate(cleanScript(p), p); len(fs) > 0 {
			t.Errorf("%s: findings on a clean script: %v", p, fs)
		}
	}
	s, _ := Unmarshal(readExample(t))
	if fs := Validate(s, ProfileStructural); len(fs) > 0 {
		t.Errorf("example: %v", fs)
	}
}

// violations plants one broken rule each; the test wants a finding with
// that rule id and severity.
var violations = []struct {
	rule    string
	profile Profile
	sev     Severity
	plant   func(s *Script)
}{
	{"structural.format", ProfileStructural, SeverityError, func(s *Script) { s.Format = "dfxp" }},
	{"structural.script-type", ProfileStructural, SeverityError, func(s *Script) { s.ScriptType = "DIALOGUE_LIST" }},
	{"structural.frame-rate", ProfileStructural, SeverityError, func(s *Script) { s.Timing.FrameRate = FrameRate{0, 1} }},
	{"structural.frame-rate", ProfileStructural, SeverityError, func(s *Script) { s.Timing.DropFrame = true }},
	{"structural.timecode", ProfileStructural, SeverityError, func(s *Script) { s.Timing.Origin = &Timecode{Frames: 24} }},
	{"structural.language", ProfileStructural, SeverityError, func(s *Script) { s.Language = "en_US" }},
	{"structural.language", ProfileStructural, SeverityError, func(s *Script) { s.Events[3].Texts[1].Lang = "français" }},
	{"structural.language", ProfileStructural, SeverityError, func(s *Script) { s.Events[3].Texts[1].Lang = "en-US" }},
	{"structural.represents", ProfileStructural, SeverityError, func(s *Script) { s.Represents = []string{"sound"} }},
	{"structural.represents", ProfileStructural, SeverityError, func(s *Script) { s.Events[2].Represents = "visual.text" }},
	{"structural.shot-changes", ProfileStructural, SeverityError, func(s *Script) { s.ShotChanges = []int64{50, 40} }},
	{"structural.lineage", ProfileStructural, SeverityWarning, func(s *Script) { s.Lineage = []LineageEntry{{ScriptID: "b", DerivedFrom: "a"}} }},
	{"structural.id", ProfileStructural, SeverityError, func(s *Script) { s.Events[4].ID = s.Events[3].ID }},
	{"structural.id", ProfileStructural, SeverityError, func(s *Script) { s.Events[4].ID = "c1" }},
	{"structural.id", ProfileStructural, SeverityError, func(s *Script) { s.Events[4].ID = "" }},
	{"structural.timing", ProfileStructural, SeverityError, func(s *Script) { s.Events[5].End = s.Events[5].Start }},
	{"structural.character-ref", ProfileStructural, SeverityError, func(s *Script) { s.Events[6].CharacterIDs = []string{"c9"} }},
	{"structural.unused-character", ProfileStructural, SeverityWarning, func(s *Script) { s.Characters = append(s.Characters, Character{ID: "c3"}) }},
	{"structural.on-screen", ProfileStructural, SeverityError, func(s *Script) { s.Events[7].OnScreen = "on" }},
	{"structural.description-type", ProfileStructural, SeverityError, func(s *Script) {
		s.Events[7].Descriptions = []Description{{Type: "mood", Text: "x"}}
	}},
	{"structural.translation", ProfileStructural, SeverityWarning, func(s *Script) { s.Events[8].Texts = s.Events[8].Texts[:1] }},
	{"structural.translation", ProfileStructural, SeverityWarning, func(s *Script) { s.ScriptType = OriginalTranscript }},
	{"structural.anchors", ProfileStructural, SeverityError, func(s *Script) { s.Events[9].Texts[1].Anchors[0].Offset = 500 }},
	{"structural.anchors", ProfileStructural, SeverityError, func(s *Script) { s.Events[9].Texts[1].Anchors[0].Frame = 0 }},
	{"structural.anchors", ProfileStructural, SeverityError, func(s *Script) {
		s.Events[9].Texts[1].Anchors = append(s.Events[9].Texts[1].Anchors, Anchor{Offset: 0, Frame: s.Events[9].Start})
	}},
	{"structural.overlap", ProfileStructural, SeverityWarning, func(s *Script) { s.Events[10].End = s.Events[12].Start + 1 }},

	{"netflix.text", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].Texts = s.Events[1].Texts[:1] }},
	{"netflix.min-duration", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].End = s.Events[1].Start + 19 }},
	{"netflix.max-duration", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].End = s.Events[1].Start + 169 }},
	{"netflix.overlap", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].End = s.Events[2].Start + 1 }},
	{"netflix.min-gap", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].End = s.Events[2].Start - 1 }},
	{"netflix.close-gap", ProfileNetflixSubtitle, SeverityInfo, func(s *Script) { s.Events[1].End = s.Events[2].Start - 5 }},
	{"netflix.max-lines", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = "a\nb\nc" }},
	{"netflix.max-line-length", ProfileNetflixSubtitle, SeverityError, func(s *Script) {
		s.Events[1].Texts[1].Text = strings.Repeat("a", 43)
		s.Events[1].End = s.Events[1].Start + 96
	}},
	{"netflix.max-line-length", ProfileNetflixSubtitle, SeverityError, func(s *Script) { // Japanese: 23
		s.Language = "ja"
		s.Events[1].Texts[1] = Text{Lang: "ja", LangSrc: "en-US", Text: strings.Repeat("あ", 24)}
	}},
	{"netflix.reading-speed", ProfileNetflixSubtitle, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = strings.Repeat("a", 35) }},
	{"netflix.reading-speed", ProfileNetflixSDH, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = strings.Repeat("a", 41) }},
	{"netflix.shot-change", ProfileNetflixSubtitle, SeverityWarning, func(s *Script) { s.ShotChanges = []int64{s.Events[1].Start + 5} }},
	{"netflix.shot-change", ProfileNetflixSubtitle, SeverityWarning, func(s *Script) { s.ShotChanges = []int64{s.Events[1].End + 3} }},
	{"netflix.min-duration", ProfileNetflixForcedNarrative, SeverityError, func(s *Script) { s.Events[1].End = s.Events[1].Start + 10 }},

	{"dub.sorted", ProfileNetflixDubPreRecording, SeverityError, func(s *Script) { s.Events[1], s.Events[2] = s.Events[2], s.Events[1] }},
	{"dub.target-text", ProfileNetflixDubPreRecording, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = " " }},
	{"dub.sentence-case", ProfileNetflixDubAsRecorded, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = "ON Y VA MAINTENANT" }},
	{"dub.symbols", ProfileNetflixDubAsRecorded, SeverityError, func(s *Script) { s.Events[1].Texts[1].Text = "On y va ♪" }},
	{"dub.pause", ProfileNetflixDubAsRecorded, SeverityWarning, func(s *Script) {
		e := &s.Events[1]
		e.End = e.Start + 100
		e.Texts[1].Anchors = []Anchor{{0, e.Start, nil}, {4, e.Start + 60, nil}}
	}},
	{"dub.script-type", ProfileNetflixDubAsRecorded, SeverityWarning, func(s *Script) { s.ScriptType = PreRecording }},

	{"dapt.scriptRepresents", ProfileDAPT, SeverityError, func(s *Script) { s.Represents = nil }},
	{"dapt.represents", ProfileDAPT, SeverityError, func(s *Script) {
		s.Represents = []string{"audio", "visual"}
		s.Events[0].Represents = ""
	}},
}

func TestValidateViolations(t *testing.T) {
	for _, c := range violations {
		t.Run(c.rule, func(t *testing.T) {
			s := cleanScript(c.profile)
			c.plant(s)
			fs := Validate(s, c.profile)
			for _, f := range fs {
				if f.Rule == c.rule && f.Severity == c.sev {
					return
				}
			}
			t.Fatalf("want a %s %s finding, got %v", c.sev, c.rule, fs)
		})
	}
}

func TestValidateUnknownProfile(t *testing.T) {
	if _, err := ValidateWith(cleanScript(""), "netflix", Options{}); err == nil {
		t.Fatal("unknown profile accepted")
	}
}

func TestValidateOptions(t *testing.T) {
	s := cleanScript(ProfileNetflixSubtitle)
	s.Events[1].Texts[1].Text = strings.Repeat("a", 30) // 15 cps
	if fs := Validate(s, ProfileNetflixSubtitle); len(fs) != 0 {
		t.Fatalf("adult: %v", fs)
	}
	fs, _ := ValidateWith(s, ProfileNetflixSubtitle, Options{Children: true})
	if len(fs) == 0 || fs[1].Rule != "netflix.reading-speed" || fs[1].EventID != "e2" {
		t.Fatalf("children: %v", fs)
	}
	fs, _ = ValidateWith(s, ProfileNetflixSubtitle, Options{CharsPerSecond: map[string]float64{"fr": 20}, Children: true})
	if len(fs) != 0 {
		t.Fatalf("override: %v", fs)
	}
}

func TestWriteReport(t *testing.T) {
	s := cleanScript(ProfileNetflixSubtitle)
	s.Timing.Origin = &Timecode{Hours: 1}
	s.Events[1].End = s.Events[1].Start + 10
	s.Events[1].Texts[1].Text = "Oui."
	fs := Validate(s, ProfileNetflixSubtitle)
	var text, js bytes.Buffer
	if err := WriteReport(&text, fs, "text"); err != nil {
		t.Fatal(err)
	}
	want := "error   netflix.min-duration event e2 at 01:00:03:00: lasts 10 frames (0.417 s), minimum is 20 frames (5/6 s)\n1 error(s), 0 warning(s), 1 finding(s)\n"
	if text.String() != want {
		t.Fatalf("text report:\n%s\nwant\n%s", text.String(), want)
	}
	if err := WriteReport(&js, fs, "json"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any
		Errors   int
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil || got.Errors != 1 || got.Findings[0]["severity"] != "error" || got.Findings[0]["eventId"] != "e2" {
		t.Fatalf("json report: %s (%v)", js.String(), err)
	}
	if WriteReport(&js, fs, "xml") == nil {
		t.Fatal("unknown format accepted")
	}
}

// overlapScript returns n events of 48 frames starting in the same
// frame, all overlapping one another; speakers(i) gives event i's
// characters.
func overlapScript(n int, speakers func(i int) []string) *Script {
	s := generateScript(n)
	s.Characters = append(s.Characters, Character{ID: "c3"})
	for i := range s.Events {
		s.Events[i].Start, s.Events[i].End = 0, 48
		s.Events[i].Texts[1].Anchors = nil
		s.Events[i].CharacterIDs = speakers(i)
	}
	return s
}

// TestValidateOverlapsLinear pins the review finding that 2,000 events
// with the same times took 5.5 s and 1.3 GB and gave 2 million
// structural.overlap findings: every pair was reported. Now each event is
// reported at most once per rule, and the check is a sweep.
func TestValidateOverlapsLinear(t *testing.T) {
	const n = 20000
	cases := []struct {
		name     string
		speakers func(i int) []string
		want     int // structural.overlap findings
	}{
		{"no speaker", func(int) []string { return nil }, n - 1},
		{"same speaker", func(int) []string { return []string{"c1"} }, n - 1},
		{"two speakers", func(i int) []string { return []string{"c1", "c2"}[i%2 : i%2+1] }, n - 2},
		{"many speakers", func(i int) []string { return []string{"c1", "c2", "c3", "c1"}[i%3 : i%3+2] }, n - 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := overlapScript(n, c.speakers)
			for _, p := range []Profile{ProfileStructural, ProfileNetflixSubtitle} {
				fs := Validate(s, p) // speed: BenchmarkValidateOverlaps (the pairwise check made 200 M findings here)
				per := map[[2]string]int{}
				overlaps := 0
				for _, f := range fs {
					if f.EventID == "" {
						continue
					}
					if per[[2]string{f.Rule, f.EventID}]++; per[[2]string{f.Rule, f.EventID}] > 1 {
						t.Fatalf("%s: two %s findings for event %s", p, f.Rule, f.EventID)
					}
					if f.Rule == "structural.overlap" {
						overlaps++
					}
				}
				if overlaps != c.want {
					t.Errorf("%s: %d structural.overlap findings, want %d", p, overlaps, c.want)
				}
			}
		})
	}
}

// TestValidateOverlapMessages: one finding per event names one event it
// overlaps (the one ending last, the earliest of those) and counts the
// others; netflix.overlap and the gap rules compare with the earlier event
// that ends last, not merely the one that starts last.
func TestValidateOverlapMessages(t *testing.T) {
	ev := func(id string, start, end int64, speakers ...string) Event {
		return Event{ID: id, Start: start, End: end, CharacterIDs: speakers, Represents: "audio.dialogue", OnScreen: On,
			Texts: []Text{{Lang: "fr-FR", LangSrc: "en-US", Text: "Oui."}}}
	}
	cases := []struct {
		name    string
		profile Profile
		events  []Event
		want    []string // findings of rules ending in "overlap" or "gap"
	}{
		{"pair without speakers", ProfileStructural, []Event{ev("a", 0, 48), ev("b", 24, 72)},
			[]string{"structural.overlap b: overlaps event a and neither names a speaker"}},
		{"pair with the same speaker", ProfileStructural, []Event{ev("a", 0, 48, "c1"), ev("b", 24, 72, "c1")},
			[]string{"structural.overlap b: overlaps event a with the same speaker"}},
		{"different speakers", ProfileStructural, []Event{ev("a", 0, 48, "c1"), ev("b", 24, 72, "c2")}, nil},
		{"speaker and none", ProfileStructural, []Event{ev("a", 0, 48, "c1"), ev("b", 24, 72)}, nil},
		{"three at once", ProfileStructural, []Event{ev("a", 0, 48), ev("b", 0, 48), ev("c", 0, 48)}, []string{
			"structural.overlap b: overlaps event a and neither names a speaker",
			"structural.overlap c: overlaps event a and 1 other event, none of which names a speaker",
		}},
		{"names the one ending last", ProfileStructural, []Event{ev("a", 0, 30, "c1"), ev("b", 5, 90, "c1", "c2"), ev("c", 10, 40, "c2"), ev("d", 20, 50, "c1")}, []string{
			"structural.overlap b: overlaps event a with the same speaker",
			"structural.overlap c: overlaps event b with the same speaker",
			"structural.overlap d: overlaps event b and 1 other event with the same speaker",
		}},
		{"shared speakers counted once", ProfileStructural, []Event{ev("a", 0, 48, "c1", "c2"), ev("b", 0, 48, "c2", "c1"), ev("c", 0, 48, "c1", "c2", "c1")}, []string{
			"structural.overlap b: overlaps event a with the same speaker",
			"structural.overlap c: overlaps event a and 1 other event with the same speaker",
		}},
		{"netflix: nested event", ProfileNetflixSubtitle, []Event{ev("a", 0, 160, "c1"), ev("b", 20, 60, "c2"), ev("c", 100, 140, "c2")}, []string{
			"netflix.overlap b: overlaps event a by 140 frames",
			"netflix.overlap c: overlaps event a by 60 frames",
		}},
		{"netflix: gap after the event ending last", ProfileNetflixSubtitle, []Event{ev("a", 0, 100, "c1"), ev("b", 20, 60, "c2"), ev("c", 101, 140, "c2")}, []string{
			"netflix.overlap b: overlaps event a by 80 frames",
			"netflix.min-gap c: starts 1 frame(s) after event a ends, minimum gap is 2 frames",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := generateScript(0)
			s.Characters = append(s.Characters, Character{ID: "c3"})
			s.Events = c.events
			var got []string
			for _, f := range Validate(s, c.profile) {
				if strings.HasSuffix(f.Rule, "overlap") || strings.HasSuffix(f.Rule, "gap") {
					got = append(got, f.Rule+" "+f.EventID+": "+f.Message)
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
