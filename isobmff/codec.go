package isobmff

import (
	"bytes"
	"fmt"

	"github.com/Eyevinn/mp4ff/aac"
	"github.com/Eyevinn/mp4ff/avc"
	"github.com/Eyevinn/mp4ff/mp4"
)

// codecSignals sets Codec (RFC 6381), BitDepth, Channels and SampleRate from
// the decoder configuration of t's sample entry; format is the sample entry
// type, or the original format of an encrypted entry.
func codecSignals(t *Track, format string) error {
	switch e := t.Entry.(type) {
	case *mp4.VisualSampleEntryBox:
		return visualCodec(t, format, e)
	case *mp4.AudioSampleEntryBox:
		return audioCodec(t, format, e)
	}
	t.Codec = format
	return nil
}

func visualCodec(t *Track, format string, e *mp4.VisualSampleEntryBox) error {
	switch {
	case e.AvcC != nil:
		c := e.AvcC
		t.Codec = fmt.Sprintf("%s.%02x%02x%02x", format, c.AVCProfileIndication, c.ProfileCompatibility, c.AVCLevelIndication)
		t.BitDepth = 8
		if c.AVCProfileIndication >= 100 && !c.NoTrailingInfo {
			t.BitDepth = int(c.BitDepthLumaMinus1) + 1
		}
		if len(c.SPSnalus) > 0 {
			// Without VUI beyond the aspect ratio: mp4ff's HRD parsing
			// allocates from unchecked counts.
			if sps, err := avc.ParseSPSNALUnit(c.SPSnalus[0], false); err == nil {
				t.BitDepth = int(sps.BitDepthLumaMinus8) + 8
			}
		}
	case e.HvcC != nil:
		t.Codec = hevcCodecString(format, e.HvcC)
		t.BitDepth = int(e.HvcC.BitDepthLumaMinus8) + 8
	case e.Av1C != nil:
		t.Codec = e.Av1C.CodecString(format)
		t.BitDepth = 8
		if e.Av1C.HighBitdepth == 1 {
			t.BitDepth = 10
			if e.Av1C.TwelveBit == 1 {
				t.BitDepth = 12
			}
		}
	case e.VppC != nil:
		v := e.VppC
		t.BitDepth = int(v.BitDepth)
		t.Codec = fmt.Sprintf("%s.%02d.%02d.%02d", format, v.Profile, v.Level, v.BitDepth)
		if v.ChromaSubsampling != 1 || v.ColourPrimaries != 1 || v.TransferCharacteristics != 1 || v.MatrixCoefficients != 1 || v.VideoFullRangeFlag != 0 {
			t.Codec += fmt.Sprintf(".%02d.%02d.%02d.%02d.%02d", v.ChromaSubsampling, v.ColourPrimaries,
				v.TransferCharacteristics, v.MatrixCoefficients, v.VideoFullRangeFlag)
		}
		if t.Colour == nil {
			t.Colour = &Colour{Primaries: uint16(v.ColourPrimaries), Transfer: uint16(v.TransferCharacteristics),
				Matrix: uint16(v.MatrixCoefficients), FullRange: v.VideoFullRangeFlag == 1}
		}
		if t.HDR == nil && (e.SmDm != nil || e.CoLL != nil) {
			t.HDR = &HDR{}
			if m := e.SmDm; m != nil {
				t.HDR.Mdcv = &Mdcv{DisplayPrimariesX: [3]uint16{m.PrimaryRChromaticityX, m.PrimaryGChromaticityX, m.PrimaryBChromaticityX},
					DisplayPrimariesY: [3]uint16{m.PrimaryRChromaticityY, m.PrimaryGChromaticityY, m.PrimaryBChromaticityY},
					WhitePointX:       m.WhitePointChromaticityX, WhitePointY: m.WhitePointChromaticityY,
					MaxLuminance: m.LuminanceMax, MinLuminance: m.LuminanceMin}
			}
			if c := e.CoLL; c != nil {
				t.HDR.Clli = &Clli{MaxCLL: c.MaxCLL, MaxFALL: c.MaxFALL}
			}
		}
	default:
		t.Codec = format
	}
	return nil
}

// hevcCodecString builds hvc1.P.C.TL.CC (ISO/IEC 14496-15 Annex E) from the
// hvcC record, without parsing the SPS.
func hevcCodecString(format string, c *mp4.HvcCBox) string {
	space := ""
	if c.GeneralProfileSpace > 0 {
		space = string(rune('A' + c.GeneralProfileSpace - 1))
	}
	// The compatibility flags in reverse bit order, in hex without leading zeros.
	var rev uint32
	for i := 0; i < 32; i++ {
		if c.GeneralProfileCompatibilityFlags&(1<<i) != 0 {
			rev |= 1 << (31 - i)
		}
	}
	tier := "L"
	if c.GeneralTierFlag {
		tier = "H"
	}
	s := fmt.Sprintf("%s.%s%d.%X.%s%d", format, space, c.GeneralProfileIDC, rev, tier, c.GeneralLevelIDC)
	// Six constraint bytes, trailing zero bytes omitted.
	cons := c.GeneralConstraintIndicatorFlags
	var bs []byte
	for i := 5; i >= 0; i-- {
		bs = append(bs, byte(cons>>(8*i)))
	}
	for len(bs) > 0 && bs[len(bs)-1] == 0 {
		bs = bs[:len(bs)-1]
	}
	for _, b := range bs {
		s += fmt.Sprintf(".%X", b)
	}
	return s
}

func audioCodec(t *Track, format string, e *mp4.AudioSampleEntryBox) error {
	switch {
	case e.Esds != nil && e.Esds.DecConfigDescriptor != nil:
		dc := e.Esds.DecConfigDescriptor
		if dc.ObjectType != 0x40 {
			t.Codec = fmt.Sprintf("%s.%02x", format, dc.ObjectType)
			return nil
		}
		t.Codec = format + ".40"
		if dc.DecSpecificInfo == nil || len(dc.DecSpecificInfo.DecConfig) == 0 {
			return nil
		}
		asc, err := aac.DecodeAudioSpecificConfig(bytes.NewReader(dc.DecSpecificInfo.DecConfig))
		if err != nil {
			// The header alone still names the object type.
			hdr, herr := aac.DecodeAudioSpecificConfigHeader(bytes.NewReader(dc.DecSpecificInfo.DecConfig))
			if herr != nil {
				return fmt.Errorf("%w: AudioSpecificConfig: %v", ErrMalformed, err)
			}
			t.Codec = fmt.Sprintf("%s.40.%d", format, hdr.ObjectType)
			return nil
		}
		t.Codec = fmt.Sprintf("%s.40.%d", format, asc.ObjectType)
		if asc.ChannelConfiguration > 0 {
			t.Channels = int(asc.ChannelConfiguration)
			if asc.ChannelConfiguration == 7 {
				t.Channels = 8
			}
		}
		if asc.SamplingFrequency > 0 {
			t.SampleRate = asc.SamplingFrequency
		}
	case e.Dac3 != nil:
		t.Codec = format
		t.Channels, _ = e.Dac3.ChannelInfo()
		t.SampleRate = e.Dac3.SamplingFrequency()
	case e.Dec3 != nil:
		t.Codec = format
		t.Channels, _ = e.Dec3.ChannelInfo()
	case format == "fLaC":
		t.Codec = "flac"
	case e.Dops != nil:
		t.Codec = "opus"
		if format != "Opus" {
			t.Codec = format
		}
		t.Channels = int(e.Dops.OutputChannelCount)
		t.SampleRate = 48000
	default:
		t.Codec = format
	}
	return nil
}
