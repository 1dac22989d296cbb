package isobmff

// Limits on what a file may ask of the reader. Each is checked before
// anything is allocated, so that no input can make mp4pkg allocate more than
// a small multiple of these.
const (
	// MaxDepth is the deepest box nesting accepted.
	MaxDepth = 24
	// MaxMoovSize is the largest moov box read into memory (a moov of a
	// 24-hour 60 fps programme is well under this).
	MaxMoovSize = 256 << 20
	// MaxMoofSize is the largest moof box read into memory.
	MaxMoofSize = 64 << 20
	// MaxSmallBoxSize is the largest other box (sidx, mfra, emsg, …) read to
	// show its fields; larger ones are listed with their header only.
	MaxSmallBoxSize = 16 << 20
	// MaxBoxes is the largest number of boxes in one file's tree.
	MaxBoxes = 1 << 21
	// MaxEntries is the largest entry count accepted in any table (samples,
	// chunks, references), whatever the box size says.
	MaxEntries = 1 << 28
	// MaxSamples is the largest number of samples in one track (38 hours
	// at 60 frames per second); it bounds File.Samples to 256 MB.
	MaxSamples = 1 << 23
)
