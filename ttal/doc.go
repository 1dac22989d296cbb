// Package ttal reads, writes, validates and converts dubbing and subtitle
// scripts in TTAL JSON.
//
// TTAL (Timed Text Authoring Lineage) is Netflix's JSON interchange format
// for dubbing and subtitling scripts. Its specification is not public (Netflix
// hands it out on request), so mp4pkg defines and documents its own TTAL JSON
// model: faithful to everything public about TTAL (script type, events with
// frame-accurate in/out times, characters, original and translated texts,
// languages, anchors, annotations, shot changes, on/off-screen indicators,
// lineage) and mapped one-to-one onto W3C DAPT, the public standard that grew
// partly out of TTAL. All JSON member names live in one table (keys.go) so
// that the codec can follow the official names once they are available. The
// JSON Schema of the model is schema/ttal.schema.json.
//
// Times are integer frames at a rational [FrameRate]; SMPTE timecodes
// ([Timecode], drop-frame included) are parsed and formatted only at the
// edges, and conversions to [time.Duration] round to the nearest value.
//
// The main calls:
//
//	s, err := ttal.Decode(r)                   // strict, errors with JSON path, line and column
//	findings := ttal.Validate(s, ttal.ProfileNetflixSubtitle)
//	err = s.Encode(w)                          // canonical JSON
//
// Readers and writers for SRT, WebVTT, SSA/ASS, EBU-STL (through go-astisub)
// and TTML/IMSC/DAPT (our own) are reached through [Read] and [Write].
package ttal
