package cmaf

import (
	"encoding/binary"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// outTrackID is the track_ID of every output track: each CMAF track file
// holds one track, and Shaka Packager 3.4.2 crashes on fragmented audio
// whose only track has another ID.
const outTrackID = 1

// rawBox is a box written from bytes the project holds (a copied stsd, a
// constant dinf): an mp4ff UnknownBox, encoded by isobmff.AppendBox.
func rawBox(typ string, payload []byte) mp4.Box {
	return mp4.CreateUnknownBox(typ, uint64(8+len(payload)), payload)
}

// selfDinf is dinf with one self-contained url entry.
var selfDinf = func() []byte {
	dref := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12, 'u', 'r', 'l', ' ', 0, 0, 0, 1}
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(dref)))
	b = append(b, "dref"...)
	return append(b, dref...)
}()

// readStsd returns the payload of the track's stsd box exactly as in the
// input, so that the init segment carries every decoder signal unchanged.
func readStsd(tr *track, index int) ([]byte, error) {
	var stsd *isobmff.Box
	var find func(bs []*isobmff.Box)
	want := fmt.Sprintf("moov/trak[%d]/mdia/minf/stbl/stsd", index+1)
	find = func(bs []*isobmff.Box) {
		for _, b := range bs {
			if b.Path == want {
				stsd = b
				return
			}
			find(b.Children)
		}
	}
	find(tr.in.File.Boxes)
	if stsd == nil {
		return nil, fmt.Errorf("%s: %s not found", tr.in.Name, want)
	}
	buf := make([]byte, stsd.Size-stsd.HeaderSize)
	if _, err := tr.in.R.ReadAt(buf, stsd.Offset+stsd.HeaderSize); err != nil {
		return nil, fmt.Errorf("%s: reading %s: %w", tr.in.Name, want, err)
	}
	return buf, nil
}

// trakIndex is the position of the track's trak in its input's moov.
func trakIndex(tr *track) int {
	for i, t := range tr.in.File.Moov.Traks {
		if t == tr.t.Trak {
			return i
		}
	}
	return 0
}

// initSegment builds the CMAF header (ftyp + moov with mvex) of a track.
// duration is the track's total duration in its timescale, for mehd.
func initSegment(tr *track, duration uint64, extraBrands []string, crypt *trackCrypt) ([]byte, error) {
	in := tr.in.File.Moov
	brands := append([]string{"iso6", "cmfc"}, extraBrands...)
	ftyp := mp4.NewFtyp("iso6", 0, brands)

	moov := mp4.NewMoovBox()
	mvhd := mp4.CreateMvhd()
	mvhd.Timescale = in.Mvhd.Timescale
	mvhd.NextTrackID = outTrackID + 1
	moov.AddChild(mvhd)

	trak := mp4.NewTrakBox()
	tkhd := *tr.t.Trak.Tkhd // a copy: the input's box stays as read
	tkhd.Duration, tkhd.CreationTime, tkhd.ModificationTime = 0, 0, 0
	tkhd.TrackID = outTrackID
	tkhd.Flags = 0x3 // enabled, in movie
	trak.AddChild(&tkhd)
	if len(tr.t.EditList) > 0 {
		elst := &mp4.ElstBox{Version: 1}
		for _, e := range tr.t.EditList {
			elst.Entries = append(elst.Entries, mp4.ElstEntry{SegmentDuration: e.SegmentDuration, MediaTime: e.MediaTime, MediaRateInteger: e.MediaRate})
		}
		edts := &mp4.EdtsBox{}
		edts.AddChild(elst)
		trak.AddChild(edts)
	}
	mdia := mp4.NewMdiaBox()
	mdhd := *tr.t.Trak.Mdia.Mdhd
	mdhd.Duration, mdhd.CreationTime, mdhd.ModificationTime = 0, 0, 0
	mdia.AddChild(&mdhd)
	mdia.AddChild(tr.t.Trak.Mdia.Hdlr)
	if tr.t.Trak.Mdia.Elng != nil {
		mdia.AddChild(tr.t.Trak.Mdia.Elng)
	}
	minf := mp4.NewMinfBox()
	for _, c := range tr.t.Trak.Mdia.Minf.Children {
		switch c.Type() {
		case "vmhd", "smhd", "sthd", "nmhd", "hmhd":
			minf.AddChild(c)
		}
	}
	minf.AddChild(rawBox("dinf", selfDinf))
	stbl := mp4.NewStblBox()
	stsd, err := readStsd(tr, trakIndex(tr))
	if err != nil {
		return nil, err
	}
	if crypt != nil {
		if stsd, err = cenc.ProtectStsd(stsd, tr.kind == "video", crypt.enc.Scheme(), crypt.enc.Tenc()); err != nil {
			return nil, err
		}
	}
	stbl.AddChild(rawBox("stsd", stsd))
	stbl.AddChild(&mp4.SttsBox{})
	stbl.AddChild(&mp4.StscBox{})
	stbl.AddChild(&mp4.StszBox{})
	stbl.AddChild(&mp4.StcoBox{})
	minf.AddChild(stbl)
	mdia.AddChild(minf)
	trak.AddChild(mdia)
	moov.AddChild(trak)

	mvex := mp4.NewMvexBox()
	mvex.AddChild(&mp4.MehdBox{Version: 1, FragmentDuration: int64(duration)})
	mvex.AddChild(&mp4.TrexBox{TrackID: outTrackID, DefaultSampleDescriptionIndex: 1})
	moov.AddChild(mvex)
	if crypt != nil {
		for _, p := range crypt.pssh {
			moov.AddChild(p)
		}
	}

	out, err := isobmff.AppendBox(nil, ftyp)
	if err != nil {
		return nil, err
	}
	return isobmff.AppendBox(out, moov)
}
