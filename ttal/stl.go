package ttal

import (
	"bytes"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/asticode/go-astisub"
	"golang.org/x/text/unicode/norm"
)

// EBU-STL's GSI block as astisub writes it: the language code (LC, two hex
// digits) at bytes 14–15; the creation and revision dates (CD, RD, YYMMDD)
// are set through its metadata.
const stlLanguageOffset = 14

// stlTitleBytes is the size of the GSI original programme title (OPT),
// where astisub writes the title, cutting what does not fit.
const stlTitleBytes = 32

// stlLanguages maps the language codes of EBU Tech 3264 (appendix 3) to
// BCP 47 tags. Codes whose language has no tag of its own (Serbo-Croat,
// Ndebele, Moldavian) are left out.
var stlLanguages = map[string]string{
	"01": "sq", "02": "br", "03": "ca", "04": "hr", "05": "cy", "06": "cs", "07": "da", "08": "de",
	"09": "en", "0A": "es", "0B": "eo", "0C": "et", "0D": "eu", "0E": "fo", "0F": "fr", "10": "fy",
	"11": "ga", "12": "gd", "13": "gl", "14": "is", "15": "it", "16": "se", "17": "la", "18": "lv",
	"19": "lb", "1A": "lt", "1B": "hu", "1C": "mt", "1D": "nl", "1E": "no", "1F": "oc", "20": "pl",
	"21": "pt", "22": "ro", "23": "rm", "24": "sr", "25": "sk", "26": "sl", "27": "fi", "28": "sv",
	"29": "tr", "2A": "nl-BE", "2B": "wa",
	"45": "zu", "46": "vi", "47": "uz", "48": "ur", "49": "uk", "4A": "th", "4B": "te", "4C": "tt",
	"4D": "ta", "4E": "tg", "4F": "sw", "50": "srn", "51": "so", "52": "si", "53": "sn", "55": "rue",
	"56": "ru", "57": "qu", "58": "ps", "59": "pa", "5A": "fa", "5B": "pap", "5C": "or", "5D": "ne",
	"5F": "mr", "61": "ms", "62": "mg", "63": "mk", "64": "lo", "65": "ko", "66": "km", "67": "kk",
	"68": "kn", "69": "ja", "6A": "id", "6B": "hi", "6C": "he", "6D": "ha", "6E": "gn", "6F": "gu",
	"70": "el", "71": "ka", "72": "ff", "73": "prs", "74": "cv", "75": "zh", "76": "my", "77": "bg",
	"78": "bn", "79": "be", "7A": "bm", "7B": "az", "7C": "as", "7D": "hy", "7E": "ar", "7F": "am",
}

// stlLanguageTag returns the BCP 47 tag of a GSI language code, "" when
// unknown (00 or not in the table).
func stlLanguageTag(code string) string {
	return stlLanguages[strings.ToUpper(strings.TrimSpace(code))]
}

// stlLanguageCode returns the GSI language code of a BCP 47 tag: the
// tag's own (nl-BE: Flemish), else its primary language's; "00" and false
// when there is none ("und" has 00 and true).
func stlLanguageCode(tag string) (string, bool) {
	if primaryLanguage(tag) == "und" {
		return "00", true
	}
	best := ""
	for code, t := range stlLanguages {
		switch {
		case strings.EqualFold(t, tag):
			return code, true
		case t == primaryLanguage(tag):
			best = code
		}
	}
	if best == "" {
		return "00", false
	}
	return best, true
}

// stlDate is the date written as an EBU-STL file's creation and revision
// date: that of the newest lineage entry with a time, else 1970-01-01, so
// that the same script gives the same file whatever the clock.
func stlDate(s *Script) time.Time {
	var newest time.Time
	for _, l := range s.Lineage {
		if t, err := time.Parse(time.RFC3339, l.CreatedAt); err == nil && t.After(newest) {
			newest = t
		}
	}
	if newest.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return newest.UTC()
}

// stlText returns text as an EBU-STL file can hold it: go-astisub's
// encoder writes a character its table lacks as the low byte of its code
// point (日 as "å", 😀 as nothing), so such characters are left out (white
// space becomes a space) and counted in loss. A character is kept when
// go-astisub reads it back as itself, with the combining marks that follow
// it when it has them.
func stlText(text string, loss Loss) string {
	runes := []rune(norm.NFC.String(text))
	var b strings.Builder
	for i := 0; i < len(runes); {
		j := i + 1
		for j < len(runes) && unicode.Is(unicode.Mn, runes[j]) {
			j++
		}
		unit := string(runes[i:j])
		switch {
		case stlEncodable(unit):
			b.WriteString(unit)
		case j > i+1 && stlEncodable(string(runes[i])):
			b.WriteRune(runes[i])
			loss.add(lossSTLChars, j-i-1)
		default:
			if unicode.IsSpace(runes[i]) {
				b.WriteByte(' ')
			}
			loss.add(lossSTLChars, j-i)
		}
		i = j
	}
	return b.String()
}

// stlSingles caches stlEncodable for single characters.
var stlSingles sync.Map // string → bool

// stlEncodable reports whether go-astisub writes unit (a character and its
// combining marks) to EBU-STL and reads it back unchanged.
func stlEncodable(unit string) bool {
	if unit == " " || unit == "\n" {
		return true
	}
	single := len([]rune(unit)) == 1
	if single {
		if v, ok := stlSingles.Load(unit); ok {
			return v.(bool)
		}
	}
	text := "a" + unit + "a"
	subs := astisub.NewSubtitles()
	subs.Items = []*astisub.Item{{EndAt: time.Second, Lines: []astisub.Line{{Items: []astisub.LineItem{{Text: text}}}}}}
	var b bytes.Buffer
	ok := guard("stl", func() error { return subs.WriteToSTL(&b) }) == nil
	if ok {
		back, err := readAstisub(b.Bytes(), FormatSTL)
		ok = err == nil && len(back.Items) == 1 && plainText(back.Items[0].Lines) == text
	}
	if single {
		stlSingles.Store(unit, ok)
	}
	return ok
}
