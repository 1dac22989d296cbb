package fieldmask

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"
)

// benchEvents is the size of the generated TTAL document of the benchmarks.
const benchEvents = 10000

// ttalDocument returns a generated TTAL-shaped script with n events, as JSON.
func ttalDocument(n int, text string) []byte {
	events := make([]any, n)
	for i := range events {
		start := 1000 + i*48
		events[i] = map[string]any{
			"id": fmt.Sprintf("e%d", i+1), "start": start, "end": start + 40,
			"characterIds": []any{fmt.Sprintf("c%d", i%7+1)}, "represents": "audio.dialogue",
			"onScreen": "ON", "forcedNarrative": false,
			"texts": []any{
				map[string]any{"lang": "en-US", "text": fmt.Sprintf("%s line %d, said with feeling.", text, i)},
				map[string]any{"lang": "fr-FR", "langSrc": "en-US", "text": fmt.Sprintf("%s réplique %d, dite avec émotion.", text, i),
					"anchors": []any{map[string]any{"offset": 0, "frame": start}, map[string]any{"offset": 9, "frame": start + 20}}},
			},
			"annotations": []any{map[string]any{"category": "context", "text": "Sarcastic"}},
		}
	}
	chars := make([]any, 7)
	for i := range chars {
		chars[i] = map[string]any{"id": fmt.Sprintf("c%d", i+1), "name": fmt.Sprintf("CHARACTER %d", i+1), "talent": "Someone"}
	}
	doc := map[string]any{
		"format": "ttal", "formatVersion": "1.0", "scriptType": "asRecorded",
		"scriptRepresents": []any{"audio.dialogue"}, "language": "fr-FR", "languageSource": "en-US",
		"title":  map[string]any{"name": "Show", "season": 1, "episode": 3},
		"timing": map[string]any{"frameRate": map[string]any{"num": 24000, "den": 1001}, "dropFrame": false},
		"lineage": []any{map[string]any{"scriptId": "s1", "scriptType": "originalTranscript", "language": "en-US",
			"tool": "gen", "createdAt": "2026-01-05T10:00:00Z"}},
		"characters": chars, "shotChanges": []any{1440, 1512, 1610}, "events": events,
	}
	data, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return data
}

var benchData = sync.OnceValues(func() ([]byte, []byte) {
	return ttalDocument(benchEvents, "Original"), ttalDocument(benchEvents, "Patched")
})

func decodeBench(b *testing.B, data []byte) map[string]any {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkJSONDecode is the baseline: one encoding/json decode of the
// generated document into map[string]any.
func BenchmarkJSONDecode(b *testing.B) {
	data, _ := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFilter(b *testing.B) {
	data, _ := benchData()
	doc := decodeBench(b, data)
	for _, c := range []struct {
		name string
		m    Mask
	}{{"timing", TTALTiming}, {"texts", TTALTexts}, {"all", All}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Filter(doc, c.m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	data, patchData := benchData()
	doc, patch := decodeBench(b, data), decodeBench(b, patchData)
	for _, c := range []struct {
		name string
		m    Mask
		opts []Option
	}{
		{"title", MustParse("title.name,language"), nil},
		{"events", MustParse("events"), nil},
		{"all", All, nil},
		{"merge-timing", MustParse("timing"), []Option{MergeObjects()}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Apply(doc, patch, c.m, c.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFilterJSON is the whole round trip of the JSON helper (decode,
// filter, encode), for comparison.
func BenchmarkFilterJSON(b *testing.B) {
	data, _ := benchData()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FilterJSON(data, TTALTiming); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRatio interleaves one encoding/json decode of the generated
// document with one operation, and reports the operation's time as a
// fraction of the decode's ("op/decode"), so that the figure holds on a
// loaded machine. The target is op/decode <= 1.
func BenchmarkRatio(b *testing.B) {
	data, patchData := benchData()
	patch := decodeBench(b, patchData)
	for _, c := range []struct {
		name string
		op   func(doc map[string]any) error
	}{
		{"filter-timing", func(doc map[string]any) error { _, err := Filter(doc, TTALTiming); return err }},
		{"filter-texts", func(doc map[string]any) error { _, err := Filter(doc, TTALTexts); return err }},
		{"filter-all", func(doc map[string]any) error { _, err := Filter(doc, All); return err }},
		{"apply-events", func(doc map[string]any) error { return Apply(doc, patch, MustParse("events")) }},
		{"apply-all", func(doc map[string]any) error { return Apply(doc, patch, All) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var decode, op time.Duration
			for b.Loop() {
				t0 := time.Now()
				var doc map[string]any
				if err := json.Unmarshal(data, &doc); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := c.op(doc); err != nil {
					b.Fatal(err)
				}
				decode += t1.Sub(t0)
				op += time.Since(t1)
			}
			b.ReportMetric(float64(op)/float64(decode), "op/decode")
		})
	}
}
