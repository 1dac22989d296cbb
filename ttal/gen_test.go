package ttal

import (
	"fmt"
	"strings"
)

// generateScript returns a clean script of n dialogue events at 23.976 fps
// with two characters and an original and a translated text per event; it
// feeds the schema test and the benchmarks.
func generateScript(n int) *Script {
	s := New(TranslatedTranscript, "fr-FR", Rate23976)
	s.LanguageSource = "en-US"
	s.Represents = []string{"audio.dialogue"}
	s.Characters = []Character{{ID: "c1", Name: "Assane", Talent: "Omar Sy"}, {ID: "c2", Name: "Claire"}}
	s.Events = make([]Event, 0, n)
	words := strings.Fields("we will get rich and that is how it works every single time my friend")
	for i := 0; i < n; i++ {
		start := int64(i) * 72
		en := strings.Join(words[i%5:i%5+6], " ")
		s.Events = append(s.Events, Event{
			ID: fmt.Sprintf("e%d", i+1), Start: start, End: start + 48,
			CharacterIDs: []string{[]string{"c1", "c2"}[i%2]}, Represents: "audio.dialogue", OnScreen: On,
			Texts: []Text{
				{Lang: "en-US", LangSrc: "en-US", Text: "En: " + en + "."},
				{Lang: "fr-FR", LangSrc: "en-US", Text: "Fr: " + en + ".", Anchors: []Anchor{{Offset: 0, Frame: start}}},
			},
		})
	}
	return s
}
