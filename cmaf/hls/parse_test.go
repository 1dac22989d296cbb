package hls

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/grafov/m3u8"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// The oracle here is github.com/grafov/m3u8 v0.12.1, a playlist parser
// that mp4pkg did not write: every playlist must decode in strict mode, and
// what it decodes (variants, bandwidths, codecs, renditions, durations,
// URIs, byte ranges, maps, keys) must be what the presentation says. The
// expected values are computed here from the presentation, not taken from
// the writer.

func decode(t *testing.T, name string, b []byte, want m3u8.ListType) m3u8.Playlist {
	t.Helper()
	pl, typ, err := m3u8.DecodeFrom(bytes.NewReader(b), true)
	if err != nil || typ != want {
		t.Fatalf("%s: decode: type %v, %v\n%s", name, typ, err, b)
	}
	return pl
}

// resolve gives the DIR-relative path of uri as seen from the playlist at
// DIR-relative path from.
func resolve(from, uri string) string { return path.Join(path.Dir(from), uri) }

// tagAttrs gives the attribute lists of every line with the tag, for the
// attributes grafov does not keep (CHANNELS, every EXT-X-KEY).
func tagAttrs(b []byte, tag string) []map[string]string {
	var out []map[string]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "#"+tag+":"); ok {
			out = append(out, m3u8.DecodeAttributeList(rest))
		}
	}
	return out
}

func TestParsedByM3U8(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			p := load(t, name)
			files := outputs(t, p)
			checkMaster(t, p, files["master.m3u8"])
			for _, r := range p.Representations {
				uri := MediaPlaylistURI(r)
				checkMedia(t, p.Layout, r, uri, files[uri], false)
				if HasIFramePlaylist(r) {
					uri := IFramePlaylistURI(r)
					checkMedia(t, p.Layout, r, uri, files[uri], true)
				}
			}
		})
	}
}

func byKind(p *manifest.Presentation, kind string) []*manifest.Representation {
	var out []*manifest.Representation
	for _, r := range p.Representations {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func family(codec string) string { f, _, _ := strings.Cut(codec, "."); return f }

func checkMaster(t *testing.T, p *manifest.Presentation, b []byte) {
	master := decode(t, "master", b, m3u8.MASTER).(*m3u8.MasterPlaylist)
	video, audio, text := byKind(p, manifest.KindVideo), byKind(p, manifest.KindAudio), byKind(p, manifest.KindText)
	families := map[string]bool{}
	for _, a := range audio {
		families[family(a.Codec)] = true
	}

	// Renditions: every audio (when there is video) and text representation once.
	media := tagAttrs(b, "EXT-X-MEDIA")
	wantMedia := len(text)
	if len(video) > 0 {
		wantMedia += len(audio)
	}
	if len(media) != wantMedia {
		t.Fatalf("%d EXT-X-MEDIA, want %d", len(media), wantMedia)
	}
	renditions := map[string]map[string]string{} // URI → attributes
	for _, m := range media {
		renditions[m["URI"]] = m
	}
	for _, r := range append(slices.Clone(audio), text...) {
		if r.Kind == manifest.KindAudio && len(video) == 0 {
			continue
		}
		m := renditions[MediaPlaylistURI(r)]
		typ := map[string]string{manifest.KindAudio: "AUDIO", manifest.KindText: "SUBTITLES"}[r.Kind]
		if m == nil || m["TYPE"] != typ || m["NAME"] != r.ID || m["LANGUAGE"] != r.Language || m["AUTOSELECT"] != "YES" {
			t.Errorf("%s: rendition %v", r.ID, m)
		}
		if r.Kind == manifest.KindAudio && m["CHANNELS"] != strconv.Itoa(r.Channels) {
			t.Errorf("%s: CHANNELS %q, want %d", r.ID, m["CHANNELS"], r.Channels)
		}
	}

	var variants, iframes []*m3u8.Variant
	for _, v := range master.Variants {
		if v.Iframe {
			iframes = append(iframes, v)
		} else {
			variants = append(variants, v)
		}
	}
	// Variants: each video once per audio codec family (or each audio alone).
	wantVariants := len(audio)
	if len(video) > 0 {
		wantVariants = len(video) * max(1, len(families))
	}
	if len(variants) != wantVariants {
		t.Fatalf("%d variants, want %d", len(variants), wantVariants)
	}
	for _, v := range variants {
		r := findByURI(p, v.URI, MediaPlaylistURI)
		if r == nil {
			t.Fatalf("variant URI %q is no representation's playlist", v.URI)
		}
		bw, avg, codecs := r.Bandwidth, r.AverageBandwidth, []string{r.Codec}
		group := []*manifest.Representation{}
		if r.Kind == manifest.KindVideo {
			group = append(group, renditionsOf(p, v.Audio)...)
			if len(audio) > 0 && len(group) == 0 {
				t.Errorf("%s: AUDIO=%q names no rendition", r.ID, v.Audio)
			}
			group = append(group, renditionsOf(p, v.Subtitles)...)
		}
		var gbw, gavg = map[string]int64{}, map[string]int64{}
		for _, g := range group {
			gbw[g.Kind], gavg[g.Kind] = max(gbw[g.Kind], g.Bandwidth), max(gavg[g.Kind], g.AverageBandwidth)
			if !slices.Contains(codecs, g.Codec) {
				codecs = append(codecs, g.Codec)
			}
		}
		for k := range gbw {
			bw, avg = bw+gbw[k], avg+gavg[k]
		}
		if int64(v.Bandwidth) != bw || int64(v.AverageBandwidth) != avg || v.Codecs != strings.Join(codecs, ",") {
			t.Errorf("%s: BANDWIDTH %d AVERAGE-BANDWIDTH %d CODECS %q; want %d %d %q",
				r.ID, v.Bandwidth, v.AverageBandwidth, v.Codecs, bw, avg, strings.Join(codecs, ","))
		}
		checkVideoAttrs(t, r, v, true)
	}
	// I-frame variants: one per video, with the I-frame ranges' bit rate.
	if len(iframes) != len(video) {
		t.Fatalf("%d I-frame variants, want %d", len(iframes), len(video))
	}
	for _, v := range iframes {
		r := findByURI(p, v.URI, IFramePlaylistURI)
		if r == nil {
			t.Fatalf("I-frame URI %q is no representation's", v.URI)
		}
		var peak float64
		for _, s := range r.Segments {
			peak = max(peak, float64(s.IFrame.Len()*8)/(float64(s.Duration)/float64(r.Timescale)))
		}
		if math.Abs(float64(v.Bandwidth)-peak) > 1 || v.Codecs != r.Codec {
			t.Errorf("%s: I-frame BANDWIDTH %d CODECS %q, want %.0f %q", r.ID, v.Bandwidth, v.Codecs, peak, r.Codec)
		}
		checkVideoAttrs(t, r, v, false)
	}
}

func findByURI(p *manifest.Presentation, uri string, of func(*manifest.Representation) string) *manifest.Representation {
	for _, r := range p.Representations {
		if of(r) == uri {
			return r
		}
	}
	return nil
}

// renditionsOf gives the representations of the EXT-X-MEDIA group id, read
// back from the master by URI.
func renditionsOf(p *manifest.Presentation, id string) []*manifest.Representation {
	if id == "" {
		return nil
	}
	var out []*manifest.Representation
	var buf bytes.Buffer
	if err := WriteMaster(&buf, p); err != nil {
		return nil
	}
	for _, m := range tagAttrs(buf.Bytes(), "EXT-X-MEDIA") {
		if m["GROUP-ID"] == id {
			out = append(out, findByURI(p, m["URI"], MediaPlaylistURI))
		}
	}
	return out
}

func checkVideoAttrs(t *testing.T, r *manifest.Representation, v *m3u8.Variant, withRate bool) {
	t.Helper()
	if r.Kind != manifest.KindVideo {
		return
	}
	if v.Resolution != fmt.Sprintf("%dx%d", r.Width, r.Height) {
		t.Errorf("%s: RESOLUTION %q", r.ID, v.Resolution)
	}
	num, den, _ := strings.Cut(r.FrameRate, "/")
	n, _ := strconv.ParseFloat(num, 64)
	d := 1.0
	if den != "" {
		d, _ = strconv.ParseFloat(den, 64)
	}
	if withRate && math.Abs(v.FrameRate-n/d) > 0.0005 || !withRate && v.FrameRate != 0 {
		t.Errorf("%s: FRAME-RATE %v, want %v (with rate: %v)", r.ID, v.FrameRate, n/d, withRate)
	}
}

func checkMedia(t *testing.T, layout string, r *manifest.Representation, uri string, b []byte, iframes bool) {
	t.Helper()
	pl := decode(t, uri, b, m3u8.MEDIA).(*m3u8.MediaPlaylist)
	if !pl.Closed || pl.MediaType != m3u8.VOD || pl.Iframe != iframes {
		t.Errorf("%s: ENDLIST %v, VOD %v, I-FRAMES-ONLY %v", uri, pl.Closed, pl.MediaType == m3u8.VOD, pl.Iframe)
	}
	segs := pl.Segments[:pl.Count()]
	if len(segs) != len(r.Segments) {
		t.Fatalf("%s: %d segments, want %d", uri, len(segs), len(r.Segments))
	}
	// The map is the init segment, or the init range of the single file.
	wantMap := manifest.ByteRange{}
	mapURI := r.InitURL
	if layout == manifest.LayoutSingleFile {
		mapURI, wantMap = r.FileURL, r.InitRange
	}
	if pl.Map == nil || resolve(uri, pl.Map.URI) != path.Clean(mapURI) ||
		layout == manifest.LayoutSingleFile && (pl.Map.Limit != wantMap.Len() || pl.Map.Offset != wantMap.First) {
		t.Errorf("%s: EXT-X-MAP %+v, want %s %+v", uri, pl.Map, mapURI, wantMap)
	}
	var sum, sumWant float64
	var longest uint64
	for i, got := range segs {
		s := r.Segments[i]
		want := float64(s.Duration) / float64(r.Timescale)
		sum, sumWant, longest = sum+got.Duration, sumWant+want, max(longest, s.Duration)
		if math.Abs(got.Duration-want) > 0.0000005 {
			t.Errorf("%s: segment %d EXTINF %v, want %v", uri, i, got.Duration, want)
		}
		file, length, offset := r.FileURL, s.Size, s.Offset
		if layout == manifest.LayoutSegments {
			file, length, offset = fmt.Sprintf("%s/seg-%05d.m4s", r.ID, s.Number), 0, 0
		}
		if iframes {
			length, offset = s.IFrame.Len(), offset+s.IFrame.First
		}
		if resolve(uri, got.URI) != file || got.Limit != length || got.Offset != offset {
			t.Errorf("%s: segment %d is %s %d@%d, want %s %d@%d", uri, i, resolve(uri, got.URI), got.Limit, got.Offset, file, length, offset)
		}
	}
	if math.Abs(sum-sumWant) > 0.000001*float64(len(segs)) {
		t.Errorf("%s: EXTINFs sum to %v, segments to %v", uri, sum, sumWant)
	}
	if target := math.Ceil(float64(longest) / float64(r.Timescale)); pl.TargetDuration != target {
		t.Errorf("%s: TARGETDURATION %v, want %v", uri, pl.TargetDuration, target)
	}
	checkKeys(t, r, uri, b)
}

func checkKeys(t *testing.T, r *manifest.Representation, uri string, b []byte) {
	t.Helper()
	keys := tagAttrs(b, "EXT-X-KEY")
	e := r.Encryption
	if e == nil {
		if len(keys) != 0 {
			t.Errorf("%s: clear, but %d EXT-X-KEY", uri, len(keys))
		}
		return
	}
	method := map[string]string{"cbcs": "SAMPLE-AES", "cenc": "SAMPLE-AES-CTR"}[e.Scheme]
	if len(keys) == 0 || keys[0]["METHOD"] != method || keys[0]["URI"] != e.KeyURI || keys[0]["KEYFORMATVERSIONS"] != "1" {
		t.Fatalf("%s: EXT-X-KEY %v", uri, keys)
	}
	if strings.HasPrefix(e.KeyURI, "skd://") && keys[0]["KEYFORMAT"] != "com.apple.streamingkeydelivery" {
		t.Errorf("%s: KEYFORMAT %q for skd://", uri, keys[0]["KEYFORMAT"])
	}
	if pssh, ok := e.PSSH["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"]; ok {
		if len(keys) != 2 || keys[1]["URI"] != "data:text/plain;base64,"+pssh || keys[1]["METHOD"] != method {
			t.Errorf("%s: no Widevine EXT-X-KEY: %v", uri, keys)
		}
	}
	// EXT-X-KEY lines come before EXT-X-MAP, so they apply to the init segment.
	if bytes.Index(b, []byte("#EXT-X-KEY")) > bytes.Index(b, []byte("#EXT-X-MAP")) {
		t.Errorf("%s: EXT-X-KEY after EXT-X-MAP", uri)
	}
}
