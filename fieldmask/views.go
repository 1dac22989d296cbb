package fieldmask

import (
	"encoding/json"
	"sync"
)

// Pre-built read masks for the common views of a TTAL script (design/ttal.md)
// and of `mp4pkg inspect --format json` (design/cli.md). Field names are part
// of the API contract: renaming a JSON key breaks these masks and clients'.
// Paths through events go through an array, so these are read masks; as
// update masks only TTALCharacters' "characters" path is usable alone. They
// are stored in canonical order ([Normalize]).
var (
	// TTALTiming selects the frame rate and the timing of every event.
	TTALTiming = Normalize(MustParse("timing,events.id,events.start,events.end"))
	// TTALTexts selects the texts of every event (with their languages and
	// anchors).
	TTALTexts = Normalize(MustParse("events.id,events.texts"))
	// TTALCharacters selects the characters and who speaks in each event.
	TTALCharacters = Normalize(MustParse("characters,events.id,events.characterIds"))
	// InspectTrackSummary selects the summary of every track of an inspect
	// dump.
	InspectTrackSummary = Normalize(MustParse("tracks.id,tracks.handler,tracks.codec,tracks.timescale,tracks.duration," +
		"tracks.sampleCount,tracks.width,tracks.height,tracks.channels,tracks.sampleRate,tracks.language"))
)

// ttalSample is a TTAL script with every member of the model of
// design/ttal.md (reference/ttal.md §1.7); its shape is the TTAL schema.
const ttalSample = `{
  "format": "ttal", "formatVersion": "1.0", "scriptType": "asRecorded",
  "scriptRepresents": ["audio.dialogue"], "language": "fr-FR", "languageSource": "en-US",
  "title": {"name": "Show", "season": 1, "episode": 3, "episodeTitle": "x", "movieId": "x"},
  "timing": {"frameRate": {"num": 24000, "den": 1001}, "dropFrame": false,
    "originTimecode": "00:59:58:00", "startOfProgrammeTimecode": "01:00:00:00"},
  "lineage": [{"scriptId": "a", "scriptType": "asRecorded", "language": "fr-FR",
    "derivedFrom": "b", "tool": "t", "createdAt": "2026-01-05T10:00:00Z", "note": "n"}],
  "characters": [{"id": "c1", "name": "ASSANE", "talent": "Omar Sy", "color": "#8F42AD", "extensions": {}}],
  "shotChanges": [1440],
  "events": [{
    "id": "e1", "start": 172800, "end": 172872, "characterIds": ["c1"],
    "represents": "audio.dialogue", "onScreen": "ON_OFF", "forcedNarrative": false,
    "texts": [{"lang": "fr-FR", "langSrc": "en-US", "text": "x",
      "anchors": [{"offset": 0, "frame": 172800}], "extensions": {}}],
    "annotations": [{"category": "context", "text": "x"}],
    "descriptions": [{"type": "scene", "text": "x"}],
    "extensions": {}
  }],
  "extensions": {}
}`

var ttalSchema = sync.OnceValue(func() *Schema {
	var doc map[string]any
	if err := json.Unmarshal([]byte(ttalSample), &doc); err != nil {
		panic(err)
	}
	return SchemaFromDocument(doc)
})

// TTALSchema returns the schema of a TTAL script document as modelled by
// mp4pkg (design/ttal.md), for [Validate] and [WithSchema]. Vendor data
// belongs under the "extensions" members, which admit any path.
func TTALSchema() *Schema { return ttalSchema() }
