// Package hls writes the HLS playlists of a packaged presentation described
// by a [manifest.Presentation]: the master playlist, one media playlist per
// representation and an I-frame playlist per video representation.
//
// The packager fills the presentation while it writes segments, then:
//
//	write("master.m3u8", func(w io.Writer) error { return hls.WriteMaster(w, p) })
//	for _, r := range p.Representations {
//		write(hls.MediaPlaylistURI(r), func(w io.Writer) error { return hls.WriteMedia(w, r, p.Layout) })
//		if hls.HasIFramePlaylist(r) {
//			write(hls.IFramePlaylistURI(r), func(w io.Writer) error { return hls.WriteIFrames(w, r, p.Layout) })
//		}
//	}
//
// where write creates DIR/<name> (and its folder).
//
// # Where playlists live
//
// The master playlist is DIR/master.m3u8. The media playlists live in the
// representation's folder for both layouts: DIR/<ID>/playlist.m3u8 and
// DIR/<ID>/iframes.m3u8 ([MediaPlaylistURI], [IFramePlaylistURI], which are
// also the URIs the master uses). Every URL in a Representation (InitURL,
// SegmentURL, FileURL) is relative to DIR, so a media playlist refers to it
// relative to DIR/<ID>/: "video-1080p/init.mp4" becomes "init.mp4" and the
// single file "video-1080p.mp4" becomes "../video-1080p.mp4". Absolute URLs
// are kept as they are. Segment URIs come from the DASH-style SegmentURL
// template ($RepresentationID$, $Number$, $Bandwidth$, $Time$, with an
// optional %0Nd width).
//
// # Versions
//
// Media playlists declare EXT-X-VERSION 6 (EXT-X-MAP outside an I-frame
// playlist, RFC 8216 section 7), I-frame playlists 5 (EXT-X-MAP in an
// I-frame playlist, KEYFORMAT), and the master 6, the highest version of
// the playlists it lists.
//
// Every writer checks its input before writing anything; on an error w is
// left untouched. The output depends only on the input, so two runs give
// the same bytes.
package hls
