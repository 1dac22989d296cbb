package ttal

// JSON member names of the TTAL model, in one table. The official TTAL
// specification is not public, so these names are mp4pkg's design (see
// README.md); when the official names become known, this table is the one
// place to change. The order of each group is the canonical output order.
const (
	// Document.
	keyFormat           = "format"
	keyFormatVersion    = "formatVersion"
	keyScriptType       = "scriptType"
	keyScriptRepresents = "scriptRepresents"
	keyLanguage         = "language"
	keyLanguageSource   = "languageSource"
	keyTitle            = "title"
	keyTiming           = "timing"
	keyLineage          = "lineage"
	keyCharacters       = "characters"
	keyShotChanges      = "shotChanges"
	keyEvents           = "events"

	// Title.
	keyName         = "name"
	keySeason       = "season"
	keyEpisode      = "episode"
	keyEpisodeTitle = "episodeTitle"
	keyMovieID      = "movieId"

	// Timing.
	keyFrameRate                = "frameRate"
	keyNum                      = "num"
	keyDen                      = "den"
	keyDropFrame                = "dropFrame"
	keyOriginTimecode           = "originTimecode"
	keyStartOfProgrammeTimecode = "startOfProgrammeTimecode"

	// Lineage entry.
	keyScriptID    = "scriptId"
	keyDerivedFrom = "derivedFrom"
	keyTool        = "tool"
	keyCreatedAt   = "createdAt"
	keyNote        = "note"

	// Character (keyName is shared).
	keyID     = "id"
	keyTalent = "talent"
	keyColor  = "color"

	// Event.
	keyStart           = "start"
	keyEnd             = "end"
	keyCharacterIDs    = "characterIds"
	keyRepresents      = "represents"
	keyOnScreen        = "onScreen"
	keyForcedNarrative = "forcedNarrative"
	keyTexts           = "texts"
	keyAnnotations     = "annotations"
	keyDescriptions    = "descriptions"

	// Text, anchor, annotation, description.
	keyLang     = "lang"
	keyLangSrc  = "langSrc"
	keyText     = "text"
	keyAnchors  = "anchors"
	keyOffset   = "offset"
	keyFrame    = "frame"
	keyCategory = "category"
	keyType     = "type"
)

// FormatName is the value of the "format" member that mp4pkg writes.
const FormatName = "ttal"

// FormatVersion is the version of mp4pkg's TTAL model that this package
// writes in "formatVersion".
const FormatVersion = "1.0"

// keyMarkup is the extension member of a text that keeps the inline
// styling of a subtitle cue (SRT or WebVTT tags such as <i>), per format:
// {"srt": "<i>Hello</i>"}. It is written back only while the plain text is
// unchanged.
const keyMarkup = "x-mp4pkg-markup"

// keyCueSettings is the extension member of an event that keeps the WebVTT
// cue settings of the cue it was read from, {"vtt": "line:0 align:start"},
// written back to WebVTT (a region setting is not kept, as REGION blocks
// are not).
const keyCueSettings = "x-mp4pkg-cue-settings"

// keyOpenEnded is the extension member (true) of an event read from TTML
// content that is active indefinitely in a document that names no later
// time: its end is a placeholder ([OpenEndedDuration] after its begin), and
// TTML and DAPT are written without it.
const keyOpenEnded = "x-mp4pkg-open-ended"
