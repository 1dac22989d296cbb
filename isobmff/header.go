package isobmff

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// header is a parsed box header.
type header struct {
	typ    string
	size   int64 // whole box, header included
	hdrLen int64 // 8, 16 (largesize) or +16 for uuid
	large  bool  // size came from the 64-bit largesize field
	toEnd  bool  // size 0: the box runs to the end of its parent
}

// headerBytes is how many bytes parseHeader may need.
const headerBytes = 32

// parseHeader parses the header at the start of b, a box that starts at file
// offset off and must end by file offset end, a child of the box at path
// parent. b holds min(headerBytes, end-off) bytes or more.
func parseHeader(b []byte, off, end int64, parent string) (header, error) {
	left := end - off
	path := pathJoin(parent, "box")
	if len(b) >= 8 {
		path = pathJoin(parent, typeName(string(b[4:8])))
	}
	if left < 8 || len(b) < 8 {
		return header{}, malformed(path, off, "truncated box header: %d bytes left", left)
	}
	h := header{typ: string(b[4:8]), hdrLen: 8}
	size := int64(binary.BigEndian.Uint32(b[0:4]))
	switch size {
	case 1:
		if left < 16 || len(b) < 16 {
			return h, malformed(path, off, "truncated 64-bit box header: %d bytes left", left)
		}
		ls := binary.BigEndian.Uint64(b[8:16])
		if ls > 1<<62 {
			return h, malformed(path, off, "box %s: 64-bit size %d is impossible", typeName(h.typ), ls)
		}
		size, h.hdrLen, h.large = int64(ls), 16, true
	case 0:
		size, h.toEnd = left, true
	}
	if h.typ == "uuid" {
		h.hdrLen += 16
	}
	if size < h.hdrLen {
		return h, malformed(path, off, "box %s: size %d is smaller than its %d-byte header", typeName(h.typ), size, h.hdrLen)
	}
	if size > left {
		where := "its parent"
		if parent == "" {
			where = "the file"
		}
		return h, malformed(path, off, "box %s: size %d runs past the end of %s by %d bytes", typeName(h.typ), size, where, size-left)
	}
	h.size = size
	return h, nil
}

// typeName shows a box type for messages: printable types as they are,
// others quoted.
func typeName(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return fmt.Sprintf("%q", t)
		}
	}
	return t
}

// pathJoin appends a child to a box path.
func pathJoin(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "/" + child
}

// repeatable are box types that often repeat among siblings; their paths
// always carry a 1-based index, e.g. trak[2].
var repeatable = map[string]bool{
	"trak": true, "traf": true, "trun": true, "moof": true, "mdat": true, "sidx": true,
	"tfra": true, "pssh": true, "emsg": true, "styp": true, "prft": true, "free": true, "skip": true,
}

// siblingNamer gives each child its path element.
type siblingNamer map[string]int

func (n siblingNamer) name(typ string) string {
	n[typ]++
	tn := typeName(typ)
	if strings.ContainsAny(tn, "/[]\"") {
		tn = fmt.Sprintf("%x", typ)
	}
	if repeatable[typ] || n[typ] > 1 {
		return fmt.Sprintf("%s[%d]", tn, n[typ])
	}
	return tn
}
