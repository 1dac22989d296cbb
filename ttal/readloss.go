package ttal

import (
	"strings"

	"github.com/asticode/go-astisub"
)

// What readers find in a file that a script cannot carry. A script holds
// timing, text, speakers and script metadata; presentation (styles,
// positions, regions, images) has no place in it, so a reader counts what
// it leaves behind in ReadOptions.Loss rather than dropping it unsaid.

// subtitlesLoss counts what astisub read from an SRT, WebVTT, SSA/ASS or
// EBU-STL file that readSubtitles does not carry; vttSettings are the
// WebVTT cue settings it does carry, per cue (nil when none could be read).
func subtitlesLoss(subs *astisub.Subtitles, f Format, vttSettings []string, loss Loss) {
	if loss == nil || subs == nil {
		return
	}
	switch f {
	case FormatVTT:
		loss.add("regions", len(subs.Regions))
		if len(subs.Styles) > 0 {
			loss.add("style blocks", 1) // astisub gathers every STYLE block in one
		}
	case FormatASS:
		loss.add("styles", len(subs.Styles))
	}
	if m := subs.Metadata; m != nil {
		loss.add("comments", len(m.Comments))
		loss.add("metadata fields", metadataFields(m))
	}
	for i, it := range subs.Items {
		loss.add("comments", len(it.Comments))
		carried := vttSettings != nil && vttSettings[i] != "" // kept in keyCueSettings, but a region
		if it.Region != nil || (!carried && placed(it, f)) {
			loss.add("cue positions", 1)
		}
		if f == FormatASS && it.Style != nil && it.Style.ID != "" && it.Style.ID != "Default" {
			loss.add("cue style references", 1)
		}
		if inlineStyled(it, f) {
			loss.add("styled cues", 1) // SRT and WebVTT markup is kept (keyMarkup)
		}
	}
}

// placed reports whether a cue says where it goes on screen, beyond the
// format's default (bottom centre).
func placed(it *astisub.Item, f Format) bool {
	sa := it.InlineStyle
	switch f {
	case FormatVTT:
		return it.Region != nil || (sa != nil && (sa.WebVTTAlign != "" || sa.WebVTTLine != "" ||
			sa.WebVTTPosition != nil || sa.WebVTTSize != "" || sa.WebVTTVertical != ""))
	case FormatASS:
		return sa != nil && (nonZero(sa.SSAMarginLeft) || nonZero(sa.SSAMarginRight) ||
			nonZero(sa.SSAMarginVertical) || nonZero(sa.SSALayer))
	case FormatSTL:
		if sa == nil {
			return false
		}
		if j := sa.STLJustification; j != nil && (*j == astisub.JustificationLeft || *j == astisub.JustificationRight) {
			return true
		}
		// Teletext rows run 1–23: a cue in the upper half is placed on purpose.
		return sa.STLPosition != nil && sa.STLPosition.VerticalPosition > 0 && sa.STLPosition.VerticalPosition < 12
	}
	return false
}

// inlineStyled reports whether an SSA or EBU-STL cue styles part of its
// text (SRT and WebVTT markup is kept in the text's keyMarkup member).
func inlineStyled(it *astisub.Item, f Format) bool {
	for _, l := range it.Lines {
		for _, li := range l.Items {
			sa := li.InlineStyle
			switch {
			case sa == nil:
			case f == FormatASS && sa.SSAEffect != "":
				return true
			case f == FormatSTL && (sa.STLColor != nil || isTrue(sa.STLItalics) || isTrue(sa.STLUnderline) || isTrue(sa.STLBoxing)):
				return true
			}
		}
	}
	return false
}

func isTrue(p *bool) bool { return p != nil && *p }

func nonZero(p *int) bool { return p != nil && *p != 0 }

// metadataFields counts the file-level fields that a script has no place
// for (the title and the language are carried).
func metadataFields(m *astisub.Metadata) int {
	n := 0
	for _, s := range []string{m.SSACollisions, m.SSAOriginalEditing, m.SSAOriginalScript, m.SSAOriginalTiming,
		m.SSAOriginalTranslation, m.SSAScriptUpdatedBy, m.SSASynchPoint, m.SSAUpdateDetails,
		m.STLCountryOfOrigin, m.STLEditorContactDetails, m.STLEditorName, m.STLOriginalEpisodeTitle,
		m.STLPublisher, m.STLSubtitleListReferenceCode, m.STLTranslatedEpisodeTitle,
		m.STLTranslatedProgramTitle, m.STLTranslatorContactDetails, m.STLTranslatorName, m.TTMLCopyright} {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	return n
}

// ttmlLoss counts what a TTML or DAPT document has that readTTML does not
// carry: styling, layout, images, embedded or referenced audio, animation
// other than tts:display, and document metadata other than the title.
//
// In plain TTML (plain true; DAPT maps script events, not presentation)
// paragraphs whose text no region takes count too, wholly or in part
// ([ttmlLayout.associated]).
func ttmlLoss(root *xnode, loss Loss, plain bool) {
	if loss == nil || root == nil {
		return
	}
	if body := root.first(nsTT, "body"); plain && body != nil {
		layout := layoutOf(root)
		var walk func(n *xnode)
		walk = func(n *xnode) {
			for _, c := range n.elems(nsTT, "") {
				if c.name.Local == "p" {
					if unplacedText(c, layout) {
						loss.add("paragraphs in no region", 1)
					}
					continue
				}
				walk(c)
			}
		}
		walk(body)
	}
	var walk func(n *xnode, inHead bool)
	walk = func(n *xnode, inHead bool) {
		for _, c := range n.children {
			switch kind, leaf := ttmlLeftBehind(c, inHead); {
			case c.isText():
			case leaf:
				if kind != "" {
					loss.add(kind, 1)
				}
			default:
				if !inHead && styledElement(c) {
					loss.add("styled elements", 1)
				}
				walk(c, inHead || c.is(nsTT, "head"))
			}
		}
	}
	walk(root, false)
}

// ttmlLeftBehind says what element c is, when the reader carries none of
// it ("" for a set that only animates tts:display, an agent — read as a
// character — or the title), and whether the walk stops there.
func ttmlLeftBehind(c *xnode, inHead bool) (kind string, leaf bool) {
	switch {
	case c.is(nsTT, "style"):
		return "styles", true
	case c.is(nsTT, "region"):
		return "regions", true
	case c.is(nsTT, "image") && c.parent.is(nsTT, "div"):
		return "", true // an image subtitle: an event with its source (imageEvents)
	case c.is(nsTT, "image") || c.name.Local == "image" && strings.Contains(c.name.Space, "smpte"):
		return "images", true // inline, or embedded image data
	case c.is(nsTT, "audio"):
		return "audio elements", true
	case c.is(nsTT, "animate"):
		return "animations", true
	case c.is(nsTT, "set"):
		if animatesMoreThanDisplay(c) {
			return "animations", true
		}
		return "", true
	case inHead && (c.is(nsTTM, "desc") || c.is(nsTTM, "copyright")) && c.parent.is(nsTT, "metadata") &&
		c.parent.parent.is(nsTT, "head"):
		return "document metadata items", true
	case c.is(nsTTM, "agent"):
		return "", true
	}
	return "", false
}

// styledElement reports whether a content element carries inline or
// referential styling other than tts:display (which the reader honours).
func styledElement(n *xnode) bool {
	_, ref := n.get("", "style")
	return ref || animatesMoreThanDisplay(n)
}

// animatesMoreThanDisplay reports whether n (a <set>, or a content
// element) has a tts: style attribute other than tts:display.
func animatesMoreThanDisplay(n *xnode) bool {
	for _, a := range n.attr {
		if a.Name.Space == nsTTS && a.Name.Local != "display" {
			return true
		}
	}
	return false
}

// unplacedText reports whether n has text that no region takes.
func unplacedText(n *xnode, layout *ttmlLayout) bool {
	placed := layout.associated(n)
	for _, c := range n.children {
		switch {
		case c.isText():
			if !placed && strings.TrimSpace(c.text) != "" {
				return true
			}
		case c.is(nsTT, "span") && unplacedText(c, layout):
			return true
		}
	}
	return false
}
