package cmaf

import (
	"fmt"
	"math/big"
	"time"
)

// SegmentBoundaries computes the segment starts of every track, shared by
// all tracks and renditions. The first video track leads: a segment starts
// at its first sync sample whose presentation time is at or after each
// multiple of target. Every other video track must have a sync sample at
// the same presentation time (within half a frame), or the call fails:
// renditions must have aligned key frames. Audio (and video without sync
// samples there) starts a segment at its first sample at or after each
// boundary.
func segmentBoundaries(tracks []*track, target time.Duration) error {
	if target <= 0 {
		return fmt.Errorf("segment duration must be positive, not %v", target)
	}
	var lead *track
	for _, tr := range tracks {
		if tr.kind == "video" {
			lead = tr
			break
		}
	}
	if lead == nil {
		lead = tracks[0]
	}
	if err := lead.load(); err != nil {
		return err
	}
	defer lead.drop()
	// Boundaries as exact rationals of seconds.
	ts := int64(lead.t.Timescale)
	// target in lead ticks, times 1e9; exact integers (times can be
	// anything in a damaged file).
	step := new(big.Int).Mul(big.NewInt(target.Nanoseconds()), big.NewInt(ts))
	var bounds []*big.Rat
	lead.segStart = []int{0}
	next := new(big.Int).Set(step) // the next boundary, times 1e9
	billion := big.NewInt(1e9)
	p := new(big.Int)
	for i := range lead.samples {
		if i == 0 || !lead.samples[i].Sync {
			continue
		}
		if p.Mul(big.NewInt(lead.pts(i)), billion).Cmp(next) >= 0 {
			lead.segStart = append(lead.segStart, i)
			bounds = append(bounds, big.NewRat(lead.pts(i), ts))
			// The first multiple of step after p.
			next.Quo(p, step)
			next.Add(next, big.NewInt(1))
			next.Mul(next, step)
		}
	}
	lead.segStart = append(lead.segStart, len(lead.samples))
	for _, tr := range tracks {
		if tr == lead {
			continue
		}
		if err := alignTrack(tr, lead, bounds); err != nil {
			return err
		}
	}
	return nil
}

// alignTrack cuts tr at the boundaries (presentation times in seconds).
func alignTrack(tr, lead *track, bounds []*big.Rat) error {
	if err := tr.load(); err != nil {
		return err
	}
	defer tr.drop()
	ts := int64(tr.t.Timescale)
	tr.segStart = []int{0}
	i := 0
	for _, b := range bounds {
		// b in tr ticks, as a rational.
		bt := new(big.Rat).Mul(b, big.NewRat(ts, 1))
		if tr.kind == "video" {
			// The sync sample nearest the boundary, within half a frame.
			half := new(big.Rat).SetFrac64(int64(tr.samples[0].Duration), 2)
			found := -1
			for j := i + 1; j < len(tr.samples); j++ {
				d := new(big.Rat).Sub(big.NewRat(tr.pts(j), 1), bt)
				if d.Cmp(half) > 0 {
					break
				}
				if tr.samples[j].Sync && new(big.Rat).Abs(d).Cmp(half) <= 0 {
					found = j
					break
				}
			}
			if found < 0 {
				f, _ := b.Float64()
				return fmt.Errorf("%s (%s) has no sync sample at %.3fs, where %s (%s) starts a segment: encode renditions with aligned key frames (fixed GOP, no scene-cut key frames)",
					tr.id, tr.in.Name, f, lead.id, lead.in.Name)
			}
			i = found
		} else {
			for i < len(tr.samples) && big.NewRat(tr.pts(i), 1).Cmp(bt) < 0 {
				i++
			}
			if i >= len(tr.samples) {
				break
			}
		}
		if i > tr.segStart[len(tr.segStart)-1] {
			tr.segStart = append(tr.segStart, i)
		}
	}
	tr.segStart = append(tr.segStart, len(tr.samples))
	return nil
}
