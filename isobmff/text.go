package isobmff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText writes f as an indented box tree (type, offset, size, key
// fields) followed by a track summary, for people to read.
func (f *File) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if f.Name != "" {
		fmt.Fprintf(bw, "file %s (%d bytes)\n", f.Name, f.Size)
	} else {
		fmt.Fprintf(bw, "file (%d bytes)\n", f.Size)
	}
	var tree func(bs []*Box, depth int)
	tree = func(bs []*Box, depth int) {
		for _, b := range bs {
			ind := strings.Repeat("  ", depth)
			line := fmt.Sprintf("%s%-*s @%-9d size %-9d%s", ind, 10-2*min(depth, 4), typeName(b.Type), b.Offset, b.Size, fieldText(b.Fields))
			fmt.Fprintln(bw, strings.TrimRight(line, " "))
			tree(b.Children, depth+1)
		}
	}
	tree(f.Boxes, 0)
	if len(f.Tracks) > 0 {
		fmt.Fprintln(bw, "tracks:")
	}
	for _, t := range f.Tracks {
		fmt.Fprintf(bw, "  track %d %s %s", t.ID, t.Handler, t.Codec)
		if t.Width > 0 {
			fmt.Fprintf(bw, " %dx%d", t.Width, t.Height)
		}
		if t.BitDepth > 0 {
			fmt.Fprintf(bw, " %d-bit", t.BitDepth)
		}
		if t.Channels > 0 {
			fmt.Fprintf(bw, " %dch", t.Channels)
		}
		if t.SampleRate > 0 {
			fmt.Fprintf(bw, " %dHz", t.SampleRate)
		}
		fmt.Fprintf(bw, " timescale %d duration %d (%.3fs) samples %d sync %d", t.Timescale, t.Duration, t.Seconds, t.SampleCount, t.SyncSampleCount)
		if t.Language != "" {
			fmt.Fprintf(bw, " lang %s", t.Language)
		}
		fmt.Fprintln(bw)
		if c := t.Colour; c != nil {
			fmt.Fprintf(bw, "    colour primaries %d transfer %d matrix %d fullRange %t\n", c.Primaries, c.Transfer, c.Matrix, c.FullRange)
		}
		if h := t.HDR; h != nil {
			if m := h.Mdcv; m != nil {
				fmt.Fprintf(bw, "    mdcv primaries x%v y%v white %d,%d luminance %d..%d\n", m.DisplayPrimariesX, m.DisplayPrimariesY, m.WhitePointX, m.WhitePointY, m.MinLuminance, m.MaxLuminance)
			}
			if c := h.Clli; c != nil {
				fmt.Fprintf(bw, "    clli maxCLL %d maxFALL %d\n", c.MaxCLL, c.MaxFALL)
			}
		}
		if t.PixelAspect != "" {
			fmt.Fprintf(bw, "    pixel aspect %s\n", t.PixelAspect)
		}
		for _, e := range t.EditList {
			fmt.Fprintf(bw, "    edit segmentDuration %d mediaTime %d rate %d\n", e.SegmentDuration, e.MediaTime, e.MediaRate)
		}
		if e := t.Encryption; e != nil {
			fmt.Fprintf(bw, "    encryption %s kid %s", e.Scheme, e.KID)
			if e.Pattern != "" {
				fmt.Fprintf(bw, " pattern %s", e.Pattern)
			}
			if e.ConstantIV != "" {
				fmt.Fprintf(bw, " constantIV %s", e.ConstantIV)
			}
			fmt.Fprintf(bw, " perSampleIVSize %d\n", e.PerSampleIVSize)
		}
	}
	if fr := f.Fragments; fr != nil {
		fmt.Fprintf(bw, "fragments: %d\n", fr.Count)
		for _, t := range fr.Tracks {
			fmt.Fprintf(bw, "  track %d fragments %d samples %d sync %d duration %d firstDecodeTime %d\n", t.ID, t.Fragments, t.SampleCount, t.SyncSampleCount, t.Duration, t.FirstDecodeTime)
		}
	}
	for _, s := range f.Sidx {
		fmt.Fprintf(bw, "sidx @%d reference %d timescale %d earliestPresentationTime %d references %d duration %d\n", s.Offset, s.ReferenceID, s.Timescale, s.EarliestPresentationTime, s.ReferenceCount, s.Duration)
	}
	return bw.Flush()
}

// fieldText renders display fields as sorted key=value pairs.
func fieldText(m map[string]any) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		v := m[k]
		var s string
		switch x := v.(type) {
		case string:
			s = x
			if strings.ContainsAny(s, " \t\n\"") || s == "" {
				s = fmt.Sprintf("%q", s)
			}
		case []string:
			s = strings.Join(x, ",")
		default:
			b, _ := json.Marshal(x)
			s = string(b)
		}
		sb.WriteString(" " + k + "=" + s)
	}
	return sb.String()
}
