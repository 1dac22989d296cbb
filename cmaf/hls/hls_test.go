package hls

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixtures are the hand-built presentations shared with the other writer's tests.
var fixtures = testmedia.Presentations

func load(t *testing.T, name string) *manifest.Presentation { return testmedia.Presentation(t, name) }

// outputs writes every playlist of p as the packager would, keyed by its
// path relative to DIR.
func outputs(t *testing.T, p *manifest.Presentation) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	put := func(name string, write func(io.Writer) error) {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = buf.Bytes()
	}
	put("master.m3u8", func(w io.Writer) error { return WriteMaster(w, p) })
	for _, r := range p.Representations {
		put(MediaPlaylistURI(r), func(w io.Writer) error { return WriteMedia(w, r, p.Layout) })
		if HasIFramePlaylist(r) {
			put(IFramePlaylistURI(r), func(w io.Writer) error { return WriteIFrames(w, r, p.Layout) })
		}
	}
	return files
}

// TestGolden compares every playlist of every fixture with
// testdata/golden/FIXTURE/PATH and checks that a second run gives the same
// bytes.
func TestGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			got := outputs(t, load(t, name))
			again := outputs(t, load(t, name))
			dir := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
			}
			var names []string
			for file, b := range got {
				names = append(names, file)
				if !bytes.Equal(b, again[file]) {
					t.Errorf("%s: two runs gave different bytes", file)
				}
				path := filepath.Join(dir, filepath.FromSlash(file))
				testmedia.Golden(t, path, b, *update)
			}
			var stored []string
			err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, path)
					stored = append(stored, filepath.ToSlash(rel))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(names)
			sort.Strings(stored)
			if !slices.Equal(names, stored) {
				t.Errorf("playlists %v, golden files %v", names, stored)
			}
		})
	}
}

func TestExpandTemplate(t *testing.T) {
	r := &manifest.Representation{ID: "v", Bandwidth: 800000}
	s := manifest.Segment{Number: 7, Start: 123456}
	cases := []struct{ tmpl, want, err string }{
		{"v/seg-$Number%05d$.m4s", "v/seg-00007.m4s", ""},
		{"$RepresentationID$/$Number$.m4s", "v/7.m4s", ""},
		{"$RepresentationID$/t$Time$-$Bandwidth%09d$.m4s", "v/t123456-000800000.m4s", ""},
		{"a$$b-$Number%01d$", "a$b-7", ""},
		{"x-$Number%012d$", "x-000000000007", ""},
		{"seg-$Number", "", "unterminated"},
		{"seg-$Index$", "", "unknown identifier"},
		{"seg-$Number%5d$", "", "bad format"},
		{"seg-$Number%05x$", "", "bad format"},
		{"seg-$Number%0999999999d$", "", "bad format"},
		{"seg-$RepresentationID%05d$", "", "bad format"},
	}
	for _, c := range cases {
		r.SegmentURL = c.tmpl
		got, err := expandTemplate(r, s)
		if c.err != "" {
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.err)) {
				t.Errorf("%q: error %v, want %q", c.tmpl, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
}

func TestFromPlaylist(t *testing.T) {
	cases := []struct{ id, url, want string }{
		{"video-1080p", "video-1080p/init.mp4", "init.mp4"},
		{"video-1080p", "video-1080p/seg-00001.m4s", "seg-00001.m4s"},
		{"video-1080p", "video-1080p.mp4", "../video-1080p.mp4"},
		{"video-1080p", "./video-1080p/init.mp4", "init.mp4"},
		{"video-1080p", "other/init.mp4", "../other/init.mp4"},
		{"video", "video-1080p/init.mp4", "../video-1080p/init.mp4"},
		{"video", "https://cdn.example/video/init.mp4", "https://cdn.example/video/init.mp4"},
		{"video", "/abs/init.mp4", "/abs/init.mp4"},
	}
	for _, c := range cases {
		if got := fromPlaylist(c.id, c.url); got != c.want {
			t.Errorf("fromPlaylist(%q, %q) = %q, want %q", c.id, c.url, got, c.want)
		}
	}
}

func TestFrameRate(t *testing.T) {
	for in, want := range map[string]string{"25": "25.000", "30000/1001": "29.970", "24000/1001": "23.976", "60": "60.000"} {
		if got, err := frameRate(in); err != nil || got != want {
			t.Errorf("frameRate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "25/0", "25.0", "x", "-25", "1/2/3"} {
		if _, err := frameRate(in); err == nil {
			t.Errorf("frameRate(%q) gave no error", in)
		}
	}
}
