package hls

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// MediaPlaylistURI is where r's media playlist lives relative to the
// master playlist's folder DIR, for both layouts: "<ID>/playlist.m3u8".
func MediaPlaylistURI(r *manifest.Representation) string { return r.ID + "/playlist.m3u8" }

// IFramePlaylistURI is where r's I-frame playlist lives relative to DIR:
// "<ID>/iframes.m3u8".
func IFramePlaylistURI(r *manifest.Representation) string { return r.ID + "/iframes.m3u8" }

// checkID refuses IDs that cannot be a single folder name in a URI.
func checkID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\\"?#%") || hasControl(id) {
		return fmt.Errorf("representation id %q cannot name a folder in a URI", id)
	}
	return nil
}

// fromPlaylist rewrites u, relative to DIR, as seen from the playlist
// folder DIR/<id>/. Absolute URLs and paths are kept.
func fromPlaylist(id, u string) string {
	if parsed, err := url.Parse(u); err == nil && (parsed.Scheme != "" || strings.HasPrefix(u, "/")) {
		return u
	}
	u = path.Clean(u)
	if rest, ok := strings.CutPrefix(u, id+"/"); ok {
		return rest
	}
	return "../" + u
}

// maxWidth bounds the %0Nd width in a template so that a bad template
// cannot ask for a huge string.
const maxWidth = 32

// expandTemplate fills a DASH SegmentTemplate media URL for segment s of r
// (ISO/IEC 23009-1 5.3.9.4.4): $RepresentationID$, $Number$, $Bandwidth$
// and $Time$, the last three with an optional %0Nd width, and $$ for "$".
func expandTemplate(r *manifest.Representation, s manifest.Segment) (string, error) {
	tmpl := r.SegmentURL
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '$')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		b.WriteString(tmpl[:i])
		ident, rest, ok := strings.Cut(tmpl[i+1:], "$")
		if !ok {
			return "", fmt.Errorf("segment URL %q has an unterminated $ identifier", r.SegmentURL)
		}
		tmpl = rest
		name, format, formatted := strings.Cut(ident, "%")
		var v string
		switch name {
		case "":
			v = "$"
		case "RepresentationID":
			v = r.ID
		case "Number":
			v = strconv.Itoa(s.Number)
		case "Bandwidth":
			v = strconv.FormatInt(r.Bandwidth, 10)
		case "Time":
			v = strconv.FormatUint(s.Start, 10)
		default:
			return "", fmt.Errorf("segment URL %q: unknown identifier $%s$", r.SegmentURL, ident)
		}
		if formatted {
			width, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(format, "0"), "d"))
			if name == "" || name == "RepresentationID" || !strings.HasPrefix(format, "0") ||
				!strings.HasSuffix(format, "d") || err != nil || width < 1 || width > maxWidth {
				return "", fmt.Errorf("segment URL %q: bad format in $%s$", r.SegmentURL, ident)
			}
			v = strings.Repeat("0", max(0, width-len(v))) + v
		}
		b.WriteString(v)
	}
}

// checkURI refuses what cannot stand on a URI line of a playlist.
func checkURI(u string) error {
	if u == "" || strings.HasPrefix(u, "#") || hasControl(u) {
		return fmt.Errorf("URI %q cannot stand on a playlist line", u)
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 || c == 0x7f })
}

var errNoSegments = errors.New("no segments")
