package cenc

import (
	"fmt"
)

// Subsample is one entry of a sample's subsample map (ISO/IEC 23001-7
// 7.2.2, the senc box): Clear bytes left alone followed by Protected bytes
// given to the cipher. A map's entries cover the sample in order, exactly.
type Subsample struct {
	Clear, Protected uint32
}

// maxClear is the largest BytesOfClearData (a 16-bit field); longer clear
// runs are written as extra (65535, 0) entries.
const maxClear = 1<<16 - 1

// cipherBlock is the AES block size; cenc protected ranges are multiples
// of it (CMAF), cbcs ranges need not be.
const cipherBlock = 16

// checkScheme accepts the two schemes the maps are built for.
func checkScheme(scheme string) error {
	if scheme != "cbcs" && scheme != "cenc" {
		return fmt.Errorf("protection scheme %q is not cbcs or cenc", scheme)
	}
	return nil
}

// mapBuilder collects a subsample map: clear runs are merged into the
// clear prefix of the next protected range (Shaka Packager, Bento4 and
// AV1-ISOBMFF: "as compactly represented as possible").
type mapBuilder struct {
	out   []Subsample
	clear uint64 // clear bytes not yet written
}

// addClear adds n clear bytes.
func (b *mapBuilder) addClear(n int) { b.clear += uint64(n) }

// add adds clear bytes followed by protected bytes. For cenc the protected
// range is cut to a multiple of 16 bytes and the odd bytes go to its clear
// prefix, so that it still ends where the codec data ends (Shaka Packager;
// AV1-ISOBMFF "SHALL end on the last byte of the decode_tile"). A range
// left empty becomes clear.
func (b *mapBuilder) add(clear, protected int, scheme string) {
	if scheme == "cenc" {
		odd := protected % cipherBlock
		clear, protected = clear+odd, protected-odd
	}
	b.clear += uint64(clear)
	if protected == 0 {
		return
	}
	for b.clear > maxClear {
		b.out = append(b.out, Subsample{Clear: maxClear})
		b.clear -= maxClear
	}
	b.out = append(b.out, Subsample{Clear: uint32(b.clear), Protected: uint32(protected)})
	b.clear = 0
}

// finish writes the trailing clear bytes and checks that the map covers a
// sample of size bytes.
func (b *mapBuilder) finish(size int) ([]Subsample, error) {
	for b.clear > 0 {
		n := min(b.clear, maxClear)
		b.out = append(b.out, Subsample{Clear: uint32(n)})
		b.clear -= n
	}
	if err := CheckSubsamples(b.out, size); err != nil {
		return nil, err
	}
	return b.out, nil
}

// CheckSubsamples reports an error unless the map covers a sample of size
// bytes exactly, with every clear count within 16 bits.
func CheckSubsamples(m []Subsample, size int) error {
	var sum uint64
	for i, s := range m {
		if s.Clear > maxClear {
			return fmt.Errorf("subsample %d: %d clear bytes exceed 65535", i, s.Clear)
		}
		sum += uint64(s.Clear) + uint64(s.Protected)
	}
	if size < 0 || sum != uint64(size) {
		return fmt.Errorf("subsamples cover %d bytes of a %d-byte sample", sum, size)
	}
	return nil
}

// AudioSubsamples returns the map of an audio sample (AAC, AC-3, E-AC-3,
// Opus, FLAC): none. cbcs audio is whole-sample CBC over the complete
// 16-byte blocks with the tail clear (tenc pattern 0:0, handled by the
// cipher), cenc audio whole-sample CTR; neither writes subsamples (a cbcs
// audio map is even rejected by ffmpeg). AC-4 is not covered.
func AudioSubsamples(sample []byte, scheme string) ([]Subsample, error) {
	return nil, checkScheme(scheme)
}
