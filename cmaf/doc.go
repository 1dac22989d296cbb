// Package cmaf turns MP4 tracks into CMAF: init segments that carry every
// decoder signal of the input unchanged, media segments (styp + sidx + moof
// + mdat) that start at sync samples aligned across tracks and renditions,
// random-access indexes (a sidx per segment file, or one top-level sidx and
// an mfra in single-file layout), and the data the DASH and HLS writers need.
//
//	inputs, err := cmaf.OpenInputs("in-1080p.mp4", "in-720p.mp4")
//	...
//	p, err := cmaf.Package(ctx, cmaf.DirOutput(tmpDir), inputs, cmaf.Options{SegmentDuration: 4 * time.Second})
//
// Memory is bounded by the largest segment: sample bytes are read one
// segment at a time, with large reads, from the inputs' io.ReaderAt.
package cmaf
