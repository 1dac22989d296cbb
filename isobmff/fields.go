package isobmff

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/Eyevinn/mp4ff/mp4"
)

// fieldsSet sets one display field of b.
func (b *Box) fieldsSet(k string, v any) {
	if b.Fields == nil {
		b.Fields = map[string]any{}
	}
	b.Fields[k] = v
}

// described lists the box types whose key fields are shown.
var described = map[string]bool{
	"ftyp": true, "styp": true, "mvhd": true, "tkhd": true, "mdhd": true, "hdlr": true, "elst": true,
	"stsz": true, "stts": true, "ctts": true, "stss": true, "stsc": true, "stco": true, "co64": true,
	"mehd": true, "trex": true, "mfhd": true, "tfhd": true, "tfdt": true, "trun": true, "sidx": true,
	"tfra": true, "mfro": true, "schm": true, "frma": true, "tenc": true, "pssh": true, "senc": true,
	"saiz": true, "saio": true, "emsg": true, "prft": true, "pasp": true, "btrt": true, "colr": true,
	"mdcv": true, "clli": true, "avcC": true, "hvcC": true, "av1C": true, "vpcC": true, "esds": true,
	"dac3": true, "dec3": true, "dOps": true, "elng": true,
}

// describeTree fills Fields for the boxes in the tree rooted at root, whose
// bytes (header included) are buf. Fields are for display: a box that does
// not decode on its own is shown without fields.
func describeTree(root *Box, buf []byte) {
	var visit func(b *Box)
	visit = func(b *Box) {
		start := b.Offset - root.Offset
		if start < 0 || start+b.Size > int64(len(buf)) {
			return
		}
		if f := tableFields(b.Type, buf[start+b.HeaderSize:start+b.Size]); f != nil {
			b.Fields = f
		} else if described[b.Type] || visualEntries[b.Type] || audioEntries[b.Type] {
			{
				if dec, err := decodeBox(b, buf[start:start+b.Size]); err == nil {
					for k, v := range boxFields(dec) {
						b.fieldsSet(k, v)
					}
				}
			}
		}
		for _, c := range b.Children {
			visit(c)
		}
	}
	visit(root)
}

// tableFields reads the fields of the table boxes straight from their
// payload p (checked by checkTable), without decoding every entry: these
// boxes grow with the number of samples.
func tableFields(typ string, p []byte) map[string]any {
	u32 := func(at int) uint32 {
		if len(p) < at+4 {
			return 0
		}
		return binary.BigEndian.Uint32(p[at:])
	}
	switch typ {
	case "stts", "stss", "stsc", "stco", "co64":
		return map[string]any{"entryCount": u32(4)}
	case "ctts":
		return map[string]any{"entryCount": u32(4), "version": u32(0) >> 24}
	case "stsz":
		return map[string]any{"sampleCount": u32(8), "sampleSize": u32(4)}
	case "trun":
		flags := u32(0) & 0xffffff
		f := map[string]any{"sampleCount": u32(4), "flags": fmt.Sprintf("%06x", flags), "version": u32(0) >> 24}
		if flags&1 != 0 {
			f["dataOffset"] = int32(u32(8))
		} else {
			f["dataOffset"] = 0
		}
		return f
	}
	return nil
}

// boxFields returns the key fields of a decoded box.
func boxFields(box mp4.Box) map[string]any {
	switch b := box.(type) {
	case *mp4.FtypBox:
		if b.Size() < 16 { // mp4ff slices past the end of a short box
			return map[string]any{}
		}
		return map[string]any{"majorBrand": b.MajorBrand(), "minorVersion": b.MinorVersion(), "compatibleBrands": b.CompatibleBrands()}
	case *mp4.StypBox:
		if b.Size() < 16 {
			return map[string]any{}
		}
		return map[string]any{"majorBrand": b.MajorBrand(), "minorVersion": b.MinorVersion(), "compatibleBrands": b.CompatibleBrands()}
	case *mp4.MvhdBox:
		return map[string]any{"timescale": b.Timescale, "duration": b.Duration, "nextTrackID": b.NextTrackID}
	case *mp4.TkhdBox:
		return map[string]any{"trackID": b.TrackID, "duration": b.Duration, "width": uint32(b.Width) >> 16, "height": uint32(b.Height) >> 16, "flags": b.Flags}
	case *mp4.MdhdBox:
		return map[string]any{"timescale": b.Timescale, "duration": b.Duration, "language": b.GetLanguage()}
	case *mp4.HdlrBox:
		return map[string]any{"handlerType": b.HandlerType, "name": b.Name}
	case *mp4.ElstBox:
		es := make([]map[string]any, 0, len(b.Entries))
		for _, e := range b.Entries {
			es = append(es, map[string]any{"segmentDuration": e.SegmentDuration, "mediaTime": e.MediaTime, "mediaRate": e.MediaRateInteger})
		}
		return map[string]any{"entries": es}
	case *mp4.StszBox:
		return map[string]any{"sampleCount": b.SampleNumber, "sampleSize": b.SampleUniformSize}
	case *mp4.SttsBox:
		return map[string]any{"entryCount": len(b.SampleCount)}
	case *mp4.CttsBox:
		return map[string]any{"entryCount": len(b.SampleOffset), "version": b.Version}
	case *mp4.StssBox:
		return map[string]any{"entryCount": len(b.SampleNumber)}
	case *mp4.StscBox:
		return map[string]any{"entryCount": len(b.Entries)}
	case *mp4.StcoBox:
		return map[string]any{"entryCount": len(b.ChunkOffset)}
	case *mp4.Co64Box:
		return map[string]any{"entryCount": len(b.ChunkOffset)}
	case *mp4.MehdBox:
		return map[string]any{"fragmentDuration": b.FragmentDuration}
	case *mp4.TrexBox:
		return map[string]any{"trackID": b.TrackID, "defaultSampleDuration": b.DefaultSampleDuration,
			"defaultSampleSize": b.DefaultSampleSize, "defaultSampleFlags": fmt.Sprintf("%08x", b.DefaultSampleFlags)}
	case *mp4.MfhdBox:
		return map[string]any{"sequenceNumber": b.SequenceNumber}
	case *mp4.TfhdBox:
		return map[string]any{"trackID": b.TrackID, "flags": fmt.Sprintf("%06x", b.Flags)}
	case *mp4.TfdtBox:
		return map[string]any{"baseMediaDecodeTime": b.BaseMediaDecodeTime()}
	case *mp4.TrunBox:
		return map[string]any{"sampleCount": b.SampleCount(), "dataOffset": b.DataOffset, "flags": fmt.Sprintf("%06x", b.Flags), "version": b.Version}
	case *mp4.SidxBox:
		return map[string]any{"referenceID": b.ReferenceID, "timescale": b.Timescale,
			"earliestPresentationTime": b.EarliestPresentationTime, "firstOffset": b.FirstOffset, "referenceCount": len(b.SidxRefs)}
	case *mp4.TfraBox:
		return map[string]any{"trackID": b.TrackID, "entryCount": len(b.Entries)}
	case *mp4.MfroBox:
		return map[string]any{"parentSize": b.ParentSize}
	case *mp4.SchmBox:
		return map[string]any{"schemeType": b.SchemeType, "schemeVersion": fmt.Sprintf("0x%05x", b.SchemeVersion)}
	case *mp4.FrmaBox:
		return map[string]any{"dataFormat": b.DataFormat}
	case *mp4.TencBox:
		m := map[string]any{"defaultKID": hex.EncodeToString(b.DefaultKID), "perSampleIVSize": b.DefaultPerSampleIVSize,
			"isProtected": b.DefaultIsProtected}
		if b.Version > 0 {
			m["pattern"] = fmt.Sprintf("%d:%d", b.DefaultCryptByteBlock, b.DefaultSkipByteBlock)
		}
		if len(b.DefaultConstantIV) > 0 {
			m["constantIV"] = hex.EncodeToString(b.DefaultConstantIV)
		}
		return m
	case *mp4.PsshBox:
		kids := make([]string, 0, len(b.KIDs))
		for _, k := range b.KIDs {
			kids = append(kids, hex.EncodeToString(k))
		}
		return map[string]any{"systemID": hex.EncodeToString(b.SystemID), "kids": kids, "dataSize": len(b.Data)}
	case *mp4.SencBox:
		return map[string]any{"sampleCount": b.SampleCount, "flags": fmt.Sprintf("%06x", b.Flags)}
	case *mp4.SaizBox:
		return map[string]any{"sampleCount": b.SampleCount, "defaultSampleInfoSize": b.DefaultSampleInfoSize}
	case *mp4.SaioBox:
		return map[string]any{"entryCount": len(b.Offset)}
	case *mp4.EmsgBox:
		return map[string]any{"schemeIdUri": b.SchemeIDURI, "value": b.Value, "id": b.ID, "timescale": b.TimeScale}
	case *mp4.PrftBox:
		return map[string]any{"referenceTrackID": b.ReferenceTrackID, "mediaTime": b.MediaTime}
	case *mp4.PaspBox:
		return map[string]any{"hSpacing": b.HSpacing, "vSpacing": b.VSpacing}
	case *mp4.BtrtBox:
		return map[string]any{"maxBitrate": b.MaxBitrate, "avgBitrate": b.AvgBitrate}
	case *mp4.ColrBox:
		if b.ColorType == "nclx" || b.ColorType == "nclc" {
			return map[string]any{"colorType": b.ColorType, "primaries": b.ColorPrimaries, "transfer": b.TransferCharacteristics,
				"matrix": b.MatrixCoefficients, "fullRange": b.FullRangeFlag}
		}
		return map[string]any{"colorType": b.ColorType}
	case *mp4.MdcvBox:
		return mdcvFields(b)
	case *mp4.ClliBox:
		return map[string]any{"maxContentLightLevel": b.MaxContentLightLevel, "maxPicAverageLightLevel": b.MaxPicAverageLightLevel}
	case *mp4.AvcCBox:
		return map[string]any{"profile": b.AVCProfileIndication, "compatibility": b.ProfileCompatibility, "level": b.AVCLevelIndication,
			"spsCount": len(b.SPSnalus), "ppsCount": len(b.PPSnalus)}
	case *mp4.HvcCBox:
		return map[string]any{"profile": b.GeneralProfileIDC, "level": b.GeneralLevelIDC, "bitDepth": int(b.BitDepthLumaMinus8) + 8}
	case *mp4.Av1CBox:
		return map[string]any{"profile": b.SeqProfile, "level": b.SeqLevelIdx0, "tier": b.SeqTier0}
	case *mp4.VppCBox:
		return map[string]any{"profile": b.Profile, "level": b.Level, "bitDepth": b.BitDepth}
	case *mp4.EsdsBox:
		if dc := b.DecConfigDescriptor; dc != nil {
			return map[string]any{"objectType": fmt.Sprintf("0x%02x", dc.ObjectType), "avgBitrate": dc.AvgBitrate, "maxBitrate": dc.MaxBitrate}
		}
	case *mp4.Dac3Box:
		n, _ := b.ChannelInfo()
		return map[string]any{"acmod": b.ACMod, "lfeon": b.LFEOn, "channels": n}
	case *mp4.Dec3Box:
		n, _ := b.ChannelInfo()
		return map[string]any{"dataRate": b.DataRate, "channels": n}
	case *mp4.DopsBox:
		return map[string]any{"outputChannelCount": b.OutputChannelCount, "preSkip": b.PreSkip, "inputSampleRate": b.InputSampleRate}
	case *mp4.ElngBox:
		return map[string]any{"language": b.Language}
	case *mp4.VisualSampleEntryBox:
		return map[string]any{"width": b.Width, "height": b.Height, "compressorName": strings.TrimRight(b.CompressorName, "\x00")}
	case *mp4.AudioSampleEntryBox:
		return map[string]any{"channelCount": b.ChannelCount, "sampleSize": b.SampleSize, "sampleRate": b.SampleRate}
	}
	return nil
}

func mdcvFields(b *mp4.MdcvBox) map[string]any {
	return map[string]any{
		"displayPrimariesX": b.DisplayPrimariesX[:], "displayPrimariesY": b.DisplayPrimariesY[:],
		"whitePointX": b.WhitePointX, "whitePointY": b.WhitePointY,
		"maxLuminance": b.MaxDisplayMasteringLuminance, "minLuminance": b.MinDisplayMasteringLuminance,
	}
}
