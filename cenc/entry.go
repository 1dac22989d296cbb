package cenc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// ErrSampleEntry is wrapped by errors about sample entries that cannot be
// protected or unprotected.
var ErrSampleEntry = errors.New("bad sample entry")

// ProtectStsd returns the stsd payload (version, flags, entry count and
// entries, as in the file) with every sample entry protected: its type
// becomes encv (video) or enca (audio) and a sinf box is appended to it
// holding frma (the original type), schm (scheme, version 1.0) and schi
// with tenc. The rest of each entry is kept byte for byte.
func ProtectStsd(stsd []byte, video bool, scheme Scheme, tenc *mp4.TencBox) ([]byte, error) {
	return mapEntries(stsd, func(entry []byte) ([]byte, error) {
		return protectEntry(entry, video, scheme, tenc)
	})
}

// UnprotectStsd undoes ProtectStsd on any protected stsd payload: each
// entry carrying a sinf gets its original type back (frma) and loses the
// sinf; other entries are kept.
func UnprotectStsd(stsd []byte) ([]byte, error) {
	return mapEntries(stsd, unprotectEntry)
}

// mapEntries rewrites each sample entry of an stsd payload.
func mapEntries(stsd []byte, fn func([]byte) ([]byte, error)) ([]byte, error) {
	if len(stsd) < 8 {
		return nil, fmt.Errorf("%w: stsd of %d bytes", ErrSampleEntry, len(stsd))
	}
	n := binary.BigEndian.Uint32(stsd[4:])
	out := append([]byte(nil), stsd[:8]...)
	rest := stsd[8:]
	for i := uint32(0); i < n; i++ {
		size, err := boxSize(rest)
		if err != nil {
			return nil, fmt.Errorf("stsd entry %d: %w", i+1, err)
		}
		e, err := fn(rest[:size])
		if err != nil {
			return nil, fmt.Errorf("stsd entry %d: %w", i+1, err)
		}
		out = append(out, e...)
		rest = rest[size:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the %d entries of stsd", ErrSampleEntry, len(rest), n)
	}
	return out, nil
}

// boxSize is the size of the 32-bit-sized box at the start of b.
func boxSize(b []byte) (int, error) {
	if len(b) < 8 {
		return 0, fmt.Errorf("%w: %d bytes left for a box header", ErrSampleEntry, len(b))
	}
	size := int(binary.BigEndian.Uint32(b))
	if size < 8 || size > len(b) {
		return 0, fmt.Errorf("%w: box %q of size %d in %d bytes", ErrSampleEntry, b[4:8], size, len(b))
	}
	return size, nil
}

// childrenStart is where the child boxes of a raw sample entry begin: after
// the SampleEntry and VisualSampleEntry (78 bytes) or AudioSampleEntry
// fields (28 bytes, +16 for QuickTime version 1, +36 for version 2).
func childrenStart(entry []byte, video bool) (int, error) {
	at := 8 + 28
	if video {
		at = 8 + 78
	} else if len(entry) >= 18 {
		switch binary.BigEndian.Uint16(entry[16:]) {
		case 1:
			at += 16
		case 2:
			at += 36
		}
	}
	if at > len(entry) {
		return 0, fmt.Errorf("%w: %q entry of %d bytes is shorter than its fields", ErrSampleEntry, entry[4:8], len(entry))
	}
	return at, nil
}

// isVideoEntry tells visual sample entries from audio ones by type, for
// unprotecting (where only the entry is at hand).
func isVideoEntry(typ string) bool {
	switch typ {
	case "enca", "mp4a", "ac-3", "ec-3", "ac-4", "Opus", "fLaC", "mha1", "mhm1", "alac", "dtsc", "dtse", "dtsh", "dtsl":
		return false
	}
	return true
}

func protectEntry(entry []byte, video bool, scheme Scheme, tenc *mp4.TencBox) ([]byte, error) {
	if _, err := childrenStart(entry, video); err != nil {
		return nil, err
	}
	orig := string(entry[4:8])
	if orig == "encv" || orig == "enca" {
		return nil, fmt.Errorf("%w: the track is already encrypted (%s)", ErrSampleEntry, orig)
	}
	sinf := &mp4.SinfBox{}
	for _, b := range []mp4.Box{&mp4.FrmaBox{DataFormat: orig}, &mp4.SchmBox{SchemeType: string(scheme), SchemeVersion: 0x00010000}} {
		sinf.AddChild(b)
	}
	schi := &mp4.SchiBox{}
	schi.AddChild(tenc)
	sinf.AddChild(schi)
	out := append([]byte(nil), entry...)
	out, err := isobmff.AppendBox(out, sinf)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint32(out, uint32(len(out)))
	typ := "enca"
	if video {
		typ = "encv"
	}
	copy(out[4:8], typ)
	return out, nil
}

func unprotectEntry(entry []byte) ([]byte, error) {
	at, err := childrenStart(entry, isVideoEntry(string(entry[4:8])))
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), entry[:at]...)
	orig := ""
	for rest := entry[at:]; len(rest) > 0; {
		size, err := boxSize(rest)
		if err != nil {
			return nil, err
		}
		if string(rest[4:8]) == "sinf" {
			if orig, err = frmaFormat(rest[8:size]); err != nil {
				return nil, err
			}
		} else {
			out = append(out, rest[:size]...)
		}
		rest = rest[size:]
	}
	if orig == "" {
		return entry, nil
	}
	binary.BigEndian.PutUint32(out, uint32(len(out)))
	copy(out[4:8], orig)
	return out, nil
}

// frmaFormat finds the original format in a sinf payload.
func frmaFormat(sinf []byte) (string, error) {
	for len(sinf) > 0 {
		size, err := boxSize(sinf)
		if err != nil {
			return "", err
		}
		if string(sinf[4:8]) == "frma" && size >= 12 {
			return string(sinf[8:12]), nil
		}
		sinf = sinf[size:]
	}
	return "", fmt.Errorf("%w: sinf without frma", ErrSampleEntry)
}
