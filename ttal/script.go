package ttal

import "encoding/json"

// ScriptType says what stage of the dubbing workflow a script belongs to.
// The four values are those of W3C DAPT's daptm:scriptType.
type ScriptType string

// Script types (DAPT daptm:scriptType values).
const (
	OriginalTranscript   ScriptType = "originalTranscript"   // dialogue list in the original language
	TranslatedTranscript ScriptType = "translatedTranscript" // translation of an original transcript
	PreRecording         ScriptType = "preRecording"         // adapted script, before recording
	AsRecorded           ScriptType = "asRecorded"           // script matching the recorded audio
)

// Valid reports whether t is one of the four script types.
func (t ScriptType) Valid() bool {
	switch t {
	case OriginalTranscript, TranslatedTranscript, PreRecording, AsRecorded:
		return true
	}
	return false
}

// OnScreen says whether the speaker of an event is visible (DAPT daptm:onScreen).
type OnScreen string

// On-screen values; the empty value means unspecified (DAPT's default is ON).
const (
	On    OnScreen = "ON"
	Off   OnScreen = "OFF"
	OnOff OnScreen = "ON_OFF" // on screen at the start, off at the end
	OffOn OnScreen = "OFF_ON" // off screen at the start, on at the end
)

// Valid reports whether o is empty or one of the four on-screen values.
func (o OnScreen) Valid() bool {
	switch o {
	case "", On, Off, OnOff, OffOn:
		return true
	}
	return false
}

// Script is a dubbing or subtitle script: the document of a TTAL file.
// Times are integer frames at Timing.FrameRate on the media timeline
// (frame 0 is the first frame of the related media).
type Script struct {
	Format         string     // "ttal"
	FormatVersion  string     // "1.0"
	ScriptType     ScriptType // workflow stage
	Represents     []string   // content descriptors, e.g. "audio.dialogue", "visual.text"
	Language       string     // BCP 47 tag of the script's main language
	LanguageSource string     // BCP 47 tag of the language it was translated from, if any
	Title          *Title     // programme metadata, optional
	Timing         Timing
	Lineage        []LineageEntry // history, oldest first; the last entry is this script
	Characters     []Character
	ShotChanges    []int64 // frames at which shots change, ascending
	Events         []Event
	Unknown        Members // members this package does not know, kept in order
}

// Title is programme metadata.
type Title struct {
	Name         string
	Season       int64
	Episode      int64
	EpisodeTitle string
	MovieID      string
	Unknown      Members
}

// Timing holds the frame rate of the script's times and the SMPTE labels of
// its timeline.
type Timing struct {
	FrameRate FrameRate
	DropFrame bool // SMPTE labels use drop-frame counting (29.97 and 59.94 only)
	// Origin is the SMPTE label of frame 0 (DAPT daptm:daptOriginTimecode).
	Origin *Timecode
	// StartOfProgramme is the SMPTE label of the programme's first frame.
	StartOfProgramme *Timecode
	Unknown          Members
}

// LineageEntry records one script in the history of this one.
type LineageEntry struct {
	ScriptID    string
	ScriptType  ScriptType
	Language    string
	DerivedFrom string // ScriptID of the parent, empty for the first script
	Tool        string
	CreatedAt   string // RFC 3339
	Note        string
	Unknown     Members
}

// Character is a speaker (DAPT ttm:agent of type character).
type Character struct {
	ID      string
	Name    string
	Talent  string // name of the actor
	Color   string
	Unknown Members
}

// Event is one script event: a span of time with its texts.
type Event struct {
	ID              string
	Start, End      int64 // frames, End exclusive
	CharacterIDs    []string
	Represents      string // content descriptor, e.g. "audio.dialogue"
	OnScreen        OnScreen
	ForcedNarrative bool
	Texts           []Text
	Annotations     []Annotation
	Descriptions    []Description
	Unknown         Members
}

// Text is the text of an event in one language. Lang equal to LangSrc (or an
// empty LangSrc) marks original text; otherwise it is a translation from LangSrc.
type Text struct {
	Lang    string
	LangSrc string
	Text    string
	Anchors []Anchor // character offset → frame table, offsets ascending
	Unknown Members
}

// Anchor ties a character offset in a text (in Unicode code points) to a frame.
type Anchor struct {
	Offset  int64
	Frame   int64
	Unknown Members
}

// Annotation is a note on an event, e.g. category "context".
type Annotation struct {
	Category string
	Text     string
	Unknown  Members
}

// Description is a DAPT script event description, e.g. type "scene".
type Description struct {
	Type    string
	Text    string
	Unknown Members
}

// Member is a JSON object member this package does not know. Its value is
// kept as raw JSON so that it is written back unchanged.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Members are unknown members in the order in which they were read.
type Members []Member

// Text returns the event's text in language lang (exact tag match, then
// primary-language match), or nil.
func (e *Event) Text(lang string) *Text {
	if e == nil {
		return nil
	}
	if t := exactText(e, lang); t != nil {
		return t
	}
	p := primaryLanguage(lang)
	for i := range e.Texts {
		if primaryLanguage(e.Texts[i].Lang) == p {
			return &e.Texts[i]
		}
	}
	return nil
}

// Character returns the character with the given id, or nil.
func (s *Script) Character(id string) *Character {
	if s == nil {
		return nil
	}
	for i := range s.Characters {
		if s.Characters[i].ID == id {
			return &s.Characters[i]
		}
	}
	return nil
}

// New returns an empty script of the given type, language and frame rate.
func New(t ScriptType, lang string, rate FrameRate) *Script {
	return &Script{Format: FormatName, FormatVersion: FormatVersion, ScriptType: t,
		Language: lang, Timing: Timing{FrameRate: rate}, Events: []Event{}}
}
