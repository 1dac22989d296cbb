package cmaf

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Options control a packaging run.
type Options struct {
	// SegmentDuration is the target segment duration (default 4 s).
	SegmentDuration time.Duration
	// FragmentDuration, when set, cuts segments into several fragments
	// (CMAF chunks) of about this duration.
	FragmentDuration time.Duration
	// Layout is manifest.LayoutSegments (the default) or
	// manifest.LayoutSingleFile.
	Layout string
	// Progress, when set, is called after each segment with the sample
	// bytes written so far and the total.
	Progress func(done, total int64)
	// Encryption, when set, encrypts every track (Common Encryption).
	Encryption *Encryption
}

// Result describes a packaging run.
type Result struct {
	// Presentation is what the manifests need.
	Presentation *manifest.Presentation
	// Skipped lists the input tracks that were not packaged (text, hint,
	// timecode, …).
	Skipped []string
	// Files lists the files written, in order.
	Files []string
	// Bytes is the total size of the files written.
	Bytes int64
}

// maxSidxReferences is the most references one sidx box can hold.
const maxSidxReferences = 65535

// Package cuts the tracks of inputs into CMAF segments with shared
// boundaries and writes them to out: per track an init segment and media
// segments, or one single file with a top-level sidx and an mfra. It reads
// one segment of samples at a time. Manifests are written by WriteManifests.
func Package(ctx context.Context, out Output, inputs []*Input, opts Options) (*Result, error) {
	if opts.SegmentDuration == 0 {
		opts.SegmentDuration = 4 * time.Second
	}
	if opts.Layout == "" {
		opts.Layout = manifest.LayoutSegments
	}
	if opts.Layout != manifest.LayoutSegments && opts.Layout != manifest.LayoutSingleFile {
		return nil, fmt.Errorf("layout must be %s or %s, not %q", manifest.LayoutSegments, manifest.LayoutSingleFile, opts.Layout)
	}
	if opts.FragmentDuration < 0 || (opts.FragmentDuration > 0 && opts.FragmentDuration > opts.SegmentDuration) {
		return nil, fmt.Errorf("fragment duration %v must be positive and at most the segment duration %v", opts.FragmentDuration, opts.SegmentDuration)
	}
	tracks, skipped, err := collectTracks(inputs, false)
	if err != nil {
		return nil, err
	}
	if opts.Encryption != nil {
		if err := opts.Encryption.check(tracks); err != nil {
			return nil, err
		}
	}
	if err := segmentBoundaries(tracks, opts.SegmentDuration); err != nil {
		return nil, err
	}
	res := &Result{Skipped: skipped, Presentation: &manifest.Presentation{Layout: opts.Layout}}
	var total, done int64
	for _, tr := range tracks {
		total += tr.bytes
	}
	buf := make([]byte, copyBufferSize)
	for n, tr := range tracks {
		if err := tr.load(); err != nil {
			return nil, err
		}
		var crypt *trackCrypt
		if opts.Encryption != nil {
			if crypt, err = opts.Encryption.prepare(tr, n); err != nil {
				return nil, err
			}
		}
		rep, err := packageTrack(ctx, out, tr, opts, crypt, res, buf, func(n int64) {
			done += n
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		})
		if err != nil {
			return nil, err
		}
		res.Presentation.Representations = append(res.Presentation.Representations, rep)
		if d := float64(trackEnd(tr)) / float64(tr.t.Timescale); d > res.Presentation.Duration {
			res.Presentation.Duration = d
		}
		tr.drop()
	}
	return res, nil
}

// trackEnd is the end of the last sample's presentation, in media time
// (no edit list).
func trackEnd(tr *track) uint64 {
	var end int64
	for _, s := range tr.samples {
		if e := int64(s.DecodeTime) + int64(s.CompositionOffset) + int64(s.Duration); e > end {
			end = e
		}
	}
	return uint64(end)
}

// segInfo is one planned segment of a track.
type segInfo struct {
	frags   []*fragment
	ept     uint64 // earliest presentation time (media time)
	dur     uint64
	sapType uint8
	size    int64 // moof+mdat bytes of all fragments
}

// planSegments builds every fragment of tr (metadata only) and the
// segments' times.
func planSegments(tr *track, opts Options) ([]*segInfo, error) {
	var segs []*segInfo
	seq := uint32(1)
	fragTicks := uint64(opts.FragmentDuration.Nanoseconds()) * uint64(tr.t.Timescale) / 1e9
	for k := 0; k+1 < len(tr.segStart); k++ {
		first, last := tr.segStart[k], tr.segStart[k+1]
		if first >= last {
			continue
		}
		seg := &segInfo{}
		minPTS := int64(math.MaxInt64)
		for i := first; i < last; i++ {
			if p := int64(tr.samples[i].DecodeTime) + int64(tr.samples[i].CompositionOffset); p < minPTS {
				minPTS = p
			}
		}
		if minPTS < 0 {
			minPTS = 0
		}
		seg.ept = uint64(minPTS)
		seg.sapType = 1
		if p := int64(tr.samples[first].DecodeTime) + int64(tr.samples[first].CompositionOffset); uint64(p) != seg.ept {
			seg.sapType = 2 // leading samples present before the sync sample
		}
		if !tr.samples[first].Sync {
			seg.sapType = 0
		}
		start := first
		for i := first + 1; i <= last; i++ {
			cut := i == last
			if !cut && fragTicks > 0 {
				cut = tr.samples[i].DecodeTime-tr.samples[start].DecodeTime >= fragTicks
			}
			if cut {
				fr, err := buildFragment(tr, start, i, seq, nil, 0)
				if err != nil {
					return nil, err
				}
				seq++
				fr.moof = nil // encoded again when written
				seg.frags = append(seg.frags, fr)
				seg.size += fr.size()
				start = i
			}
		}
		segs = append(segs, seg)
	}
	last := trackEnd(tr)
	for k, seg := range segs {
		end := last
		if k+1 < len(segs) {
			end = segs[k+1].ept
		}
		if end > seg.ept {
			seg.dur = end - seg.ept
		}
	}
	return segs, nil
}

// sidxFor builds a sidx for segments segs of tr; firstOffset is the bytes
// between the end of the sidx and the first referenced byte.
func sidxFor(tr *track, segs []*segInfo) *mp4.SidxBox {
	sidx := &mp4.SidxBox{Version: 1, ReferenceID: tr.outID, Timescale: tr.t.Timescale, EarliestPresentationTime: segs[0].ept}
	for _, s := range segs {
		sidx.SidxRefs = append(sidx.SidxRefs, mp4.SidxRef{ReferencedSize: uint32(s.size), SubSegmentDuration: uint32(s.dur),
			StartsWithSAP: 1, SAPType: s.sapType})
	}
	return sidx
}

// packageTrack writes one track and returns its representation.
func packageTrack(ctx context.Context, out Output, tr *track, opts Options, crypt *trackCrypt, res *Result, buf []byte, progress func(int64)) (*manifest.Representation, error) {
	segs, err := planSegments(tr, opts)
	if err != nil {
		return nil, err
	}
	if crypt != nil && opts.Layout == manifest.LayoutSingleFile {
		// The top-level sidx comes before the fragments it sizes.
		if err := planEncrypted(ctx, tr, segs, crypt); err != nil {
			return nil, err
		}
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("%s: no segments", tr.id)
	}
	for _, s := range segs {
		if s.size >= 1<<32 || s.dur >= 1<<32 {
			return nil, fmt.Errorf("%s: a segment of %d bytes and %d ticks is too large for sidx; use a shorter --segment-duration", tr.id, s.size, s.dur)
		}
	}
	movieDur := trackEnd(tr) * uint64(tr.in.File.Moov.Mvhd.Timescale) / uint64(tr.t.Timescale)
	brands := []string{"dash", "msix"}
	if opts.Layout == manifest.LayoutSingleFile {
		brands = []string{"dash", "msdh"}
	}
	var edit stsdEdit
	var pssh []*mp4.PsshBox
	if crypt != nil {
		edit, pssh = protectEdit(crypt), crypt.pssh
	}
	init, err := initSegment([]*track{tr}, movieDur, brands, edit, pssh)
	if err != nil {
		return nil, fmt.Errorf("%s: init segment: %w", tr.id, err)
	}
	rep := representation(tr, segs)
	if crypt != nil {
		rep.Encryption = crypt.man
	}
	var segBuf []byte // the bytes of one encrypted segment
	// writeFrags writes the fragments of seg: those of pre when the segment
	// was encrypted ahead, else read (and encrypted) now.
	writeFrags := func(w io.Writer, seg *segInfo, pre *encryptedSeg) error {
		if pre == nil && crypt != nil {
			planned := seg.size
			var err error
			if pre, segBuf, err = encryptSegment(tr, seg, crypt.enc, segBuf); err != nil {
				return err
			}
			if seg.size != planned {
				return fmt.Errorf("%s: an encrypted segment of %d bytes where %d were planned", tr.id, seg.size, planned)
			}
		}
		if pre != nil {
			for i, fr := range seg.frags {
				for _, b := range [][]byte{pre.moofs[i], fr.mdatHeader, pre.data[i]} {
					if _, err := w.Write(b); err != nil {
						return err
					}
				}
				progress(fr.dataSize)
			}
			return nil
		}
		for _, fr := range seg.frags {
			moof, err := fr.encodeMoof(tr)
			if err != nil {
				return err
			}
			for _, b := range [][]byte{moof, fr.mdatHeader} {
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
			if err := copySamples(w, tr, fr.first, fr.last, buf); err != nil {
				return err
			}
			progress(fr.dataSize)
		}
		return nil
	}
	if opts.Layout == manifest.LayoutSegments {
		rep.InitURL = tr.id + "/init.mp4"
		rep.SegmentURL = tr.id + "/seg-$Number%05d$.m4s"
		rep.StartNumber = 1
		if err := writeFile(out, rep.InitURL, res, func(w io.Writer) error { _, err := w.Write(init); return err }); err != nil {
			return nil, err
		}
		styp, err := isobmff.AppendBox(nil, mp4.NewStyp("msdh", 0, []string{"msdh", "msix", "cmfs"}))
		if err != nil {
			return nil, err
		}
		var ahead <-chan encryptedOrErr
		if crypt != nil {
			// Each segment is encrypted before its sidx is made (the sidx
			// gives the encrypted size), one segment ahead of the writing.
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			ahead = encryptAhead(cctx, tr, segs, crypt.enc)
		}
		for k, seg := range segs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var pre *encryptedSeg
			if crypt != nil {
				r, ok := <-ahead
				if !ok {
					return nil, ctx.Err()
				}
				if r.err != nil {
					return nil, r.err
				}
				pre = r.seg
			}
			sidx, err := isobmff.AppendBox(nil, sidxFor(tr, segs[k:k+1]))
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("%s/seg-%05d.m4s", tr.id, k+1)
			rep.Segments[k].Size = int64(len(styp)+len(sidx)) + seg.size
			rep.Segments[k].IFrame = iframeRange(tr, seg, int64(len(styp)+len(sidx)))
			err = writeFile(out, name, res, func(w io.Writer) error {
				if _, err := w.Write(styp); err != nil {
					return err
				}
				if _, err := w.Write(sidx); err != nil {
					return err
				}
				return writeFrags(w, seg, pre)
			})
			if err != nil {
				return nil, err
			}
		}
		if crypt != nil { // bandwidths from the encrypted sizes
			final := representation(tr, segs)
			rep.Bandwidth, rep.AverageBandwidth = final.Bandwidth, final.AverageBandwidth
		}
		return rep, nil
	}
	// Single file: ftyp+moov, one sidx, the fragments, mfra.
	if len(segs) > maxSidxReferences {
		return nil, fmt.Errorf("%s: %d segments exceed the %d references of one sidx; use a longer --segment-duration", tr.id, len(segs), maxSidxReferences)
	}
	sidx, err := isobmff.AppendBox(nil, sidxFor(tr, segs))
	if err != nil {
		return nil, err
	}
	rep.FileURL = tr.id + ".mp4"
	rep.InitRange = manifest.ByteRange{First: 0, Last: int64(len(init)) - 1}
	rep.IndexRange = manifest.ByteRange{First: int64(len(init)), Last: int64(len(init)+len(sidx)) - 1}
	pos := int64(len(init) + len(sidx))
	tfra := &mp4.TfraBox{Version: 1, TrackID: tr.outID}
	for k, seg := range segs {
		rep.Segments[k].Offset, rep.Segments[k].Size = pos, seg.size
		rep.Segments[k].IFrame = iframeRange(tr, seg, 0)
		for _, fr := range seg.frags {
			if tr.samples[fr.first].Sync {
				s := tr.samples[fr.first]
				tfra.Entries = append(tfra.Entries, mp4.TfraEntry{Time: uint64(int64(s.DecodeTime) + int64(s.CompositionOffset)),
					MoofOffset: uint64(pos), TrafNumber: 1, TrunNumber: 1, SampleNumber: 1})
			}
			pos += fr.size()
		}
	}
	mfra := &mp4.MfraBox{}
	if err := mfra.AddChild(tfra); err != nil {
		return nil, err
	}
	mfro := &mp4.MfroBox{}
	if err := mfra.AddChild(mfro); err != nil {
		return nil, err
	}
	mfro.ParentSize = uint32(mfra.Size())
	tail, err := isobmff.AppendBox(nil, mfra)
	if err != nil {
		return nil, err
	}
	err = writeFile(out, rep.FileURL, res, func(w io.Writer) error {
		for _, b := range [][]byte{init, sidx} {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		for _, seg := range segs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := writeFrags(w, seg, nil); err != nil {
				return err
			}
		}
		_, err := w.Write(tail)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// encryptedSeg holds the moofs and sample bytes of an encrypted segment's
// fragments.
type encryptedSeg struct {
	moofs, data [][]byte
}

// encryptSegment reads the samples of seg into buf (grown when short),
// encrypts them fragment by fragment with enc, sets the fragments' moof
// sizes and the segment's size, and returns the fragments and buf.
func encryptSegment(tr *track, seg *segInfo, enc *cenc.Encrypter, buf []byte) (*encryptedSeg, []byte, error) {
	first, last := seg.frags[0].first, seg.frags[len(seg.frags)-1].last
	data, err := readSamples(tr, first, last, buf)
	if err != nil {
		return nil, buf, err
	}
	pre := &encryptedSeg{}
	seg.size = 0
	at := int64(0)
	for _, fr := range seg.frags {
		d := data[at : at+fr.dataSize]
		at += fr.dataSize
		moof, err := encryptFragment(tr, fr, d, enc)
		if err != nil {
			return nil, data, err
		}
		fr.moofSize = int64(len(moof))
		seg.size += fr.size()
		pre.moofs = append(pre.moofs, moof)
		pre.data = append(pre.data, d)
	}
	return pre, data, nil
}

// encryptedOrErr is a segment encrypted ahead, or why it could not be.
type encryptedOrErr struct {
	seg *encryptedSeg
	err error
}

// encryptAhead encrypts the segments of tr in order on a goroutine of its
// own and hands each over when the one before has been written (the
// channel is unbuffered): two segment buffers are in use, one being
// written and one being filled. It stops at the first error or when ctx
// ends.
func encryptAhead(ctx context.Context, tr *track, segs []*segInfo, enc *cenc.Encrypter) <-chan encryptedOrErr {
	ch := make(chan encryptedOrErr)
	go func() {
		defer close(ch)
		var bufs [2][]byte
		for k, seg := range segs {
			pre, buf, err := encryptSegment(tr, seg, enc, bufs[k%2])
			bufs[k%2] = buf
			select {
			case ch <- encryptedOrErr{pre, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// planEncrypted sets the moof sizes of the fragments of tr, and so the
// segment sizes, to what they are once encrypted (senc, saiz and saio
// added), by encrypting every fragment with an encrypter of its own: sidx
// and the manifests come before the fragments they describe.
func planEncrypted(ctx context.Context, tr *track, segs []*segInfo, crypt *trackCrypt) error {
	enc, err := crypt.fresh(tr)
	if err != nil {
		return err
	}
	var buf []byte
	for _, seg := range segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, buf, err = encryptSegment(tr, seg, enc, buf); err != nil {
			return err
		}
	}
	return nil
}

// iframeRange is the byte range, relative to the segment start, from the
// segment's first byte to the end of its first sample (the sync frame).
func iframeRange(tr *track, seg *segInfo, lead int64) manifest.ByteRange {
	if tr.kind != "video" || len(seg.frags) == 0 {
		return manifest.ByteRange{}
	}
	fr := seg.frags[0]
	end := lead + fr.moofSize + int64(len(fr.mdatHeader)) + int64(tr.samples[fr.first].Size)
	return manifest.ByteRange{First: 0, Last: end - 1}
}

// writeFile creates name in out, writes it through a buffer and records it.
func writeFile(out Output, name string, res *Result, fill func(io.Writer) error) error {
	wc, err := out.Create(name)
	if err != nil {
		return err
	}
	cw := &countWriter{w: wc}
	bw := writerPool.Get().(*bufio.Writer)
	defer writerPool.Put(bw)
	bw.Reset(cw)
	if err := fill(bw); err != nil {
		wc.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		wc.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	res.Files = append(res.Files, name)
	res.Bytes += cw.n
	return nil
}

// writerPool holds the 1 MB write buffers, reused from file to file.
var writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
