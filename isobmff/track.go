package isobmff

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/Eyevinn/mp4ff/mp4"
)

// Track summarises one track: the signals a packager must carry (timing,
// random access, decoder and DRM initialisation). Absent values are omitted
// from JSON, not zero.
type Track struct {
	// ID is the track_ID of tkhd.
	ID uint32 `json:"id"`
	// Handler is the hdlr handler type: vide, soun, text, subt, …
	Handler string `json:"handler"`
	// SampleEntry is the type of the first sample entry (encv/enca for
	// encrypted tracks).
	SampleEntry string `json:"sampleEntry"`
	// Codec is the RFC 6381 codecs string, e.g. avc1.64001f or mp4a.40.2.
	Codec string `json:"codec,omitempty"`
	// Timescale is the media timescale (ticks per second).
	Timescale uint32 `json:"timescale"`
	// Duration is the media duration in Timescale ticks: the sum of sample
	// durations in moov and in every fragment.
	Duration uint64 `json:"duration"`
	// Seconds is Duration in seconds.
	Seconds float64 `json:"seconds"`
	// SampleCount counts the samples in moov and in every fragment.
	SampleCount uint64 `json:"sampleCount"`
	// SyncSampleCount counts the sync (random-access) samples.
	SyncSampleCount uint64 `json:"syncSampleCount"`
	// Width and Height are the sample entry's dimensions in pixels.
	Width  uint32 `json:"width,omitempty"`
	Height uint32 `json:"height,omitempty"`
	// BitDepth is the luma bit depth from the decoder configuration.
	BitDepth int `json:"bitDepth,omitempty"`
	// Colour is the colour description (colr nclx, or vpcC for VP9).
	Colour *Colour `json:"colour,omitempty"`
	// HDR holds mastering display (mdcv) and content light level (clli)
	// metadata when present.
	HDR *HDR `json:"hdr,omitempty"`
	// PixelAspect is the pasp ratio, e.g. "1:1".
	PixelAspect string `json:"pixelAspect,omitempty"`
	// Channels is the number of audio channels from the decoder
	// configuration (or the sample entry).
	Channels int `json:"channels,omitempty"`
	// SampleRate is the audio sample rate in Hz.
	SampleRate int `json:"sampleRate,omitempty"`
	// Language is the elng (BCP 47) or mdhd (ISO 639-2) language.
	Language string `json:"language,omitempty"`
	// EditList is the elst of the track, in movie timescale (segment
	// duration) and media timescale (media time).
	EditList []Edit `json:"editList,omitempty"`
	// Encryption describes the protection scheme when the track is encrypted.
	Encryption *Encryption `json:"encryption,omitempty"`

	// Trak is the decoded trak box.
	Trak *mp4.TrakBox `json:"-"`
	// Trex is the track's trex box in mvex, nil for progressive files.
	Trex *mp4.TrexBox `json:"-"`
	// Entry is the first sample entry.
	Entry mp4.Box `json:"-"`
}

// Colour is a colour description (ISO/IEC 23091-2 code points).
type Colour struct {
	Primaries uint16 `json:"primaries"`
	Transfer  uint16 `json:"transfer"`
	Matrix    uint16 `json:"matrix"`
	FullRange bool   `json:"fullRange"`
}

// HDR is static HDR metadata.
type HDR struct {
	// Mdcv is the mastering display colour volume; chromaticities in
	// 0.00002 units, luminance in 0.0001 cd/m².
	Mdcv *Mdcv `json:"mdcv,omitempty"`
	// Clli is the content light level information in cd/m².
	Clli *Clli `json:"clli,omitempty"`
}

// Mdcv is the mastering display colour volume (SMPTE ST 2086).
type Mdcv struct {
	DisplayPrimariesX [3]uint16 `json:"displayPrimariesX"`
	DisplayPrimariesY [3]uint16 `json:"displayPrimariesY"`
	WhitePointX       uint16    `json:"whitePointX"`
	WhitePointY       uint16    `json:"whitePointY"`
	MaxLuminance      uint32    `json:"maxLuminance"`
	MinLuminance      uint32    `json:"minLuminance"`
}

// Clli is the content light level information (CTA-861.3).
type Clli struct {
	MaxCLL  uint16 `json:"maxCLL"`
	MaxFALL uint16 `json:"maxFALL"`
}

// Edit is one edit list entry.
type Edit struct {
	SegmentDuration uint64 `json:"segmentDuration"`
	MediaTime       int64  `json:"mediaTime"`
	MediaRate       int16  `json:"mediaRate"`
}

// Encryption describes a protected track (ISO/IEC 23001-7).
type Encryption struct {
	// Scheme is the schm scheme type: cenc, cbcs, cens, cbc1.
	Scheme string `json:"scheme"`
	// OriginalFormat is the frma data format, e.g. avc1.
	OriginalFormat string `json:"originalFormat,omitempty"`
	// KID is the default key ID in hex.
	KID string `json:"kid"`
	// Pattern is crypt:skip blocks, e.g. "1:9", when tenc is version 1.
	Pattern string `json:"pattern,omitempty"`
	// PerSampleIVSize is 0, 8 or 16.
	PerSampleIVSize int `json:"perSampleIVSize"`
	// ConstantIV is the constant IV in hex (cbcs).
	ConstantIV string `json:"constantIV,omitempty"`
}

// Fragments summarises the movie fragments of a file.
type Fragments struct {
	// Count is the number of moof boxes.
	Count int `json:"count"`
	// Tracks has one entry per track found in fragments.
	Tracks []*FragmentTrack `json:"tracks"`
}

// FragmentTrack summarises one track's samples in fragments.
type FragmentTrack struct {
	ID              uint32 `json:"id"`
	Fragments       int    `json:"fragments"`
	SampleCount     uint64 `json:"sampleCount"`
	SyncSampleCount uint64 `json:"syncSampleCount"`
	Duration        uint64 `json:"duration"`
	// FirstDecodeTime is the tfdt of the first fragment, when present.
	FirstDecodeTime uint64 `json:"firstDecodeTime"`
}

// SidxInfo summarises a top-level segment index box.
type SidxInfo struct {
	Offset                   int64  `json:"offset"`
	ReferenceID              uint32 `json:"referenceId"`
	Timescale                uint32 `json:"timescale"`
	EarliestPresentationTime uint64 `json:"earliestPresentationTime"`
	FirstOffset              uint64 `json:"firstOffset"`
	ReferenceCount           int    `json:"referenceCount"`
	// Duration is the sum of the referenced subsegment durations.
	Duration uint64 `json:"duration"`
}

func sidxInfo(off int64, s *mp4.SidxBox) *SidxInfo {
	si := &SidxInfo{Offset: off, ReferenceID: s.ReferenceID, Timescale: s.Timescale,
		EarliestPresentationTime: s.EarliestPresentationTime, FirstOffset: s.FirstOffset, ReferenceCount: len(s.SidxRefs)}
	for _, r := range s.SidxRefs {
		si.Duration += uint64(r.SubSegmentDuration)
	}
	return si
}

// nonSyncFlag is sample_is_non_sync_sample in the sample flags.
const nonSyncFlag = 0x00010000

// summarise builds Tracks and Fragments from the decoded boxes. Errors
// found on decoded boxes get the offset of the box their path names.
func (f *File) summarise() error {
	err := f.summariseTracks()
	var be *BoxError
	if errors.As(err, &be) && be.Offset == 0 && be.Path != "" {
		if b := f.findBox(be.Path); b != nil {
			be.Offset = b.Offset
		}
	}
	return err
}

// findBox returns the box with the given path, or nil.
func (f *File) findBox(path string) *Box {
	bs := f.Boxes
	for _, part := range strings.Split(path, "/") {
		var next *Box
		for _, b := range bs {
			if b.Path == part || strings.HasSuffix(b.Path, "/"+part) {
				next = b
				break
			}
		}
		if next == nil {
			return nil
		}
		if next.Path == path {
			return next
		}
		bs = next.Children
	}
	return nil
}

func (f *File) summariseTracks() error {
	if f.Moov == nil {
		if len(f.Moofs) > 0 {
			return unsupported("", 0, "fragments without a moov box (a lone media segment needs its init segment)")
		}
		return malformed("", f.Size, "end of file reached with no moov box (%d top-level boxes)", len(f.Boxes))
	}
	trexs := map[uint32]*mp4.TrexBox{}
	if f.Moov.Mvex != nil {
		for _, t := range f.Moov.Mvex.Trexs {
			trexs[t.TrackID] = t
		}
	}
	byID := map[uint32]*Track{}
	for i, trak := range f.Moov.Traks {
		path := fmt.Sprintf("moov/trak[%d]", i+1)
		t, err := trackSummary(trak, path, f.Moov)
		if err != nil {
			return err
		}
		t.Trex = trexs[t.ID]
		if err := f.checkSamples(t, path); err != nil {
			return err
		}
		if byID[t.ID] != nil {
			return malformed(path, 0, "track ID %d used twice", t.ID)
		}
		byID[t.ID] = t
		f.Tracks = append(f.Tracks, t)
	}
	if len(f.Moofs) > 0 {
		if err := f.summariseFragments(byID); err != nil {
			return err
		}
	}
	for _, t := range f.Tracks {
		if t.Timescale > 0 {
			t.Seconds = float64(t.Duration) / float64(t.Timescale)
		}
	}
	return nil
}

// summariseFragments adds each fragment's samples to its track and checks
// that every trun's sample data lies inside an mdat.
func (f *File) summariseFragments(byID map[uint32]*Track) error {
	f.Fragments = &Fragments{Count: len(f.Moofs)}
	ft := map[uint32]*FragmentTrack{}
	for mi, m := range f.Moofs {
		mpath := fmt.Sprintf("moof[%d]", mi+1)
		for ti, traf := range m.Box.Trafs {
			tpath := fmt.Sprintf("%s/traf[%d]", mpath, ti+1)
			if traf.Tfhd == nil {
				return malformed(tpath, m.Offset, "traf without tfhd")
			}
			id := traf.Tfhd.TrackID
			t := byID[id]
			if t == nil {
				return malformed(tpath, m.Offset, "fragment for track %d, which moov does not declare", id)
			}
			s := ft[id]
			if s == nil {
				s = &FragmentTrack{ID: id}
				if traf.Tfdt != nil {
					s.FirstDecodeTime = traf.Tfdt.BaseMediaDecodeTime()
				}
				ft[id] = s
				f.Fragments.Tracks = append(f.Fragments.Tracks, s)
			}
			s.Fragments++
			base := m.Offset // default-base-is-moof, and the usual first-traf base
			if traf.Tfhd.HasBaseDataOffset() {
				base = int64(traf.Tfhd.BaseDataOffset)
			}
			for ri, trun := range traf.Truns {
				rpath := fmt.Sprintf("%s/trun[%d]", tpath, ri+1)
				dur := trun.AddSampleDefaultValues(traf.Tfhd, t.Trex)
				var size int64
				for i, smp := range trun.Samples {
					size += int64(smp.Size)
					fl := smp.Flags
					if i == 0 {
						if ff, ok := trun.FirstSampleFlags(); ok {
							fl = ff
						}
					}
					if fl&nonSyncFlag == 0 {
						s.SyncSampleCount++
					}
				}
				start := base + int64(trun.DataOffset)
				if trun.SampleCount() > 0 && !f.insideMdat(start, start+size) {
					return malformed(rpath, m.Offset, "sample data [%d, %d) of %d samples lies outside every mdat", start, start+size, trun.SampleCount())
				}
				s.SampleCount += uint64(trun.SampleCount())
				s.Duration += dur
			}
		}
	}
	for _, s := range f.Fragments.Tracks {
		t := byID[s.ID]
		if t.SampleCount+s.SampleCount > MaxSamples {
			return unsupported(fmt.Sprintf("moof[%d]", len(f.Moofs)), f.Moofs[len(f.Moofs)-1].Offset, "track %d has more than %d samples", s.ID, MaxSamples)
		}
		t.SampleCount += s.SampleCount
		t.SyncSampleCount += s.SyncSampleCount
		t.Duration += s.Duration
	}
	return nil
}

// trackSummary summarises a decoded trak.
func trackSummary(trak *mp4.TrakBox, path string, moov *mp4.MoovBox) (*Track, error) {
	if trak.Tkhd == nil || trak.Mdia == nil || trak.Mdia.Mdhd == nil || trak.Mdia.Hdlr == nil ||
		trak.Mdia.Minf == nil || trak.Mdia.Minf.Stbl == nil || trak.Mdia.Minf.Stbl.Stsd == nil {
		return nil, malformed(path, 0, "trak lacks one of tkhd, mdhd, hdlr, stbl, stsd")
	}
	mdhd := trak.Mdia.Mdhd
	stbl := trak.Mdia.Minf.Stbl
	t := &Track{ID: trak.Tkhd.TrackID, Handler: trak.Mdia.Hdlr.HandlerType, Timescale: mdhd.Timescale, Trak: trak}
	if mdhd.Timescale == 0 {
		return nil, malformed(path+"/mdia/mdhd", 0, "timescale is 0")
	}
	t.Language = mdhd.GetLanguage()
	if trak.Mdia.Elng != nil && trak.Mdia.Elng.Language != "" {
		t.Language = trak.Mdia.Elng.Language
	}
	if t.Language == "```" {
		t.Language = ""
	}
	if stbl.Stts != nil {
		for i, c := range stbl.Stts.SampleCount {
			t.Duration += uint64(c) * uint64(stbl.Stts.SampleTimeDelta[i])
		}
	}
	if stbl.Stsz == nil {
		for _, c := range stbl.Children {
			if u, ok := c.(*mp4.UnknownBox); ok && c.Type() == "stz2" {
				stsz, err := stz2ToStsz(u.Payload())
				if err != nil {
					return nil, malformed(path+"/mdia/minf/stbl/stz2", 0, "%v", err)
				}
				stbl.Stsz = stsz
			}
		}
	}
	if stbl.Stsz != nil {
		t.SampleCount = uint64(stbl.Stsz.SampleNumber)
		if t.SampleCount > MaxSamples {
			return nil, unsupported(path+"/mdia/minf/stbl/stsz", 0, "%d samples exceed the limit of %d per track", t.SampleCount, MaxSamples)
		}
	}
	if stbl.Stss != nil {
		t.SyncSampleCount = uint64(len(stbl.Stss.SampleNumber))
	} else {
		t.SyncSampleCount = t.SampleCount
	}
	if trak.Edts != nil {
		for _, elst := range trak.Edts.Elst {
			for _, e := range elst.Entries {
				t.EditList = append(t.EditList, Edit{SegmentDuration: e.SegmentDuration, MediaTime: e.MediaTime, MediaRate: e.MediaRateInteger})
			}
		}
	}
	if len(stbl.Stsd.Children) == 0 {
		return nil, malformed(path+"/mdia/minf/stbl/stsd", 0, "no sample entry")
	}
	t.Entry = stbl.Stsd.Children[0]
	t.SampleEntry = t.Entry.Type()
	if err := Guard(path+"/mdia/minf/stbl/stsd", 0, func() error { return describeEntry(t) }); err != nil {
		return nil, err
	}
	return t, nil
}

// stz2ToStsz expands a compact sample size box (ISO/IEC 14496-12 8.7.3.3;
// payload checked by checkTable) into the stsz form the rest of mp4pkg
// reads.
func stz2ToStsz(p []byte) (*mp4.StszBox, error) {
	if len(p) < 12 {
		return nil, fmt.Errorf("stz2 payload of %d bytes", len(p))
	}
	fieldSize := int(p[7])
	n := int(binary.BigEndian.Uint32(p[8:12]))
	if fieldSize != 4 && fieldSize != 8 && fieldSize != 16 || (n*fieldSize+7)/8 > len(p)-12 {
		return nil, fmt.Errorf("stz2 with field size %d and %d samples does not fit its %d bytes", fieldSize, n, len(p))
	}
	sizes := make([]uint32, n)
	data := p[12:]
	for i := range sizes {
		switch fieldSize {
		case 16:
			sizes[i] = uint32(binary.BigEndian.Uint16(data[2*i:]))
		case 8:
			sizes[i] = uint32(data[i])
		case 4:
			b := data[i/2]
			if i%2 == 0 {
				sizes[i] = uint32(b >> 4)
			} else {
				sizes[i] = uint32(b & 0xf)
			}
		}
	}
	return &mp4.StszBox{SampleNumber: uint32(n), SampleSize: sizes}, nil
}

// describeEntry fills the decoder, colour and encryption signals from the
// first sample entry.
func describeEntry(t *Track) error {
	var sinf *mp4.SinfBox
	format := t.SampleEntry
	switch e := t.Entry.(type) {
	case *mp4.VisualSampleEntryBox:
		t.Width, t.Height = uint32(e.Width), uint32(e.Height)
		sinf = e.Sinf
		if e.Pasp != nil {
			t.PixelAspect = fmt.Sprintf("%d:%d", e.Pasp.HSpacing, e.Pasp.VSpacing)
		}
		for _, c := range e.Children {
			if colr, ok := c.(*mp4.ColrBox); ok && (colr.ColorType == "nclx" || colr.ColorType == "nclc") {
				t.Colour = &Colour{Primaries: colr.ColorPrimaries, Transfer: colr.TransferCharacteristics,
					Matrix: colr.MatrixCoefficients, FullRange: colr.FullRangeFlag}
			}
		}
		if e.Mdcv != nil || e.Clli != nil {
			t.HDR = &HDR{}
			if m := e.Mdcv; m != nil {
				t.HDR.Mdcv = &Mdcv{DisplayPrimariesX: m.DisplayPrimariesX, DisplayPrimariesY: m.DisplayPrimariesY,
					WhitePointX: m.WhitePointX, WhitePointY: m.WhitePointY,
					MaxLuminance: m.MaxDisplayMasteringLuminance, MinLuminance: m.MinDisplayMasteringLuminance}
			}
			if c := e.Clli; c != nil {
				t.HDR.Clli = &Clli{MaxCLL: c.MaxContentLightLevel, MaxFALL: c.MaxPicAverageLightLevel}
			}
		}
	case *mp4.AudioSampleEntryBox:
		t.Channels = int(e.ChannelCount)
		t.SampleRate = int(e.SampleRate)
		sinf = e.Sinf
	}
	if sinf != nil {
		enc := &Encryption{}
		if sinf.Frma != nil {
			enc.OriginalFormat = sinf.Frma.DataFormat
			format = sinf.Frma.DataFormat
		}
		if sinf.Schm != nil {
			enc.Scheme = sinf.Schm.SchemeType
		}
		if sinf.Schi != nil && sinf.Schi.Tenc != nil {
			tenc := sinf.Schi.Tenc
			enc.KID = hex.EncodeToString(tenc.DefaultKID)
			enc.PerSampleIVSize = int(tenc.DefaultPerSampleIVSize)
			if tenc.Version > 0 && (tenc.DefaultCryptByteBlock > 0 || tenc.DefaultSkipByteBlock > 0) {
				enc.Pattern = fmt.Sprintf("%d:%d", tenc.DefaultCryptByteBlock, tenc.DefaultSkipByteBlock)
			}
			if len(tenc.DefaultConstantIV) > 0 {
				enc.ConstantIV = hex.EncodeToString(tenc.DefaultConstantIV)
			}
		}
		t.Encryption = enc
	}
	return codecSignals(t, format)
}
