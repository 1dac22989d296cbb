package cmaf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Sample flags (ISO/IEC 14496-12 8.8.3.1).
const (
	flagDependsOnOthers = 0x01000000
	flagDependsOnNone   = 0x02000000
	flagNonSync         = 0x00010000
)

// sampleFlags are the trun flags of an input sample.
func sampleFlags(s isobmff.Sample) uint32 {
	if s.Sync {
		return flagDependsOnNone
	}
	if s.DependsOn == 2 {
		return flagNonSync | flagDependsOnNone
	}
	return flagNonSync | flagDependsOnOthers
}

// fragment is one moof + mdat: samples [first, last) of a track.
type fragment struct {
	first, last int
	seq         uint32
	moof        []byte // encoded, data offset final; nil once planned
	moofSize    int64
	mdatHeader  []byte
	dataSize    int64
}

// size is the bytes of moof + mdat.
func (f *fragment) size() int64 { return f.moofSize + int64(len(f.mdatHeader)) + f.dataSize }

// encodeMoof returns the fragment's moof bytes, encoding them again when
// planning has dropped them (plans keep sizes only, so that memory does not
// grow with the number of samples).
func (f *fragment) encodeMoof(tr *track) ([]byte, error) {
	if f.moof != nil {
		return f.moof, nil
	}
	again, err := buildFragment(tr, f.first, f.last, f.seq, nil, 0)
	if err != nil {
		return nil, err
	}
	return again.moof, nil
}

// buildFragment encodes the moof of samples [first, last) of tr. infos,
// when the samples are encrypted, are their senc entries (one per sample)
// and ivSize the track's per-sample IV size.
func buildFragment(tr *track, first, last int, seq uint32, infos []cenc.SampleInfo, ivSize int) (*fragment, error) {
	fr := &fragment{first: first, last: last, seq: seq}
	trun := &mp4.TrunBox{Flags: mp4.TrunDataOffsetPresentFlag | mp4.TrunSampleDurationPresentFlag |
		mp4.TrunSampleSizePresentFlag | mp4.TrunSampleFlagsPresentFlag}
	anyCTO := false
	for i := first; i < last; i++ {
		s := tr.samples[i]
		if s.CompositionOffset != 0 {
			anyCTO = true
		}
		if s.CompositionOffset < 0 {
			trun.Version = 1
		}
		trun.Samples = append(trun.Samples, mp4.Sample{Flags: sampleFlags(s), Dur: s.Duration, Size: s.Size, CompositionTimeOffset: s.CompositionOffset})
		fr.dataSize += int64(s.Size)
	}
	if anyCTO {
		trun.Flags |= mp4.TrunSampleCompositionTimeOffsetPresentFlag
	}
	tfhd := mp4.CreateTfhd(tr.outID)
	tfhd.Flags = 0x020000 // default-base-is-moof
	tfdt := mp4.CreateTfdt(tr.samples[first].DecodeTime)
	tfdt.Version = 1
	traf := &mp4.TrafBox{}
	for _, b := range []mp4.Box{tfhd, tfdt, trun} {
		if err := traf.AddChild(b); err != nil {
			return nil, err
		}
	}
	if infos != nil {
		if err := cenc.AddAuxBoxes(traf, infos, ivSize); err != nil {
			return nil, fmt.Errorf("%s: samples %d-%d: %w", tr.id, first+1, last, err)
		}
	}
	moof := &mp4.MoofBox{}
	for _, b := range []mp4.Box{mp4.CreateMfhd(seq), traf} {
		if err := moof.AddChild(b); err != nil {
			return nil, err
		}
	}
	if fr.dataSize+8 < 1<<32 {
		fr.mdatHeader = binary.BigEndian.AppendUint32(nil, uint32(fr.dataSize+8))
		fr.mdatHeader = append(fr.mdatHeader, "mdat"...)
	} else {
		fr.mdatHeader = append([]byte{0, 0, 0, 1}, "mdat"...)
		fr.mdatHeader = binary.BigEndian.AppendUint64(fr.mdatHeader, uint64(fr.dataSize+16))
	}
	trun.DataOffset = int32(moof.Size()) + int32(len(fr.mdatHeader))
	if infos != nil {
		cenc.SetSaioOffsets(moof)
	}
	var err error
	if fr.moof, err = isobmff.AppendBox(nil, moof); err != nil {
		return nil, err
	}
	fr.moofSize = int64(len(fr.moof))
	return fr, nil
}

// copyBufferSize is the size of the buffer sample bytes pass through: the
// memory a packaging run needs for media data, whatever the segment size.
const copyBufferSize = 4 << 20

// sampleRuns calls fn for each run of samples [i, j) of tr, among [first,
// last), whose bytes are contiguous in the input: bytes [start, end).
func sampleRuns(tr *track, first, last int, fn func(i, j int, start, end int64) error) error {
	for i := first; i < last; {
		start := tr.samples[i].Offset
		end := start + int64(tr.samples[i].Size)
		j := i + 1
		for j < last && tr.samples[j].Offset == end {
			end += int64(tr.samples[j].Size)
			j++
		}
		if err := fn(i, j, start, end); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// readErr names the samples a failed read was for.
func readErr(tr *track, i, j int, err error) error {
	return fmt.Errorf("%s: reading samples %d-%d of track %d: %w", tr.in.Name, i+1, j, tr.t.ID, err)
}

// copySamples copies the bytes of samples [first, last) of tr to w through
// buf, coalescing contiguous samples into large reads.
func copySamples(w io.Writer, tr *track, first, last int, buf []byte) error {
	return sampleRuns(tr, first, last, func(i, j int, start, end int64) error {
		for pos := start; pos < end; {
			n := min(int64(len(buf)), end-pos)
			if _, err := tr.in.R.ReadAt(buf[:n], pos); err != nil && err != io.EOF {
				return readErr(tr, i, j, err)
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return err
			}
			pos += n
		}
		return nil
	})
}

// readSamples reads the bytes of samples [first, last) of tr into buf
// (grown when short) and returns them, coalescing contiguous samples into
// one read.
func readSamples(tr *track, first, last int, buf []byte) ([]byte, error) {
	var n int64
	for i := first; i < last; i++ {
		n += int64(tr.samples[i].Size)
	}
	if int64(cap(buf)) < n {
		buf = make([]byte, n+n/4) // room for the next, larger segments
	}
	buf = buf[:n]
	at := int64(0)
	err := sampleRuns(tr, first, last, func(i, j int, start, end int64) error {
		if _, err := tr.in.R.ReadAt(buf[at:at+end-start], start); err != nil && err != io.EOF {
			return readErr(tr, i, j, err)
		}
		at += end - start
		return nil
	})
	if err != nil {
		return nil, err
	}
	return buf, nil
}

// encryptFragment encrypts the samples of fragment fr (their bytes in data,
// in place) with enc and returns the fragment's moof with senc, saiz and
// saio. The subsample maps are made in decode order; the encryption runs
// on every CPU, each worker taking a contiguous share of the bytes.
func encryptFragment(tr *track, fr *fragment, data []byte, enc *cenc.Encrypter) ([]byte, error) {
	n := fr.last - fr.first
	infos := make([]cenc.SampleInfo, n)
	starts := make([]int, n+1)
	for i := 0; i < n; i++ {
		size := int(tr.samples[fr.first+i].Size)
		starts[i+1] = starts[i] + size
		info, err := enc.Plan(data[starts[i]:starts[i+1]])
		if err != nil {
			return nil, fmt.Errorf("%s: sample %d: %w", tr.id, fr.first+i+1, err)
		}
		infos[i] = info
	}
	workers := min(runtime.GOMAXPROCS(0), n, 1+len(data)/(256<<10))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	next := 0
	for w := 0; w < workers; w++ {
		// Samples up to the w+1-th share of the bytes.
		end := next
		for end < n && (w == workers-1 || starts[end] < len(data)*(w+1)/workers) {
			end++
		}
		wg.Add(1)
		go func(w, from, to int) {
			defer wg.Done()
			c := enc.Cipher()
			for i := from; i < to; i++ {
				if err := enc.EncryptPlanned(c, data[starts[i]:starts[i+1]], infos[i]); err != nil {
					errs[w] = fmt.Errorf("%s: sample %d: %w", tr.id, fr.first+i+1, err)
					return
				}
			}
		}(w, next, end)
		next = end
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	again, err := buildFragment(tr, fr.first, fr.last, fr.seq, infos, enc.PerSampleIVSize())
	if err != nil {
		return nil, err
	}
	return again.moof, nil
}
