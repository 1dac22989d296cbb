package ttal

import (
	"errors"
	"fmt"
	"strings"
)

// ValidateDAPTDocument checks a TTML document against the DAPT rules
// (profile "dapt"). Rule ids are "dapt." followed by the name of the DAPT
// section that states the rule, as in the W3C dapt-tests suite (e.g.
// "dapt.agent", "dapt.represents", "dapt.serialization"). It never panics.
func ValidateDAPTDocument(data []byte) (fs []Finding) {
	dv := &daptValidator{}
	defer func() {
		if r := recover(); r != nil {
			fs = append(dv.fs, Finding{Rule: "dapt.internal", Severity: SeverityError, Message: fmt.Sprint(r)})
		}
	}()
	doc, err := parseXML(data)
	if err != nil {
		msg := err.Error()
		var de *DecodeError
		if errors.As(err, &de) {
			msg = fmt.Sprintf("not a well-formed UTF-8 XML 1.0 document: %s (line %d, col %d)", de.Msg, de.Line, de.Column)
		}
		return []Finding{{Rule: "dapt.serialization", Severity: SeverityError, Message: msg}}
	}
	dv.doc = doc
	dv.check()
	return dv.fs
}

type daptValidator struct {
	doc *xmlDoc
	fs  []Finding
	ids map[string]*xnode
}

func (dv *daptValidator) add(rule string, n *xnode, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n != nil {
		msg = fmt.Sprintf("%s (%s, line %d)", msg, n.path(), n.line)
	}
	f := Finding{Rule: rule, Severity: SeverityError, Message: msg}
	if n != nil {
		f.EventID = n.attrOr(nsXML, "id")
	}
	dv.fs = append(dv.fs, f)
}

func (dv *daptValidator) check() {
	doc, root := dv.doc, dv.doc.root
	if doc.bom {
		dv.add("dapt.serialization", nil, "a byte order mark is not allowed")
	}
	if doc.doctype {
		dv.add("dapt.serialization", nil, "a document type declaration is not allowed")
	}
	if doc.encoding != "" && !strings.EqualFold(doc.encoding, "UTF-8") {
		dv.add("dapt.serialization", nil, "encoding %q is not UTF-8", doc.encoding)
	}
	if !root.is(nsTT, "tt") {
		dv.add("dapt.serialization", root, "the root element must be tt in %s", nsTT)
		return
	}
	// Root parameters and metadata.
	if cp, ok := root.get(nsTTP, "contentProfiles"); !ok {
		dv.add("dapt.contentProfiles-root", root, "ttp:contentProfiles is mandatory")
	} else if !containsField(cp, daptProfile) {
		dv.add("dapt.contentProfiles-root", root, "ttp:contentProfiles must include %s", daptProfile)
	}
	if _, ok := root.get(nsTTP, "profile"); ok {
		dv.add("dapt.profile-root", root, "ttp:profile is not allowed; use ttp:contentProfiles")
	}
	switch st, ok := root.get(nsDAPTM, "scriptType"); {
	case !ok:
		dv.add("dapt.scriptType-root", root, "daptm:scriptType is mandatory")
	case !ScriptType(st).Valid():
		dv.add("dapt.scriptType-root", root, "daptm:scriptType %q is not originalTranscript, translatedTranscript, preRecording or asRecorded", st)
	}
	scriptReps, ok := root.get(nsDAPTM, "scriptRepresents")
	if !ok {
		dv.add("dapt.scriptRepresents", root, "daptm:scriptRepresents is mandatory")
	} else if len(strings.Fields(scriptReps)) == 0 {
		dv.add("dapt.scriptRepresents", root, "daptm:scriptRepresents is empty")
	} else {
		for _, d := range strings.Fields(scriptReps) {
			if !validDescriptor(d) {
				dv.add("dapt.scriptRepresents", root, "%q is not a content descriptor", d)
			}
		}
	}
	switch lang, ok := root.get(nsXML, "lang"); {
	case !ok:
		dv.add("dapt.xmlLang-root", root, "xml:lang is mandatory on tt")
	case lang == "":
		dv.add("dapt.xmlLang-root", root, "xml:lang on tt must not be empty")
	case !ValidLanguageTag(lang):
		dv.add("dapt.xmlLang-root", root, "xml:lang %q is not a BCP 47 tag", lang)
	}
	dv.ids = map[string]*xnode{}
	dv.walk(root, func(n *xnode) {
		if id, ok := n.get(nsXML, "id"); ok {
			if first, dup := dv.ids[id]; dup {
				dv.add("dapt.serialization", n, "xml:id %q is not unique (also at line %d)", id, first.line)
				return
			}
			dv.ids[id] = n
		}
	})
	dv.walk(root, dv.element)
	dv.originTimecode(root)
	if body := root.first(nsTT, "body"); body != nil {
		dv.events(body, strings.Fields(scriptReps))
	}
	if _, err := ttmlTimingOf(root); err != nil {
		dv.add("dapt.timing", root, "%v", err)
	}
}

func containsField(list, v string) bool {
	for _, f := range strings.Fields(list) {
		if f == v {
			return true
		}
	}
	return false
}

func (dv *daptValidator) walk(n *xnode, fn func(*xnode)) {
	fn(n)
	for _, c := range n.children {
		if !c.isText() {
			dv.walk(c, fn)
		}
	}
}

// element checks the per-element rules.
func (dv *daptValidator) element(n *xnode) {
	if v, ok := n.get(nsDAPTM, "langSrc"); ok && v != "zxx" && !ValidLanguageTag(v) {
		if v == "" {
			dv.add("dapt.textLanguageSource", n, "daptm:langSrc must not be empty")
		} else {
			dv.add("dapt.textLanguageSource", n, "daptm:langSrc %q is not a BCP 47 tag", v)
		}
	}
	if v, ok := n.get(nsDAPTM, "onScreen"); ok && (v == "" || !OnScreen(v).Valid()) {
		dv.add("dapt.onScreen", n, "daptm:onScreen %q is not ON, OFF, ON_OFF or OFF_ON", v)
	}
	if v, ok := n.get(nsDAPTM, "descType"); ok && !descTypes[v] && !(strings.HasPrefix(v, "x-") && len(v) > 2) {
		dv.add("dapt.descType", n, "daptm:descType %q is neither registered nor an x- extension", v)
	}
	if v, ok := n.get(nsDAPTM, "represents"); ok && !validDescriptor(v) {
		dv.add("dapt.represents", n, "daptm:represents %q is not a content descriptor", v)
	}
	switch {
	case n.is(nsTTM, "agent"):
		dv.agent(n)
	case n.is(nsTT, "audio"):
		if l, ok := n.get(nsXML, "lang"); ok && n.parent != nil {
			if pl, _ := n.parent.inherited(nsXML, "lang"); pl != l {
				dv.add("dapt.xmlLang-audio-nonMatching", n, "audio xml:lang %q differs from the computed language %q of its parent", l, pl)
			}
		}
	case n.is(nsTT, "data") && n.parent != nil && n.parent.is(nsTT, "source"):
		if len(n.elems(nsTT, "source")) > 0 {
			dv.add("dapt.source-data", n, "data inside source must not contain source elements")
		}
	}
}

func (dv *daptValidator) agent(n *xnode) {
	id, ok := n.get(nsXML, "id")
	switch {
	case !ok:
		dv.add("dapt.agent", n, "ttm:agent needs an xml:id")
	case !ncName(id):
		dv.add("dapt.agent", n, "xml:id %q is not an XML name", id)
	}
	if n.first(nsTTM, "name") == nil {
		dv.add("dapt.agent", n, "ttm:agent needs a ttm:name")
	}
	for _, a := range n.elems(nsTTM, "actor") {
		ref := a.attrOr("", "agent")
		target := dv.ids[ref]
		switch {
		case !ncName(ref):
			dv.add("dapt.agent", a, "ttm:actor agent %q is not an XML name", ref)
		case target == nil:
			dv.add("dapt.agent", a, "ttm:actor agent %q is not declared", ref)
		case !target.is(nsTTM, "agent"):
			dv.add("dapt.agent", a, "ttm:actor agent %q is not a ttm:agent", ref)
		case target == n:
			dv.add("dapt.agent", a, "ttm:actor agent %q is the character itself", ref)
		case target.attrOr("", "type") != "person":
			dv.add("dapt.agent", a, "ttm:actor agent %q is not of type person", ref)
		}
	}
}

func (dv *daptValidator) originTimecode(root *xnode) {
	var tcs []*xnode
	dv.walk(root, func(n *xnode) {
		if n.is(nsDAPTM, "daptOriginTimecode") {
			tcs = append(tcs, n)
		}
	})
	if len(tcs) == 0 {
		return
	}
	if len(tcs) > 1 {
		dv.add("dapt.daptOriginTimecode", tcs[1], "at most one daptm:daptOriginTimecode is allowed")
	}
	n := tcs[0]
	tc, err := ParseTimecode(strings.TrimSpace(textContent(n)))
	if err != nil || tc.Drop {
		dv.add("dapt.daptOriginTimecode", n, "%q is not HH:MM:SS:FF", strings.TrimSpace(textContent(n)))
		return
	}
	fr, ok := root.get(nsTTP, "frameRate")
	if !ok {
		dv.add("dapt.daptOriginTimecode", n, "daptm:daptOriginTimecode needs ttp:frameRate")
		return
	}
	t, err := ttmlTimingOf(root)
	if err != nil {
		return
	}
	if int64(tc.Frames) >= t.nominal {
		dv.add("dapt.daptOriginTimecode", n, "frames %d are not below the frame rate %s", tc.Frames, fr)
	}
}

// events checks every script event's computed represents.
func (dv *daptValidator) events(n *xnode, scriptReps []string) {
	for _, c := range n.elems(nsTT, "div") {
		if len(c.elems(nsTT, "div")) > 0 || c.attrOr(nsXML, "id") == "" {
			dv.events(c, scriptReps)
			continue
		}
		rep, ok := c.inherited(nsDAPTM, "represents")
		switch {
		case !ok || rep == "":
			dv.add("dapt.represents", c, "script event has no daptm:represents, set or inherited")
		case !validDescriptor(rep):
			// reported on the element that carries it
		default:
			match := false
			for _, r := range scriptReps {
				match = match || subTypeOf(rep, r)
			}
			if !match {
				dv.add("dapt.represents", c, "represents %q is not a sub-type of daptm:scriptRepresents %v", rep, scriptReps)
			}
		}
	}
}
