package cmaf

import (
	"io"

	"github.com/mp4pkg/mp4pkg/cmaf/dash"
	"github.com/mp4pkg/mp4pkg/cmaf/hls"
)

// Manifest file names (design/cli.md).
const (
	MPDName    = "manifest.mpd"
	MasterName = "master.m3u8"
)

// WriteManifests writes the DASH MPD and/or the HLS master, media and
// I-frame playlists of a packaged presentation to out.
func WriteManifests(out Output, res *Result, withDASH, withHLS bool) error {
	p := res.Presentation
	if withDASH {
		if err := writeFile(out, MPDName, res, func(w io.Writer) error { return dash.WriteMPD(w, p) }); err != nil {
			return err
		}
	}
	if !withHLS {
		return nil
	}
	if err := writeFile(out, MasterName, res, func(w io.Writer) error { return hls.WriteMaster(w, p) }); err != nil {
		return err
	}
	for _, r := range p.Representations {
		r := r
		if err := writeFile(out, hls.MediaPlaylistURI(r), res, func(w io.Writer) error { return hls.WriteMedia(w, r, p.Layout) }); err != nil {
			return err
		}
		if hls.HasIFramePlaylist(r) {
			if err := writeFile(out, hls.IFramePlaylistURI(r), res, func(w io.Writer) error { return hls.WriteIFrames(w, r, p.Layout) }); err != nil {
				return err
			}
		}
	}
	return nil
}
