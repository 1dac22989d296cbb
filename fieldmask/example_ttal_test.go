package fieldmask_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/fieldmask"
	"github.com/mp4pkg/mp4pkg/ttal"
)

// A typed update of a ttal.Script, which has its own JSON codec: paths are
// the TTAL JSON names, checked against the TTAL schema.
func ExampleApplyEncoded() {
	script, err := ttal.Unmarshal([]byte(`{"format":"ttal","formatVersion":"1.0","scriptType":"asRecorded",
		"language":"fr-FR","title":{"name":"Show","season":1},"timing":{"frameRate":{"num":25,"den":1}},
		"characters":[{"id":"c1","name":"ASSANE"}],"events":[]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	patch := &ttal.Script{Title: &ttal.Title{Name: "Lupin", Season: 2}, Language: "de-DE"}
	encode := func(s *ttal.Script) ([]byte, error) { return s.Marshal(), nil }

	err = fieldmask.ApplyEncoded(script, patch, fieldmask.MustParse("title.name"), encode, ttal.Unmarshal,
		fieldmask.WithSchema(fieldmask.TTALSchema()))
	fmt.Println(script.Title.Name, script.Title.Season, script.Language, err)

	err = fieldmask.ApplyEncoded(script, patch, fieldmask.MustParse("title.nmae"), encode, ttal.Unmarshal,
		fieldmask.WithSchema(fieldmask.TTALSchema()))
	fmt.Println(err)
	// Output:
	// Lupin 1 fr-FR <nil>
	// fieldmask: path "title.nmae": no field nmae
}

// TestTTALSchemaKnowsTTALOutput checks that every member the ttal codec
// writes for its example file is a path of TTALSchema (vendor members aside).
func TestTTALSchemaKnowsTTALOutput(t *testing.T) {
	data, err := os.ReadFile("../ttal/testdata/example.ttal")
	if err != nil {
		t.Skip("no ttal example file:", err)
	}
	script, err := ttal.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := fieldmask.DecodeDocument(script.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	var walk func(v any, prefix string)
	walk = func(v any, prefix string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.HasPrefix(k, "x-") {
					continue // vendor extension, kept by the codec as an unknown member
				}
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				paths = append(paths, p)
				walk(e, p)
			}
		case []any:
			for _, e := range x {
				walk(e, prefix)
			}
		}
	}
	walk(doc, "")
	if len(paths) < 20 {
		t.Fatalf("only %d paths in the example", len(paths))
	}
	for _, p := range paths {
		if err := fieldmask.Validate(fieldmask.MustParse(p), fieldmask.TTALSchema(), fieldmask.Read); err != nil {
			t.Error(err)
		}
	}
}
