package cenc

import (
	"crypto/aes"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Scheme is a Common Encryption protection scheme (the schm four-character
// code).
type Scheme string

// The schemes mp4pkg writes.
const (
	CBCS Scheme = "cbcs" // AES-CBC, 1:9 pattern, constant IV
	CENC Scheme = "cenc" // AES-CTR, per-sample IVs
)

// SystemID identifies a DRM system in a pssh box. Its String form is the
// UUID form used in manifests (urn:uuid:…).
type SystemID [16]byte

// String returns the system ID in UUID form.
func (s SystemID) String() string { return KeyID(s).String() }

// DRM system IDs (DASH-IF registry, dashif.org/identifiers/content_protection).
var (
	// CommonSystem is the W3C "Common PSSH box" system
	// (w3c.github.io/encrypted-media/format-registry/initdata/cenc.html):
	// a version 1 pssh listing the KIDs, with no data. W3C ClearKey uses
	// this same box, so ClearKey has no system ID of its own here.
	CommonSystem = SystemID{0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2, 0xfb, 0x4b}
	// WidevineSystem is edef8ba9-79d6-4ace-a3c8-27dcd51d21ed.
	WidevineSystem = SystemID{0xed, 0xef, 0x8b, 0xa9, 0x79, 0xd6, 0x4a, 0xce, 0xa3, 0xc8, 0x27, 0xdc, 0xd5, 0x1d, 0x21, 0xed}
	// PlayReadySystem is 9a04f079-9840-4286-ab92-e65be0885f95.
	PlayReadySystem = SystemID{0x9a, 0x04, 0xf0, 0x79, 0x98, 0x40, 0x42, 0x86, 0xab, 0x92, 0xe6, 0x5b, 0xe0, 0x88, 0x5f, 0x95}
	// FairPlaySystem is 94ce86fb-07ff-4f43-adb8-93d2fa968ca2. FairPlay is
	// signalled in HLS (EXT-X-KEY METHOD=SAMPLE-AES, KEYFORMAT
	// "com.apple.streamingkeydelivery"), not by a pssh box.
	FairPlaySystem = SystemID{0x94, 0xce, 0x86, 0xfb, 0x07, 0xff, 0x4f, 0x43, 0xad, 0xb8, 0x93, 0xd2, 0xfa, 0x96, 0x8c, 0xa2}
)

// DRM names a system of the --drm list.
type DRM string

// The --drm names.
const (
	Widevine  DRM = "widevine"
	PlayReady DRM = "playready"
	FairPlay  DRM = "fairplay"
	ClearKey  DRM = "clearkey"
	Common    DRM = "common" // the W3C common system; same box as ClearKey
)

// ParseDRMList parses a comma-separated --drm list such as
// "widevine,playready". Names are case-insensitive; repeats are dropped.
func ParseDRMList(s string) ([]DRM, error) {
	var out []DRM
	seen := map[DRM]bool{}
	for i, f := range strings.Split(s, ",") {
		d := DRM(strings.ToLower(strings.TrimSpace(f)))
		switch d {
		case Widevine, PlayReady, FairPlay, ClearKey, Common:
		default:
			return nil, fmt.Errorf("--drm item %d: %q is not one of widevine, playready, fairplay, clearkey, common", i+1, f)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// PSSHOptions says which pssh boxes PSSHBoxes builds and what they carry.
type PSSHOptions struct {
	Scheme  Scheme
	Systems []DRM
	// PlayReadyLAURL is the licence acquisition URL put in the PlayReady
	// header (LA_URL); empty leaves it out, as Shaka Packager does.
	PlayReadyLAURL string
	// WidevineProvider and WidevineContentID fill the optional provider and
	// content_id fields of the Widevine data.
	WidevineProvider  string
	WidevineContentID []byte
}

// PSSHBoxes builds the pssh boxes for keys, one per system in o.Systems in
// that order: Common and ClearKey give the W3C common box (once for both),
// Widevine and PlayReady their own; FairPlay gives none (it is signalled in
// the HLS playlist). Each KID is listed once, in the order of keys.
func PSSHBoxes(keys []KeySpec, o PSSHOptions) ([]*mp4.PsshBox, error) {
	keys = uniqueKIDs(keys)
	if len(keys) == 0 {
		return nil, errors.New("pssh: no keys")
	}
	kids := make([]KeyID, len(keys))
	for i, k := range keys {
		kids[i] = k.KID
	}
	var boxes []*mp4.PsshBox
	common := false
	for _, d := range o.Systems {
		switch d {
		case Common, ClearKey:
			if !common {
				boxes = append(boxes, CommonPSSH(kids...))
			}
			common = true
		case Widevine:
			boxes = append(boxes, WidevinePSSH(WidevineData{KIDs: kids, Provider: o.WidevineProvider, ContentID: o.WidevineContentID, Scheme: o.Scheme}))
		case PlayReady:
			b, err := PlayReadyPSSH(o.Scheme, o.PlayReadyLAURL, keys...)
			if err != nil {
				return nil, err
			}
			boxes = append(boxes, b)
		case FairPlay:
		default:
			return nil, fmt.Errorf("pssh: unknown DRM system %q", d)
		}
	}
	return boxes, nil
}

// uniqueKIDs keeps the first spec of each KID.
func uniqueKIDs(keys []KeySpec) []KeySpec {
	var out []KeySpec
	seen := map[KeyID]bool{}
	for _, k := range keys {
		if !seen[k.KID] {
			seen[k.KID] = true
			out = append(out, k)
		}
	}
	return out
}

func newPSSH(sys SystemID, kids []KeyID, data []byte) *mp4.PsshBox {
	b := &mp4.PsshBox{SystemID: mp4.UUID(sys[:]), Data: data}
	if kids != nil {
		b.Version = 1
		b.KIDs = make([]mp4.UUID, len(kids))
		for i := range kids {
			b.KIDs[i] = mp4.UUID(kids[i][:])
		}
	}
	return b
}

// CommonPSSH returns the W3C common system pssh: version 1, the KIDs, no
// data.
func CommonPSSH(kids ...KeyID) *mp4.PsshBox {
	return newPSSH(CommonSystem, append([]KeyID{}, kids...), nil)
}

// ClearKeyPSSH returns the pssh W3C ClearKey players read: the common
// system box (w3c.github.io/encrypted-media "Clear Key" uses the "cenc"
// initialization data format, i.e. this box).
func ClearKeyPSSH(kids ...KeyID) *mp4.PsshBox { return CommonPSSH(kids...) }

// EncodePSSH returns the bytes of boxes, one after the other, encoded with
// isobmff.AppendBox.
func EncodePSSH(boxes ...*mp4.PsshBox) ([]byte, error) {
	var out []byte
	for _, b := range boxes {
		var err error
		if out, err = isobmff.AppendBox(out, b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PSSHBase64 returns the whole box b (header included) in standard base64,
// the content of a DASH <cenc:pssh> element. (The <mspr:pro> element holds
// base64 of b.Data alone for PlayReady.)
func PSSHBase64(b *mp4.PsshBox) (string, error) {
	enc, err := EncodePSSH(b)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(enc), nil
}

// WidevineData is the Widevine pssh payload, the protobuf message
// WidevinePsshData. Field numbers (from Shaka Packager's
// packager/media/base/widevine_pssh_data.proto, proto2): algorithm = 1
// (enum, not written), key_id = 2 (repeated bytes), provider = 3 (string),
// content_id = 4 (bytes), policy = 6, crypto_period_index = 7,
// grouped_license = 8, protection_scheme = 9 (uint32: the scheme's
// four-character code read big-endian, e.g. 'cbcs' = 0x63626373).
type WidevineData struct {
	KIDs      []KeyID
	Provider  string
	ContentID []byte
	Scheme    Scheme // empty: protection_scheme left out
}

// Protobuf tags (field number << 3 | wire type) of the fields written.
const (
	wvKeyID     = 2<<3 | 2
	wvProvider  = 3<<3 | 2
	wvContentID = 4<<3 | 2
	wvScheme    = 9<<3 | 0
)

// Marshal encodes d as protobuf, fields in field-number order as protoc
// writes them.
func (d WidevineData) Marshal() []byte {
	var b []byte
	for _, k := range d.KIDs {
		b = appendPBBytes(b, wvKeyID, k[:])
	}
	if d.Provider != "" {
		b = appendPBBytes(b, wvProvider, []byte(d.Provider))
	}
	if d.ContentID != nil {
		b = appendPBBytes(b, wvContentID, d.ContentID)
	}
	if d.Scheme != "" {
		b = binary.AppendUvarint(append(b, wvScheme), uint64(fourCC(d.Scheme)))
	}
	return b
}

func appendPBBytes(b []byte, tag byte, v []byte) []byte {
	return append(binary.AppendUvarint(append(b, tag), uint64(len(v))), v...)
}

func fourCC(s Scheme) uint32 {
	var b [4]byte
	copy(b[:], s)
	return binary.BigEndian.Uint32(b[:])
}

// ParseWidevineData decodes a Widevine pssh payload. Fields other than
// key_id, provider, content_id and protection_scheme are skipped.
func ParseWidevineData(p []byte) (WidevineData, error) {
	var d WidevineData
	for off := 0; off < len(p); {
		start := off
		tag, n := binary.Uvarint(p[off:])
		if n <= 0 {
			return d, fmt.Errorf("widevine pssh data offset %d: bad field tag", start)
		}
		off += n
		var val []byte
		var num uint64
		switch tag & 7 {
		case 0:
			if num, n = binary.Uvarint(p[off:]); n <= 0 {
				return d, fmt.Errorf("widevine pssh data offset %d: bad varint", off)
			}
			off += n
		case 1, 5:
			size := 8
			if tag&7 == 5 {
				size = 4
			}
			if len(p)-off < size {
				return d, fmt.Errorf("widevine pssh data offset %d: field ends after the data", start)
			}
			off += size
		case 2:
			l, n := binary.Uvarint(p[off:])
			if n <= 0 || l > uint64(len(p)-off-n) {
				return d, fmt.Errorf("widevine pssh data offset %d: bad length", off)
			}
			off += n
			val = p[off : off+int(l)]
			off += int(l)
		default:
			return d, fmt.Errorf("widevine pssh data offset %d: unsupported wire type %d", start, tag&7)
		}
		switch tag {
		case wvKeyID:
			if len(val) != 16 {
				return d, fmt.Errorf("widevine pssh data offset %d: key_id of %d bytes, want 16", start, len(val))
			}
			d.KIDs = append(d.KIDs, KeyID(val))
		case wvProvider:
			d.Provider = string(val)
		case wvContentID:
			d.ContentID = append([]byte{}, val...)
		case wvScheme:
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], uint32(num))
			d.Scheme = Scheme(b[:])
		}
	}
	return d, nil
}

// WidevinePSSH returns the Widevine pssh: version 0 (the KIDs are in the
// data), as Shaka Packager writes it.
func WidevinePSSH(d WidevineData) *mp4.PsshBox {
	return newPSSH(WidevineSystem, nil, d.Marshal())
}

// PlayReadyGUID converts between a KID and the byte order PlayReady uses
// for it (a little-endian Windows GUID): the first three groups
// (4, 2 and 2 bytes) are reversed, the last eight bytes are kept. The
// conversion is its own inverse.
func PlayReadyGUID(k KeyID) [16]byte {
	return [16]byte{k[3], k[2], k[1], k[0], k[5], k[4], k[7], k[6],
		k[8], k[9], k[10], k[11], k[12], k[13], k[14], k[15]}
}

// playReadyChecksum is the KID checksum of an AESCTR header: the first 8
// bytes of the GUID-order KID encrypted with the content key (AES-ECB).
func playReadyChecksum(k KeySpec) string {
	c, _ := aes.NewCipher(k.Key[:]) // a 16-byte key never fails
	g := PlayReadyGUID(k.KID)
	var out [16]byte
	c.Encrypt(out[:], g[:])
	return base64.StdEncoding.EncodeToString(out[:8])
}

// PlayReadyHeader returns the WRM header XML for the KIDs of keys
// (PlayReady Header Specification, learn.microsoft.com/playready/specifications/playready-header-specification):
//   - cbcs: version 4.3.0.0, every KID in PROTECTINFO/KIDS with ALGID
//     "AESCBC", no checksum;
//   - cenc with one KID: version 4.0.0.0, ALGID AESCTR, the KID and its
//     CHECKSUM (which needs the key), readable by every PlayReady client;
//   - cenc with several KIDs: version 4.2.0.0, KIDS with ALGID "AESCTR"
//     and a CHECKSUM attribute each.
//
// KIDs are base64 of the GUID byte order (PlayReadyGUID). laURL, when not
// empty, is put in LA_URL. Without laURL the header is the one Shaka
// Packager 3.4.2 writes for one key.
func PlayReadyHeader(s Scheme, laURL string, keys ...KeySpec) (string, error) {
	keys = uniqueKIDs(keys)
	if len(keys) == 0 {
		return "", errors.New("playready header: no keys")
	}
	var la strings.Builder
	if laURL != "" {
		la.WriteString("<LA_URL>")
		_ = xml.EscapeText(&la, []byte(laURL))
		la.WriteString("</LA_URL>")
	}
	kid := func(k KeySpec) string {
		g := PlayReadyGUID(k.KID)
		return base64.StdEncoding.EncodeToString(g[:])
	}
	const head = `<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="`
	var h strings.Builder
	switch {
	case s == CBCS:
		h.WriteString(head + `4.3.0.0"><DATA><PROTECTINFO><KIDS>`)
		for _, k := range keys {
			h.WriteString(`<KID ALGID="AESCBC" VALUE="` + kid(k) + `"></KID>`)
		}
		h.WriteString(`</KIDS></PROTECTINFO>`)
	case s == CENC && len(keys) == 1:
		h.WriteString(head + `4.0.0.0"><DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO>`)
		h.WriteString(`<KID>` + kid(keys[0]) + `</KID><CHECKSUM>` + playReadyChecksum(keys[0]) + `</CHECKSUM>`)
	case s == CENC:
		h.WriteString(head + `4.2.0.0"><DATA><PROTECTINFO><KIDS>`)
		for _, k := range keys {
			h.WriteString(`<KID ALGID="AESCTR" CHECKSUM="` + playReadyChecksum(k) + `" VALUE="` + kid(k) + `"></KID>`)
		}
		h.WriteString(`</KIDS></PROTECTINFO>`)
	default:
		return "", fmt.Errorf("playready header: scheme %q is not cbcs or cenc", s)
	}
	h.WriteString(la.String() + `</DATA></WRMHEADER>`)
	return h.String(), nil
}

// PlayReady Object layout (PlayReady Header Specification §1–2), all
// little-endian: u32 total length, u16 record count, then records of u16
// type, u16 byte length and the value. Record type 1 is the WRM header in
// UTF-16LE.
const (
	proHeaderSize = 6
	proRecordSize = 4
	proWRMHeader  = 1
)

// PlayReadyObject wraps a WRM header (see PlayReadyHeader) in a PlayReady
// Object with one record: the payload of the PlayReady pssh and the
// content of a DASH <mspr:pro> element.
func PlayReadyObject(wrmHeader string) ([]byte, error) {
	u := utf16.Encode([]rune(wrmHeader))
	if 2*len(u) > 0xffff {
		return nil, fmt.Errorf("playready object: WRM header of %d UTF-16 units is longer than a record holds", len(u))
	}
	n := proHeaderSize + proRecordSize + 2*len(u)
	b := make([]byte, 0, n)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, proWRMHeader)
	b = binary.LittleEndian.AppendUint16(b, uint16(2*len(u)))
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b, nil
}

// PlayReadyPSSH returns the PlayReady pssh for keys: version 0, data the
// PlayReady Object of PlayReadyHeader(s, laURL, keys...), as Shaka Packager
// writes it.
func PlayReadyPSSH(s Scheme, laURL string, keys ...KeySpec) (*mp4.PsshBox, error) {
	h, err := PlayReadyHeader(s, laURL, keys...)
	if err != nil {
		return nil, err
	}
	pro, err := PlayReadyObject(h)
	if err != nil {
		return nil, err
	}
	return newPSSH(PlayReadySystem, nil, pro), nil
}

// PlayReadyInfo is what ParsePlayReadyObject reads from a WRM header.
type PlayReadyInfo struct {
	Version string  // e.g. 4.3.0.0
	AlgID   string  // AESCTR, AESCBC, or "" when not given
	KIDs    []KeyID // in KID byte order (converted back from GUID order)
	LAURL   string
	XML     string // the whole WRM header
}

// wrmHeader is the part of a WRM header (versions 4.0 to 4.3) that
// ParsePlayReadyObject reads.
type wrmHeader struct {
	Version string `xml:"version,attr"`
	Data    struct {
		KID         string `xml:"KID"` // 4.0
		LAURL       string `xml:"LA_URL"`
		ProtectInfo struct {
			AlgID string   `xml:"ALGID"` // 4.0
			KID   *wrmKID  `xml:"KID"`   // 4.1
			KIDs  []wrmKID `xml:"KIDS>KID"`
		} `xml:"PROTECTINFO"`
	} `xml:"DATA"`
}

type wrmKID struct {
	AlgID string `xml:"ALGID,attr"`
	Value string `xml:"VALUE,attr"`
}

// ParsePlayReadyObject reads the WRM header record of a PlayReady Object
// (a PlayReady pssh's data) and the KIDs it names.
func ParsePlayReadyObject(p []byte) (PlayReadyInfo, error) {
	var info PlayReadyInfo
	if len(p) < proHeaderSize {
		return info, fmt.Errorf("playready object: %d bytes, shorter than its header", len(p))
	}
	if n := binary.LittleEndian.Uint32(p); n != uint32(len(p)) {
		return info, fmt.Errorf("playready object: length field %d, but %d bytes given", n, len(p))
	}
	count := int(binary.LittleEndian.Uint16(p[4:]))
	off := proHeaderSize
	for i := 0; i < count; i++ {
		if len(p)-off < proRecordSize {
			return info, fmt.Errorf("playready object offset %d: record %d ends after the data", off, i+1)
		}
		typ := binary.LittleEndian.Uint16(p[off:])
		size := int(binary.LittleEndian.Uint16(p[off+2:]))
		off += proRecordSize
		if len(p)-off < size || size%2 != 0 {
			return info, fmt.Errorf("playready object offset %d: record %d of %d bytes does not fit or is odd", off, i+1, size)
		}
		if typ == proWRMHeader && info.XML == "" {
			u := make([]uint16, size/2)
			for j := range u {
				u[j] = binary.LittleEndian.Uint16(p[off+2*j:])
			}
			info.XML = string(utf16.Decode(u))
		}
		off += size
	}
	if info.XML == "" {
		return info, errors.New("playready object: no WRM header record")
	}
	var h wrmHeader
	if err := xml.Unmarshal([]byte(info.XML), &h); err != nil {
		return info, fmt.Errorf("playready object: WRM header: %w", err)
	}
	info.Version, info.LAURL, info.AlgID = h.Version, strings.TrimSpace(h.Data.LAURL), h.Data.ProtectInfo.AlgID
	values := []string{h.Data.KID}
	if k := h.Data.ProtectInfo.KID; k != nil {
		values, info.AlgID = []string{k.Value}, k.AlgID
	}
	for _, k := range h.Data.ProtectInfo.KIDs {
		values, info.AlgID = append(values, k.Value), k.AlgID
	}
	for _, v := range values {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		g, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(g) != 16 {
			return info, fmt.Errorf("playready object: WRM header KID is not base64 of 16 bytes")
		}
		info.KIDs = append(info.KIDs, KeyID(PlayReadyGUID(KeyID(g))))
	}
	return info, nil
}
