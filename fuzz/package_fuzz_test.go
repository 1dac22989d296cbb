package fuzz

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Close() error                { return nil }

type nowhere struct{}

func (nowhere) Create(string) (io.WriteCloser, error) { return discard{}, nil }

// FuzzPackage opens arbitrary bytes and, when isobmff accepts them,
// packages them in both layouts and writes the manifests: any error is
// fine, a panic or a hang is not. Seeds: the small real files of testdata
// and mp4ff.
func FuzzPackage(f *testing.F) {
	for _, data := range testmedia.SmallFiles(f, 100<<10) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		in := &cmaf.Input{Name: "fuzz", File: file, R: bytes.NewReader(data)}
		for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			res, err := cmaf.Package(ctx, nowhere{}, []*cmaf.Input{in}, cmaf.Options{SegmentDuration: time.Second, Layout: layout})
			cancel()
			if err != nil {
				continue
			}
			_ = cmaf.WriteManifests(nowhere{}, res, true, true)
		}
	})
}
