// Package manifest holds what the DASH and HLS writers need to know about
// packaged tracks: one Presentation of Representations, each with its
// segments' times, sizes and byte ranges. The cmaf package fills it in
// while it writes segments; the dash and hls packages turn it into an MPD
// and playlists. All times are in the representation's timescale.
package manifest

// Presentation is one programme: every representation packaged together,
// sharing segment boundaries.
type Presentation struct {
	// Duration is the programme duration in seconds (the longest
	// representation).
	Duration float64
	// Layout is LayoutSegments or LayoutSingleFile.
	Layout string
	// Representations in output order: video first (highest first), then
	// audio, then text.
	Representations []*Representation
}

// Output layouts (design/cli.md).
const (
	LayoutSegments   = "segments"
	LayoutSingleFile = "single-file"
)

// Kinds of representation.
const (
	KindVideo = "video"
	KindAudio = "audio"
	KindText  = "text"
)

// Representation is one packaged track.
type Representation struct {
	// ID is the track's output name, e.g. "video-1080p", "audio-en".
	ID string
	// Kind is KindVideo, KindAudio or KindText.
	Kind string
	// Codec is the RFC 6381 codecs string, e.g. "avc1.64001f".
	Codec string
	// Timescale is the media timescale of Segment times.
	Timescale uint32
	// Bandwidth is the peak bit rate over segments (bits/s); AverageBandwidth
	// the mean over the whole track.
	Bandwidth        int64
	AverageBandwidth int64
	// Video: size in pixels, frame rate as "25" or "30000/1001", sample
	// aspect ratio as "1:1".
	Width, Height int
	FrameRate     string
	SAR           string
	// Audio: sample rate in Hz and channel count.
	SampleRate int
	Channels   int
	// Language is a BCP 47 tag, "" or "und" when unknown.
	Language string

	// Layout segments: InitURL is the init segment and SegmentURL the
	// media segment URL template with a $Number$ placeholder (DASH form,
	// e.g. "video-1080p/seg-$Number%05d$.m4s"), both relative to the
	// manifest folder; StartNumber is the number of the first segment (1).
	InitURL     string
	SegmentURL  string
	StartNumber int
	// Layout single-file: FileURL is the file relative to the manifest
	// folder; InitRange is the byte range of ftyp+moov and IndexRange that
	// of the top-level sidx (inclusive first and last byte, as in DASH).
	FileURL    string
	InitRange  ByteRange
	IndexRange ByteRange

	// PresentationTimeOffset is the media time (Timescale units) that plays
	// at the start of the presentation: the edit list's media time, so that
	// B-frame delays and audio priming line up across tracks (DASH
	// presentationTimeOffset).
	PresentationTimeOffset uint64

	// Segments in order.
	Segments []Segment

	// Encryption, when the track is encrypted.
	Encryption *Encryption
}

// ByteRange is an inclusive range of bytes [First, Last].
type ByteRange struct{ First, Last int64 }

// Len is the number of bytes in the range.
func (r ByteRange) Len() int64 { return r.Last - r.First + 1 }

// Segment is one media segment.
type Segment struct {
	// Number is the segment number (from 1), as in the file name.
	Number int
	// Start is the earliest presentation time, Duration the presentation
	// duration, in Timescale units.
	Start    uint64
	Duration uint64
	// Size is the segment's size in bytes; Offset its first byte in the
	// single file (layout single-file) or 0.
	Size   int64
	Offset int64
	// IFrame is the byte range, relative to the segment's first byte, from
	// the segment start to the end of its first (sync) sample: what an
	// I-frame playlist entry points at. Empty for audio and text.
	IFrame ByteRange
}

// Encryption is what manifests signal about an encrypted representation.
type Encryption struct {
	// Scheme is "cbcs" or "cenc".
	Scheme string
	// KID is the default key ID as 32 hex digits.
	KID string
	// PSSH are base64 pssh boxes per DRM system ID (UUID form).
	PSSH map[string]string
	// KeyURI is the HLS EXT-X-KEY URI (e.g. skd://… for FairPlay, a data
	// URI or https URL for ClearKey/raw keys); empty for none.
	KeyURI string
}
