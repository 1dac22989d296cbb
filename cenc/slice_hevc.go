package cenc

import (
	"fmt"
	"math/bits"

	"github.com/Eyevinn/mp4ff/hevc"
)

// HEVC NAL unit types that matter to the slice header (ITU-T H.265 Table 7-1).
const (
	hevcBLAWLP    = 16
	hevcIDRWRADL  = 19
	hevcIDRNLP    = 20
	hevcRsvIRAP23 = 23
	hevcSliceB    = 0
	hevcSliceP    = 1
)

// hevcParams are the parameter sets a slice header refers to.
type hevcParams struct {
	sps map[uint32]*hevc.SPS
	pps map[uint32]*hevc.PPS
}

// ceilLog2 is Ceil(Log2(n)) for n ≥ 1.
func ceilLog2(n uint32) int {
	if n <= 1 {
		return 0
	}
	return bits.Len32(n - 1)
}

// hevcSliceHeaderSize parses the slice segment header of an HEVC VCL NAL
// unit (H.265 7.3.6.1) and returns its size in bytes, NAL unit header and
// emulation prevention bytes included, up to the end of byte_alignment():
// the bytes that cbcs and cenc leave in the clear. Every count read is
// checked against the standard's range and the bits left before it is used.
func hevcSliceHeaderSize(nalu []byte, ps hevcParams) (int, error) {
	if len(nalu) < 3 {
		return 0, fmt.Errorf("HEVC NAL unit of %d bytes has no slice header", len(nalu))
	}
	r := newRBSPReader(nalu)
	naluType := (r.u(16) >> 9) & 0x3f
	first := r.flag()
	if naluType >= hevcBLAWLP && naluType <= hevcRsvIRAP23 {
		r.flag() // no_output_of_prior_pics_flag
	}
	ppsID := r.ue()
	pps := ps.pps[ppsID]
	if pps == nil {
		return 0, fmt.Errorf("slice refers to unknown PPS %d", ppsID)
	}
	sps := ps.sps[pps.SeqParameterSetID]
	if sps == nil {
		return 0, fmt.Errorf("PPS %d refers to unknown SPS %d", ppsID, pps.SeqParameterSetID)
	}
	ctbLog2 := int(sps.Log2MinLumaCodingBlockSizeMinus3) + 3 + int(sps.Log2DiffMaxMinLumaCodingBlockSize)
	if ctbLog2 < 4 || ctbLog2 > 6 || sps.PicWidthInLumaSamples == 0 || sps.PicHeightInLumaSamples == 0 {
		return 0, fmt.Errorf("SPS %d: CTB size 2^%d or picture size %dx%d out of range", sps.SpsID, ctbLog2, sps.PicWidthInLumaSamples, sps.PicHeightInLumaSamples)
	}
	ctb := uint32(1) << ctbLog2
	widthCtbs := (sps.PicWidthInLumaSamples + ctb - 1) / ctb
	heightCtbs := (sps.PicHeightInLumaSamples + ctb - 1) / ctb
	picSizeCtbs := widthCtbs * heightCtbs

	dependent := false
	if !first {
		if pps.DependentSliceSegmentsEnabledFlag {
			dependent = r.flag()
		}
		r.u(ceilLog2(picSizeCtbs)) // slice_segment_address
	}
	if !dependent {
		if err := hevcIndependentHeader(r, naluType, sps, pps); err != nil {
			return 0, err
		}
	}
	if pps.TilesEnabledFlag || pps.EntropyCodingSyncEnabledFlag {
		n := r.ue() // num_entry_point_offsets
		maxN := picSizeCtbs
		if pps.TilesEnabledFlag && !pps.EntropyCodingSyncEnabledFlag {
			maxN = uint32((pps.NumTileColumnsMinus1 + 1) * (pps.NumTileRowsMinus1 + 1))
		} else if !pps.TilesEnabledFlag {
			maxN = heightCtbs
		}
		if n >= maxN && n > 0 {
			return 0, fmt.Errorf("num_entry_point_offsets %d exceeds the %d the picture allows", n, maxN-1)
		}
		if n > 0 {
			offLen := int(r.ue()) + 1
			if offLen > 32 {
				return 0, fmt.Errorf("offset_len_minus1 %d exceeds 31", offLen-1)
			}
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.u(offLen)
			}
		}
	}
	if pps.SliceSegmentHeaderExtensionPresentFlag {
		n := r.ue()
		if n > 256 {
			return 0, fmt.Errorf("slice_segment_header_extension_length %d exceeds 256", n)
		}
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.u(8)
		}
	}
	if !r.flag() { // alignment_bit_equal_to_one
		if r.err != nil {
			return 0, r.err
		}
		return 0, fmt.Errorf("slice header byte_alignment() does not start with a one bit")
	}
	for !r.aligned() && r.err == nil {
		if r.flag() {
			return 0, fmt.Errorf("slice header byte_alignment() has a one bit after the first")
		}
	}
	if r.err != nil {
		return 0, r.err
	}
	return r.bytesRead(), nil
}

// hevcIndependentHeader reads the part of the slice segment header that
// dependent slice segments inherit.
func hevcIndependentHeader(r *rbspReader, naluType uint32, sps *hevc.SPS, pps *hevc.PPS) error {
	chromaArrayType := sps.ChromaFormatIDC
	if sps.SeparateColourPlaneFlag {
		chromaArrayType = 0
	}
	r.u(int(pps.NumExtraSliceHeaderBits)) // slice_reserved_flag[i]
	sliceType := r.ue()
	if sliceType > 2 {
		return fmt.Errorf("slice_type %d is not B, P or I", sliceType)
	}
	if pps.OutputFlagPresentFlag {
		r.flag()
	}
	if sps.SeparateColourPlaneFlag {
		r.u(2)
	}
	numPicTotalCurr := 0
	temporalMVP := false
	if naluType != hevcIDRWRADL && naluType != hevcIDRNLP {
		r.u(int(sps.Log2MaxPicOrderCntLsbMinus4) + 4) // slice_pic_order_cnt_lsb
		if !r.flag() {                                // short_term_ref_pic_set_sps_flag
			n, err := hevcSliceRPS(r, sps)
			if err != nil {
				return err
			}
			numPicTotalCurr += n
		} else {
			idx := uint32(0)
			if sps.NumShortTermRefPicSets > 1 {
				idx = r.u(ceilLog2(uint32(sps.NumShortTermRefPicSets)))
			}
			if int(idx) >= len(sps.ShortTermRefPicSets) {
				return fmt.Errorf("short_term_ref_pic_set_idx %d exceeds the %d sets of the SPS", idx, len(sps.ShortTermRefPicSets))
			}
			st := sps.ShortTermRefPicSets[idx]
			for _, u := range append(append([]bool{}, st.UsedByCurrPicS0...), st.UsedByCurrPicS1...) {
				if u {
					numPicTotalCurr++
				}
			}
		}
		if sps.LongTermRefPicsPresentFlag {
			numSps := uint32(0)
			if sps.NumLongTermRefPics > 0 {
				numSps = r.ue()
				if numSps > uint32(sps.NumLongTermRefPics) {
					return fmt.Errorf("num_long_term_sps %d exceeds num_long_term_ref_pics_sps %d", numSps, sps.NumLongTermRefPics)
				}
			}
			numPics := r.ue()
			if numSps+numPics > 32 {
				return fmt.Errorf("%d long-term reference pictures exceed 32", numSps+numPics)
			}
			for i := uint32(0); i < numSps+numPics && r.err == nil; i++ {
				used := false
				if i < numSps {
					idx := uint32(0)
					if sps.NumLongTermRefPics > 1 {
						idx = r.u(ceilLog2(uint32(sps.NumLongTermRefPics)))
					}
					if int(idx) < len(sps.LongTermRefPicSets) {
						used = sps.LongTermRefPicSets[idx].UsedByCurrPicLtFlag
					}
				} else {
					r.u(int(sps.Log2MaxPicOrderCntLsbMinus4) + 4) // poc_lsb_lt
					used = r.flag()
				}
				if used {
					numPicTotalCurr++
				}
				if r.flag() { // delta_poc_msb_present_flag
					r.ue()
				}
			}
		}
		if sps.SpsTemporalMvpEnabledFlag {
			temporalMVP = r.flag()
		}
	}
	sao := false
	if sps.SampleAdaptiveOffsetEnabledFlag {
		sao = r.flag() // slice_sao_luma_flag
		if chromaArrayType != 0 {
			sao = r.flag() || sao // slice_sao_chroma_flag
		}
	}
	if sliceType == hevcSliceP || sliceType == hevcSliceB {
		l0, l1 := uint32(pps.NumRefIdxL0DefaultActiveMinus1), uint32(pps.NumRefIdxL1DefaultActiveMinus1)
		if r.flag() { // num_ref_idx_active_override_flag
			l0 = r.ue()
			if sliceType == hevcSliceB {
				l1 = r.ue()
			}
		}
		if l0 > 14 || l1 > 14 {
			return fmt.Errorf("num_ref_idx_active_minus1 %d/%d exceeds 14", l0, l1)
		}
		if pps.SccExtension != nil && pps.SccExtension.CurrPicRefEnabledFlag {
			numPicTotalCurr++
		}
		if pps.ListsModificationPresentFlag && numPicTotalCurr > 1 {
			n := ceilLog2(uint32(numPicTotalCurr))
			if r.flag() {
				r.u(n * int(l0+1))
			}
			if sliceType == hevcSliceB && r.flag() {
				r.u(n * int(l1+1))
			}
		}
		if sliceType == hevcSliceB {
			r.flag() // mvd_l1_zero_flag
		}
		if pps.CabacInitPresentFlag {
			r.flag()
		}
		if temporalMVP {
			fromL0 := true
			if sliceType == hevcSliceB {
				fromL0 = r.flag()
			}
			if (fromL0 && l0 > 0) || (!fromL0 && l1 > 0) {
				r.ue() // collocated_ref_idx
			}
		}
		if (pps.WeightedPredFlag && sliceType == hevcSliceP) || (pps.WeightedBipredFlag && sliceType == hevcSliceB) {
			hevcPredWeightTable(r, sliceType, l0, l1, chromaArrayType != 0)
		}
		r.ue() // five_minus_max_num_merge_cand
		if sps.SccExtension != nil && sps.SccExtension.MotionVectorResolutionControlIdc == 2 {
			r.flag()
		}
	}
	r.se() // slice_qp_delta
	if pps.SliceChromaQpOffsetsPresentFlag {
		r.se()
		r.se()
	}
	if pps.SccExtension != nil && pps.SccExtension.SliceActQpOffsetsPresentFlag {
		r.se()
		r.se()
		r.se()
	}
	if pps.RangeExtension != nil && pps.RangeExtension.ChromaQpOffsetListEnabledFlag {
		r.flag()
	}
	override := false
	if pps.DeblockingFilterOverrideEnabledFlag {
		override = r.flag()
	}
	disabled := pps.DeblockingFilterDisabledFlag
	if override {
		disabled = r.flag()
		if !disabled {
			r.se()
			r.se()
		}
	}
	if pps.LoopFilterAcrossSlicesEnabledFlag && (sao || !disabled) {
		r.flag()
	}
	return r.err
}

// hevcSliceRPS reads st_ref_pic_set(num_short_term_ref_pic_sets) in a slice
// header and returns how many of its pictures the current picture uses.
func hevcSliceRPS(r *rbspReader, sps *hevc.SPS) (int, error) {
	idx := int(sps.NumShortTermRefPicSets)
	used := 0
	if idx > 0 && r.flag() { // inter_ref_pic_set_prediction_flag
		delta := int(r.ue()) + 1
		if delta > idx {
			return 0, fmt.Errorf("delta_idx_minus1 %d points before the first RPS", delta-1)
		}
		r.flag() // delta_rps_sign
		r.ue()   // abs_delta_rps_minus1
		ref := idx - delta
		if ref >= len(sps.ShortTermRefPicSets) {
			return 0, fmt.Errorf("RPS %d is not in the SPS", ref)
		}
		for j := 0; j <= int(sps.ShortTermRefPicSets[ref].NumDeltaPocs) && r.err == nil; j++ {
			if r.flag() { // used_by_curr_pic_flag
				used++
			} else {
				r.flag() // use_delta_flag
			}
		}
		return used, r.err
	}
	neg, pos := r.ue(), r.ue()
	if neg > 16 || pos > 16 {
		return 0, fmt.Errorf("short-term RPS with %d negative and %d positive pictures exceeds 16", neg, pos)
	}
	for i := uint32(0); i < neg+pos && r.err == nil; i++ {
		r.ue() // delta_poc_sX_minus1
		if r.flag() {
			used++
		}
	}
	return used, r.err
}

// hevcPredWeightTable reads pred_weight_table() (H.265 7.3.6.3) for a
// single-layer stream.
func hevcPredWeightTable(r *rbspReader, sliceType, l0, l1 uint32, chroma bool) {
	r.ue() // luma_log2_weight_denom
	if chroma {
		r.se() // delta_chroma_log2_weight_denom
	}
	list := func(n uint32) {
		luma := make([]bool, n+1)
		chr := make([]bool, n+1)
		for i := range luma {
			luma[i] = r.flag()
		}
		if chroma {
			for i := range chr {
				chr[i] = r.flag()
			}
		}
		for i := range luma {
			if luma[i] {
				r.se()
				r.se()
			}
			if chr[i] {
				for j := 0; j < 4; j++ {
					r.se()
				}
			}
		}
	}
	list(l0)
	if sliceType == hevcSliceB {
		list(l1)
	}
}
