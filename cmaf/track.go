package cmaf

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Input is one input file: a rendition of the programme, or a file with
// its own audio.
type Input struct {
	// Name is shown in messages.
	Name string
	// File is the opened input.
	File *isobmff.File
	// R reads the input's bytes.
	R      io.ReaderAt
	closer io.Closer
}

// Close closes the input's file when OpenInputs opened it.
func (in *Input) Close() error {
	if in.closer != nil {
		return in.closer.Close()
	}
	return nil
}

// OpenInputs opens the named files as inputs. Close them when done.
func OpenInputs(names ...string) ([]*Input, error) {
	var ins []*Input
	for _, name := range names {
		fh, err := os.Open(name)
		if err != nil {
			closeAll(ins)
			return nil, err
		}
		st, err := fh.Stat()
		if err != nil {
			fh.Close()
			closeAll(ins)
			return nil, err
		}
		f, err := isobmff.Open(fh, st.Size())
		if err != nil {
			fh.Close()
			closeAll(ins)
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		f.Name = name
		ins = append(ins, &Input{Name: name, File: f, R: fh, closer: fh})
	}
	return ins, nil
}

func closeAll(ins []*Input) {
	for _, in := range ins {
		in.Close()
	}
}

// track is one input track on its way out.
type track struct {
	in   *Input
	t    *isobmff.Track
	id   string // output name, e.g. video-720p
	kind string
	// outID is the output track_ID.
	outID uint32
	// samples are loaded while the track is being cut or written and
	// dropped after, so that only one track's sample list is in memory.
	samples []isobmff.Sample
	// bytes is the sum of the sample sizes.
	bytes int64
	// shift is the edit list's media time: presentation time = decode time
	// + composition offset - shift.
	shift int64
	// segStart[i] is the index of the first sample of segment i; the last
	// entry is len(samples).
	segStart []int
}

// load reads the track's sample list.
func (tr *track) load() error {
	if tr.samples != nil {
		return nil
	}
	samples, err := tr.in.File.Samples(tr.t)
	if err != nil {
		return fmt.Errorf("%s: %w", tr.in.Name, err)
	}
	if len(samples) == 0 {
		return fmt.Errorf("%s track %d has no samples", tr.in.Name, tr.t.ID)
	}
	tr.samples, tr.bytes = samples, 0
	for _, s := range samples {
		tr.bytes += int64(s.Size)
	}
	return nil
}

// drop forgets the sample list.
func (tr *track) drop() { tr.samples = nil }

// pts is the presentation time of sample i, edit list applied.
func (tr *track) pts(i int) int64 {
	s := tr.samples[i]
	return int64(s.DecodeTime) + int64(s.CompositionOffset) - tr.shift
}

// kindOf maps a handler type to an output kind, or "" for tracks that are
// not packaged.
func kindOf(handler string) string {
	switch handler {
	case "vide":
		return "video"
	case "soun":
		return "audio"
	}
	return ""
}

// collectTracks lists the packaged tracks of the inputs in output order
// (video by decreasing height, then audio) and names them. Encrypted
// tracks are refused unless encrypted is set (for decryption).
func collectTracks(inputs []*Input, encrypted bool) ([]*track, []string, error) {
	var video, audio []*track
	var skipped []string
	for _, in := range inputs {
		if mv := in.File.Moov.Mvhd; mv == nil || mv.Timescale == 0 {
			return nil, nil, fmt.Errorf("%s: moov has no mvhd with a timescale", in.Name)
		}
		for _, t := range in.File.Tracks {
			kind := kindOf(t.Handler)
			if kind == "" {
				skipped = append(skipped, fmt.Sprintf("%s track %d (%s)", in.Name, t.ID, t.Handler))
				continue
			}
			if t.Encryption != nil && !encrypted {
				return nil, nil, fmt.Errorf("%s track %d is encrypted (%s): decrypt it first", in.Name, t.ID, t.Encryption.Scheme)
			}
			if t.SampleCount == 0 {
				return nil, nil, fmt.Errorf("%s track %d has no samples", in.Name, t.ID)
			}
			tr := &track{in: in, t: t, kind: kind, outID: outTrackID}
			for _, e := range t.EditList {
				if e.MediaTime >= 0 {
					tr.shift = e.MediaTime
					break
				}
			}
			if kind == "video" {
				video = append(video, tr)
			} else {
				audio = append(audio, tr)
			}
		}
	}
	if len(video)+len(audio) == 0 {
		return nil, skipped, fmt.Errorf("no video or audio track in the inputs")
	}
	// Highest first, stable for equal heights.
	for i := 1; i < len(video); i++ {
		for j := i; j > 0 && video[j].t.Height > video[j-1].t.Height; j-- {
			video[j], video[j-1] = video[j-1], video[j]
		}
	}
	tracks := append(video, audio...)
	used := map[string]int{}
	for _, tr := range tracks {
		base := "audio"
		if tr.kind == "video" {
			base = fmt.Sprintf("video-%dp", tr.t.Height)
		} else if lang := strings.ToLower(tr.t.Language); lang != "" && lang != "und" {
			base = "audio-" + lang
		}
		used[base]++
		tr.id = base
		if used[base] > 1 {
			tr.id = fmt.Sprintf("%s-%d", base, used[base])
		}
	}
	return tracks, skipped, nil
}

// NewInput makes an input of a file opened by the caller: r reads its
// bytes and closer, when not nil, is closed by Close.
func NewInput(name string, f *isobmff.File, r io.ReaderAt, closer io.Closer) *Input {
	return &Input{Name: name, File: f, R: r, closer: closer}
}
