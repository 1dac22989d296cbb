package ttal

import (
	"fmt"
	"reflect"
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
