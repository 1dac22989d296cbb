package hls

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// WriteMaster writes the master playlist of p, which lives at
// DIR/master.m3u8 and refers to the media playlists at
// [MediaPlaylistURI] and [IFramePlaylistURI].
//
// Audio representations become EXT-X-MEDIA TYPE=AUDIO renditions (NAME is
// the representation ID, the first of a group is the DEFAULT, all are
// AUTOSELECT, CHANNELS when known) and text representations TYPE=SUBTITLES
// renditions (AUTOSELECT, never DEFAULT, so subtitles stay off until a
// viewer or a language preference asks for them). Renditions are grouped by codec family (the sample entry
// type before the first dot of the codecs string): the group is "audio"
// ("subs") when there is one family and "audio-<family>" otherwise, since
// a player cannot switch between, say, AAC and E-AC-3 inside one group.
//
// Each video representation gets an EXT-X-STREAM-INF per audio group (and
// subtitle group) with BANDWIDTH the video's peak plus the group's highest
// peak, AVERAGE-BANDWIDTH likewise (when the video's is known), CODECS the
// video codec and the group's codecs, RESOLUTION and FRAME-RATE (three
// decimals); and, when [HasIFramePlaylist], an EXT-X-I-FRAME-STREAM-INF
// whose bandwidths are those of the I-frame ranges over the segment
// durations. Without video each audio representation is a variant of its
// own.
func WriteMaster(w io.Writer, p *manifest.Presentation) error {
	text, err := master(p)
	if err != nil {
		return fmt.Errorf("hls: master playlist: %w", err)
	}
	_, err = io.WriteString(w, text)
	return err
}

// group is one GROUP-ID of EXT-X-MEDIA renditions.
type group struct {
	id   string
	reps []*manifest.Representation
}

// groups splits renditions by codec family, in order of first appearance.
func groups(reps []*manifest.Representation, base string) []*group {
	var out []*group
	index := make(map[string]*group)
	for _, r := range reps {
		family, _, _ := strings.Cut(r.Codec, ".")
		g := index[family]
		if g == nil {
			g = &group{id: base + "-" + family}
			index[family] = g
			out = append(out, g)
		}
		g.reps = append(g.reps, r)
	}
	if len(out) == 1 {
		out[0].id = base
	}
	return out
}

func master(p *manifest.Presentation) (string, error) {
	if p == nil {
		return "", errors.New("nil presentation")
	}
	byKind := make(map[string][]*manifest.Representation)
	ids := make(map[string]bool)
	for i, r := range p.Representations {
		if r == nil {
			return "", fmt.Errorf("representation %d is nil", i)
		}
		if err := checkID(r.ID); err != nil || ids[r.ID] {
			return "", fmt.Errorf("representation %d: bad or repeated id %q", i, r.ID)
		}
		ids[r.ID] = true
		switch {
		case r.Kind != manifest.KindVideo && r.Kind != manifest.KindAudio && r.Kind != manifest.KindText:
			return "", fmt.Errorf("representation %q: unknown kind %q", r.ID, r.Kind)
		case r.Codec == "" || r.Bandwidth <= 0:
			return "", fmt.Errorf("representation %q: no codecs string or no bandwidth", r.ID)
		}
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	video, audio := byKind[manifest.KindVideo], byKind[manifest.KindAudio]
	if len(video)+len(audio) == 0 {
		return "", errors.New("no video or audio representation")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-INDEPENDENT-SEGMENTS\n", versionMaster)

	subs := groups(byKind[manifest.KindText], "subs")
	audioGroups := []*group(nil)
	variants := audio
	if len(video) > 0 {
		audioGroups, variants = groups(audio, "audio"), video
	}
	for _, g := range audioGroups {
		if err := renditions(&b, "AUDIO", g); err != nil {
			return "", err
		}
	}
	for _, g := range subs {
		if err := renditions(&b, "SUBTITLES", g); err != nil {
			return "", err
		}
	}
	for _, v := range variants {
		for _, ag := range orNone(audioGroups) {
			for _, sg := range orNone(subs) {
				if err := streamInf(&b, v, ag, sg); err != nil {
					return "", err
				}
			}
		}
	}
	for _, v := range video {
		if !HasIFramePlaylist(v) {
			continue
		}
		if err := iframeStreamInf(&b, v); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// orNone gives gs, or one nil group when there is none.
func orNone(gs []*group) []*group {
	if len(gs) == 0 {
		return []*group{nil}
	}
	return gs
}

// renditions writes one EXT-X-MEDIA line per representation of g.
func renditions(b *strings.Builder, typ string, g *group) error {
	for i, r := range g.reps {
		var a attrs
		a.add("TYPE", typ)
		a.quote("GROUP-ID", g.id)
		a.quote("NAME", r.ID)
		if r.Language != "" {
			a.quote("LANGUAGE", r.Language)
		}
		a.add("DEFAULT", yesNo(i == 0 && typ == "AUDIO")) // subtitles stay off until asked for
		a.add("AUTOSELECT", "YES")
		if r.Kind == manifest.KindAudio && r.Channels > 0 {
			a.quote("CHANNELS", strconv.Itoa(r.Channels))
		}
		a.quote("URI", MediaPlaylistURI(r))
		line, err := a.tag("EXT-X-MEDIA")
		if err != nil {
			return fmt.Errorf("representation %q: %w", r.ID, err)
		}
		b.WriteString(line + "\n")
	}
	return nil
}

func yesNo(yes bool) string {
	if yes {
		return "YES"
	}
	return "NO"
}

// streamInf writes the EXT-X-STREAM-INF of variant v with the audio group
// ag and subtitle group sg (either may be nil).
func streamInf(b *strings.Builder, v *manifest.Representation, ag, sg *group) error {
	peak, average := v.Bandwidth, v.AverageBandwidth
	codecs := []string{v.Codec}
	for _, g := range []*group{ag, sg} {
		if g == nil {
			continue
		}
		var gPeak, gAverage int64
		for _, r := range g.reps {
			gPeak, gAverage = max(gPeak, r.Bandwidth), max(gAverage, r.AverageBandwidth)
			if !slices.Contains(codecs, r.Codec) {
				codecs = append(codecs, r.Codec)
			}
		}
		peak, average = peak+gPeak, average+gAverage
	}
	var a attrs
	a.add("BANDWIDTH", strconv.FormatInt(peak, 10))
	if v.AverageBandwidth > 0 {
		a.add("AVERAGE-BANDWIDTH", strconv.FormatInt(average, 10))
	}
	a.quote("CODECS", strings.Join(codecs, ","))
	if err := videoAttrs(&a, v); err != nil {
		return err
	}
	if ag != nil {
		a.quote("AUDIO", ag.id)
	}
	if sg != nil {
		a.quote("SUBTITLES", sg.id)
	}
	line, err := a.tag("EXT-X-STREAM-INF")
	if err != nil {
		return fmt.Errorf("representation %q: %w", v.ID, err)
	}
	b.WriteString(line + "\n" + MediaPlaylistURI(v) + "\n")
	return nil
}

// videoAttrs adds RESOLUTION and FRAME-RATE when v is video and they are
// known.
func videoAttrs(a *attrs, v *manifest.Representation) error {
	if v.Kind != manifest.KindVideo {
		return nil
	}
	if v.Width > 0 && v.Height > 0 {
		a.add("RESOLUTION", fmt.Sprintf("%dx%d", v.Width, v.Height))
	}
	if v.FrameRate != "" {
		rate, err := frameRate(v.FrameRate)
		if err != nil {
			return fmt.Errorf("representation %q: %w", v.ID, err)
		}
		a.add("FRAME-RATE", rate)
	}
	return nil
}

// iframeStreamInf writes the EXT-X-I-FRAME-STREAM-INF of v. Its bandwidths
// are those of the I-frame playlist: each entry's bytes over its EXTINF.
func iframeStreamInf(b *strings.Builder, v *manifest.Representation) error {
	if v.Timescale == 0 {
		return fmt.Errorf("representation %q: timescale is 0", v.ID)
	}
	ts := float64(v.Timescale)
	var peak, bytes, ticks float64
	for _, s := range v.Segments {
		if s.Duration == 0 {
			return fmt.Errorf("representation %q: a segment has duration 0", v.ID)
		}
		n, d := float64(s.IFrame.Len()), float64(s.Duration)
		peak = max(peak, n*8*ts/d)
		bytes, ticks = bytes+n, ticks+d
	}
	var a attrs
	a.add("BANDWIDTH", strconv.FormatFloat(math.Ceil(peak), 'f', 0, 64))
	a.add("AVERAGE-BANDWIDTH", strconv.FormatFloat(math.Ceil(bytes*8*ts/ticks), 'f', 0, 64))
	a.quote("CODECS", v.Codec)
	if v.Width > 0 && v.Height > 0 { // FRAME-RATE is not defined here (RFC 8216 4.3.4.3)
		a.add("RESOLUTION", fmt.Sprintf("%dx%d", v.Width, v.Height))
	}
	a.quote("URI", IFramePlaylistURI(v))
	line, err := a.tag("EXT-X-I-FRAME-STREAM-INF")
	if err != nil {
		return fmt.Errorf("representation %q: %w", v.ID, err)
	}
	b.WriteString(line + "\n")
	return nil
}
