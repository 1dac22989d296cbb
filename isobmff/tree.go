package isobmff

import (
	"encoding/binary"
)

// Box is one box in a file's tree, with its place in the file. Fields holds
// the box's key values (e.g. timescale, sampleCount) for display; it is nil
// for boxes mp4pkg does not describe.
type Box struct {
	Type     string         `json:"type"`
	Offset   int64          `json:"offset"`
	Size     int64          `json:"size"`
	Fields   map[string]any `json:"fields,omitempty"`
	Children []*Box         `json:"children,omitempty"`

	// Path is the box path used in errors, e.g. moov/trak[1]/mdia.
	Path string `json:"-"`
	// HeaderSize is 8, 16 (64-bit size) or 24/32 for uuid boxes.
	HeaderSize int64 `json:"-"`
}

// visualEntries and audioEntries are sample entry types whose children
// follow fixed fields (ISO/IEC 14496-12 12.1.3, 12.2.3).
var visualEntries = map[string]bool{
	"avc1": true, "avc2": true, "avc3": true, "avc4": true, "hvc1": true, "hev1": true,
	"dvh1": true, "dvhe": true, "dva1": true, "dvav": true, "dav1": true, "av01": true, "vp08": true,
	"vp09": true, "encv": true, "mp4v": true, "vvc1": true, "vvi1": true, "avs3": true, "s263": true,
	"mjpg": true, "jpeg": true, "hvc2": true, "hev2": true, "lhv1": true, "lhe1": true,
}

var audioEntries = map[string]bool{
	"mp4a": true, "ac-3": true, "ec-3": true, "ac-4": true, "Opus": true, "fLaC": true, "enca": true,
	"alac": true, "mha1": true, "mha2": true, "mhm1": true, "mhm2": true, "iamf": true, "lpcm": true,
	"ipcm": true, "fpcm": true, "sowt": true, "twos": true, ".mp3": true, "samr": true, "sawb": true,
}

// containers maps plain container types to the bytes that precede their
// children (after the header).
var containers = map[string]int{
	"moov": 0, "trak": 0, "mdia": 0, "minf": 0, "stbl": 0, "dinf": 0, "edts": 0, "mvex": 0,
	"moof": 0, "traf": 0, "mfra": 0, "udta": 0, "sinf": 0, "schi": 0, "tref": 0, "trgr": 0,
	"rinf": 0, "wave": 0, "stsd": 8, "dref": 8, "wvtt": 8, "meco": 0, "strk": 0, "strd": 0,
}

// childSkip says whether a box of type typ with payload p holds child boxes,
// and how many payload bytes precede them.
func childSkip(typ string, p []byte) (int, bool) {
	if n, ok := containers[typ]; ok {
		return n, true
	}
	switch {
	case typ == "meta":
		// ISO meta is a full box (4 bytes before the children); QuickTime's
		// is a plain container whose first child is usually hdlr.
		if len(p) >= 8 && string(p[4:8]) == "hdlr" {
			return 0, true
		}
		return 4, true
	case visualEntries[typ]:
		return 78, true
	case audioEntries[typ]:
		if len(p) < 10 {
			return 28, true
		}
		switch binary.BigEndian.Uint16(p[8:10]) { // QuickTime sound description version
		case 1:
			return 28 + 16, true
		case 2:
			return 28 + 36, true
		}
		return 28, true
	}
	return 0, false
}

// walker builds box trees from bytes held in memory and checks every header
// and table count on the way.
type walker struct {
	boxes int // boxes seen so far in the file
}

// walk parses the boxes in buf, which starts at file offset base, as the
// children of parentPath at nesting depth.
func (w *walker) walk(buf []byte, base int64, parentPath string, depth int) ([]*Box, error) {
	if depth > MaxDepth {
		return nil, unsupported(parentPath, base, "boxes nested deeper than %d levels", MaxDepth)
	}
	var out []*Box
	names := siblingNamer{}
	end := base + int64(len(buf))
	for pos := int64(0); pos < int64(len(buf)); {
		off := base + pos
		if int64(len(buf))-pos < 8 && allZero(buf[pos:]) {
			break // a few zero bytes of padding at the end of a container
		}
		h, err := parseHeader(buf[pos:], off, end, parentPath)
		if err != nil {
			return nil, err
		}
		w.boxes++
		if w.boxes > MaxBoxes {
			return nil, unsupported(parentPath, off, "more than %d boxes", MaxBoxes)
		}
		b := &Box{Type: h.typ, Offset: off, Size: h.size, HeaderSize: h.hdrLen,
			Path: pathJoin(parentPath, names.name(h.typ))}
		body := buf[pos+h.hdrLen : pos+h.size]
		if err := checkTable(b, body); err != nil {
			return nil, err
		}
		if skip, ok := childSkip(h.typ, body); ok {
			if skip > len(body) {
				if !visualEntries[h.typ] && !audioEntries[h.typ] {
					return nil, malformed(b.Path, off, "box %s: %d-byte payload is shorter than its %d fixed bytes", typeName(h.typ), len(body), skip)
				}
				// A sample entry too short for its fields: left to the decoder.
			} else {
				kids, err := w.walk(body[skip:], off+h.hdrLen+int64(skip), b.Path, depth+1)
				if err != nil {
					return nil, err
				}
				b.Children = kids
			}
		}
		out = append(out, b)
		pos += h.size
	}
	return out, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// checkTable checks the entry count of the table boxes mp4pkg reads against
// the bytes that hold them, before any decoder allocates for them.
func checkTable(b *Box, p []byte) error {
	need := func(n int64, what string) error {
		if int64(len(p)) < n {
			return malformed(b.Path, b.Offset, "box %s: %s needs %d bytes, payload has %d", b.Type, what, n, len(p))
		}
		return nil
	}
	u32 := func(at int) uint32 { return binary.BigEndian.Uint32(p[at : at+4]) }
	count := func(at int, entry int64, what string) error {
		if err := need(int64(at)+4, "header"); err != nil {
			return err
		}
		n := int64(u32(at))
		if n > MaxEntries {
			return malformed(b.Path, b.Offset, "box %s: %s count %d exceeds the limit of %d", b.Type, what, n, MaxEntries)
		}
		if int64(len(p))-int64(at)-4 < n*entry {
			return malformed(b.Path, b.Offset, "box %s: %s count %d exceeds box size (%d entries of %d bytes need %d, %d left)",
				b.Type, what, n, n, entry, n*entry, int64(len(p))-int64(at)-4)
		}
		return nil
	}
	switch b.Type {
	case "stts", "ctts":
		return count(4, 8, "entry")
	case "stss", "stps", "stco":
		return count(4, 4, "entry")
	case "co64":
		return count(4, 8, "entry")
	case "stsc":
		return count(4, 12, "entry")
	case "stsz":
		if err := need(12, "header"); err != nil {
			return err
		}
		if u32(4) != 0 { // constant sample size: no table
			if int64(u32(8)) > MaxEntries {
				return malformed(b.Path, b.Offset, "box stsz: sample count %d exceeds the limit of %d", u32(8), MaxEntries)
			}
			return nil
		}
		return count(8, 4, "sample")
	case "stz2":
		if err := need(12, "header"); err != nil {
			return err
		}
		fs := int64(p[7])
		if fs != 4 && fs != 8 && fs != 16 {
			return malformed(b.Path, b.Offset, "box stz2: field size %d is not 4, 8 or 16", fs)
		}
		n := int64(u32(8))
		if n > MaxEntries || (n*fs+7)/8 > int64(len(p))-12 {
			return malformed(b.Path, b.Offset, "box stz2: sample count %d exceeds box size", n)
		}
	case "elst":
		if err := need(8, "header"); err != nil {
			return err
		}
		if p[0] == 1 {
			return count(4, 20, "entry")
		}
		return count(4, 12, "entry")
	case "sidx":
		if err := need(4, "header"); err != nil {
			return err
		}
		at := 20
		if p[0] != 0 {
			at = 28
		}
		if err := need(int64(at)+4, "header"); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint16(p[at+2 : at+4]))
		if int64(len(p))-int64(at)-4 < n*12 {
			return malformed(b.Path, b.Offset, "box sidx: reference count %d exceeds box size", n)
		}
	case "trun":
		if err := need(8, "header"); err != nil {
			return err
		}
		flags := u32(0) & 0xffffff
		at := 8
		if flags&0x1 != 0 {
			at += 4
		}
		if flags&0x4 != 0 {
			at += 4
		}
		var per int64
		for _, f := range []uint32{0x100, 0x200, 0x400, 0x800} {
			if flags&f != 0 {
				per += 4
			}
		}
		if err := need(int64(at), "header"); err != nil {
			return err
		}
		n := int64(u32(4))
		if n > MaxEntries || int64(len(p)-at) < n*per {
			return malformed(b.Path, b.Offset, "box trun: sample count %d exceeds box size (%d bytes per sample, %d left)", n, per, len(p)-at)
		}
	case "tfra":
		if err := need(16, "header"); err != nil {
			return err
		}
		lens := u32(8)
		entry := int64(8) + int64((lens>>4)&3+1) + int64((lens>>2)&3+1) + int64(lens&3+1)
		if p[0] == 1 {
			entry += 8
		}
		return count(12, entry, "entry")
	case "saio":
		at := 4
		if err := need(4, "header"); err != nil {
			return err
		}
		if u32(0)&1 != 0 {
			at += 8
		}
		if p[0] == 1 {
			return count(at, 8, "entry")
		}
		return count(at, 4, "entry")
	case "saiz":
		at := 4
		if err := need(4, "header"); err != nil {
			return err
		}
		if u32(0)&1 != 0 {
			at += 8
		}
		if err := need(int64(at)+5, "header"); err != nil {
			return err
		}
		if p[at] == 0 {
			return count(at+1, 1, "sample")
		}
		return count(at+1, 0, "sample")
	case "senc":
		if err := need(8, "header"); err != nil {
			return err
		}
		if u32(0)&2 != 0 {
			return count(4, 2, "sample")
		}
		// Without subsamples an entry is the per-sample IV, which is empty
		// with a constant IV (cbcs audio: Shaka Packager writes the count
		// and no data).
		if n := u32(4); n > MaxSamples {
			return malformed(b.Path, b.Offset, "box senc: sample count %d exceeds the limit of %d", n, MaxSamples)
		}
		return count(4, 0, "sample")
	case "sbgp":
		if err := need(4, "header"); err != nil {
			return err
		}
		if p[0] == 1 {
			return count(12, 8, "entry")
		}
		return count(8, 8, "entry")
	case "stsd", "dref":
		return count(4, 8, "entry")
	case "pssh":
		if err := need(24, "header"); err != nil {
			return err
		}
		if p[0] > 0 {
			return count(20, 16, "KID")
		}
	}
	return nil
}
