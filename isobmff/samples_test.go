package isobmff_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// probePackets returns ffprobe's packets of the stream with track ID id,
// edit lists ignored, as "dts pts duration size pos sync" lines.
func probePackets(t *testing.T, bin, path string, id uint32) ([]string, error) {
	ids, err := exec.Command(bin, "-v", "error", "-show_entries", "stream=index,id", "-of", "csv=p=0", path).Output()
	if err != nil {
		return nil, err
	}
	index := ""
	for _, row := range strings.Split(strings.TrimSpace(string(ids)), "\n") {
		if f := strings.Split(row, ","); len(f) >= 2 && f[1] == fmt.Sprintf("0x%x", id) {
			index = f[0]
		}
	}
	out, err := exec.Command(bin, "-v", "error", "-ignore_editlist", "1", "-show_entries",
		"packet=stream_index,dts,pts,duration,size,pos,flags", "-of", "csv=p=0", path).Output()
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, row := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(row, ",")
		if len(f) < 7 || f[0] != index {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s %t", f[2], f[1], f[3], f[4], f[5], strings.HasPrefix(f[6], "K")))
	}
	return lines, nil
}

// TestSamplesAgreeWithFFprobe compares every sample's position, size,
// decode and presentation time, duration and sync flag with ffprobe's
// packets.
func TestSamplesAgreeWithFFprobe(t *testing.T) {
	bin := testmedia.Tool(t, "ffprobe")
	dir := testmedia.MP4ffDir(t)
	files := testmedia.Testdata(t)
	for _, rel := range []string{"mp4/testdata/prog_8s.mp4", "mp4/testdata/bbb_prog_10s.mp4", "mp4/testdata/ed_hevc.mp4",
		"mp4/testdata/v300_multiple_segments.mp4", "mp4/testdata/bbb5s_aac_sidx.mp4", "examples/multitrack/testdata/main_1.mp4",
		"cmd/mp4ff-nallister/testdata/hevc.mp4", "mp4/testdata/cbcsdec.mp4"} {
		files = append(files, filepath.Join(dir, rel))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := isobmff.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range f.Tracks {
				want, err := probePackets(t, bin, path, tr.ID)
				if err != nil {
					t.Fatalf("ffprobe: %v", err)
				}
				samples, err := f.Samples(tr)
				if err != nil {
					t.Fatal(err)
				}
				if len(samples) != len(want) {
					t.Fatalf("track %d: %d samples, ffprobe %d packets", tr.ID, len(samples), len(want))
				}
				for i, s := range samples {
					got := fmt.Sprintf("%d %d %d %d %d %t", s.DecodeTime, int64(s.DecodeTime)+int64(s.CompositionOffset), s.Duration, s.Size, s.Offset, s.Sync)
					w := strings.Split(want[i], " ")
					// ffprobe leaves the duration of some fragment samples
					// unset, and gives the last sample of a fragmented track
					// the duration of the one before (frag_sidx.mp4's trun says
					// 512 for its last AAC sample, ffprobe 1024).
					if len(w) == 6 && (w[2] == "N/A" || (f.Fragments != nil && i == len(samples)-1)) {
						w[2] = strconv.FormatUint(uint64(s.Duration), 10)
					}
					// ffmpeg hands out CEA-608 samples re-packed, without their
					// cdat box headers: their sizes differ.
					if len(w) == 6 && tr.SampleEntry == "c608" {
						w[3] = strconv.Itoa(int(s.Size))
					}
					want[i] = strings.Join(w, " ")
					if got != want[i] {
						t.Fatalf("track %d sample %d: dts pts dur size pos sync = %s, ffprobe %s", tr.ID, i+1, got, want[i])
					}
				}
			}
		})
	}
}
