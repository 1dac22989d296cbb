package cenc

import (
	"encoding/binary"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
)

// maxAuxInfoSize is the largest per-sample aux info saiz can describe (an
// 8-bit size): IV + 2 + 6 bytes per subsample.
const maxAuxInfoSize = 255

// AddAuxBoxes appends the sample encryption boxes of a track fragment to
// traf, after its trun, in Shaka Packager's order: saiz and saio (left out
// when every sample's aux info is empty, as for constant-IV cbcs audio)
// and senc (ISO/IEC 23001-7 7.2; flag 0x2 when the samples have subsample
// maps). infos has one entry per sample of the fragment, ivSize is the
// per-sample IV size of the track (0 with a constant IV). Call
// SetSaioOffsets once the moof is complete.
func AddAuxBoxes(traf *mp4.TrafBox, infos []SampleInfo, ivSize int) error {
	withSubs := false
	for _, in := range infos {
		if in.Subsamples != nil {
			withSubs = true
		}
	}
	var flags uint32
	if withSubs {
		flags = 2
	}
	payload := binary.BigEndian.AppendUint32(nil, flags)
	payload = binary.BigEndian.AppendUint32(payload, uint32(len(infos)))
	saiz := &mp4.SaizBox{}
	sizes := make([]byte, len(infos))
	uniform := true
	for i, in := range infos {
		if len(in.IV) != ivSize {
			return fmt.Errorf("sample %d: IV of %d bytes in a track with %d-byte IVs", i+1, len(in.IV), ivSize)
		}
		start := len(payload)
		payload = append(payload, in.IV...)
		if withSubs {
			if len(in.Subsamples) > 0xffff {
				return fmt.Errorf("sample %d: %d subsamples exceed 65535", i+1, len(in.Subsamples))
			}
			payload = binary.BigEndian.AppendUint16(payload, uint16(len(in.Subsamples)))
			for _, s := range in.Subsamples {
				payload = binary.BigEndian.AppendUint16(payload, uint16(s.Clear))
				payload = binary.BigEndian.AppendUint32(payload, s.Protected)
			}
		}
		n := len(payload) - start
		if n > maxAuxInfoSize {
			return fmt.Errorf("sample %d: %d subsamples make %d bytes of aux info, over saiz's 255", i+1, len(in.Subsamples), n)
		}
		sizes[i] = byte(n)
		uniform = uniform && sizes[i] == sizes[0]
	}
	var boxes []mp4.Box
	if len(payload) > 8 {
		saiz.SampleCount = uint32(len(infos))
		if uniform {
			saiz.DefaultSampleInfoSize = sizes[0]
		} else {
			saiz.SampleInfo = sizes
		}
		boxes = append(boxes, saiz, &mp4.SaioBox{Offset: []int64{0}})
	}
	boxes = append(boxes, mp4.CreateUnknownBox("senc", uint64(8+len(payload)), payload))
	for _, b := range boxes {
		if err := traf.AddChild(b); err != nil {
			return err
		}
	}
	return nil
}

// SetSaioOffsets points each traf's saio at the first sample entry of its
// senc, relative to the moof (default-base-is-moof).
func SetSaioOffsets(moof *mp4.MoofBox) {
	pos := uint64(8)
	for _, c := range moof.Children {
		traf, ok := c.(*mp4.TrafBox)
		if !ok {
			pos += c.Size()
			continue
		}
		var saio *mp4.SaioBox
		at := pos + 8
		sencAt := uint64(0)
		for _, tc := range traf.Children {
			switch b := tc.(type) {
			case *mp4.SaioBox:
				saio = b
			}
			if tc.Type() == "senc" {
				sencAt = at + 16 // header, version and flags, sample count
			}
			at += tc.Size()
		}
		if saio != nil && sencAt > 0 {
			saio.Offset = []int64{int64(sencAt)}
		}
		pos += traf.Size()
	}
}
