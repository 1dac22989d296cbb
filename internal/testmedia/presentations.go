package testmedia

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// Presentations names the hand-built manifest fixtures in
// cmaf/dash/testdata/presentations (made by gen.py there), which the DASH
// and HLS writer tests share.
var Presentations = []string{"avc-segments", "avc-single-file", "audio-only", "cbcs-drm", "multi-audio"}

// Presentation loads the named manifest fixture.
func Presentation(t testing.TB, name string) *manifest.Presentation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "cmaf", "dash", "testdata", "presentations", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var p manifest.Presentation
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}
