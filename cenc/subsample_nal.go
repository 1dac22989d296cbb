package cenc

import (
	"fmt"

	"github.com/Eyevinn/mp4ff/avc"
	"github.com/Eyevinn/mp4ff/hevc"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// AVCMapper computes the subsample maps of the samples of one H.264 track.
// In-band SPS and PPS NAL units (avc3) replace those of the configuration
// record, so a mapper keeps state: use it from one goroutine, in decode
// order.
type AVCMapper struct {
	lengthSize int
	ps         avcParams
}

// NewAVCMapper returns the mapper of an H.264 track whose NAL unit length
// fields have lengthSize bytes (1, 2 or 4: avcC lengthSizeMinusOne+1),
// with the SPS and PPS NAL units of its avcC.
func NewAVCMapper(lengthSize int, paramSets [][]byte) (*AVCMapper, error) {
	if err := checkLengthSize(lengthSize); err != nil {
		return nil, err
	}
	m := &AVCMapper{lengthSize, avcParams{sps: map[uint32]*avc.SPS{}, pps: map[uint32]*avc.PPS{}}}
	isSPS := func(n []byte) bool { return avc.GetNaluType(n[0]) == avc.NALU_SPS }
	if err := addSPSFirst(paramSets, isSPS, m.ps.add); err != nil {
		return nil, err
	}
	return m, nil
}

// Subsamples returns the map of one sample for scheme "cbcs" or "cenc".
// Coded slices (NAL types 1 and 5) keep their length field, NAL header and
// slice header clear and protect the rest (cenc: cut to a multiple of 16
// bytes, the odd bytes joining the clear prefix); every other NAL unit is
// clear. An empty sample has an empty map.
func (m *AVCMapper) Subsamples(sample []byte, scheme string) ([]Subsample, error) {
	return nalSubsamples(sample, m.lengthSize, scheme, func(nalu []byte) (int, bool, error) {
		switch avc.GetNaluType(nalu[0]) {
		case avcNonIDR, avcIDR:
			n, err := avcSliceHeaderSize(nalu, m.ps)
			return n, true, err
		case avc.NALU_SPS, avc.NALU_PPS:
			return 0, false, m.ps.add(nalu)
		}
		return 0, false, nil
	})
}

// HEVCMapper computes the subsample maps of the samples of one H.265
// track. In-band SPS and PPS NAL units (hev1) replace those of the
// configuration record: use a mapper from one goroutine, in decode order.
type HEVCMapper struct {
	lengthSize int
	ps         hevcParams
}

// NewHEVCMapper returns the mapper of an H.265 track whose NAL unit length
// fields have lengthSize bytes (hvcC lengthSizeMinusOne+1), with the
// parameter set NAL units of its hvcC (VPS are ignored).
func NewHEVCMapper(lengthSize int, paramSets [][]byte) (*HEVCMapper, error) {
	if err := checkLengthSize(lengthSize); err != nil {
		return nil, err
	}
	m := &HEVCMapper{lengthSize, hevcParams{sps: map[uint32]*hevc.SPS{}, pps: map[uint32]*hevc.PPS{}}}
	isSPS := func(n []byte) bool { return hevc.GetNaluType(n[0]) == hevc.NALU_SPS }
	if err := addSPSFirst(paramSets, isSPS, m.ps.add); err != nil {
		return nil, err
	}
	return m, nil
}

// Subsamples returns the map of one sample for scheme "cbcs" or "cenc".
// VCL NAL units (types 0–31) keep their length field, NAL header and slice
// segment header clear and protect the rest (cenc: cut to a multiple of 16
// bytes, the odd bytes joining the clear prefix); every other NAL unit is
// clear. An empty sample has an empty map.
func (m *HEVCMapper) Subsamples(sample []byte, scheme string) ([]Subsample, error) {
	return nalSubsamples(sample, m.lengthSize, scheme, func(nalu []byte) (int, bool, error) {
		switch t := hevc.GetNaluType(nalu[0]); {
		case t < 32:
			n, err := hevcSliceHeaderSize(nalu, m.ps)
			return n, true, err
		case t == hevc.NALU_SPS || t == hevc.NALU_PPS:
			return 0, false, m.ps.add(nalu)
		}
		return 0, false, nil
	})
}

// add parses an SPS or PPS NAL unit into ps; other NAL units are ignored.
func (ps hevcParams) add(nalu []byte) error {
	if len(nalu) < 2 {
		return nil
	}
	return isobmff.Guard("hevc parameter set", 0, func() error {
		switch hevc.GetNaluType(nalu[0]) {
		case hevc.NALU_SPS:
			sps, err := hevc.ParseSPSNALUnit(nalu)
			if err != nil {
				return fmt.Errorf("SPS: %w", err)
			}
			ps.sps[uint32(sps.SpsID)] = sps
		case hevc.NALU_PPS:
			pps, err := hevc.ParsePPSNALUnit(nalu, ps.sps)
			if err != nil {
				return fmt.Errorf("PPS: %w", err)
			}
			ps.pps[pps.PicParameterSetID] = pps
		}
		return nil
	})
}

// addSPSFirst adds the SPSs of paramSets, then the other NAL units: a PPS
// is parsed against its SPS.
func addSPSFirst(paramSets [][]byte, isSPS func([]byte) bool, add func([]byte) error) error {
	for _, sps := range []bool{true, false} {
		for i, n := range paramSets {
			if len(n) > 0 && isSPS(n) == sps {
				if err := add(n); err != nil {
					return fmt.Errorf("parameter set %d: %w", i, err)
				}
			}
		}
	}
	return nil
}

// checkLengthSize accepts the NAL unit length sizes ISO/IEC 14496-15 allows.
func checkLengthSize(n int) error {
	if n != 1 && n != 2 && n != 4 {
		return fmt.Errorf("NAL unit length size %d is not 1, 2 or 4", n)
	}
	return nil
}

// nalSubsamples walks the length-prefixed NAL units of sample. For each
// non-empty NAL unit, nal says whether it is protected and how many of its
// bytes (from its first) stay clear. A zero-length NAL unit is clear.
func nalSubsamples(sample []byte, lengthSize int, scheme string,
	nal func(nalu []byte) (header int, protect bool, err error)) ([]Subsample, error) {
	if err := checkScheme(scheme); err != nil {
		return nil, err
	}
	var b mapBuilder
	for i, pos := 0, 0; pos < len(sample); i++ {
		if len(sample)-pos < lengthSize {
			return nil, fmt.Errorf("NAL unit %d at byte %d: sample ends inside the %d-byte length field", i, pos, lengthSize)
		}
		n := 0
		for _, c := range sample[pos : pos+lengthSize] {
			n = n<<8 | int(c)
		}
		if n > len(sample)-pos-lengthSize {
			return nil, fmt.Errorf("NAL unit %d at byte %d: length %d runs %d bytes past the sample end",
				i, pos, n, n-(len(sample)-pos-lengthSize))
		}
		nalu := sample[pos+lengthSize : pos+lengthSize+n]
		header, protect := 0, false
		if n > 0 {
			var err error
			if header, protect, err = nal(nalu); err != nil {
				return nil, fmt.Errorf("NAL unit %d at byte %d (type byte %#02x): %w", i, pos, nalu[0], err)
			}
		}
		if protect {
			b.add(lengthSize+header, n-header, scheme)
		} else {
			b.addClear(lengthSize + n)
		}
		pos += lengthSize + n
	}
	return b.finish(len(sample))
}
