package hls_test

import (
	"fmt"
	"os"

	"github.com/mp4pkg/mp4pkg/cmaf/hls"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// A video ladder of one rendition with English audio, in layout segments.
func ExampleWriteMaster() {
	segs := []manifest.Segment{{Number: 1, Duration: 4000, Size: 900000, IFrame: manifest.ByteRange{Last: 99999}}}
	p := &manifest.Presentation{
		Layout: manifest.LayoutSegments,
		Representations: []*manifest.Representation{
			{ID: "video-720p", Kind: manifest.KindVideo, Codec: "avc1.64001f", Timescale: 1000,
				Bandwidth: 1800000, AverageBandwidth: 1500000, Width: 1280, Height: 720, FrameRate: "30000/1001",
				Segments: segs},
			{ID: "audio-en", Kind: manifest.KindAudio, Codec: "mp4a.40.2", Language: "en", Channels: 2,
				Timescale: 1000, Bandwidth: 130000, AverageBandwidth: 128000, Segments: segs},
		},
	}
	if err := hls.WriteMaster(os.Stdout, p); err != nil {
		fmt.Println(err)
	}
	// Output:
	// #EXTM3U
	// #EXT-X-VERSION:6
	// #EXT-X-INDEPENDENT-SEGMENTS
	// #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio-en",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio-en/playlist.m3u8"
	// #EXT-X-STREAM-INF:BANDWIDTH=1930000,AVERAGE-BANDWIDTH=1628000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="audio"
	// video-720p/playlist.m3u8
	// #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=200000,AVERAGE-BANDWIDTH=200000,CODECS="avc1.64001f",RESOLUTION=1280x720,URI="video-720p/iframes.m3u8"
}

// ExampleWriteMedia: a single-file track, so every segment is a byte range
// of ../audio-en.mp4 as seen from audio-en/playlist.m3u8.
func ExampleWriteMedia() {
	r := &manifest.Representation{
		ID: "audio-en", Kind: manifest.KindAudio, Codec: "mp4a.40.2", Timescale: 48000, Bandwidth: 131072,
		FileURL: "audio-en.mp4", InitRange: manifest.ByteRange{First: 0, Last: 699}, IndexRange: manifest.ByteRange{First: 700, Last: 767},
		Segments: []manifest.Segment{
			{Number: 1, Start: 0, Duration: 96256, Size: 32000, Offset: 768},
			{Number: 2, Start: 96256, Duration: 95744, Size: 31000, Offset: 32768},
		},
	}
	if err := hls.WriteMedia(os.Stdout, r, manifest.LayoutSingleFile); err != nil {
		fmt.Println(err)
	}
	// Output:
	// #EXTM3U
	// #EXT-X-VERSION:6
	// #EXT-X-TARGETDURATION:3
	// #EXT-X-MEDIA-SEQUENCE:1
	// #EXT-X-PLAYLIST-TYPE:VOD
	// #EXT-X-MAP:URI="../audio-en.mp4",BYTERANGE="700@0"
	// #EXTINF:2.005333,
	// #EXT-X-BYTERANGE:32000@768
	// ../audio-en.mp4
	// #EXTINF:1.994667,
	// #EXT-X-BYTERANGE:31000@32768
	// ../audio-en.mp4
	// #EXT-X-ENDLIST
}
