package hls

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// Protocol versions (RFC 8216 section 7).
const (
	versionMedia   = 6 // EXT-X-MAP in a playlist without EXT-X-I-FRAMES-ONLY
	versionIFrames = 5 // EXT-X-MAP with EXT-X-I-FRAMES-ONLY; KEYFORMAT; SAMPLE-AES
	versionMaster  = versionMedia
)

// DRM systems whose pssh changes what EXT-X-KEY says, without dashes.
const (
	systemWidevine = "edef8ba979d64acea3c827dcd51d21ed"
	systemClearKey = "1077efecc0b24d02ace33c1e52e2fb4b" // W3C Common PSSH, EME ClearKey
)

// WriteMedia writes r's media playlist, which lives at
// DIR/[MediaPlaylistURI](r), for the presentation's layout
// ([manifest.LayoutSegments] or [manifest.LayoutSingleFile]).
//
// Every segment gets an EXTINF with its real duration (six decimals), and
// in layout single-file an EXT-X-BYTERANGE length@offset into the file;
// EXT-X-TARGETDURATION is the longest segment rounded up to whole seconds
// and EXT-X-MEDIA-SEQUENCE the first segment's Number. An encrypted
// representation gets EXT-X-KEY lines before EXT-X-MAP, with METHOD
// SAMPLE-AES for cbcs and SAMPLE-AES-CTR for cenc, one per way to get the
// key, in this order:
//   - Encryption.KeyURI, with KEYFORMAT "com.apple.streamingkeydelivery"
//     for skd:// (FairPlay, cbcs only) and "identity" otherwise (Shaka
//     Player reads a ClearKey key from an identity data: URI);
//   - with a W3C ClearKey pssh (system 1077efec-…), KEYFORMAT
//     "org.w3.clearkey" and the key ID as a data: URI, which is what hls.js
//     asks its ClearKey licence server about;
//   - with a Widevine pssh, KEYFORMAT "urn:uuid:edef8ba9-…" and the pssh
//     box as a data: URI (Shaka Player, ExoPlayer).
//
// Players take the lines whose KEYFORMAT they support and skip the rest,
// with two exceptions that e2e/playback measures: hls.js 1.7.4 takes an
// identity line over every other and cannot decrypt fMP4 SAMPLE-AES with it,
// and Shaka Player 5.2.12 reads no org.w3.clearkey line (a ClearKey-only
// playlist stops with error 4026). A ClearKey KeyURI thus breaks hls.js;
// output meant for both signals ClearKey and Widevine (the Widevine line
// gets Shaka Player going, and its drm.clearKeys setting then takes over).
//
// An encrypted representation that gets no line is an error, as is the cens
// or cbc1 scheme, which HLS cannot signal.
func WriteMedia(w io.Writer, r *manifest.Representation, layout string) error {
	return writePlaylist(w, r, layout, false)
}

// WriteIFrames writes r's I-frame playlist (EXT-X-I-FRAMES-ONLY), which
// lives at DIR/[IFramePlaylistURI](r): per segment an EXTINF of the
// segment's duration and an EXT-X-BYTERANGE of Segment.IFrame, the bytes
// from the segment's start to the end of its first sync sample. In layout
// single-file the range is in the single file, at Segment.Offset +
// IFrame.First. It is an error unless [HasIFramePlaylist](r).
func WriteIFrames(w io.Writer, r *manifest.Representation, layout string) error {
	if r != nil && !HasIFramePlaylist(r) {
		return fmt.Errorf("hls: I-frame playlist of %q: not a video representation with an I-frame range in every segment", r.ID)
	}
	return writePlaylist(w, r, layout, true)
}

// HasIFramePlaylist reports whether r is video and every one of its
// segments has an I-frame byte range, so that it gets an I-frame playlist
// and an EXT-X-I-FRAME-STREAM-INF in the master.
func HasIFramePlaylist(r *manifest.Representation) bool {
	if r == nil || r.Kind != manifest.KindVideo || len(r.Segments) == 0 {
		return false
	}
	for _, s := range r.Segments {
		if s.IFrame == (manifest.ByteRange{}) {
			return false
		}
	}
	return true
}

func writePlaylist(w io.Writer, r *manifest.Representation, layout string, iframes bool) error {
	text, err := playlist(r, layout, iframes)
	if err != nil {
		what, id := "media playlist", ""
		if iframes {
			what = "I-frame playlist"
		}
		if r != nil {
			id = r.ID
		}
		return fmt.Errorf("hls: %s of %q: %w", what, id, err)
	}
	_, err = io.WriteString(w, text)
	return err
}

// playlist gives the text of r's media or I-frame playlist.
func playlist(r *manifest.Representation, layout string, iframes bool) (string, error) {
	if r == nil {
		return "", errors.New("nil representation")
	}
	if err := checkID(r.ID); err != nil {
		return "", err
	}
	if r.Timescale == 0 {
		return "", errors.New("timescale is 0")
	}
	if len(r.Segments) == 0 {
		return "", errNoSegments
	}
	keys, err := keyLines(r.Encryption)
	if err != nil {
		return "", err
	}
	initMap, file, err := mapLine(r, layout)
	if err != nil {
		return "", err
	}
	var body strings.Builder
	var longest uint64
	for i, s := range r.Segments {
		if s.Duration == 0 {
			return "", fmt.Errorf("segment %d has duration 0", i)
		}
		longest = max(longest, s.Duration)
		uri, rng, err := segmentRef(r, s, file, iframes)
		if err != nil {
			return "", fmt.Errorf("segment %d: %w", i, err)
		}
		fmt.Fprintf(&body, "#EXTINF:%s,\n", seconds(s.Duration, r.Timescale))
		if rng != "" {
			fmt.Fprintf(&body, "#EXT-X-BYTERANGE:%s\n", rng)
		}
		body.WriteString(uri + "\n")
	}
	version := versionMedia
	if iframes {
		version = versionIFrames
	}
	ts := uint64(r.Timescale)
	target := longest / ts
	if longest%ts != 0 {
		target++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n", version, target)
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n#EXT-X-PLAYLIST-TYPE:VOD\n", max(0, r.Segments[0].Number))
	if iframes {
		b.WriteString("#EXT-X-I-FRAMES-ONLY\n")
	}
	for _, k := range keys {
		b.WriteString(k + "\n")
	}
	b.WriteString(initMap + "\n")
	b.WriteString(body.String())
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.String(), nil
}

// mapLine gives the EXT-X-MAP line and, in layout single-file, the URI of
// the single file from the playlist's folder.
func mapLine(r *manifest.Representation, layout string) (line, file string, err error) {
	var a attrs
	switch layout {
	case manifest.LayoutSegments:
		if r.InitURL == "" || r.SegmentURL == "" {
			return "", "", errors.New("no InitURL or SegmentURL for layout segments")
		}
		a.quote("URI", fromPlaylist(r.ID, r.InitURL))
	case manifest.LayoutSingleFile:
		if r.FileURL == "" {
			return "", "", errors.New("no FileURL for layout single-file")
		}
		if r.InitRange.First < 0 || r.InitRange.Last < r.InitRange.First {
			return "", "", fmt.Errorf("init range %d-%d is not a byte range", r.InitRange.First, r.InitRange.Last)
		}
		file = fromPlaylist(r.ID, r.FileURL)
		if err := checkURI(file); err != nil {
			return "", "", err
		}
		a.quote("URI", file)
		a.quote("BYTERANGE", fmt.Sprintf("%d@%d", r.InitRange.Len(), r.InitRange.First))
	default:
		return "", "", fmt.Errorf("unknown layout %q", layout)
	}
	line, err = a.tag("EXT-X-MAP")
	return line, file, err
}

// segmentRef gives the URI line of segment s and its byte range
// ("length@offset", or "" for a whole file).
func segmentRef(r *manifest.Representation, s manifest.Segment, file string, iframes bool) (uri, rng string, err error) {
	uri, offset := file, s.Offset
	if file == "" {
		if s.Number < 0 {
			return "", "", fmt.Errorf("segment number %d is negative", s.Number)
		}
		u, err := expandTemplate(r, s)
		if err != nil {
			return "", "", err
		}
		uri, offset = fromPlaylist(r.ID, u), 0
		if err := checkURI(uri); err != nil {
			return "", "", err
		}
	} else if s.Size <= 0 || s.Offset < 0 {
		return "", "", fmt.Errorf("size %d at offset %d is not a byte range", s.Size, s.Offset)
	}
	if iframes {
		f := s.IFrame
		if f.First < 0 || f.Last < f.First || (s.Size > 0 && f.Last >= s.Size) {
			return "", "", fmt.Errorf("I-frame range %d-%d is not within the segment's %d bytes", f.First, f.Last, s.Size)
		}
		return uri, fmt.Sprintf("%d@%d", f.Len(), offset+f.First), nil
	}
	if file == "" {
		return uri, "", nil
	}
	return uri, fmt.Sprintf("%d@%d", s.Size, s.Offset), nil
}

// keyLines gives the EXT-X-KEY lines of an encrypted representation.
func keyLines(e *manifest.Encryption) ([]string, error) {
	if e == nil {
		return nil, nil
	}
	var method string
	switch e.Scheme {
	case "cbcs":
		method = "SAMPLE-AES"
	case "cenc":
		method = "SAMPLE-AES-CTR"
	default:
		return nil, fmt.Errorf("HLS cannot signal protection scheme %q", e.Scheme)
	}
	pssh := make(map[string]string, len(e.PSSH))
	for id, data := range e.PSSH {
		pssh[strings.ToLower(strings.ReplaceAll(id, "-", ""))] = data
	}
	var lines []string
	add := func(uri, format string) error {
		var a attrs
		a.add("METHOD", method)
		a.quote("URI", uri)
		a.quote("KEYFORMAT", format)
		a.quote("KEYFORMATVERSIONS", "1")
		line, err := a.tag("EXT-X-KEY")
		lines = append(lines, line)
		return err
	}
	if e.KeyURI != "" {
		format := "identity"
		if strings.HasPrefix(strings.ToLower(e.KeyURI), "skd://") {
			if e.Scheme != "cbcs" {
				return nil, errors.New("FairPlay (skd://) needs the cbcs scheme")
			}
			format = "com.apple.streamingkeydelivery"
		}
		if err := add(e.KeyURI, format); err != nil {
			return nil, err
		}
	}
	if _, ok := pssh[systemClearKey]; ok {
		kid, err := hex.DecodeString(strings.ReplaceAll(e.KID, "-", ""))
		if err != nil || len(kid) != 16 {
			return nil, fmt.Errorf("key ID %q is not 16 bytes of hex", e.KID)
		}
		if err := add("data:text/plain;base64,"+base64.StdEncoding.EncodeToString(kid), "org.w3.clearkey"); err != nil {
			return nil, err
		}
	}
	if data, ok := pssh[systemWidevine]; ok {
		if b, err := base64.StdEncoding.DecodeString(data); err != nil || len(b) == 0 {
			return nil, errors.New("Widevine pssh is not base64 box data")
		}
		if err := add("data:text/plain;base64,"+data, "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"); err != nil {
			return nil, err
		}
	}
	if len(lines) == 0 {
		return nil, errors.New("encrypted, but neither a KeyURI nor a ClearKey or Widevine pssh to put in EXT-X-KEY")
	}
	return lines, nil
}
