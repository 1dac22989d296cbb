package ttal

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// conformanceDir returns the W3C test suites folder (../shared/conformance
// next to the repository, or $MP4PKG_CONFORMANCE), skipping when absent.
func conformanceDir(t *testing.T, suite string) string {
	t.Helper()
	dir := os.Getenv("MP4PKG_CONFORMANCE")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "conformance")
	}
	dir = filepath.Join(dir, suite)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("conformance suite %s not found (set MP4PKG_CONFORMANCE): %v", suite, err)
	}
	return dir
}

// TestDAPTConformance runs the W3C dapt-tests validation suite: every valid
// document reads and has no error finding under the dapt profile; every
// invalid one has an error finding whose rule names the DAPT section that
// tests.json files it under.
func TestDAPTConformance(t *testing.T) {
	dir := filepath.Join(conformanceDir(t, "dapt-tests"), "dapt1", "validation")
	raw, err := os.ReadFile(filepath.Join(dir, "tests.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]map[string][]struct{ Test string }
	if err := json.Unmarshal(raw, &sections); err != nil {
		t.Fatal(err)
	}
	valid, invalid := 0, 0
	for section, kinds := range sections {
		rule := "dapt." + strings.TrimPrefix(section, "#")
		for kind, tests := range kinds {
			for _, tc := range tests {
				name := tc.Test
				data, err := os.ReadFile(filepath.Join(dir, kind, name+".xml"))
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				fs := ValidateDAPTDocument(data)
				if kind == "valid" {
					valid++
					if HasErrors(fs) {
						t.Errorf("%s (valid): findings %v", name, fs)
					}
					if _, err := ReadBytes(data, FormatDAPT, ReadOptions{}); err != nil {
						t.Errorf("%s (valid): read: %v", name, err)
					}
					continue
				}
				invalid++
				found := false
				for _, f := range fs {
					found = found || (f.Rule == rule && f.Severity == SeverityError)
				}
				if !found {
					t.Errorf("%s (invalid): want a %s error, got %v", name, rule, fs)
				}
			}
		}
	}
	t.Logf("dapt-tests: %d valid documents read and pass, %d invalid documents rejected by the rule they break", valid, invalid)
	if valid == 0 || invalid == 0 {
		t.Fatal("no tests found")
	}
}

// imscScore compares, for every imsc-tests TTML document that has reference
// PNGs, the set of times named by the PNGs with (a) the times at which our
// converted cues begin or end, plus 0 where every rendering starts, and (b)
// the times at which our timing model says the document can change
// ([ttmlSignificantTimes]). Times are compared at the document's frame
// resolution. It returns per-test results for the timing tests
// (imsc1/ttml/timing) and for all tests.
type imscResult struct {
	name           string
	timing         bool
	cues, model    bool
	want, got, sig string
}

func imscScore(t *testing.T) []imscResult {
	dir := conformanceDir(t, "imsc-tests")
	index, err := os.ReadFile(filepath.Join(dir, "png-index.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pngs := map[string][]string{} // suite/test → times
	for _, line := range strings.Fields(string(index)) {
		parts := strings.Split(line, "/") // imsc1/png/Test/0.000000.png
		if len(parts) != 4 {
			continue
		}
		key := parts[0] + "/" + parts[2]
		pngs[key] = append(pngs[key], strings.TrimSuffix(parts[3], ".png"))
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".ttml") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var results []imscResult
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		suite := strings.Split(rel, string(filepath.Separator))[0]
		test := strings.TrimSuffix(filepath.Base(p), ".ttml")
		want, ok := pngs[suite+"/"+test]
		if !ok {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res := imscResult{name: rel, timing: strings.Contains(rel, string(filepath.Separator)+"timing"+string(filepath.Separator))}
		rate := FrameRate{30, 1}
		cues := map[int64]bool{0: true}
		s, err := ReadBytes(data, FormatTTML, ReadOptions{})
		if err == nil {
			rate = s.Timing.FrameRate
			for _, e := range s.Events {
				cues[e.Start], cues[e.End] = true, true
			}
		}
		wantFrames := map[int64]bool{}
		for _, w := range want {
			if sec, ok := new(big.Rat).SetString(w); ok {
				wantFrames[frameAt(sec, rate)] = true
			}
		}
		model := map[int64]bool{}
		if sig, err := ttmlSignificantTimes(data); err == nil {
			for _, v := range sig {
				model[frameAt(v, rate)] = true
			}
		}
		res.cues, res.model = sameSet(cues, wantFrames), sameSet(model, wantFrames)
		res.want, res.got, res.sig = frameList(wantFrames, rate), frameList(cues, rate), frameList(model, rate)
		results = append(results, res)
	}
	return results
}

func sameSet(a, b map[int64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func frameList(m map[int64]bool, r FrameRate) string {
	fs := make([]int64, 0, len(m))
	for f := range m {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = strconv.FormatFloat(r.Duration(f).Seconds(), 'f', -1, 64)
	}
	return strings.Join(out, " ")
}

// TestIMSCTiming scores our TTML timing against the imsc-tests reference
// PNGs. Run with -v to see the scores and the mismatches:
//
//	go test ./ttal -run TestIMSCTiming -v
//
// It requires that the timing model gives the reference times for at least
// 90% of the timing tests, and that the converted cues keep their score.
func TestIMSCTiming(t *testing.T) {
	results := imscScore(t)
	var n, tn, cues, tcues, model, tmodel int
	for _, r := range results {
		n++
		if r.cues {
			cues++
		}
		if r.model {
			model++
		}
		if r.timing {
			tn++
			if r.cues {
				tcues++
			}
			if r.model {
				tmodel++
			}
		}
		if r.timing && (!r.cues || !r.model) {
			t.Logf("%s: reference %s; cues %s; model %s", r.name, r.want, r.got, r.sig)
		}
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	t.Logf("IMSC timing tests: converted cue times %d/%d (%.1f%%), timing model %d/%d (%.1f%%)", tcues, tn, pct(tcues, tn), tmodel, tn, pct(tmodel, tn))
	t.Logf("all %d tests with reference PNGs: converted cue times %d (%.1f%%), timing model %d (%.1f%%)", n, cues, pct(cues, n), model, pct(model, n))
	if tn == 0 || tmodel*10 < tn*9 {
		t.Errorf("timing model matches %d/%d timing tests, below 90%%", tmodel, tn)
	}
	if tcues < 19 {
		t.Errorf("converted cue times match %d/%d timing tests, fewer than the 19 measured when this test was written", tcues, tn)
	}
}
