package cenc

import (
	"fmt"

	"github.com/Eyevinn/mp4ff/av1"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// AV1Mapper computes the subsample maps of the samples of one AV1 track.
// Inter frames inherit sizes from reference frames, so a mapper keeps the
// decoder's reference state: use it from one goroutine, fed every sample
// of a decode sequence in decode order.
type AV1Mapper struct {
	dec *av1.FrameHeaderDecoder
	seq []byte // the sequence header OBU payload dec was made from, once in-band
}

// NewAV1Mapper returns the mapper of an AV1 track whose av1C carries the
// sequence header OBU in its configOBUs (needed before the first frame).
func NewAV1Mapper(rec *av1.CodecConfRec) (*AV1Mapper, error) {
	var dec *av1.FrameHeaderDecoder
	err := isobmff.Guard("av1C", 0, func() error {
		seq, err := rec.SequenceHeader()
		if err == nil {
			dec, err = av1.NewFrameHeaderDecoder(seq)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("av1C sequence header: %w", err)
	}
	return &AV1Mapper{dec: dec}, nil
}

// Subsamples returns the map of one temporal unit for scheme "cbcs" or
// "cenc" (AV1-ISOBMFF "Common Encryption"): only the decode_tile bytes of
// each tile are protected; OBU headers and sizes, sequence, frame and
// tile-group headers, tile size fields, metadata and padding stay clear.
// cbcs: one subsample per tile, of any size. cenc: each tile's range cut to
// a multiple of 16 bytes at its start, so that it ends on the tile's last
// byte; tiles under 16 bytes stay clear. The frame and tile-group headers
// are parsed by mp4ff (av1.FrameHeaderDecoder.GetTileRanges).
func (m *AV1Mapper) Subsamples(sample []byte, scheme string) ([]Subsample, error) {
	if err := checkScheme(scheme); err != nil {
		return nil, err
	}
	if err := m.inBandSequenceHeader(sample); err != nil {
		return nil, err
	}
	var tiles []av1.TileRange
	if err := isobmff.Guard("av1 sample", 0, func() error {
		var err error
		tiles, err = m.dec.GetTileRanges(sample)
		return err
	}); err != nil {
		return nil, err
	}
	var b mapBuilder
	pos := 0
	for i, t := range tiles {
		if t.Offset < pos || t.Length < 0 || t.Length > len(sample)-t.Offset {
			return nil, fmt.Errorf("tile %d at byte %d (%d bytes) overlaps byte %d or the sample end", i, t.Offset, t.Length, pos)
		}
		b.add(t.Offset-pos, t.Length, scheme)
		pos = t.Offset + t.Length
	}
	b.addClear(len(sample) - pos)
	return b.finish(len(sample))
}

// obuSequenceHeader is the OBU type of a sequence header.
const obuSequenceHeader = 1

// inBandSequenceHeader makes the decoder anew from a sequence header OBU
// in the temporal unit that differs from the last one used: the frame
// headers follow the sequence header in force, and encoders (SVT-AV1) may
// put one in av1C that differs from the one in the stream (enable_cdef, for
// one), which would misplace every protected range.
func (m *AV1Mapper) inBandSequenceHeader(tu []byte) error {
	for pos := 0; pos < len(tu); {
		h := tu[pos]
		typ := (h >> 3) & 0xf
		at := pos + 1
		if h&0x4 != 0 { // extension header
			at++
		}
		if at > len(tu) {
			return fmt.Errorf("OBU at byte %d: header runs past the sample end", pos)
		}
		size := len(tu) - at
		if h&0x2 != 0 { // obu_has_size_field: leb128
			v, n := uint64(0), 0
			for ; ; n++ {
				if at+n >= len(tu) || n == 8 {
					return fmt.Errorf("OBU at byte %d: bad size field", pos)
				}
				b := tu[at+n]
				v |= uint64(b&0x7f) << (7 * n)
				if b&0x80 == 0 {
					break
				}
			}
			at += n + 1
			if v > uint64(len(tu)-at) {
				return fmt.Errorf("OBU at byte %d: %d bytes run past the sample end", pos, v)
			}
			size = int(v)
		}
		payload := tu[at : at+size]
		if typ == obuSequenceHeader && string(payload) != string(m.seq) {
			err := isobmff.Guard("av1 sequence header", 0, func() error {
				seq, err := av1.ParseSequenceHeader(payload)
				if err == nil {
					m.dec, err = av1.NewFrameHeaderDecoder(seq)
				}
				return err
			})
			if err != nil {
				return fmt.Errorf("sequence header OBU at byte %d: %w", pos, err)
			}
			m.seq = append(m.seq[:0], payload...)
		}
		pos = at + size
	}
	return nil
}
