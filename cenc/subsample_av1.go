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
	return &AV1Mapper{dec}, nil
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
