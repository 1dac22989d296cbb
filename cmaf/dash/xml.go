package dash

import "encoding/xml"

// The MPD as encoding/xml writes it. Field order is attribute and element
// order, which keeps the output deterministic and in schema order
// (ISO/IEC 23009-1 DASH-MPD.xsd). Names with a "cenc:" prefix are written
// verbatim; the root declares that prefix when it is used.

type mpdXML struct {
	XMLName                   xml.Name  `xml:"MPD"`
	Xmlns                     string    `xml:"xmlns,attr"`
	XmlnsCenc                 string    `xml:"xmlns:cenc,attr,omitempty"`
	Profiles                  string    `xml:"profiles,attr"`
	Type                      string    `xml:"type,attr"`
	MediaPresentationDuration string    `xml:"mediaPresentationDuration,attr"`
	MinBufferTime             string    `xml:"minBufferTime,attr"`
	Period                    periodXML `xml:"Period"`
}

type periodXML struct {
	ID             string             `xml:"id,attr"`
	Start          string             `xml:"start,attr"`
	AdaptationSets []adaptationSetXML `xml:"AdaptationSet"`
}

type adaptationSetXML struct {
	ID                      int                    `xml:"id,attr"`
	ContentType             string                 `xml:"contentType,attr"`
	MimeType                string                 `xml:"mimeType,attr"`
	Lang                    string                 `xml:"lang,attr,omitempty"`
	SegmentAlignment        string                 `xml:"segmentAlignment,attr,omitempty"`
	StartWithSAP            int                    `xml:"startWithSAP,attr,omitempty"`
	SubsegmentAlignment     string                 `xml:"subsegmentAlignment,attr,omitempty"`
	SubsegmentStartsWithSAP int                    `xml:"subsegmentStartsWithSAP,attr,omitempty"`
	ContentProtection       []contentProtectionXML `xml:"ContentProtection"`
	Representations         []representationXML    `xml:"Representation"`
}

type contentProtectionXML struct {
	SchemeIDURI string `xml:"schemeIdUri,attr"`
	Value       string `xml:"value,attr,omitempty"`
	DefaultKID  string `xml:"cenc:default_KID,attr,omitempty"`
	PSSH        string `xml:"cenc:pssh,omitempty"`
}

type descriptorXML struct {
	SchemeIDURI string `xml:"schemeIdUri,attr"`
	Value       string `xml:"value,attr"`
}

type representationXML struct {
	ID                        string              `xml:"id,attr"`
	Bandwidth                 int64               `xml:"bandwidth,attr"`
	Codecs                    string              `xml:"codecs,attr"`
	Width                     int                 `xml:"width,attr,omitempty"`
	Height                    int                 `xml:"height,attr,omitempty"`
	FrameRate                 string              `xml:"frameRate,attr,omitempty"`
	SAR                       string              `xml:"sar,attr,omitempty"`
	AudioSamplingRate         int                 `xml:"audioSamplingRate,attr,omitempty"`
	AudioChannelConfiguration *descriptorXML      `xml:"AudioChannelConfiguration"`
	BaseURL                   string              `xml:"BaseURL,omitempty"`
	SegmentBase               *segmentBaseXML     `xml:"SegmentBase"`
	SegmentTemplate           *segmentTemplateXML `xml:"SegmentTemplate"`
}

type segmentBaseXML struct {
	Timescale      uint32     `xml:"timescale,attr"`
	PTO            uint64     `xml:"presentationTimeOffset,attr,omitempty"`
	IndexRange     string     `xml:"indexRange,attr"`
	Initialization *rangedURL `xml:"Initialization"`
}

type rangedURL struct {
	Range string `xml:"range,attr"`
}

type segmentTemplateXML struct {
	Timescale      uint32 `xml:"timescale,attr"`
	PTO            uint64 `xml:"presentationTimeOffset,attr,omitempty"`
	Initialization string `xml:"initialization,attr"`
	Media          string `xml:"media,attr"`
	StartNumber    int    `xml:"startNumber,attr"`
	Timeline       []sXML `xml:"SegmentTimeline>S"`
}

// sXML is one S element: a run of R+1 segments of duration D, the first
// starting at T (omitted when it follows the previous run without a gap).
type sXML struct {
	T *uint64 `xml:"t,attr"`
	D uint64  `xml:"d,attr"`
	R int     `xml:"r,attr,omitempty"`
}
