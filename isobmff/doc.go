// Package isobmff is the safe boundary between untrusted MP4 (ISOBMFF) bytes
// and the rest of mp4pkg.
//
// [Open] scans a file through an [io.ReaderAt] without reading media data:
// it walks the top-level boxes (32-bit, 64-bit and size-0 headers, any number
// of mdat boxes before or after moov, fragments, sidx, mfra, styp, emsg, prft,
// files over 4 GiB), reads and checks moov and every moof, decodes them with
// github.com/Eyevinn/mp4ff behind a guard that turns any panic into an error,
// and summarises each track: codec string (RFC 6381), timing, sample and
// sync-sample counts, decoder, colour, HDR and encryption signals.
//
//	f, err := isobmff.Open(r, size)
//	if err != nil {
//		// err is a *BoxError naming the box path and byte offset;
//		// errors.Is(err, isobmff.ErrMalformed) or ErrUnsupported tells why.
//	}
//	for _, t := range f.Tracks {
//		fmt.Println(t.ID, t.Codec, t.SampleCount)
//	}
//
// Boxes the project writes itself go through [AppendBox], the one
// append-encode path; decoding any such box and appending it again gives the
// bytes it was read from.
package isobmff
