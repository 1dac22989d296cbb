package isobmff

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/Eyevinn/mp4ff/bits"
	"github.com/Eyevinn/mp4ff/mp4"
)

// File is what Open learns about an MP4 file: its box tree, its tracks and,
// for fragmented files, its fragments and segment indexes. Media data is
// never read.
type File struct {
	// Name is the file name given to OpenFile; empty for Open.
	Name string `json:"file,omitempty"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// Boxes is the box tree. moov and moof are listed in full; mdat and
	// other large boxes with their headers only.
	Boxes []*Box `json:"boxes"`
	// Tracks summarises each track in moov order.
	Tracks []*Track `json:"tracks"`
	// Fragments summarises the moof boxes of a fragmented file.
	Fragments *Fragments `json:"fragments,omitempty"`
	// Sidx lists the top-level segment index boxes.
	Sidx []*SidxInfo `json:"sidx,omitempty"`

	// Moov is the decoded movie box, nil when the file has none.
	Moov *mp4.MoovBox `json:"-"`
	// Moofs are the decoded movie fragments in file order.
	Moofs []*Moof `json:"-"`
	// Mdats are the payload ranges of the mdat boxes in file order.
	Mdats []Range `json:"-"`
}

// Range is a byte range [Start, End) of the file.
type Range struct{ Start, End int64 }

// Moof is a decoded movie fragment with its place in the file.
type Moof struct {
	Offset int64
	Size   int64
	Box    *mp4.MoofBox
}

// OpenFile opens the file at path and calls Open on it.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Name = path
	return f, nil
}

// Open reads the structure of the MP4 file in r, which is size bytes long.
// It reads box headers, moov, moof and small index boxes, never media data.
// Errors are *BoxError values naming the box path and offset.
func Open(r io.ReaderAt, size int64) (*File, error) {
	f := &File{Size: size}
	w := &walker{}
	var hdrBuf [headerBytes]byte
	names := siblingNamer{}
	for off := int64(0); off < size; {
		n := int64(headerBytes)
		if size-off < n {
			n = size - off
		}
		if _, err := r.ReadAt(hdrBuf[:n], off); err != nil && err != io.EOF {
			return nil, &BoxError{Offset: off, Err: err}
		}
		if n < 8 && allZero(hdrBuf[:n]) {
			break // trailing zero padding
		}
		h, err := parseHeader(hdrBuf[:n], off, size, "")
		if err != nil {
			return nil, err
		}
		w.boxes++
		if w.boxes > MaxBoxes {
			return nil, unsupported("", off, "more than %d boxes", MaxBoxes)
		}
		b := &Box{Type: h.typ, Offset: off, Size: h.size, HeaderSize: h.hdrLen, Path: names.name(h.typ)}
		if err := f.topBox(r, w, b, h); err != nil {
			return nil, err
		}
		f.Boxes = append(f.Boxes, b)
		off += h.size
	}
	if len(f.Boxes) == 0 {
		return nil, malformed("", 0, "no boxes: empty file")
	}
	if err := f.summarise(); err != nil {
		return nil, err
	}
	return f, nil
}

// readBox reads a whole box of at most limit bytes.
func readBox(r io.ReaderAt, b *Box, limit int64) ([]byte, error) {
	if b.Size > limit {
		return nil, unsupported(b.Path, b.Offset, "box %s of %d bytes is larger than the %d-byte limit", b.Type, b.Size, limit)
	}
	buf := make([]byte, b.Size)
	if _, err := r.ReadAt(buf, b.Offset); err != nil && !(err == io.EOF) {
		return nil, &BoxError{Path: b.Path, Offset: b.Offset, Err: err}
	}
	return buf, nil
}

// topBox handles one top-level box: it reads what it needs and decodes it.
func (f *File) topBox(r io.ReaderAt, w *walker, b *Box, h header) error {
	if h.large {
		b.fieldsSet("largeSize", true)
	}
	if h.toEnd {
		b.fieldsSet("toEndOfFile", true)
	}
	switch b.Type {
	case "mdat":
		f.Mdats = append(f.Mdats, Range{b.Offset + b.HeaderSize, b.Offset + b.Size})
		return nil
	case "moov", "moof":
		limit := int64(MaxMoovSize)
		if b.Type == "moof" {
			limit = MaxMoofSize
		}
		buf, err := readBox(r, b, limit)
		if err != nil {
			return err
		}
		if b.Children, err = w.walk(buf[h.hdrLen:], b.Offset+h.hdrLen, b.Path, 1); err != nil {
			return err
		}
		dec, err := decodeBox(b, buf)
		if err != nil {
			return err
		}
		describeTree(b, buf)
		if b.Type == "moov" {
			if f.Moov != nil {
				return unsupported(b.Path, b.Offset, "a second moov box")
			}
			moov, ok := dec.(*mp4.MoovBox)
			if !ok {
				return malformed(b.Path, b.Offset, "moov did not decode as a movie box")
			}
			f.Moov = moov
			return nil
		}
		moof, ok := dec.(*mp4.MoofBox)
		if !ok {
			return malformed(b.Path, b.Offset, "moof did not decode as a movie fragment")
		}
		f.Moofs = append(f.Moofs, &Moof{Offset: b.Offset, Size: b.Size, Box: moof})
		return nil
	}
	if b.Size > MaxSmallBoxSize {
		return nil // listed with its header only
	}
	buf, err := readBox(r, b, MaxSmallBoxSize)
	if err != nil {
		return err
	}
	if b.Type == "mfra" || b.Type == "meta" || b.Type == "udta" {
		if b.Children, err = w.walk(buf[h.hdrLen:], b.Offset+h.hdrLen, b.Path, 1); err != nil {
			return err
		}
	} else if err := checkTable(b, buf[h.hdrLen:]); err != nil {
		return err
	}
	switch b.Type {
	case "ftyp", "styp", "sidx", "mfra", "emsg", "prft", "pssh":
		dec, err := decodeBox(b, buf)
		if err != nil {
			return err
		}
		if sidx, ok := dec.(*mp4.SidxBox); ok {
			f.Sidx = append(f.Sidx, sidxInfo(b.Offset, sidx))
		}
	}
	describeTree(b, buf)
	return nil
}

// decodeBox decodes one whole box (buf holds it, header included) with mp4ff
// behind Guard. mp4ff accepts 64-bit and size-0 headers only on mdat, so
// other boxes get a plain 8-byte header first when their size allows it.
func decodeBox(b *Box, buf []byte) (mp4.Box, error) {
	ext := int64(0) // the 16-byte uuid user type travels with the header
	if b.Type == "uuid" {
		ext = 16
	}
	if b.HeaderSize != 8+ext || binary.BigEndian.Uint32(buf[0:4]) == 0 {
		size := b.Size - b.HeaderSize + 8 + ext
		if size >= 1<<32 {
			return nil, unsupported(b.Path, b.Offset, "box %s of %d bytes is too large to decode", b.Type, b.Size)
		}
		nb := make([]byte, 0, size)
		nb = binary.BigEndian.AppendUint32(nb, uint32(size))
		nb = append(nb, buf[4:8]...)
		nb = append(nb, buf[b.HeaderSize-ext:]...)
		buf = nb
	}
	var out mp4.Box
	err := Guard(b.Path, b.Offset, func() error {
		sr := bits.NewFixedSliceReader(buf)
		box, err := mp4.DecodeBoxSR(uint64(b.Offset), sr)
		if err != nil {
			return err
		}
		if sr.AccError() != nil {
			return sr.AccError()
		}
		out = box
		return nil
	})
	return out, err
}
