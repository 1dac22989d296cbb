// Package dash writes the static MPEG-DASH manifest (MPD) of a packaged
// presentation described by a [manifest.Presentation].
//
// The packager fills the presentation while it writes segments, then:
//
//	var buf bytes.Buffer
//	if err := dash.WriteMPD(&buf, p); err != nil {
//		return err
//	}
//	// write buf.Bytes() to DIR/manifest.mpd
//
// Layout segments gives an isoff-live MPD: each Representation has a
// SegmentTemplate with a SegmentTimeline and $Number$ addressing. Layout
// single-file gives an isoff-on-demand MPD: each Representation has a
// BaseURL and a SegmentBase pointing at the file's sidx. URLs are copied
// from the Representation as they are (relative to the manifest folder).
//
// The output depends only on the presentation: no wall-clock time, map
// order or other state leaks into it, so two runs give the same bytes.
package dash
