package dash_test

import (
	"fmt"
	"os"

	"github.com/mp4pkg/mp4pkg/cmaf/dash"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// One audio track in three segments of 2 s, 2 s and 1 s.
func ExampleWriteMPD() {
	p := &manifest.Presentation{
		Layout: manifest.LayoutSegments,
		Representations: []*manifest.Representation{{
			ID: "audio-en", Kind: manifest.KindAudio, Codec: "mp4a.40.2", Language: "en",
			Timescale: 48000, Bandwidth: 131072, SampleRate: 48000, Channels: 2,
			InitURL: "audio-en/init.mp4", SegmentURL: "audio-en/seg-$Number%05d$.m4s", StartNumber: 1,
			Segments: []manifest.Segment{
				{Number: 1, Start: 0, Duration: 96000},
				{Number: 2, Start: 96000, Duration: 96000},
				{Number: 3, Start: 192000, Duration: 48000},
			},
		}},
	}
	if err := dash.WriteMPD(os.Stdout, p); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static" mediaPresentationDuration="PT5.000S" minBufferTime="PT2.000S">
	//   <Period id="0" start="PT0S">
	//     <AdaptationSet id="0" contentType="audio" mimeType="audio/mp4" lang="en" segmentAlignment="true" startWithSAP="1">
	//       <Representation id="audio-en" bandwidth="131072" codecs="mp4a.40.2" audioSamplingRate="48000">
	//         <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"></AudioChannelConfiguration>
	//         <SegmentTemplate timescale="48000" initialization="audio-en/init.mp4" media="audio-en/seg-$Number%05d$.m4s" startNumber="1">
	//           <SegmentTimeline>
	//             <S t="0" d="96000" r="1"></S>
	//             <S d="48000"></S>
	//           </SegmentTimeline>
	//         </SegmentTemplate>
	//       </Representation>
	//     </AdaptationSet>
	//   </Period>
	// </MPD>
}
