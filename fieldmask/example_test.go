package fieldmask_test

import (
	"fmt"

	"github.com/mp4pkg/mp4pkg/fieldmask"
)

func ExampleParse() {
	m, err := fieldmask.Parse("events.start,labels.`en.US`,events.start,a.b,a")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Len(), fieldmask.Normalize(m))

	_, err = fieldmask.Parse("title, lang")
	fmt.Println(err)
	// Output:
	// 5 a,events.start,labels.`en.US`
	// fieldmask: path " lang": white space outside backticks
}

func ExampleFilterJSON() {
	script := []byte(`{"language":"fr-FR","events":[
		{"id":"e1","start":10,"end":40,"texts":[{"lang":"fr-FR","text":"Bonjour"}]},
		{"id":"e2","start":50,"end":90,"texts":[]}]}`)
	timing, err := fieldmask.FilterJSON(script, fieldmask.MustParse("events.start,events.end"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(timing))
	// Output:
	// {"events":[{"end":40,"start":10},{"end":90,"start":50}]}
}

func ExampleApply() {
	doc := map[string]any{"title": "A", "lang": "en", "meta": map[string]any{"rev": 1.0, "by": "x"}}
	patch := map[string]any{"title": "B", "lang": "fr", "meta": map[string]any{"rev": 2.0}}

	// Only masked fields change; "meta.by" is masked and absent: removed.
	err := fieldmask.Apply(doc, patch, fieldmask.MustParse("title,meta.rev,meta.by"))
	fmt.Println(doc, err)

	// An empty update mask is rejected unless a policy says otherwise.
	err = fieldmask.Apply(doc, patch, fieldmask.Mask{})
	fmt.Println(err)
	// Output:
	// map[lang:en meta:map[rev:2] title:B] <nil>
	// fieldmask: path "": empty update mask (use "*" to replace everything, or choose an EmptyMaskPolicy)
}

func ExampleApplyStruct() {
	type Span struct {
		Start int `json:"start"`
		End   int `json:"end"`
	}
	type Cue struct {
		Text   string `json:"text"`
		Timing Span   `json:"timing"`
	}
	cue := Cue{Text: "Hello", Timing: Span{10, 40}}
	err := fieldmask.ApplyStruct(&cue, Cue{Text: "ignored", Timing: Span{12, 99}}, fieldmask.MustParse("timing.start"))
	fmt.Printf("%+v %v\n", cue, err)

	err = fieldmask.ApplyStruct(&cue, Cue{}, fieldmask.MustParse("timing.begin"))
	fmt.Println(err)
	// Output:
	// {Text:Hello Timing:{Start:12 End:40}} <nil>
	// fieldmask: path "timing.begin": no field begin
}

func ExampleValidate() {
	s := fieldmask.TTALSchema()
	fmt.Println(fieldmask.Validate(fieldmask.TTALTiming, s, fieldmask.Read))
	fmt.Println(fieldmask.Validate(fieldmask.TTALTiming, s, fieldmask.Update))
	fmt.Println(fieldmask.Validate(fieldmask.MustParse("title.nmae"), s, fieldmask.Update))
	// Output:
	// <nil>
	// fieldmask: path "events.end": "events" is an array: update masks may end at an array but not go through it
	// fieldmask: path "title.nmae": no field nmae
}

func ExampleIntersect() {
	a := fieldmask.MustParse("events,title")
	b := fieldmask.MustParse("events.start,language")
	fmt.Println(fieldmask.Union(a, b))
	fmt.Println(fieldmask.Intersect(a, b))
	fmt.Println(fieldmask.Subtract(a, b))
	fmt.Println(fieldmask.Intersect(fieldmask.All, b))
	// Output:
	// events,language,title
	// events.start
	// events,title
	// events.start,language
}
