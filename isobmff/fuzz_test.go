package isobmff

import (
	"bytes"
	"errors"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// FuzzOpen feeds arbitrary bytes to Open. Seeds: the small real files of
// testdata/ and of mp4ff, and the two mp4ff crashers pinned in
// regress_test.go. Open must never panic, and every error must be a
// *BoxError. Committed crashers live in testdata/fuzz/FuzzOpen.
func FuzzOpen(f *testing.F) {
	for _, data := range testmedia.SmallFiles(f, 100<<10) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var be *BoxError
			if !errors.As(err, &be) {
				t.Fatalf("error is not a *BoxError: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := file.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
	})
}
