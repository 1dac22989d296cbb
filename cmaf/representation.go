package cmaf

import (
	"fmt"
	"math/big"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// representation fills what the manifests know of a track before its files
// are written (sizes and ranges are added while writing).
func representation(tr *track, segs []*segInfo) *manifest.Representation {
	t := tr.t
	rep := &manifest.Representation{ID: tr.id, Kind: tr.kind, Codec: t.Codec, Timescale: t.Timescale,
		Language: t.Language, Width: int(t.Width), Height: int(t.Height), SAR: t.PixelAspect,
		SampleRate: t.SampleRate, Channels: t.Channels}
	if tr.shift > 0 {
		rep.PresentationTimeOffset = uint64(tr.shift)
	}
	if tr.kind == "video" {
		rep.FrameRate = frameRate(tr)
		if rep.SAR == "" {
			rep.SAR = "1:1"
		}
		rep.SampleRate, rep.Channels = 0, 0
	}
	var total int64
	var totalDur uint64
	for k, s := range segs {
		rep.Segments = append(rep.Segments, manifest.Segment{Number: k + 1, Start: s.ept, Duration: s.dur})
		total += s.size
		totalDur += s.dur
		if s.dur > 0 {
			if bw := s.size * 8 * int64(t.Timescale) / int64(s.dur); bw > rep.Bandwidth {
				rep.Bandwidth = bw
			}
		}
	}
	if totalDur > 0 {
		rep.AverageBandwidth = total * 8 * int64(t.Timescale) / int64(totalDur)
	}
	return rep
}

// frameRate is the track's frame rate as "25" or "30000/1001", from its
// most common sample duration.
func frameRate(tr *track) string {
	counts := map[uint32]int{}
	var best uint32
	for _, s := range tr.samples {
		counts[s.Duration]++
		if counts[s.Duration] > counts[best] {
			best = s.Duration
		}
	}
	if best == 0 {
		return ""
	}
	r := big.NewRat(int64(tr.t.Timescale), int64(best))
	if r.IsInt() {
		return r.Num().String()
	}
	return fmt.Sprintf("%s/%s", r.Num(), r.Denom())
}
