package cenc

import (
	"errors"
)

// errShortNALU is the sticky error of a read past the end of a NAL unit.
var errShortNALU = errors.New("NAL unit ends inside the slice header")

// rbspReader reads the bits of a NAL unit's payload, skipping emulation
// prevention bytes (0x000003), and keeps the first error. Reads past the
// end return zeros and set the error.
type rbspReader struct {
	data  []byte
	pos   int // index of the next byte in data
	cur   byte
	left  int  // bits left in cur
	zeros int  // consecutive zero bytes read
	raw   bool // no emulation prevention (VP9)
	err   error
}

func newRBSPReader(data []byte) *rbspReader { return &rbspReader{data: data} }

// newBitReader reads the bits of data as they are, for codecs without
// emulation prevention.
func newBitReader(data []byte) *rbspReader { return &rbspReader{data: data, raw: true} }

func (r *rbspReader) nextByte() bool {
	if r.pos >= len(r.data) {
		r.err = errShortNALU
		return false
	}
	b := r.data[r.pos]
	r.pos++
	if !r.raw && r.zeros >= 2 && b == 3 {
		r.zeros = 0
		if r.pos >= len(r.data) {
			r.err = errShortNALU
			return false
		}
		b = r.data[r.pos]
		r.pos++
	}
	if b == 0 {
		r.zeros++
	} else {
		r.zeros = 0
	}
	r.cur, r.left = b, 8
	return true
}

// u reads n ≤ 32 bits.
func (r *rbspReader) u(n int) uint32 {
	var v uint32
	for i := 0; i < n; i++ {
		if r.err != nil {
			return 0
		}
		if r.left == 0 && !r.nextByte() {
			return 0
		}
		r.left--
		v = v<<1 | uint32(r.cur>>r.left)&1
	}
	return v
}

func (r *rbspReader) flag() bool { return r.u(1) == 1 }

// ue reads an unsigned Exp-Golomb code of at most 32 significant bits.
func (r *rbspReader) ue() uint32 {
	zeros := 0
	for r.u(1) == 0 {
		if r.err != nil {
			return 0
		}
		zeros++
		if zeros > 31 {
			r.err = errors.New("Exp-Golomb code longer than 32 bits")
			return 0
		}
	}
	return (1<<zeros - 1) + r.u(zeros)
}

// se reads a signed Exp-Golomb code.
func (r *rbspReader) se() int32 {
	v := r.ue()
	if v&1 == 1 {
		return int32((v + 1) / 2)
	}
	return -int32(v / 2)
}

// bytesRead is the number of bytes of data consumed, emulation prevention
// bytes included: the clear prefix a cipher must leave alone.
func (r *rbspReader) bytesRead() int { return r.pos }

// aligned reports whether the reader is at a byte boundary.
func (r *rbspReader) aligned() bool { return r.left == 0 }
