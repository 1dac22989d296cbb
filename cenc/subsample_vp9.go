package cenc

import (
	"fmt"
)

// VP9Mapper computes the subsample maps of the samples of one VP9 track.
// Inter frames may take their size from a reference frame, which decides
// the tile_info() syntax, so a mapper keeps the sizes of the 8 reference
// slots: use it from one goroutine, fed every sample of a decode sequence
// in decode order (starting at a key frame).
type VP9Mapper struct {
	refWidth [8]uint32
}

// NewVP9Mapper returns the mapper of a VP9 track.
func NewVP9Mapper() *VP9Mapper { return &VP9Mapper{} }

// vp9Frame is one frame of a VP9 sample: its byte range and the size of
// its uncompressed header (trailing bits included).
type vp9Frame struct {
	offset, size, header int
}

// Subsamples returns the map of one sample for scheme "cbcs" or "cenc",
// by the VP9 ISO binding and Shaka Packager: each frame of a superframe
// keeps its uncompressed header clear and protects the rest (compressed
// header and tiles), cut to a multiple of 16 bytes at its start for both
// schemes (Shaka does so for cbcs too, "for consistency"); the superframe
// index is clear.
func (m *VP9Mapper) Subsamples(sample []byte, scheme string) ([]Subsample, error) {
	if err := checkScheme(scheme); err != nil {
		return nil, err
	}
	frames, err := m.frames(sample)
	if err != nil {
		return nil, err
	}
	var b mapBuilder
	end := 0
	for _, f := range frames {
		b.add(f.header, f.size-f.header, "cenc")
		end = f.offset + f.size
	}
	b.addClear(len(sample) - end)
	return b.finish(len(sample))
}

// frames splits a sample into its frames (a superframe, VP9 Annex B, or
// one frame) and parses each uncompressed header.
func (m *VP9Mapper) frames(sample []byte) ([]vp9Frame, error) {
	if len(sample) == 0 {
		return nil, nil
	}
	sizes := []int{len(sample)}
	last := sample[len(sample)-1]
	if last&0xe0 == 0xc0 {
		n, w := int(last&7)+1, int(last>>3&3)+1
		index := 2 + n*w
		if index <= len(sample) && sample[len(sample)-index] == last {
			sizes = sizes[:0]
			total := index
			for i := 0; i < n; i++ {
				s := 0
				for j := w - 1; j >= 0; j-- {
					s = s<<8 | int(sample[len(sample)-index+1+i*w+j])
				}
				sizes = append(sizes, s)
				total += s
			}
			if total != len(sample) {
				return nil, fmt.Errorf("superframe index of %d frames gives %d bytes for a %d-byte sample", n, total, len(sample))
			}
		}
	}
	frames := make([]vp9Frame, 0, len(sizes))
	pos := 0
	for i, s := range sizes {
		if s == 0 {
			return nil, fmt.Errorf("frame %d at byte %d is empty", i, pos)
		}
		h, err := m.uncompressedHeader(sample[pos : pos+s])
		if err != nil {
			return nil, fmt.Errorf("frame %d at byte %d: %w", i, pos, err)
		}
		frames = append(frames, vp9Frame{pos, s, h})
		pos += s
	}
	return frames, nil
}

// uncompressedHeader parses uncompressed_header() and trailing_bits() (VP9
// bitstream specification 6.2) and returns their size in bytes; a
// show_existing_frame frame is all header.
func (m *VP9Mapper) uncompressedHeader(frame []byte) (int, error) {
	r := newBitReader(frame)
	if r.u(2) != 2 {
		return 0, fmt.Errorf("frame_marker is not 2")
	}
	low := r.u(1)
	profile := r.u(1)<<1 | low
	if profile == 3 {
		r.u(1) // reserved_zero
	}
	if r.flag() { // show_existing_frame
		r.u(3)
		if r.err != nil {
			return 0, r.err
		}
		return len(frame), nil
	}
	keyFrame := r.u(1) == 0
	show := r.flag()
	errorRes := r.flag()
	width := uint32(0)
	refresh := uint32(0xff)
	switch {
	case keyFrame:
		if err := vp9SyncCode(r); err != nil {
			return 0, err
		}
		vp9ColorConfig(r, profile)
		width = r.u(16) + 1
		r.u(16) // frame_height_minus_1
		vp9RenderSize(r)
	default:
		intraOnly := !show && r.flag()
		if !errorRes {
			r.u(2) // reset_frame_context
		}
		if intraOnly {
			if err := vp9SyncCode(r); err != nil {
				return 0, err
			}
			if profile > 0 {
				vp9ColorConfig(r, profile)
			}
			refresh = r.u(8)
			width = r.u(16) + 1
			r.u(16)
			vp9RenderSize(r)
			break
		}
		refresh = r.u(8)
		var idx [3]uint32
		for i := range idx {
			idx[i] = r.u(3) // ref_frame_idx
			r.u(1)          // ref_frame_sign_bias
		}
		for i := 0; i < 3 && width == 0; i++ {
			if r.flag() { // found_ref
				width = m.refWidth[idx[i]]
				if width == 0 {
					return 0, fmt.Errorf("frame size from reference slot %d, which holds no frame", idx[i])
				}
			}
		}
		if width == 0 {
			width = r.u(16) + 1
			r.u(16)
		}
		vp9RenderSize(r)
		r.u(1)         // allow_high_precision_mv
		if !r.flag() { // is_filter_switchable
			r.u(2) // raw_interpolation_filter
		}
	}
	if !errorRes {
		r.u(2) // refresh_frame_context, frame_parallel_decoding_mode
	}
	r.u(2) // frame_context_idx
	vp9LoopFilter(r)
	r.u(8) // base_q_idx
	for i := 0; i < 3; i++ {
		if r.flag() { // delta_coded
			r.u(5) // delta_q su(4)
		}
	}
	vp9Segmentation(r)
	vp9TileInfo(r, width)
	if r.u(16) == 0 && r.err == nil {
		return 0, fmt.Errorf("header_size_in_bytes is 0")
	}
	for !r.aligned() && r.err == nil {
		if r.flag() {
			return 0, fmt.Errorf("uncompressed header trailing_bits are not zero")
		}
	}
	if r.err != nil {
		return 0, fmt.Errorf("frame ends inside the uncompressed header")
	}
	for i := range m.refWidth {
		if refresh>>i&1 == 1 {
			m.refWidth[i] = width
		}
	}
	return r.bytesRead(), nil
}

// vp9SyncCode reads frame_sync_code.
func vp9SyncCode(r *rbspReader) error {
	if c := r.u(24); c != 0x498342 && r.err == nil {
		return fmt.Errorf("frame_sync_code %#06x is not 0x498342", c)
	}
	return nil
}

// vp9ColorConfig reads color_config().
func vp9ColorConfig(r *rbspReader, profile uint32) {
	if profile >= 2 {
		r.u(1) // ten_or_twelve_bit
	}
	rgb := r.u(3) == 7 // color_space == CS_RGB
	if !rgb {
		r.u(1) // color_range
	}
	if profile == 1 || profile == 3 {
		if !rgb {
			r.u(2) // subsampling_x, subsampling_y
		}
		r.u(1) // reserved_zero
	}
}

// vp9RenderSize reads render_size().
func vp9RenderSize(r *rbspReader) {
	if r.flag() {
		r.u(32)
	}
}

// vp9LoopFilter reads loop_filter_params().
func vp9LoopFilter(r *rbspReader) {
	r.u(9)         // loop_filter_level, loop_filter_sharpness
	if !r.flag() { // loop_filter_delta_enabled
		return
	}
	if r.flag() { // loop_filter_delta_update
		for i := 0; i < 6; i++ {
			if r.flag() {
				r.u(7) // su(6)
			}
		}
	}
}

// vp9Segmentation reads segmentation_params().
func vp9Segmentation(r *rbspReader) {
	if !r.flag() { // segmentation_enabled
		return
	}
	probs := func(n int) {
		for i := 0; i < n; i++ {
			if r.flag() { // prob_coded
				r.u(8)
			}
		}
	}
	if r.flag() { // segmentation_update_map
		probs(7)
		if r.flag() { // segmentation_temporal_update
			probs(3)
		}
	}
	if r.flag() { // segmentation_update_data
		r.u(1) // segmentation_abs_or_delta_update
		bits := [4]int{8, 6, 2, 0}
		signed := [4]bool{true, true, false, false}
		for i := 0; i < 8; i++ {
			for j := 0; j < 4; j++ {
				if r.flag() { // feature_enabled
					r.u(bits[j])
					if signed[j] {
						r.u(1)
					}
				}
			}
		}
	}
}

// vp9TileInfo reads tile_info() for a frame width in pixels.
func vp9TileInfo(r *rbspReader, width uint32) {
	sb64Cols := ((width+7)>>3 + 7) >> 3
	minLog2 := 0
	for 64<<minLog2 < sb64Cols {
		minLog2++
	}
	maxLog2 := 1
	for sb64Cols>>maxLog2 >= 4 {
		maxLog2++
	}
	maxLog2--
	for n := minLog2; n < maxLog2 && r.flag(); n++ { // increment_tile_cols_log2
	}
	if r.flag() { // tile_rows_log2
		r.u(1) // increment_tile_rows_log2
	}
}
