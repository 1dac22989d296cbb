package isobmff

import (
	"sort"
)

// checkSamples checks that a track's sample tables agree with each other
// and that every chunk of sample data lies inside an mdat box of the file,
// so that later readers can trust them.
func (f *File) checkSamples(t *Track, path string) error {
	stbl := t.Trak.Mdia.Minf.Stbl
	spath := path + "/mdia/minf/stbl"
	n := t.SampleCount
	if stbl.Stts != nil {
		var total uint64
		for _, c := range stbl.Stts.SampleCount {
			total += uint64(c)
		}
		if total != n {
			return malformed(spath+"/stts", 0, "stts covers %d samples, stsz has %d", total, n)
		}
	} else if n > 0 {
		return malformed(spath, 0, "%d samples but no stts", n)
	}
	if stbl.Stss != nil {
		prev := uint32(0)
		for _, s := range stbl.Stss.SampleNumber {
			if s <= prev || uint64(s) > n {
				return malformed(spath+"/stss", 0, "sync sample %d is out of order or past the %d samples", s, n)
			}
			prev = s
		}
	}
	if stbl.Ctts != nil && len(stbl.Ctts.EndSampleNr) > 0 {
		if last := stbl.Ctts.EndSampleNr[len(stbl.Ctts.EndSampleNr)-1]; uint64(last) > n {
			return malformed(spath+"/ctts", 0, "ctts covers %d samples, stsz has %d", last, n)
		}
	}
	if n == 0 {
		return nil
	}
	var offsets []uint64
	switch {
	case stbl.Stco != nil:
		offsets = make([]uint64, len(stbl.Stco.ChunkOffset))
		for i, o := range stbl.Stco.ChunkOffset {
			offsets[i] = uint64(o)
		}
	case stbl.Co64 != nil:
		offsets = stbl.Co64.ChunkOffset
	default:
		return malformed(spath, 0, "%d samples but no stco or co64", n)
	}
	if stbl.Stsc == nil || len(stbl.Stsc.Entries) == 0 {
		return malformed(spath, 0, "%d samples but no stsc", n)
	}
	size := func(i uint64) uint64 { // 0-based sample index
		if stbl.Stsz.SampleUniformSize != 0 {
			return uint64(stbl.Stsz.SampleUniformSize)
		}
		return uint64(stbl.Stsz.SampleSize[i])
	}
	entries := stbl.Stsc.Entries
	var sample uint64
	for j, e := range entries {
		if e.FirstChunk == 0 || (j > 0 && e.FirstChunk <= entries[j-1].FirstChunk) || uint64(e.FirstChunk) > uint64(len(offsets)) {
			return malformed(spath+"/stsc", 0, "entry %d: first chunk %d is out of order or past the %d chunks", j+1, e.FirstChunk, len(offsets))
		}
		last := uint64(len(offsets))
		if j+1 < len(entries) {
			last = uint64(entries[j+1].FirstChunk) - 1
		}
		for c := uint64(e.FirstChunk); c <= last; c++ {
			if sample+uint64(e.SamplesPerChunk) > n {
				return malformed(spath+"/stsc", 0, "chunk %d holds samples past the %d in stsz", c, n)
			}
			start := offsets[c-1]
			end := start
			for k := uint64(0); k < uint64(e.SamplesPerChunk); k++ {
				end += size(sample + k)
			}
			sample += uint64(e.SamplesPerChunk)
			if !f.insideMdat(int64(start), int64(end)) || end > uint64(f.Size) {
				return malformed(spath+"/stco", 0, "chunk %d of track %d, bytes [%d, %d), lies outside every mdat", c, t.ID, start, end)
			}
		}
	}
	if sample != n {
		return malformed(spath+"/stsc", 0, "chunks hold %d samples, stsz has %d", sample, n)
	}
	return nil
}

// insideMdat reports whether [start, end) lies inside one mdat payload.
func (f *File) insideMdat(start, end int64) bool {
	if start < 0 || end < start {
		return false
	}
	i := sort.Search(len(f.Mdats), func(i int) bool { return f.Mdats[i].End >= end })
	for ; i < len(f.Mdats); i++ {
		if r := f.Mdats[i]; start >= r.Start && end <= r.End {
			return true
		}
	}
	return false
}
