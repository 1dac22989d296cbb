package ttal

import (
	"regexp"
	"strings"

	"github.com/asticode/go-astisub"
)

// What astisub writes as it is but a reader would take for syntax: a
// "-->" in SRT or WebVTT text (a timing line), "&", "<" and ">" in a
// WebVTT voice name, a comma in an SSA Name field (a field separator),
// "{…}" and "\N", "\n", "\h" in SSA text (override codes). WebVTT has
// character references, so nothing is lost; SRT and SSA have none, so the
// text is changed and the change reported.

// vttEscapes turns the noncharacters escapeCue leaves in WebVTT text into
// character references once astisub has written it.
var vttEscapes = strings.NewReplacer(string(escGt), "&gt;", string(escAmp), "&amp;", string(escLt), "&lt;")

// ssaOverride matches what astisub (and libass) read as an override block.
var ssaOverride = regexp.MustCompile(`\{[^{]*\}`)

// ssaEscape matches SSA's escape sequences: line breaks and hard space.
var ssaEscape = regexp.MustCompile(`\\[Nnh]`)

// escapeCue makes the text and voice names of item safe to write in f.
func escapeCue(item *astisub.Item, f Format, loss Loss) {
	changed := map[string]bool{}
	nonchars := 0
	for i := range item.Lines {
		l := &item.Lines[i]
		l.VoiceName = strings.Join(strings.Fields(l.VoiceName), " ") // one line
		if f == FormatSRT || f == FormatVTT {                        // their readers take them for sentinels
			nonchars += countSentinels(l.VoiceName)
			for _, li := range l.Items {
				nonchars += countSentinels(li.Text)
			}
		}
		switch f {
		case FormatVTT:
			l.VoiceName = strings.NewReplacer("&", string(escAmp), "<", string(escLt), ">", string(escGt)).Replace(sentinels.Replace(l.VoiceName))
		case FormatASS:
			if strings.Contains(l.VoiceName, ",") {
				l.VoiceName = strings.ReplaceAll(l.VoiceName, ",", ";")
				changed[lossNameComma] = true
			}
		}
		for j := range l.Items {
			li := &l.Items[j]
			switch f {
			case FormatVTT:
				li.Text = strings.ReplaceAll(sentinels.Replace(li.Text), ">", string(escGt))
			case FormatSRT:
				li.Text = sentinels.Replace(li.Text)
				for strings.Contains(li.Text, "-->") {
					li.Text = strings.ReplaceAll(li.Text, "-->", "- ->")
					changed[lossArrowSRT] = true
				}
			case FormatASS:
				if ssaOverride.MatchString(li.Text) {
					li.Text = strings.NewReplacer("{", "｛", "}", "｝").Replace(li.Text)
					changed[lossSSACodes] = true
				}
				if ssaEscape.MatchString(li.Text) {
					li.Text = ssaEscape.ReplaceAllStringFunc(li.Text, func(s string) string { return "＼" + s[1:] })
					changed[lossSSACodes] = true
				}
			}
		}
	}
	for k := range changed {
		loss.add(k, 1)
	}
	loss.add(lossNonchars, nonchars)
}
