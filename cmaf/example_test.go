package cmaf_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// Example packages a file as CMAF segments with DASH and HLS manifests, as
// a Go service would without the CLI.
func Example() {
	inputs, err := cmaf.OpenInputs(filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() {
		for _, in := range inputs {
			in.Close()
		}
	}()
	dir, _ := os.MkdirTemp("", "mp4pkg-example-")
	defer os.RemoveAll(dir)

	out := cmaf.DirOutput(dir)
	res, err := cmaf.Package(context.Background(), out, inputs, cmaf.Options{SegmentDuration: 2 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := cmaf.WriteManifests(out, res, true, true); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Presentation.Representations {
		fmt.Println(r.ID, r.Codec, len(r.Segments), "segments")
	}
	fmt.Println(res.Files[0], res.Files[len(res.Files)-1])
	// Output:
	// video-360p avc1.64001e 3 segments
	// audio mp4a.40.2 3 segments
	// video-360p/init.mp4 audio/playlist.m3u8
}
