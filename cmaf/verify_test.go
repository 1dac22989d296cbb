package cmaf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// packagingInputs are the files every packaging check runs on: all of
// testdata (renditions aside) and mp4ff's progressive files.
func packagingInputs(t testing.TB) []string {
	var files []string
	for _, p := range testmedia.Testdata(t) {
		if !strings.HasPrefix(filepath.Base(p), "rend_") {
			files = append(files, p)
		}
	}
	dir := testmedia.MP4ffDir(t)
	for _, rel := range []string{"mp4/testdata/prog_8s.mp4", "mp4/testdata/bbb_prog_10s.mp4", "mp4/testdata/ed_hevc.mp4",
		"cmd/mp4ff-nallister/testdata/h264.mp4", "cmd/mp4ff-nallister/testdata/hevc.mp4",
		"cmd/mp4ff-mvhevc/testdata/stereo_spatial.mp4", "mp4/testdata/iamf.mp4"} {
		files = append(files, filepath.Join(dir, rel))
	}
	return files
}

// run packages names into dir.
func run(t testing.TB, dir string, opts Options, names ...string) *Result {
	t.Helper()
	ins, err := OpenInputs(names...)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(ins)
	res, err := Package(context.Background(), DirOutput(dir), ins, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// trackFile joins a representation's init and media segments (or takes its
// single file) into one fragmented MP4 and returns its path.
func trackFile(t testing.TB, dir, layout string, rep *manifest.Representation) string {
	t.Helper()
	if layout == manifest.LayoutSingleFile {
		return filepath.Join(dir, rep.FileURL)
	}
	var all []byte
	names := []string{rep.InitURL}
	for _, s := range rep.Segments {
		names = append(names, strings.Replace(rep.SegmentURL, "$Number%05d$", fmt.Sprintf("%05d", s.Number), 1))
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	out := filepath.Join(dir, rep.ID+".joined.mp4")
	if err := os.WriteFile(out, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// ffmpegHashes returns ffmpeg's framemd5 hashes (column 6) of one stream:
// packets with copy, decoded frames without.
func ffmpegHashes(t testing.TB, bin, path, stream string, decode bool) []string {
	t.Helper()
	args := []string{"-v", "error", "-ignore_editlist", "1", "-i", path, "-map", "0:" + stream}
	if !decode {
		args = append(args, "-c", "copy")
	}
	args = append(args, "-f", "framemd5", "-")
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
	var hashes []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(line, ","); len(f) >= 6 && !strings.HasPrefix(line, "#") {
			hashes = append(hashes, strings.TrimSpace(f[5]))
		}
	}
	return hashes
}

// ffmpegDecodes reports whether ffmpeg can decode a stream of path (Debian's
// ffmpeg 5.1 has no IAMF decoder, for one).
func ffmpegDecodes(bin, path, stream string) bool {
	out, err := exec.Command(bin, "-v", "error", "-i", path, "-map", "0:"+stream, "-frames", "1", "-f", "null", "-").CombinedOutput()
	return err == nil || !strings.Contains(string(out), "Decoder (codec none) not found")
}

// streamSpec is the ffmpeg stream specifier of an input track.
func streamSpec(f *isobmff.File, id uint32) string {
	for i, t := range f.Tracks {
		if t.ID == id {
			return fmt.Sprint(i)
		}
	}
	return "?"
}

// TestPackagedOutputDecodesLikeInput packages every input in both layouts
// and checks each output track with ffmpeg (every packet hash and every
// decoded frame equal the input's), with isobmff (same sample count and
// duration, every segment starting with a sync sample) and with mp4ff (it
// parses every file).
func TestPackagedOutputDecodesLikeInput(t *testing.T) {
	bin := testmedia.Tool(t, "ffmpeg")
	for _, path := range packagingInputs(t) {
		in, err := isobmff.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
			t.Run(filepath.Base(path)+"/"+layout, func(t *testing.T) {
				dir := t.TempDir()
				res := run(t, dir, Options{SegmentDuration: 2 * time.Second, Layout: layout}, path)
				for _, rep := range res.Presentation.Representations {
					src := findTrack(t, in, rep)
					outPath := trackFile(t, dir, layout, rep)
					out, err := isobmff.OpenFile(outPath)
					if err != nil {
						t.Fatalf("%s: our output does not open: %v", rep.ID, err)
					}
					ot := out.Tracks[0]
					if ot.SampleCount != src.SampleCount || ot.Duration != src.Duration {
						t.Errorf("%s: %d samples / %d ticks, input %d / %d", rep.ID, ot.SampleCount, ot.Duration, src.SampleCount, src.Duration)
					}
					checkSegmentStarts(t, dir, layout, rep, out)
					for _, decode := range []bool{false, true} {
						if decode && !ffmpegDecodes(bin, path, streamSpec(in, src.ID)) {
							t.Logf("%s: ffmpeg has no decoder for %s; packets compared only", rep.ID, rep.Codec)
							continue
						}
						want := ffmpegHashes(t, bin, path, streamSpec(in, src.ID), decode)
						got := ffmpegHashes(t, bin, outPath, "0", decode)
						if strings.Join(got, " ") != strings.Join(want, " ") {
							t.Errorf("%s: %d %s hashes differ from the input's %d (decode=%v)", rep.ID, len(got), map[bool]string{false: "packet", true: "frame"}[decode], len(want), decode)
						}
					}
					data, _ := os.ReadFile(outPath)
					if err := isobmff.Guard(rep.ID, 0, func() error { _, err := mp4.DecodeFile(bytes.NewReader(data)); return err }); err != nil {
						t.Errorf("%s: mp4ff does not parse the output: %v", rep.ID, err)
					}
				}
			})
		}
	}
}

// findTrack returns the input track a representation came from (same codec,
// size and sample count).
func findTrack(t testing.TB, in *isobmff.File, rep *manifest.Representation) *isobmff.Track {
	t.Helper()
	for _, tr := range in.Tracks {
		if tr.Codec == rep.Codec && int(tr.Width) == rep.Width && int(tr.Height) == rep.Height && kindOf(tr.Handler) == rep.Kind {
			return tr
		}
	}
	t.Fatalf("no input track for %s", rep.ID)
	return nil
}

// checkSegmentStarts checks that every segment starts with a sync sample
// and that the indexes (per-segment sidx, or the top-level sidx and the
// mfra) match the real byte ranges and times.
func checkSegmentStarts(t *testing.T, dir, layout string, rep *manifest.Representation, joined *isobmff.File) {
	t.Helper()
	samples, err := joined.Samples(joined.Tracks[0])
	if err != nil {
		t.Fatal(err)
	}
	// Sample index of each moof.
	moofFirst := map[int64]int{}
	i := 0
	for _, m := range joined.Moofs {
		moofFirst[m.Offset] = i
		for _, traf := range m.Box.Trafs {
			for _, trun := range traf.Truns {
				i += len(trun.Samples)
			}
		}
	}
	if layout == manifest.LayoutSegments {
		init, _ := os.ReadFile(filepath.Join(dir, rep.InitURL))
		pos := int64(len(init))
		for _, s := range rep.Segments {
			name := strings.Replace(rep.SegmentURL, "$Number%05d$", fmt.Sprintf("%05d", s.Number), 1)
			seg, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			f, err := isobmff.Open(bytes.NewReader(append(bytes.Clone(init), seg...)), int64(len(init)+len(seg)))
			if err != nil {
				t.Fatalf("%s: init + segment %d does not open: %v", rep.ID, s.Number, err)
			}
			if len(f.Sidx) != 1 {
				t.Fatalf("%s segment %d: %d sidx boxes", rep.ID, s.Number, len(f.Sidx))
			}
			sx := f.Sidx[0]
			sidxBox := findBox(f.Boxes, "sidx")
			refs := sidxRefs(t, init, seg, sidxBox)
			if end := sidxBox.Offset + sidxBox.Size - int64(len(init)); refs[0] != int64(len(seg))-end {
				t.Errorf("%s segment %d: sidx references %d bytes, %d follow it", rep.ID, s.Number, refs[0], int64(len(seg))-end)
			}
			first := moofFirst[pos+f.Moofs[0].Offset-int64(len(init))]
			smp := samples[first]
			if !smp.Sync {
				t.Errorf("%s segment %d starts with a non-sync sample", rep.ID, s.Number)
			}
			if sx.ReferenceID != joined.Tracks[0].ID || sx.EarliestPresentationTime != s.Start || sx.Duration != s.Duration {
				t.Errorf("%s segment %d: sidx ref %d ept %d dur %d, want %d %d %d", rep.ID, s.Number, sx.ReferenceID, sx.EarliestPresentationTime, sx.Duration, joined.Tracks[0].ID, s.Start, s.Duration)
			}
			pos += int64(len(seg))
		}
		return
	}
	// Single file: the top-level sidx covers the fragments; mfra lists them.
	if len(joined.Sidx) != 1 {
		t.Fatalf("%s: %d top-level sidx", rep.ID, len(joined.Sidx))
	}
	sidxBox := findBox(joined.Boxes, "sidx")
	data, _ := os.ReadFile(filepath.Join(dir, rep.FileURL))
	refs := sidxRefs(t, nil, data, sidxBox)
	pos := sidxBox.Offset + sidxBox.Size
	for k, size := range refs {
		if pos != rep.Segments[k].Offset {
			t.Errorf("%s: reference %d starts at %d, segment at %d", rep.ID, k+1, pos, rep.Segments[k].Offset)
		}
		first, ok := moofFirst[pos]
		if !ok || !samples[first].Sync {
			t.Errorf("%s: reference %d at %d does not start at a moof with a sync sample", rep.ID, k+1, pos)
		}
		pos += size
	}
	mfra := findBox(joined.Boxes, "mfra")
	if mfra == nil || pos != mfra.Offset {
		t.Fatalf("%s: sidx references end at %d, mfra is at %v", rep.ID, pos, mfra)
	}
	dec, err := isobmff.DecodeBox(data[mfra.Offset:mfra.Offset+mfra.Size], "mfra", mfra.Offset)
	if err != nil {
		t.Fatal(err)
	}
	entries := dec.(*mp4.MfraBox).Tfra.Entries
	syncStarts := 0
	for _, first := range moofFirst {
		if samples[first].Sync {
			syncStarts++
		}
	}
	if len(entries) != syncStarts {
		t.Errorf("%s: tfra has %d entries for %d fragments that start with a sync sample", rep.ID, len(entries), syncStarts)
	}
	for k, e := range entries {
		first, ok := moofFirst[int64(e.MoofOffset)]
		if !ok {
			t.Fatalf("%s: tfra entry %d points at %d, not a moof", rep.ID, k+1, e.MoofOffset)
		}
		s := samples[first]
		if pts := uint64(int64(s.DecodeTime) + int64(s.CompositionOffset)); !s.Sync || pts != e.Time {
			t.Errorf("%s: tfra entry %d time %d, sample pts %d sync %v", rep.ID, k+1, e.Time, pts, s.Sync)
		}
	}
}

func findBox(bs []*isobmff.Box, typ string) *isobmff.Box {
	for _, b := range bs {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

// sidxRefs decodes the referenced sizes of the sidx box in data (after
// prefix, which it was opened with).
func sidxRefs(t testing.TB, prefix, data []byte, b *isobmff.Box) []int64 {
	off := b.Offset - int64(len(prefix))
	dec, err := isobmff.DecodeBox(data[off:off+b.Size], "sidx", off)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range dec.(*mp4.SidxBox).SidxRefs {
		if r.StartsWithSAP != 1 || r.SAPType == 0 || r.SAPType > 3 {
			t.Errorf("sidx reference does not start with a SAP of type 1-3: %+v", r)
		}
		out = append(out, int64(r.ReferencedSize))
	}
	return out
}

// TestFragmentsPerSegment cuts 2 s segments into 0.5 s fragments (CMAF
// chunks): every packet is still there, segments still start with sync
// samples, and the indexes still cover the real bytes.
func TestFragmentsPerSegment(t *testing.T) {
	bin := testmedia.Tool(t, "ffmpeg")
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	in, err := isobmff.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
		dir := t.TempDir()
		res := run(t, dir, Options{SegmentDuration: 2 * time.Second, FragmentDuration: 500 * time.Millisecond, Layout: layout}, path)
		for _, rep := range res.Presentation.Representations {
			outPath := trackFile(t, dir, layout, rep)
			out, err := isobmff.OpenFile(outPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Moofs) < 3*len(rep.Segments) {
				t.Errorf("%s %s: %d fragments in %d segments", layout, rep.ID, len(out.Moofs), len(rep.Segments))
			}
			checkSegmentStarts(t, dir, layout, rep, out)
			src := findTrack(t, in, rep)
			want := ffmpegHashes(t, bin, path, streamSpec(in, src.ID), false)
			if got := ffmpegHashes(t, bin, outPath, "0", false); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s %s: packet hashes differ", layout, rep.ID)
			}
		}
	}
}

// TestPackagingIsDeterministic packages the same input twice and compares
// every output byte.
func TestPackagingIsDeterministic(t *testing.T) {
	path := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	for _, layout := range []string{manifest.LayoutSegments, manifest.LayoutSingleFile} {
		a, b := t.TempDir(), t.TempDir()
		ra := run(t, a, Options{Layout: layout}, path)
		run(t, b, Options{Layout: layout}, path)
		if digest(t, a, ra.Files) != digest(t, b, ra.Files) {
			t.Errorf("%s: two runs differ", layout)
		}
	}
}

func digest(t testing.TB, dir string, files []string) string {
	h := sha256.New()
	names := append([]string(nil), files...)
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
