package dash

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

const (
	schemaMPD       = "urn:mpeg:dash:schema:mpd:2011"
	schemaCENC      = "urn:mpeg:cenc:2013"
	profileLive     = "urn:mpeg:dash:profile:isoff-live:2011"
	profileOnDemand = "urn:mpeg:dash:profile:isoff-on-demand:2011"
	schemeMP4Prot   = "urn:mpeg:dash:mp4protection:2011"
	schemeChannels  = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"
)

// WriteMPD writes the static MPD of p to w.
//
// Representations are grouped into one AdaptationSet per kind, codec
// family (the sample entry type before the first dot of the codecs string)
// and encryption, and for audio and text also per language, in the order
// the groups first appear in p.Representations. ContentProtection is
// signalled on the AdaptationSet, so representations with different keys
// never share one.
//
// mediaPresentationDuration is the end of the longest representation's last
// segment and minBufferTime the longest segment, both from the segments
// themselves (Presentation.Duration is not used), with millisecond
// precision. Because bandwidth is the peak over segments, a client that
// buffers one longest segment can play without stalling at that rate.
//
// WriteMPD checks the whole presentation before writing anything: a nil
// or empty presentation, an unknown layout or kind, a zero timescale, a
// representation without segments, a zero-length or overlapping segment,
// segment numbers that $Number$ cannot address, malformed byte ranges,
// key IDs, system IDs or pssh data are errors, and w is left untouched.
func WriteMPD(w io.Writer, p *manifest.Presentation) error {
	m, err := build(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("dash: %w", err)
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// build turns p into the MPD document, checking it on the way.
func build(p *manifest.Presentation) (*mpdXML, error) {
	if p == nil {
		return nil, errors.New("dash: nil presentation")
	}
	m := &mpdXML{Xmlns: schemaMPD, Type: "static", Period: periodXML{ID: "0", Start: "PT0S"}}
	switch p.Layout {
	case manifest.LayoutSegments:
		m.Profiles = profileLive
	case manifest.LayoutSingleFile:
		m.Profiles = profileOnDemand
	default:
		return nil, fmt.Errorf("dash: unknown layout %q", p.Layout)
	}
	if len(p.Representations) == 0 {
		return nil, errors.New("dash: presentation has no representations")
	}
	var end, longest float64
	ids := make(map[string]bool)
	sets := make(map[string]int) // group key → index in AdaptationSets
	for i, r := range p.Representations {
		if r == nil {
			return nil, fmt.Errorf("dash: representation %d is nil", i)
		}
		if r.ID == "" || ids[r.ID] {
			return nil, fmt.Errorf("dash: representation %d: empty or repeated id %q", i, r.ID)
		}
		ids[r.ID] = true
		rep, cps, t, err := representation(r, p.Layout)
		if err != nil {
			return nil, fmt.Errorf("dash: representation %q: %w", r.ID, err)
		}
		end = max(end, t.end)
		longest = max(longest, t.longest)
		if len(cps) > 0 {
			m.XmlnsCenc = schemaCENC
		}
		key := groupKey(r, cps)
		n, ok := sets[key]
		if !ok {
			n = len(m.Period.AdaptationSets)
			sets[key] = n
			m.Period.AdaptationSets = append(m.Period.AdaptationSets, adaptationSet(n, r, p.Layout, cps))
		}
		as := &m.Period.AdaptationSets[n]
		as.Representations = append(as.Representations, rep)
	}
	m.MediaPresentationDuration = xsDuration(end)
	m.MinBufferTime = xsDuration(longest)
	return m, nil
}

// groupKey says which AdaptationSet r belongs to.
func groupKey(r *manifest.Representation, cps []contentProtectionXML) string {
	family, _, _ := strings.Cut(r.Codec, ".")
	lang := ""
	if r.Kind != manifest.KindVideo {
		lang = r.Language
	}
	return fmt.Sprintf("%s\x00%s\x00%s\x00%v", r.Kind, lang, family, cps)
}

func adaptationSet(id int, r *manifest.Representation, layout string, cps []contentProtectionXML) adaptationSetXML {
	as := adaptationSetXML{ID: id, ContentType: r.Kind, ContentProtection: cps}
	switch r.Kind {
	case manifest.KindVideo:
		as.MimeType = "video/mp4"
	case manifest.KindAudio:
		as.MimeType = "audio/mp4"
		as.Lang = r.Language
	default:
		as.MimeType = "application/mp4"
		as.Lang = r.Language
	}
	if layout == manifest.LayoutSegments {
		as.SegmentAlignment, as.StartWithSAP = "true", 1
	} else {
		// isoff-on-demand requires these (ISO/IEC 23009-1 8.3.3).
		as.SubsegmentAlignment, as.SubsegmentStartsWithSAP = "true", 1
	}
	return as
}

var (
	frameRatePattern = regexp.MustCompile(`^[1-9][0-9]*(/[1-9][0-9]*)?$`)
	ratioPattern     = regexp.MustCompile(`^[0-9]+:[0-9]+$`)
)

// representation builds one Representation element and the
// ContentProtection elements of its AdaptationSet.
func representation(r *manifest.Representation, layout string) (representationXML, []contentProtectionXML, span, error) {
	rep := representationXML{ID: r.ID, Bandwidth: r.Bandwidth, Codecs: r.Codec}
	if err := check(r); err != nil {
		return rep, nil, span{}, err
	}
	cps, err := contentProtection(r.Encryption)
	if err != nil {
		return rep, nil, span{}, err
	}
	runs, t, err := timeline(r.Segments, r.Timescale)
	if err != nil {
		return rep, nil, span{}, err
	}
	// The presentation starts at media time PresentationTimeOffset.
	t.end -= float64(r.PresentationTimeOffset) / float64(r.Timescale)
	switch r.Kind {
	case manifest.KindVideo:
		rep.Width, rep.Height, rep.FrameRate, rep.SAR = r.Width, r.Height, r.FrameRate, r.SAR
	case manifest.KindAudio:
		rep.AudioSamplingRate = r.SampleRate
		if r.Channels > 0 {
			rep.AudioChannelConfiguration = &descriptorXML{SchemeIDURI: schemeChannels, Value: strconv.Itoa(r.Channels)}
		}
	}
	if layout == manifest.LayoutSingleFile {
		rep.BaseURL = r.FileURL
		rep.SegmentBase, err = segmentBase(r)
		if rep.SegmentBase != nil {
			rep.SegmentBase.PTO = r.PresentationTimeOffset
		}
		return rep, cps, t, err
	}
	start, err := numbering(r)
	rep.SegmentTemplate = &segmentTemplateXML{
		Timescale:      r.Timescale,
		PTO:            r.PresentationTimeOffset,
		Initialization: r.InitURL,
		Media:          r.SegmentURL,
		StartNumber:    start,
		Timeline:       runs,
	}
	return rep, cps, t, err
}

// check refuses representation fields that the MPD cannot carry.
func check(r *manifest.Representation) error {
	switch {
	case r.Kind != manifest.KindVideo && r.Kind != manifest.KindAudio && r.Kind != manifest.KindText:
		return fmt.Errorf("unknown kind %q", r.Kind)
	case r.Codec == "":
		return errors.New("no codecs string")
	case r.Timescale == 0:
		return errors.New("timescale is 0")
	case r.Bandwidth <= 0:
		return fmt.Errorf("bandwidth %d is not positive", r.Bandwidth)
	case r.Width < 0 || r.Height < 0 || r.SampleRate < 0 || r.Channels < 0:
		return errors.New("negative size, sample rate or channel count")
	case r.Kind == manifest.KindVideo && r.FrameRate != "" && !frameRatePattern.MatchString(r.FrameRate):
		return fmt.Errorf("frame rate %q is not N or N/D", r.FrameRate)
	case r.Kind == manifest.KindVideo && r.SAR != "" && !ratioPattern.MatchString(r.SAR):
		return fmt.Errorf("sample aspect ratio %q is not N:M", r.SAR)
	}
	return nil
}

// segmentBase points at the single file's init segment and sidx.
func segmentBase(r *manifest.Representation) (*segmentBaseXML, error) {
	if r.FileURL == "" {
		return nil, errors.New("no FileURL for layout single-file")
	}
	init, err := rangeAttr("init", r.InitRange)
	if err != nil {
		return nil, err
	}
	index, err := rangeAttr("index", r.IndexRange)
	if err != nil {
		return nil, err
	}
	return &segmentBaseXML{Timescale: r.Timescale, IndexRange: index, Initialization: &rangedURL{Range: init}}, nil
}

// numbering checks that $Number$ addresses every segment of r and returns
// the startNumber: Representation.StartNumber, or the first segment's
// Number when StartNumber is 0.
func numbering(r *manifest.Representation) (int, error) {
	if r.InitURL == "" || r.SegmentURL == "" {
		return 0, errors.New("no InitURL or SegmentURL for layout segments")
	}
	if !strings.Contains(r.SegmentURL, "$Number") {
		return 0, fmt.Errorf("segment URL %q has no $Number$", r.SegmentURL)
	}
	start := r.StartNumber
	if start == 0 {
		start = r.Segments[0].Number
	}
	if start < 0 {
		return 0, fmt.Errorf("start number %d is negative", start)
	}
	for i, s := range r.Segments {
		if s.Number != start+i {
			return 0, fmt.Errorf("segment %d is numbered %d, want %d", i, s.Number, start+i)
		}
	}
	return start, nil
}

// span is where a representation's segments end and how long the longest
// one is, in seconds.
type span struct{ end, longest float64 }

// timeline turns segments into S runs: consecutive segments of one
// duration with no gap between them share an S with a repeat count; t is
// written on the first run and after a gap.
func timeline(segs []manifest.Segment, timescale uint32) ([]sXML, span, error) {
	if len(segs) == 0 {
		return nil, span{}, errors.New("no segments")
	}
	var runs []sXML
	var end, longest uint64
	for i, s := range segs {
		switch {
		case s.Duration == 0:
			return nil, span{}, fmt.Errorf("segment %d has duration 0", i)
		case s.Start+s.Duration < s.Start:
			return nil, span{}, fmt.Errorf("segment %d ends past 2^64", i)
		case i > 0 && s.Start < end:
			return nil, span{}, fmt.Errorf("segment %d starts at %d, before the previous one ends at %d", i, s.Start, end)
		}
		if last := len(runs) - 1; i > 0 && s.Start == end && runs[last].D == s.Duration {
			runs[last].R++
		} else {
			run := sXML{D: s.Duration}
			if i == 0 || s.Start != end {
				t := s.Start
				run.T = &t
			}
			runs = append(runs, run)
		}
		end = s.Start + s.Duration
		longest = max(longest, s.Duration)
	}
	ts := float64(timescale)
	return runs, span{end: float64(end) / ts, longest: float64(longest) / ts}, nil
}

// rangeAttr formats an inclusive byte range as DASH writes it, "first-last".
func rangeAttr(what string, r manifest.ByteRange) (string, error) {
	if r.First < 0 || r.Last < r.First {
		return "", fmt.Errorf("%s range %d-%d is not a byte range", what, r.First, r.Last)
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last), nil
}

// xsDuration formats seconds as an xs:duration with millisecond precision.
func xsDuration(sec float64) string {
	return "PT" + strconv.FormatFloat(sec, 'f', 3, 64) + "S"
}

// contentProtection gives the mp4protection descriptor with the default
// KID and one descriptor per DRM system with its pssh box, ordered by
// system ID.
func contentProtection(e *manifest.Encryption) ([]contentProtectionXML, error) {
	if e == nil {
		return nil, nil
	}
	switch e.Scheme {
	case "cenc", "cbcs", "cens", "cbc1":
	default:
		return nil, fmt.Errorf("unknown protection scheme %q", e.Scheme)
	}
	kid, err := uuidForm(e.KID)
	if err != nil {
		return nil, fmt.Errorf("key ID: %w", err)
	}
	cps := []contentProtectionXML{{SchemeIDURI: schemeMP4Prot, Value: e.Scheme, DefaultKID: kid}}
	for _, id := range slices.Sorted(maps.Keys(e.PSSH)) {
		data := e.PSSH[id]
		system, err := uuidForm(id)
		if err != nil {
			return nil, fmt.Errorf("DRM system ID: %w", err)
		}
		if b, err := base64.StdEncoding.DecodeString(data); err != nil || len(b) == 0 {
			return nil, fmt.Errorf("pssh of system %s is not base64 box data", system)
		}
		cps = append(cps, contentProtectionXML{SchemeIDURI: "urn:uuid:" + system, PSSH: data})
	}
	slices.SortFunc(cps[1:], func(a, b contentProtectionXML) int { return strings.Compare(a.SchemeIDURI, b.SchemeIDURI) })
	for i := 2; i < len(cps); i++ {
		if cps[i].SchemeIDURI == cps[i-1].SchemeIDURI {
			return nil, fmt.Errorf("pssh for %s given twice", cps[i].SchemeIDURI)
		}
	}
	return cps, nil
}

// uuidForm turns 32 hex digits (dashes allowed) into the lower-case
// 8-4-4-4-12 UUID form.
func uuidForm(s string) (string, error) {
	h := strings.ToLower(strings.ReplaceAll(s, "-", ""))
	if _, err := hex.DecodeString(h); err != nil || len(h) != 32 {
		return "", fmt.Errorf("%q is not 16 bytes of hex", s)
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
