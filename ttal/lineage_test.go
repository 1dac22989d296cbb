package ttal

import (
	"bytes"
	"errors"
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
	changes, err := Diff(s, d)
	got := fmt.Sprint(changes)
	want := `[retimed e1: [0, 48) → [1, 48) retexted e2: [en-US] reassigned e3: ["c1"] → ["c2" "c1"] added new removed e4]`
	if err != nil || got != want {
		t.Fatalf("diff = %s, %v\nwant   %s", got, err, want)
	}
	if changes, err := Diff(s, s); len(changes) != 0 || err != nil {
		t.Fatalf("diff of a script with itself: %v, %v", changes, err)
	}
}

// TestDiffDuplicateIDs pins the review finding that with two events of the
// same id Diff compared only the last one and ignored the others: events
// are matched by id, so a duplicate id is an error naming the place.
func TestDiffDuplicateIDs(t *testing.T) {
	ids := func(list ...string) *Script {
		s := generateScript(len(list))
		for i, id := range list {
			s.Events[i].ID = id
		}
		return s
	}
	for _, c := range []struct {
		name string
		a, b *Script
		want string // error, or the changes
	}{
		{"unique", ids("e1", "e2", "e3"), ids("e1", "e3", "e4"), `[retimed e3: [144, 192) → [72, 120) reassigned e3: ["c1"] → ["c2"] retexted e3: [en-US fr-FR] added e4 removed e2]`},
		{"in the new script", ids("e1", "e2", "e3"), ids("e1", "e2", "e1"), `new: events[2]: id "e1" is already used by events[0]; diff matches events by id`},
		{"in the old script", ids("e1", "e1"), ids("e1", "e2"), `old: events[1]: id "e1" is already used by events[0]; diff matches events by id`},
		{"three times", ids("e1", "e2"), ids("e2", "e1", "e2", "e2"), `new: events[2]: id "e2" is already used by events[0]; diff matches events by id`},
		{"several ids", ids("e1", "e2"), ids("e1", "e2", "e3", "e2", "e3", "e1", "e1"), `new: events[3]: id "e2" is already used by events[1] (and 2 other duplicate ids); diff matches events by id`},
		{"one other", ids("x", "y", "x", "y", "x"), ids(), `old: events[2]: id "x" is already used by events[0] (and 1 other duplicate id); diff matches events by id`},
		{"empty ids", ids("", ""), ids(), `old: events[1]: id "" is already used by events[0]; diff matches events by id`},
	} {
		t.Run(c.name, func(t *testing.T) {
			changes, err := Diff(c.a, c.b)
			var got string
			var de *DuplicateIDError
			switch {
			case err == nil:
				got = fmt.Sprint(changes)
			case errors.As(err, &de) && errors.Is(err, ErrInvalid) && changes == nil:
				got = map[bool]string{false: "old: ", true: "new: "}[de.InNew] + err.Error()
			default:
				got = fmt.Sprintf("unexpected error %v (changes %v)", err, changes)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
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

// TestDiffSpeakersAndRates: speaker lists compare element by element
// (["a b"] is not ["a" "b"]), and events of two frame rates compare by
// time: the same frames at another rate are retimed, the same time is not.
func TestDiffSpeakersAndRates(t *testing.T) {
	a := generateScript(2)
	a.Timing.FrameRate = Rate25
	b := a.clone()
	b.Events[0].CharacterIDs = []string{"c1 c2"}
	a.Events[0].CharacterIDs = []string{"c1", "c2"}
	c := a.clone()
	c.Timing.FrameRate = Rate50
	d := a.clone()
	d.Timing.FrameRate = Rate50
	for i := range d.Events {
		d.Events[i].Start *= 2
		d.Events[i].End *= 2
	}
	for _, x := range []struct {
		b    *Script
		want string
	}{
		{b, `[reassigned e1: ["c1" "c2"] → ["c1 c2"]]`},
		{c, "[retimed e1: [0, 48) at 25 fps → [0, 48) at 50 fps retimed e2: [72, 120) at 25 fps → [72, 120) at 50 fps]"},
		{d, "[]"},
	} {
		got, err := Diff(a, x.b)
		if err != nil || fmt.Sprint(got) != x.want {
			t.Errorf("diff = %v, %v\nwant   %s", got, err, x.want)
		}
	}
}
