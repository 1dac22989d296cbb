package ttal

import (
	"bytes"
	"strings"
	"time"
)

// Decoding of the model, member by member; key names come from keys.go.

// Required members of each object.
var (
	scriptRequired    = []string{keyFormat, keyFormatVersion, keyScriptType, keyLanguage, keyTiming, keyEvents}
	timingRequired    = []string{keyFrameRate}
	frameRateRequired = []string{keyNum, keyDen}
	characterRequired = []string{keyID}
	eventRequired     = []string{keyID, keyStart, keyEnd, keyTexts}
	textRequired      = []string{keyLang}
	anchorRequired    = []string{keyOffset, keyFrame}
)

func (d *decoder) script(s *Script) error {
	d.next()
	start := d.pos
	err := d.objectRequired(scriptRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyFormat:
			s.Format, err = d.str()
		case keyFormatVersion:
			if s.FormatVersion, err = d.str(); err == nil && !validVersion(s.FormatVersion) {
				err = d.fail(d.val, "%q is not a MAJOR.MINOR version", s.FormatVersion)
			}
		case keyScriptType:
			var v string
			if v, err = d.str(); err == nil {
				s.ScriptType = ScriptType(v)
				if !s.ScriptType.Valid() {
					err = d.fail(d.val, "%q is not a script type (originalTranscript, translatedTranscript, preRecording, asRecorded)", v)
				}
			}
		case keyScriptRepresents:
			err = d.strings(&s.Represents)
		case keyLanguage:
			s.Language, err = d.lang(false)
		case keyLanguageSource:
			s.LanguageSource, err = d.lang(true)
		case keyTitle:
			s.Title = &Title{}
			err = d.title(s.Title)
		case keyTiming:
			err = d.timing(&s.Timing)
		case keyLineage:
			err = d.array(func(int) error {
				s.Lineage = append(s.Lineage, LineageEntry{})
				return d.lineage(&s.Lineage[len(s.Lineage)-1])
			})
		case keyCharacters:
			err = d.array(func(int) error {
				s.Characters = append(s.Characters, Character{})
				return d.character(&s.Characters[len(s.Characters)-1])
			})
		case keyShotChanges:
			err = d.array(func(int) error {
				v, err := d.int(0, MaxFrame)
				s.ShotChanges = append(s.ShotChanges, v)
				return err
			})
		case keyEvents:
			// Size the events once: every event has a texts member. The
			// hint is bounded by the input size (an event takes well over 128
			// bytes in practice) so that stray "texts" strings cannot make
			// it allocate much more than the input.
			rest := d.data[d.pos:]
			hint := min(bytes.Count(rest, []byte(`"`+keyTexts+`"`)), len(rest)/128, MaxItems)
			s.Events = make([]Event, 0, hint)
			err = d.array(func(int) error {
				s.Events = append(s.Events, Event{})
				return d.event(&s.Events[len(s.Events)-1])
			})
		default:
			err = d.unknown(&s.Unknown, key)
		}
		return err
	})
	if err != nil {
		return err
	}
	if s.Format != FormatName {
		return d.failKey(start, keyFormat, "%q is not %q", s.Format, FormatName)
	}
	return nil
}

func (d *decoder) title(t *Title) error {
	return d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case keyName:
			t.Name, err = d.str()
		case keySeason:
			t.Season, err = d.int(0, 1<<31)
		case keyEpisode:
			t.Episode, err = d.int(0, 1<<31)
		case keyEpisodeTitle:
			t.EpisodeTitle, err = d.str()
		case keyMovieID:
			t.MovieID, err = d.str()
		default:
			err = d.unknown(&t.Unknown, key)
		}
		return err
	})
}

func (d *decoder) timing(t *Timing) error {
	d.next()
	off := d.pos
	var tcs [2]struct {
		s   string
		off int
	}
	err := d.objectRequired(timingRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyFrameRate:
			err = d.frameRate(&t.FrameRate)
		case keyDropFrame:
			t.DropFrame, err = d.boolean()
		case keyOriginTimecode:
			tcs[0].s, err = d.str()
			tcs[0].off = d.val
		case keyStartOfProgrammeTimecode:
			tcs[1].s, err = d.str()
			tcs[1].off = d.val
		default:
			err = d.unknown(&t.Unknown, key)
		}
		return err
	})
	if err != nil {
		return err
	}
	if t.DropFrame && !t.FrameRate.SupportsDropFrame() {
		return d.failKey(off, keyDropFrame, "drop-frame needs a frame rate of 30000/1001 or 60000/1001, not %s", t.FrameRate)
	}
	for i, key := range [2]string{keyOriginTimecode, keyStartOfProgrammeTimecode} {
		if tcs[i].off == 0 {
			continue
		}
		tc, err := ParseTimecode(tcs[i].s)
		if err == nil {
			_, err = t.FrameRate.ParseTimecodeFrame(tcs[i].s, t.DropFrame)
		}
		if err != nil {
			return d.failKey(tcs[i].off, key, "%v", err)
		}
		if i == 0 {
			t.Origin = &tc
		} else {
			t.StartOfProgramme = &tc
		}
	}
	return nil
}

func (d *decoder) frameRate(r *FrameRate) error {
	return d.objectRequired(frameRateRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyNum:
			r.Num, err = d.int(1, MaxFrameRateNum)
		case keyDen:
			r.Den, err = d.int(1, MaxFrameRateNum)
		default:
			_, err = d.skip()
			if err == nil {
				err = d.fail(d.val, "unknown member %q in a frame rate", key)
			}
		}
		return err
	})
}

func (d *decoder) lineage(l *LineageEntry) error {
	return d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case keyScriptID:
			l.ScriptID, err = d.str()
		case keyScriptType:
			var v string
			if v, err = d.str(); err == nil {
				l.ScriptType = ScriptType(v)
				if !l.ScriptType.Valid() {
					err = d.fail(d.val, "%q is not a script type", v)
				}
			}
		case keyLanguage:
			l.Language, err = d.lang(true)
		case keyDerivedFrom:
			l.DerivedFrom, err = d.str()
		case keyTool:
			l.Tool, err = d.str()
		case keyCreatedAt:
			if l.CreatedAt, err = d.str(); err == nil && l.CreatedAt != "" {
				if _, perr := time.Parse(time.RFC3339, l.CreatedAt); perr != nil {
					err = d.fail(d.val, "%q is not an RFC 3339 time", l.CreatedAt)
				}
			}
		case keyNote:
			l.Note, err = d.str()
		default:
			err = d.unknown(&l.Unknown, key)
		}
		return err
	})
}

func (d *decoder) character(c *Character) error {
	return d.objectRequired(characterRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyID:
			c.ID, err = d.str()
		case keyName:
			c.Name, err = d.str()
		case keyTalent:
			c.Talent, err = d.str()
		case keyColor:
			c.Color, err = d.str()
		default:
			err = d.unknown(&c.Unknown, key)
		}
		return err
	})
}

func (d *decoder) event(e *Event) error {
	return d.objectRequired(eventRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyID:
			e.ID, err = d.str()
		case keyStart:
			e.Start, err = d.int(0, MaxFrame)
		case keyEnd:
			e.End, err = d.int(0, MaxFrame)
		case keyCharacterIDs:
			err = d.strings(&e.CharacterIDs)
		case keyRepresents:
			e.Represents, err = d.str()
		case keyOnScreen:
			var v string
			if v, err = d.str(); err == nil {
				e.OnScreen = OnScreen(v)
				if v == "" || !e.OnScreen.Valid() {
					err = d.fail(d.val, "%q is not ON, OFF, ON_OFF or OFF_ON", v)
				}
			}
		case keyForcedNarrative:
			e.ForcedNarrative, err = d.boolean()
		case keyTexts:
			e.Texts = []Text{}
			err = d.array(func(int) error {
				e.Texts = append(e.Texts, Text{})
				return d.text(&e.Texts[len(e.Texts)-1])
			})
		case keyAnnotations:
			err = d.array(func(int) error {
				var a Annotation
				err := d.pair(keyCategory, keyText, &a.Category, &a.Text, &a.Unknown)
				e.Annotations = append(e.Annotations, a)
				return err
			})
		case keyDescriptions:
			err = d.array(func(int) error {
				var x Description
				err := d.pair(keyType, keyText, &x.Type, &x.Text, &x.Unknown)
				e.Descriptions = append(e.Descriptions, x)
				return err
			})
		default:
			err = d.unknown(&e.Unknown, key)
		}
		return err
	})
}

// pair reads an object of two string members (annotation, description).
func (d *decoder) pair(k1, k2 string, v1, v2 *string, unknown *Members) error {
	return d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case k1:
			*v1, err = d.str()
		case k2:
			*v2, err = d.str()
		default:
			err = d.unknown(unknown, key)
		}
		return err
	})
}

func (d *decoder) text(t *Text) error {
	return d.objectRequired(textRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyLang:
			t.Lang, err = d.lang(false)
		case keyLangSrc:
			t.LangSrc, err = d.lang(true)
		case keyText:
			t.Text, err = d.str()
		case keyAnchors:
			err = d.array(func(int) error {
				var a Anchor
				err := d.anchor(&a)
				t.Anchors = append(t.Anchors, a)
				return err
			})
		default:
			err = d.unknown(&t.Unknown, key)
		}
		return err
	})
}

func (d *decoder) anchor(a *Anchor) error {
	return d.objectRequired(anchorRequired, func(key []byte) error {
		var err error
		switch string(key) {
		case keyOffset:
			a.Offset, err = d.int(0, MaxInputSize)
		case keyFrame:
			a.Frame, err = d.int(0, MaxFrame)
		default:
			err = d.unknown(&a.Unknown, key)
		}
		return err
	})
}

// validVersion reports whether v is MAJOR.MINOR in decimal digits.
func validVersion(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	return ok && major != "" && minor != "" && isDigits(major) && isDigits(minor) && len(v) <= 16
}
