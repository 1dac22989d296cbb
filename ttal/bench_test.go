package ttal

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchEvents is the size of the generated script of the benchmarks.
const benchEvents = 10000

// baselineScript mirrors the model with encoding/json struct tags: what
// encoding/json allocates to decode the same document is the yardstick.
type baselineScript struct {
	Format           string   `json:"format"`
	FormatVersion    string   `json:"formatVersion"`
	ScriptType       string   `json:"scriptType"`
	ScriptRepresents []string `json:"scriptRepresents"`
	Language         string   `json:"language"`
	LanguageSource   string   `json:"languageSource"`
	Timing           struct {
		FrameRate struct {
			Num int64 `json:"num"`
			Den int64 `json:"den"`
		} `json:"frameRate"`
		DropFrame bool `json:"dropFrame"`
	} `json:"timing"`
	Characters []struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Talent string `json:"talent"`
	} `json:"characters"`
	Events []struct {
		ID           string   `json:"id"`
		Start        int64    `json:"start"`
		End          int64    `json:"end"`
		CharacterIDs []string `json:"characterIds"`
		Represents   string   `json:"represents"`
		OnScreen     string   `json:"onScreen"`
		Texts        []struct {
			Lang    string `json:"lang"`
			LangSrc string `json:"langSrc"`
			Text    string `json:"text"`
			Anchors []struct {
				Offset int64 `json:"offset"`
				Frame  int64 `json:"frame"`
			} `json:"anchors"`
		} `json:"texts"`
	} `json:"events"`
}

func benchDoc(b *testing.B) []byte {
	b.Helper()
	return generateScript(benchEvents).Marshal()
}

// BenchmarkDecode decodes a 10,000-event script.
func BenchmarkDecode(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodingJSONBaseline decodes the same document with
// encoding/json into baselineScript.
func BenchmarkEncodingJSONBaseline(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var s baselineScript
		if err := json.Unmarshal(doc, &s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate validates a 10,000-event script against the Netflix
// subtitle rules (which include the structural ones).
func BenchmarkValidate(b *testing.B) {
	s := generateScript(benchEvents)
	b.ReportAllocs()
	for b.Loop() {
		if fs := Validate(s, ProfileNetflixSubtitle); len(fs) != 0 {
			b.Fatal(fs[0])
		}
	}
}

// BenchmarkDecodeValidate is the yardstick: decode and validate a
// 10,000-event script (target: under 100 ms).
func BenchmarkDecodeValidate(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Unmarshal(doc)
		if err != nil {
			b.Fatal(err)
		}
		if fs := Validate(s, ProfileNetflixSubtitle); len(fs) != 0 {
			b.Fatal(fs[0])
		}
	}
}

// BenchmarkValidateOverlaps validates 20,000 events that all overlap one
// another and name no speaker (one structural.overlap finding each).
func BenchmarkValidateOverlaps(b *testing.B) {
	s := overlapScript(20000, func(int) []string { return nil })
	b.ReportAllocs()
	for b.Loop() {
		if fs := Validate(s, ProfileStructural); len(fs) != 20002 { // and 3 unused characters
			b.Fatal(len(fs))
		}
	}
}

// BenchmarkEncode writes a 10,000-event script.
func BenchmarkEncode(b *testing.B) {
	s := generateScript(benchEvents)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Marshal()
	}
}

// TestDecodeAllocations holds the codec to at most twice the allocations
// (count and bytes) of encoding/json on the same 1,000-event document.
func TestDecodeAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations")
	}
	doc := generateScript(1000).Marshal()
	ours := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = Unmarshal(doc)
		}
	})
	base := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s baselineScript
			_ = json.Unmarshal(doc, &s)
		}
	})
	t.Logf("ttal: %d allocs, %d B per decode; encoding/json: %d allocs, %d B", ours.AllocsPerOp(), ours.AllocedBytesPerOp(), base.AllocsPerOp(), base.AllocedBytesPerOp())
	if ours.AllocsPerOp() > 2*base.AllocsPerOp() || ours.AllocedBytesPerOp() > 2*base.AllocedBytesPerOp() {
		t.Fatalf("the codec allocates more than twice encoding/json")
	}
}

// manyVoices is a WebVTT cue with n distinct voices, on one line or one
// line each.
func manyVoices(n int, sep string) []byte {
	var b strings.Builder
	b.WriteString("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<v %d>x%s", i, sep)
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// BenchmarkReadManyVoices reads a cue with 60,000 distinct voices (the
// review's manyv.vtt and manyv2.vtt): linear in them (it took 11 and 15 s
// when speakers were de-duplicated by scanning lists).
func BenchmarkReadManyVoices(b *testing.B) {
	for _, c := range []struct{ name, sep string }{{"one-line", ""}, {"line-each", "\n"}} {
		doc := manyVoices(60000, c.sep)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for i := 0; i < b.N; i++ {
				s, err := ReadBytes(doc, FormatVTT, ReadOptions{})
				if err != nil || len(s.Characters) != 60000 || len(s.Events[0].CharacterIDs) != 60000 {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}
