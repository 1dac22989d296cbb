package ttal

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"testing"
	"time"
)

func fixedClock() (func() time.Time, func() string) {
	n := 0
	return func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
		func() string { n++; return fmt.Sprintf("id-%d", n) }
}

func TestConvertRecordsLineage(t *testing.T) {
	now, id := fixedClock()
	out, loss, err := Convert(readExample(t), FormatTTAL, FormatTTAL, ConvertOptions{Now: now, NewID: id, Tool: "test"})
	if err != nil || len(loss) != 0 {
		t.Fatal(err, loss)
	}
	s, err := Unmarshal(out)
	if err != nil {
		t.Fatal(err)
	}
	last := s.Lineage[len(s.Lineage)-1]
	want := LineageEntry{ScriptID: "id-1", ScriptType: AsRecorded, Language: "fr-FR", DerivedFrom: "ar-1", Tool: "test",
		CreatedAt: "2026-03-01T12:00:00Z", Note: "converted from ttal to ttal"}
	if len(s.Lineage) != 3 || !reflect.DeepEqual(last, want) {
		t.Fatalf("lineage %+v", s.Lineage)
	}
	if fs := Validate(s, ProfileStructural); len(fs) != 0 {
		t.Fatal(fs)
	}
}

func TestDeriveAndDiff(t *testing.T) {
	s := generateScript(5)
	s.Lineage = nil
	d := s.Derive(PreRecording, "de-DE", "adapter 1.0")
	if d.Language != "de-DE" || d.LanguageSource != "fr-FR" || len(d.Lineage) != 2 || d.Lineage[1].DerivedFrom != d.Lineage[0].ScriptID {
		t.Fatalf("derived %+v %+v", d.Language, d.Lineage)
	}
	if len(s.Lineage) != 0 {
		t.Fatal("Derive changed its receiver")
	}
	d.Events[0].Start++
	d.Events[1].Texts[0].Text = "changed"
	d.Events[2].CharacterIDs = []string{"c2", "c1"}
	d.Events = append(d.Events[:3], d.Events[4:]...)
	d.Events = append(d.Events, Event{ID: "new", Start: 1, End: 2})
	got := fmt.Sprint(Diff(s, d))
	want := "[retimed e1: [0, 48) → [1, 48) retexted e2: [en-US] reassigned e3: [c1] → [c2 c1] added new removed e4]"
	if got != want {
		t.Fatalf("diff = %s\nwant   %s", got, want)
	}
	if len(Diff(s, s)) != 0 {
		t.Fatal("diff of a script with itself")
	}
}

// TestConvertIsReproducible: by default a conversion's lineage carries ids
// derived from the input and no time, so the same input gives the same
// bytes; a different input gives other ids, and Now stamps a time.
func TestConvertIsReproducible(t *testing.T) {
	srt := readTestFile(t, "real.srt")
	opt := ConvertOptions{Read: ReadOptions{Language: "en"}}
	a, _, err := Convert(srt, FormatSRT, FormatTTAL, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Convert(srt, FormatSRT, FormatTTAL, opt)
	if err != nil || string(a) != string(b) {
		t.Fatalf("two conversions of one input differ (%v):\n%s\n%s", err, a, b)
	}
	s, err := Unmarshal(a)
	if err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if len(s.Lineage) != 2 || s.Lineage[1].DerivedFrom != s.Lineage[0].ScriptID {
		t.Fatalf("lineage %+v", s.Lineage)
	}
	for _, l := range s.Lineage {
		if !uuid.MatchString(l.ScriptID) || l.CreatedAt != "" {
			t.Fatalf("entry %+v: want a version-5 UUID and no time", l)
		}
	}
	// One changed byte: other ids.
	c, _, err := Convert(bytes.Replace(srt, []byte("Hello"), []byte("Hallo"), 1), FormatSRT, FormatTTAL, opt)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := Unmarshal(c)
	if s2.Lineage[0].ScriptID == s.Lineage[0].ScriptID || s2.Lineage[1].ScriptID == s.Lineage[1].ScriptID {
		t.Fatalf("ids do not depend on the input: %+v", s2.Lineage)
	}
	// Converting the TTAL again names the first conversion as its parent.
	d, _, err := Convert(a, FormatTTAL, FormatTTAL, opt)
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := Unmarshal(d)
	if len(s3.Lineage) != 3 || s3.Lineage[2].DerivedFrom != s.Lineage[1].ScriptID || s3.Lineage[2].ScriptID == s.Lineage[1].ScriptID {
		t.Fatalf("lineage %+v", s3.Lineage)
	}
	opt.Now = func() time.Time { return time.Date(2026, 3, 1, 13, 0, 0, 0, time.FixedZone("CET", 3600)) }
	e, _, err := Convert(srt, FormatSRT, FormatTTAL, opt)
	if err != nil {
		t.Fatal(err)
	}
	s4, _ := Unmarshal(e)
	if s4.Lineage[1].CreatedAt != "2026-03-01T12:00:00Z" || s4.Lineage[1].ScriptID != s.Lineage[1].ScriptID {
		t.Fatalf("with Now: %+v", s4.Lineage)
	}
}
