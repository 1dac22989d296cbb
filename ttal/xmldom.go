package ttal

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// XML namespaces of TTML, its parameter/styling/metadata vocabularies, DAPT
// and this package's own extension attributes.
const (
	nsTT    = "http://www.w3.org/ns/ttml"
	nsTTP   = "http://www.w3.org/ns/ttml#parameter"
	nsTTS   = "http://www.w3.org/ns/ttml#styling"
	nsTTM   = "http://www.w3.org/ns/ttml#metadata"
	nsDAPTM = "http://www.w3.org/ns/ttml/profile/dapt#metadata"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsTTAL  = "urn:mp4pkg:ttal" // mp4pkg's attributes for what TTML cannot say
	nsSMPTE = "http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt"
	nsITTM  = "http://www.w3.org/ns/ttml/profile/imsc1#metadata"
)

// MaxXMLNodes bounds the elements and text nodes of an XML document.
const MaxXMLNodes = 1 << 20

// xnode is an element of a parsed XML document, with its place.
type xnode struct {
	name      xml.Name
	attr      []xml.Attr
	children  []*xnode // elements and text nodes
	text      string   // for text nodes (name.Local == "")
	parent    *xnode
	line, col int
	index     int // among same-name siblings, 1-based
	counts    map[xml.Name]int
}

func (n *xnode) isText() bool { return n.name.Local == "" }

// is reports whether n is the element space:local.
func (n *xnode) is(space, local string) bool {
	return n != nil && n.name.Space == space && n.name.Local == local
}

// get returns an attribute value and whether it is present.
func (n *xnode) get(space, local string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// attrOr returns an attribute value, or "" when absent.
func (n *xnode) attrOr(space, local string) string {
	v, _ := n.get(space, local)
	return v
}

// inherited returns the value of an inheritable attribute on n or its
// nearest ancestor that has it.
func (n *xnode) inherited(space, local string) (string, bool) {
	for m := n; m != nil; m = m.parent {
		if v, ok := m.get(space, local); ok {
			return v, true
		}
	}
	return "", false
}

// elems returns the element children of n named space:local ("" matches any).
func (n *xnode) elems(space, local string) []*xnode {
	var out []*xnode
	for _, c := range n.children {
		if !c.isText() && (space == "" || c.name.Space == space) && (local == "" || c.name.Local == local) {
			out = append(out, c)
		}
	}
	return out
}

// first returns the first element child named space:local, or nil.
func (n *xnode) first(space, local string) *xnode {
	for _, c := range n.children {
		if c.is(space, local) {
			return c
		}
	}
	return nil
}

// path returns the element path of n, e.g. "tt/body/div[2]/p" (the
// position is given from the second same-name sibling on).
func (n *xnode) path() string {
	var parts []string
	for m := n; m != nil; m = m.parent {
		p := m.name.Local
		if m.index > 1 {
			p += "[" + strconv.Itoa(m.index) + "]"
		}
		parts = append(parts, p)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// errAt returns a located error for element n.
func (n *xnode) errAt(format string, args ...any) error {
	return &DecodeError{Path: n.path(), Line: n.line, Column: n.col, Msg: fmt.Sprintf(format, args...)}
}

// xmlDoc is a parsed document and what the parser saw around the root.
type xmlDoc struct {
	root     *xnode
	bom      bool
	doctype  bool
	encoding string // from the XML declaration
}

// parseXML parses an XML document into a tree, strictly (no entities other
// than the predefined ones, no charsets other than UTF-8), with bounded
// depth and node count. Errors carry line and column.
func parseXML(data []byte) (*xmlDoc, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalid, MaxInputSize)
	}
	doc := &xmlDoc{}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		doc.bom = true
		data = data[3:]
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("%w character encoding %q (only UTF-8)", ErrUnsupported, label)
	}
	fail := func(format string, args ...any) error {
		line, col := d.InputPos()
		path := "(document)"
		return &DecodeError{Path: path, Line: line, Column: col, Offset: int(d.InputOffset()), Msg: fmt.Sprintf(format, args...)}
	}
	var stack []*xnode
	nodes := 0
	for {
		line, col := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &DecodeError{Path: "(document)", Line: se.Line, Column: col, Msg: "XML: " + se.Msg}
			}
			return nil, fail("XML: %v", err)
		}
		if nodes++; nodes > MaxXMLNodes {
			return nil, fail("more than %d XML nodes", MaxXMLNodes)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, fail("elements nested deeper than %d", MaxDepth)
			}
			for i, a := range t.Attr { // XML 1.0 §3.1: an attribute appears once per element
				for _, b := range t.Attr[:i] {
					if a.Name == b.Name {
						return nil, fail("attribute %s repeated on element %s", qualified(a.Name), t.Name.Local)
					}
				}
			}
			n := &xnode{name: t.Name, attr: append([]xml.Attr(nil), t.Attr...), line: line, col: col}
			if len(stack) == 0 {
				if doc.root != nil {
					return nil, fail("more than one root element")
				}
				doc.root = n
			} else {
				p := stack[len(stack)-1]
				n.parent = p
				if p.counts == nil {
					p.counts = map[xml.Name]int{}
				}
				p.counts[n.name]++
				n.index = p.counts[n.name]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				if k := len(p.children); k > 0 && p.children[k-1].isText() {
					p.children[k-1].text += string(t)
				} else {
					p.children = append(p.children, &xnode{text: string(t), parent: p, line: line, col: col})
				}
			}
		case xml.Directive:
			doc.doctype = true
			if bytes.Contains(t, []byte("ENTITY")) {
				return nil, fail("entity declarations are not supported")
			}
		case xml.ProcInst:
			if t.Target == "xml" {
				if i := bytes.Index(t.Inst, []byte("encoding=")); i >= 0 {
					v := bytes.Trim(t.Inst[i+len("encoding="):], " ")
					if len(v) > 0 {
						q := v[0]
						if j := bytes.IndexByte(v[1:], q); j >= 0 {
							doc.encoding = string(v[1 : 1+j])
						}
					}
				}
			}
		}
	}
	if doc.root == nil {
		return nil, &DecodeError{Path: "(document)", Line: 1, Column: 1, Msg: "XML: no root element"}
	}
	return doc, nil
}

// qualified returns name as prefix-less space:local, or local alone.
func qualified(name xml.Name) string {
	if name.Space == "" {
		return name.Local
	}
	return name.Space + ":" + name.Local
}
