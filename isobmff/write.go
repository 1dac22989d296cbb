package isobmff

import (
	"fmt"

	"github.com/Eyevinn/mp4ff/bits"
	"github.com/Eyevinn/mp4ff/mp4"
)

// AppendBox appends the encoding of b to dst and returns the extended slice.
// It is the one path by which mp4pkg writes boxes of its own (sidx, mfra,
// senc, pssh, …): decoding a box with mp4pkg and appending it again gives
// the bytes it was read from.
func AppendBox(dst []byte, b mp4.Box) ([]byte, error) {
	size := b.Size()
	if size > 1<<31 {
		return dst, fmt.Errorf("%w: box %s of %d bytes is too large to encode in memory", ErrUnsupported, b.Type(), size)
	}
	start := len(dst)
	dst = append(dst, make([]byte, size)...)
	sw := bits.NewFixedSliceWriterFromSlice(dst[start : start+int(size)])
	if err := b.EncodeSW(sw); err != nil {
		return dst[:start], fmt.Errorf("encode %s: %w", b.Type(), err)
	}
	if sw.AccError() != nil {
		return dst[:start], fmt.Errorf("encode %s: %w", b.Type(), sw.AccError())
	}
	if n := sw.Offset(); n != int(size) {
		return dst[:start], fmt.Errorf("encode %s: wrote %d bytes, size says %d", b.Type(), n, size)
	}
	return dst, nil
}

// DecodeBox decodes one whole box held in buf (header included) found at
// file offset off with path, behind Guard. It is the read side of AppendBox.
func DecodeBox(buf []byte, path string, off int64) (mp4.Box, error) {
	h, err := parseHeader(buf, off, off+int64(len(buf)), "")
	if err != nil {
		return nil, err
	}
	if h.size != int64(len(buf)) {
		return nil, malformed(path, off, "box %s: size %d, but %d bytes given", typeName(h.typ), h.size, len(buf))
	}
	return decodeBox(&Box{Type: h.typ, Offset: off, Size: h.size, HeaderSize: h.hdrLen, Path: path}, buf)
}
