package cenc

import (
	"fmt"
	"math/bits"

	"github.com/Eyevinn/mp4ff/avc"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// H.264 NAL unit types with a slice header that cbcs and cenc encrypt
// (ITU-T H.264 Table 7-1), and slice types (7.4.3, slice_type % 5).
const (
	avcNonIDR = 1
	avcIDR    = 5
	avcSliceP = 0
	avcSliceB = 1
	avcSliceI = 2
	avcSP     = 3
	avcSI     = 4
)

// avcParams are the parameter sets an H.264 slice header refers to.
type avcParams struct {
	sps map[uint32]*avc.SPS
	pps map[uint32]*avc.PPS
}

// avcSliceHeaderSize parses the slice header of an H.264 coded slice NAL
// unit (type 1 or 5, H.264 7.3.3) and returns its size in bytes, NAL unit
// header and emulation prevention bytes included. For CABAC streams the
// size runs to the end of the cabac_alignment_one_bits (the byte boundary
// where slice data starts); for CAVLC streams it is rounded up to the byte
// holding the last header bit, which slice data shares. These are the bytes
// cbcs and cenc leave in the clear (Shaka Packager, Bento4 and mp4ff agree).
// Every count read is checked against the standard's range before it is
// used.
func avcSliceHeaderSize(nalu []byte, ps avcParams) (int, error) {
	if len(nalu) < 2 {
		return 0, fmt.Errorf("H.264 NAL unit of %d bytes has no slice header", len(nalu))
	}
	r := newRBSPReader(nalu)
	hdr := r.u(8)
	naluType, refIdc := hdr&0x1f, (hdr>>5)&3
	if naluType != avcNonIDR && naluType != avcIDR {
		return 0, fmt.Errorf("H.264 NAL unit type %d is not a coded slice (1 or 5)", naluType)
	}
	r.ue() // first_mb_in_slice
	sliceType := r.ue()
	if sliceType > 9 {
		return 0, fmt.Errorf("slice_type %d exceeds 9", sliceType)
	}
	sliceType %= 5
	ppsID := r.ue()
	if r.err != nil {
		return 0, r.err
	}
	pps := ps.pps[ppsID]
	if pps == nil {
		return 0, fmt.Errorf("slice refers to unknown PPS %d", ppsID)
	}
	sps := ps.sps[pps.SeqParameterSetID]
	if sps == nil {
		return 0, fmt.Errorf("PPS %d refers to unknown SPS %d", ppsID, pps.SeqParameterSetID)
	}
	if sps.Log2MaxFrameNumMinus4 > 12 || sps.Log2MaxPicOrderCntLsbMinus4 > 12 || sps.PicOrderCntType > 2 {
		return 0, fmt.Errorf("SPS %d: log2_max_frame_num_minus4 %d, log2_max_pic_order_cnt_lsb_minus4 %d or pic_order_cnt_type %d out of range",
			sps.ParameterID, sps.Log2MaxFrameNumMinus4, sps.Log2MaxPicOrderCntLsbMinus4, sps.PicOrderCntType)
	}
	if sps.SeparateColourPlaneFlag {
		r.u(2) // colour_plane_id
	}
	r.u(int(sps.Log2MaxFrameNumMinus4) + 4) // frame_num
	field := false
	if !sps.FrameMbsOnlyFlag {
		field = r.flag()
		if field {
			r.flag() // bottom_field_flag
		}
	}
	if naluType == avcIDR {
		r.ue() // idr_pic_id
	}
	switch {
	case sps.PicOrderCntType == 0:
		r.u(int(sps.Log2MaxPicOrderCntLsbMinus4) + 4) // pic_order_cnt_lsb
		if pps.BottomFieldPicOrderInFramePresentFlag && !field {
			r.se() // delta_pic_order_cnt_bottom
		}
	case sps.PicOrderCntType == 1 && !sps.DeltaPicOrderAlwaysZeroFlag:
		r.se() // delta_pic_order_cnt[0]
		if pps.BottomFieldPicOrderInFramePresentFlag && !field {
			r.se() // delta_pic_order_cnt[1]
		}
	}
	if pps.RedundantPicCntPresentFlag {
		r.ue() // redundant_pic_cnt
	}
	if sliceType == avcSliceB {
		r.flag() // direct_spatial_mv_pred_flag
	}
	l0, l1 := uint32(pps.NumRefIdxI0DefaultActiveMinus1), uint32(pps.NumRefIdxI1DefaultActiveMinus1)
	if sliceType == avcSliceP || sliceType == avcSP || sliceType == avcSliceB {
		if r.flag() { // num_ref_idx_active_override_flag
			l0 = r.ue()
			if sliceType == avcSliceB {
				l1 = r.ue()
			}
		}
	}
	if l0 > 31 || l1 > 31 {
		return 0, fmt.Errorf("num_ref_idx_active_minus1 %d/%d exceeds 31", l0, l1)
	}
	if sliceType != avcSliceI && sliceType != avcSI {
		if err := avcRefPicListModification(r, l0); err != nil {
			return 0, err
		}
	}
	if sliceType == avcSliceB {
		if err := avcRefPicListModification(r, l1); err != nil {
			return 0, err
		}
	}
	if (pps.WeightedPredFlag && (sliceType == avcSliceP || sliceType == avcSP)) ||
		(pps.WeightedBipredIDC == 1 && sliceType == avcSliceB) {
		avcPredWeightTable(r, sliceType, l0, l1, sps.ChromaArrayType() != 0)
	}
	if refIdc != 0 {
		if err := avcDecRefPicMarking(r, naluType == avcIDR); err != nil {
			return 0, err
		}
	}
	if pps.EntropyCodingModeFlag && sliceType != avcSliceI && sliceType != avcSI {
		if idc := r.ue(); idc > 2 {
			return 0, fmt.Errorf("cabac_init_idc %d exceeds 2", idc)
		}
	}
	r.se() // slice_qp_delta
	if sliceType == avcSP || sliceType == avcSI {
		if sliceType == avcSP {
			r.flag() // sp_for_switch_flag
		}
		r.se() // slice_qs_delta
	}
	if pps.DeblockingFilterControlPresentFlag {
		idc := r.ue()
		if idc > 2 {
			return 0, fmt.Errorf("disable_deblocking_filter_idc %d exceeds 2", idc)
		}
		if idc != 1 {
			r.se() // slice_alpha_c0_offset_div2
			r.se() // slice_beta_offset_div2
		}
	}
	if pps.NumSliceGroupsMinus1 > 0 && pps.SliceGroupMapType >= 3 && pps.SliceGroupMapType <= 5 {
		n, err := avcSliceGroupChangeCycleBits(sps, pps)
		if err != nil {
			return 0, err
		}
		r.u(n) // slice_group_change_cycle
	}
	if r.err != nil {
		return 0, r.err
	}
	if pps.EntropyCodingModeFlag {
		for !r.aligned() {
			if !r.flag() {
				if r.err != nil {
					return 0, r.err
				}
				return 0, fmt.Errorf("cabac_alignment_one_bit is zero")
			}
		}
	}
	return r.bytesRead(), nil
}

// avcRefPicListModification reads one list of ref_pic_list_modification()
// (H.264 7.3.3.1) for a list of n+1 active references.
func avcRefPicListModification(r *rbspReader, n uint32) error {
	if !r.flag() { // ref_pic_list_modification_flag_lX
		return r.err
	}
	for i := uint32(0); ; i++ {
		idc := r.ue() // modification_of_pic_nums_idc
		if r.err != nil {
			return r.err
		}
		switch {
		case idc == 3:
			return nil
		case idc > 3:
			return fmt.Errorf("modification_of_pic_nums_idc %d exceeds 3", idc)
		case i > n:
			return fmt.Errorf("more than %d reference picture list modifications", n+1)
		}
		r.ue() // abs_diff_pic_num_minus1 or long_term_pic_num
	}
}

// avcPredWeightTable reads pred_weight_table() (H.264 7.3.3.2).
func avcPredWeightTable(r *rbspReader, sliceType, l0, l1 uint32, chroma bool) {
	r.ue() // luma_log2_weight_denom
	if chroma {
		r.ue() // chroma_log2_weight_denom
	}
	list := func(n uint32) {
		for i := uint32(0); i <= n && r.err == nil; i++ {
			if r.flag() { // luma_weight_lX_flag
				r.se()
				r.se()
			}
			if chroma && r.flag() { // chroma_weight_lX_flag
				for j := 0; j < 4; j++ {
					r.se()
				}
			}
		}
	}
	list(l0)
	if sliceType == avcSliceB {
		list(l1)
	}
}

// avcDecRefPicMarking reads dec_ref_pic_marking() (H.264 7.3.3.3).
func avcDecRefPicMarking(r *rbspReader, idr bool) error {
	if idr {
		r.flag() // no_output_of_prior_pics_flag
		r.flag() // long_term_reference_flag
		return r.err
	}
	if !r.flag() { // adaptive_ref_pic_marking_mode_flag
		return r.err
	}
	for r.err == nil {
		op := r.ue() // memory_management_control_operation
		if op > 6 {
			return fmt.Errorf("memory_management_control_operation %d exceeds 6", op)
		}
		if op == 0 {
			break
		}
		if op == 1 || op == 3 {
			r.ue() // difference_of_pic_nums_minus1
		}
		if op == 2 {
			r.ue() // long_term_pic_num
		}
		if op == 3 || op == 6 {
			r.ue() // long_term_frame_idx
		}
		if op == 4 {
			r.ue() // max_long_term_frame_idx_plus1
		}
	}
	return r.err
}

// avcSliceGroupChangeCycleBits is the length of slice_group_change_cycle:
// Ceil(Log2(PicSizeInMapUnits ÷ SliceGroupChangeRate + 1)) (H.264 7.4.3).
// mp4ff's SPS keeps the cropped picture size only, so the size in
// macroblocks is rebuilt from it and the cropping offsets (7.4.2.1.1).
func avcSliceGroupChangeCycleBits(sps *avc.SPS, pps *avc.PPS) (int, error) {
	cropX, cropY := uint(1), uint(1)
	if !sps.FrameMbsOnlyFlag {
		cropY = 2
	}
	if cat := sps.ChromaArrayType(); cat == 1 || cat == 2 {
		cropX = 2
		if cat == 1 {
			cropY *= 2
		}
	}
	width := sps.Width + (sps.FrameCropLeftOffset+sps.FrameCropRightOffset)*cropX
	height := sps.Height + (sps.FrameCropTopOffset+sps.FrameCropBottomOffset)*cropY
	mapUnitRows := height / 16
	if !sps.FrameMbsOnlyFlag {
		mapUnitRows /= 2
	}
	size := (width / 16) * mapUnitRows
	rate := pps.SliceGroupChangeRateMinus1 + 1
	if size == 0 || size > 1<<20 || rate > size {
		return 0, fmt.Errorf("slice group change rate %d for %d map units out of range", rate, size)
	}
	n := size/rate + 1 // Ceil(Log2(n))
	return bits.Len(n - 1), nil
}

// add parses an SPS or PPS NAL unit into ps; other NAL units are ignored.
// mp4ff parses them, behind isobmff.Guard as every mp4ff call on input.
func (ps avcParams) add(nalu []byte) error {
	if len(nalu) == 0 {
		return nil
	}
	return isobmff.Guard("avc parameter set", 0, func() error {
		switch avc.GetNaluType(nalu[0]) {
		case avc.NALU_SPS:
			sps, err := avc.ParseSPSNALUnit(nalu, false)
			if err != nil {
				return fmt.Errorf("SPS: %w", err)
			}
			ps.sps[sps.ParameterID] = sps
		case avc.NALU_PPS:
			pps, err := avc.ParsePPSNALUnit(nalu, ps.sps)
			if err != nil {
				return fmt.Errorf("PPS: %w", err)
			}
			ps.pps[pps.PicParameterSetID] = pps
		}
		return nil
	})
}
