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
	if stbl.Stsz == nil || (stbl.Stsz.SampleUniformSize == 0 && uint64(len(stbl.Stsz.SampleSize)) != n) {
		// Sizes must match the count before they are indexed.
		return malformed(spath+"/stsz", 0, "stsz lists sizes for other than its %d samples", n)
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
			// The next entry's first chunk is checked in its turn; until
			// then it must not take this one past the chunks (found by
			// FuzzOpen: testdata/fuzz/FuzzOpen/ccb7a210f1001a47).
			last = min(uint64(entries[j+1].FirstChunk)-1, last)
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

// Sample is one media sample of a track: where its bytes are and when it
// plays. Times are in the track's timescale.
type Sample struct {
	// Offset and Size locate the sample's bytes in the file.
	Offset int64
	// DecodeTime is the sample's decode timestamp.
	DecodeTime uint64
	Size       uint32
	// Duration is the sample's duration.
	Duration uint32
	// CompositionOffset is presentation time minus decode time.
	CompositionOffset int32
	// Sync marks a sync (random-access) sample.
	Sync bool
	// DependsOn is sample_depends_on (sdtp or sample flags): 0 unknown,
	// 1 depends on others, 2 depends on no other sample.
	DependsOn uint8
}

// Samples lists every sample of track t in decode order: first those of the
// moov sample tables, then those of each fragment in file order. Open has
// checked that every sample's bytes lie inside an mdat.
func (f *File) Samples(t *Track) ([]Sample, error) {
	stbl := t.Trak.Mdia.Minf.Stbl
	out := make([]Sample, 0, t.SampleCount)
	if stbl.Stsz != nil && stbl.Stsz.SampleNumber > 0 {
		n := int(stbl.Stsz.SampleNumber)
		var offsets []uint64
		if stbl.Stco != nil {
			for _, o := range stbl.Stco.ChunkOffset {
				offsets = append(offsets, uint64(o))
			}
		} else if stbl.Co64 != nil {
			offsets = stbl.Co64.ChunkOffset
		}
		out = out[:n]
		// Sizes and chunk positions (checkSamples has validated the tables).
		i := 0
		entries := stbl.Stsc.Entries
		for j, e := range entries {
			last := len(offsets)
			if j+1 < len(entries) {
				last = int(entries[j+1].FirstChunk) - 1
			}
			for c := int(e.FirstChunk); c <= last; c++ {
				pos := int64(offsets[c-1])
				for k := 0; k < int(e.SamplesPerChunk); k++ {
					size := stbl.Stsz.SampleUniformSize
					if size == 0 {
						size = stbl.Stsz.SampleSize[i]
					}
					out[i].Offset, out[i].Size = pos, size
					pos += int64(size)
					i++
				}
			}
		}
		// Durations and decode times.
		i = 0
		var dts uint64
		for k, cnt := range stbl.Stts.SampleCount {
			d := stbl.Stts.SampleTimeDelta[k]
			for m := uint32(0); m < cnt; m++ {
				out[i].DecodeTime, out[i].Duration = dts, d
				dts += uint64(d)
				i++
			}
		}
		if ctts := stbl.Ctts; ctts != nil {
			// EndSampleNr[k]..EndSampleNr[k+1] (0-based, exclusive end) use
			// SampleOffset[k]; EndSampleNr starts with 0.
			for k := 0; k+1 < len(ctts.EndSampleNr) && k < len(ctts.SampleOffset); k++ {
				for s := ctts.EndSampleNr[k]; s < ctts.EndSampleNr[k+1] && int(s) < n; s++ {
					out[s].CompositionOffset = ctts.SampleOffset[k]
				}
			}
		}
		if stbl.Stss == nil {
			for i := range out {
				out[i].Sync = true
			}
		} else {
			for _, s := range stbl.Stss.SampleNumber {
				out[s-1].Sync = true
			}
		}
		if sdtp := stbl.Sdtp; sdtp != nil {
			for i, e := range sdtp.Entries {
				if i < n {
					out[i].DependsOn = e.SampleDependsOn()
				}
			}
		}
	}
	if len(f.Moofs) == 0 {
		return out, nil
	}
	next := uint64(0)
	if len(out) > 0 {
		last := out[len(out)-1]
		next = last.DecodeTime + uint64(last.Duration)
	}
	for _, m := range f.Moofs {
		for _, traf := range m.Box.Trafs {
			if traf.Tfhd.TrackID != t.ID {
				continue
			}
			if traf.Tfdt != nil {
				next = traf.Tfdt.BaseMediaDecodeTime()
			}
			base := m.Offset
			if traf.Tfhd.HasBaseDataOffset() {
				base = int64(traf.Tfhd.BaseDataOffset)
			}
			for _, trun := range traf.Truns {
				trun.AddSampleDefaultValues(traf.Tfhd, t.Trex)
				pos := base + int64(trun.DataOffset)
				for i, s := range trun.Samples {
					fl := s.Flags
					if i == 0 {
						if ff, ok := trun.FirstSampleFlags(); ok {
							fl = ff
						}
					}
					out = append(out, Sample{Offset: pos, Size: s.Size, DecodeTime: next, Duration: s.Dur,
						CompositionOffset: s.CompositionTimeOffset, Sync: fl&nonSyncFlag == 0, DependsOn: uint8(fl>>24) & 3})
					pos += int64(s.Size)
					next += uint64(s.Dur)
				}
			}
		}
	}
	return out, nil
}
