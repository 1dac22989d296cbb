package cmaf

import (
	"encoding/binary"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// outTrackID is the track_ID of every packaged track: each CMAF track file
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

// stsdEdit rewrites a track's stsd payload for the output (protecting or
// unprotecting its sample entries); nil keeps it.
type stsdEdit func(tr *track, stsd []byte) ([]byte, error)

// initSegment builds the CMAF header (ftyp + moov with mvex) of one or more
// tracks, each with track ID tr.outID. duration is the longest track's
// duration in the movie timescale (of the first track's input), for mehd.
// pssh boxes go at the end of the moov.
func initSegment(trs []*track, duration uint64, extraBrands []string, edit stsdEdit, pssh []*mp4.PsshBox) ([]byte, error) {
	brands := append([]string{"iso6", "cmfc"}, extraBrands...)
	ftyp := mp4.NewFtyp("iso6", 0, brands)

	moov := mp4.NewMoovBox()
	mvhd := mp4.CreateMvhd()
	mvhd.Timescale = trs[0].in.File.Moov.Mvhd.Timescale
	moov.AddChild(mvhd)
	mvex := mp4.NewMvexBox()
	mvex.AddChild(&mp4.MehdBox{Version: 1, FragmentDuration: int64(duration)})
	for _, tr := range trs {
		trak, err := trakBox(tr, edit)
		if err != nil {
			return nil, err
		}
		moov.AddChild(trak)
		mvex.AddChild(&mp4.TrexBox{TrackID: tr.outID, DefaultSampleDescriptionIndex: 1})
		mvhd.NextTrackID = max(mvhd.NextTrackID, tr.outID+1)
	}
	moov.AddChild(mvex)
	for _, p := range pssh {
		moov.AddChild(p)
	}
	out, err := isobmff.AppendBox(nil, ftyp)
	if err != nil {
		return nil, err
	}
	return isobmff.AppendBox(out, moov)
}

// trakBox builds the trak of one output track: tkhd, edit list, mdhd, hdlr,
// the media header, a self-contained dinf and an empty sample table around
// the input's stsd.
func trakBox(tr *track, edit stsdEdit) (*mp4.TrakBox, error) {
	trak := mp4.NewTrakBox()
	tkhd := *tr.t.Trak.Tkhd // a copy: the input's box stays as read
	tkhd.Duration, tkhd.CreationTime, tkhd.ModificationTime = 0, 0, 0
	tkhd.TrackID = tr.outID
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
	if edit != nil {
		if stsd, err = edit(tr, stsd); err != nil {
			return nil, fmt.Errorf("%s: %w", tr.id, err)
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
	return trak, nil
}

// protectEdit protects the sample entries with c's scheme and tenc.
func protectEdit(c *trackCrypt) stsdEdit {
	return func(tr *track, stsd []byte) ([]byte, error) {
		return cenc.ProtectStsd(stsd, tr.kind == "video", c.enc.Scheme(), c.enc.Tenc())
	}
}
