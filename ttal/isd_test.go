package ttal

import (
	"reflect"
	"strings"
	"testing"
)

func readTTMLString(t *testing.T, doc string) *Script {
	t.Helper()
	s, err := ReadBytes([]byte(doc), FormatTTML, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const isdHead = `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling"
 xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
 xmlns:ttal="urn:mp4pkg:ttal" ttp:frameRate="25" xml:lang="en">`

// TestISDSplit: a region animation (two <set>s) and a body end cut the
// paragraphs that span them; pieces keep text, language and speaker and get
// ids p1, p1-2…; times where nothing is shown make no event.
func TestISDSplit(t *testing.T) {
	s := readTTMLString(t, isdHead+`
<head><layout><region xml:id="r1">
  <set begin="1s" end="2s" tts:opacity="0.5"/><set begin="2s" end="3s" tts:opacity="0.8"/>
</region></layout></head>
<body end="9s"><div region="r1">
  <p xml:id="p1" begin="0s" end="4s" ttm:agent="a">Hello <span tts:color="red">world</span></p>
  <p xml:id="q" begin="6s" end="10s" xml:lang="fr">Fin</p>
</div></body></tt>`)
	want := []string{
		`p1 [0,25) [a] ["en=Hello world"]`,
		`p1-2 [25,50) [a] ["en=Hello world"]`,
		`p1-3 [50,75) [a] ["en=Hello world"]`,
		`p1-4 [75,100) [a] ["en=Hello world"]`,
		`q [150,225) [] ["fr=Fin"]`,
	}
	if got := eventKeys(s); !reflect.DeepEqual(got, want) {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestISDNoSplit: when every significant time is a begin or end of a
// paragraph or of its content, overlapping paragraphs stay whole (documents
// written by this package read back as written).
func TestISDNoSplit(t *testing.T) {
	s := readTTMLString(t, isdHead+`
<body><div>
  <p xml:id="a" begin="0s" end="4s">One</p>
  <p xml:id="b" begin="2s" end="6s">Two <span begin="1s">more</span></p>
</div></body></tt>`)
	want := []string{
		`a [0,100) [] ["en=One"]`,
		`b [50,75) [] ["en=Two"]`,
		`b-2 [75,150) [] ["en=Two more"]`,
	}
	if got := eventKeys(s); !reflect.DeepEqual(got, want) {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestISDSplitGroups: events grouped by ttal:event (one <p> per language)
// are split too, each piece with every language and the anchors inside it.
func TestISDSplitGroups(t *testing.T) {
	s := readTTMLString(t, isdHead+`
<head><layout><region xml:id="r1"><set begin="2s" end="3s" tts:opacity="0.5"/></region></layout></head>
<body region="r1">
  <div xml:lang="en"><p xml:id="e1" ttal:event="e1" begin="0s" end="4s">A <span begin="3s">B</span></p></div>
  <div xml:lang="de"><p xml:id="e1.1" ttal:event="e1" begin="0s" end="4s">C</p></div>
</body></tt>`)
	want := []string{
		`e1 [0,50) [] ["de=C" "en=A B"]`,
		`e1-2 [50,75) [] ["de=C" "en=A B"]`,
		`e1-3 [75,100) [] ["de=C" "en=A B"]`,
	}
	if got := eventKeys(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, n := range []int{0, 0, 1} {
		if got := len(s.Events[i].Texts[0].Anchors); got != n {
			t.Errorf("event %s: %d anchors, want %d", s.Events[i].ID, got, n)
		}
	}
	if fs := Validate(s, ProfileStructural); HasErrors(fs) {
		t.Errorf("findings %v", fs)
	}
}
