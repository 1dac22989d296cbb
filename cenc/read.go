package cenc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/Eyevinn/mp4ff/bits"
	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// Protection is how a track is protected, as its first sample entry
// signals it (ISO/IEC 23001-7 8.12: sinf with frma, schm and schi/tenc).
type Protection struct {
	// Scheme is cbcs or cenc. PIFF 1.1 ('piff' in schm) is mapped as
	// mp4ff does: AlgorithmID 1 (AES-CTR) is cenc, 2 (AES-CBC) cbcs.
	Scheme Scheme
	// OriginalFormat is the frma data format, e.g. avc1 or mp4a.
	OriginalFormat string
	// KID is the tenc default_KID.
	KID KeyID
	// PerSampleIVSize is 0 (constant IV), 8 or 16.
	PerSampleIVSize int
	// ConstantIV is the 8- or 16-byte tenc default_constant_IV, set when
	// PerSampleIVSize is 0.
	ConstantIV []byte
	// Crypt and Skip are the cbcs pattern (0:0 = every block); both are 0
	// for cenc.
	Crypt, Skip uint8
}

// ReadProtection reads the protection of track t from the sinf of its
// first sample entry (encv, enca or any entry carrying a sinf). It returns
// (nil, nil) for a clear track. Schemes other than cbcs, cenc and piff give
// an error wrapping [ErrUnsupportedScheme]. Errors are *isobmff.BoxError
// values naming the box; a Track does not know its place in the file, so
// their path starts at trak(ID n) and their offset is 0 ([ReadSampleInfos]
// reports the same errors with the file path and offset).
func ReadProtection(t *isobmff.Track) (*Protection, error) {
	if t == nil || t.Entry == nil {
		return nil, nil
	}
	return entryProtection(t.Entry, place{path: fmt.Sprintf("trak(ID %d)/mdia/minf/stbl/stsd/%s", t.ID, boxName(t.Entry.Type()))})
}

// ReadSampleInfos returns how each sample of track t in file f is
// encrypted: exactly one SampleInfo per sample, in the order of f.Samples.
// p is the track's protection; when nil it is read with [ReadProtection],
// and a clear track gives (nil, nil).
//
// The sources are the senc box (or PIFF's uuid senc; when a traf has both
// they must agree) of each traf and of stbl (progressive files such as
// ffmpeg's), with the IV size of tenc or,
// per sample, of a 'seig' sample group whose KID and pattern are those of
// tenc. A per-sample IV size of 0 gives the constant IV. Samples without a
// senc and without auxiliary information get the constant IV and no
// subsample map (cbcs audio, "tenc only"). Samples that are left clear (a
// clear sample entry, an unprotected seig group) get a map of clear bytes
// only, which Cipher passes through unchanged.
//
// Everything is checked: sample counts, IV sizes, that every map covers its
// sample exactly, and that saiz sizes and the saio offset agree with senc.
// Errors are *isobmff.BoxError values naming the box path and offset and
// wrapping isobmff.ErrMalformed or isobmff.ErrUnsupported (auxiliary
// information without senc, key rotation with several KIDs).
func ReadSampleInfos(f *isobmff.File, t *isobmff.Track, p *Protection) ([]SampleInfo, error) {
	r, err := newInfoReader(f, t, p)
	if r == nil || err != nil {
		return nil, err
	}
	return r.read()
}

// infoReader gathers the sample infos of one track.
type infoReader struct {
	f       *isobmff.File
	t       *isobmff.Track
	p       *Protection
	trak    place // moov/trak[n]
	samples []isobmff.Sample
	out     []SampleInfo
}

func newInfoReader(f *isobmff.File, t *isobmff.Track, p *Protection) (*infoReader, error) {
	if f == nil || t == nil || f.Moov == nil || t.Trak == nil {
		return nil, fmt.Errorf("%w: no track to read", isobmff.ErrMalformed)
	}
	r := &infoReader{f: f, t: t}
	for i, tr := range f.Moov.Traks {
		if tr == t.Trak {
			r.trak = topPlace(f, "moov").child("trak", i+1)
		}
	}
	if r.trak.path == "" {
		return nil, fmt.Errorf("%w: track %d is not a track of this file", isobmff.ErrMalformed, t.ID)
	}
	if p == nil {
		var err error
		if p, err = r.entryProtection(1); p == nil || err != nil {
			return nil, err
		}
	}
	if err := checkProtection(p); err != nil {
		return nil, r.trak.err(isobmff.ErrMalformed, "%v", err)
	}
	r.p = p
	return r, nil
}

// checkProtection checks a caller's Protection as ReadProtection would.
func checkProtection(p *Protection) error {
	switch {
	case p.Scheme != CBCS && p.Scheme != CENC:
		return fmt.Errorf("scheme %q is not cbcs or cenc", p.Scheme)
	case p.PerSampleIVSize != 0 && p.PerSampleIVSize != 8 && p.PerSampleIVSize != 16:
		return fmt.Errorf("per-sample IV size %d is not 0, 8 or 16", p.PerSampleIVSize)
	case p.PerSampleIVSize == 0 && len(p.ConstantIV) != 8 && len(p.ConstantIV) != 16:
		return fmt.Errorf("constant IV of %d bytes is not 8 or 16", len(p.ConstantIV))
	}
	return nil
}

func (r *infoReader) read() ([]SampleInfo, error) {
	samples, err := r.f.Samples(r.t)
	if err != nil {
		return nil, err
	}
	r.samples = samples
	r.out = make([]SampleInfo, len(samples))
	stbl := r.t.Trak.Mdia.Minf.Stbl
	pos := 0
	if stbl.Stsz != nil && stbl.Stsz.SampleNumber > 0 {
		pos = int(stbl.Stsz.SampleNumber)
		g := group{
			at:       r.trak.child("mdia", 1).child("minf", 1).child("stbl", 1),
			children: stbl.Children,
			first:    0, n: pos,
		}
		if err := r.stblEntry(&g); err != nil {
			return nil, err
		}
		if err := r.readGroup(&g); err != nil {
			return nil, err
		}
	}
	moofs := map[int64]*isobmff.Box{}
	for _, b := range r.f.Boxes {
		if b.Type == "moof" {
			moofs[b.Offset] = b
		}
	}
	for mi, m := range r.f.Moofs {
		mp := place{box: moofs[m.Offset], path: fmt.Sprintf("moof[%d]", mi+1), off: m.Offset}
		if mp.box != nil {
			mp.path = mp.box.Path
		}
		for ti, traf := range m.Box.Trafs {
			if traf.Tfhd == nil || traf.Tfhd.TrackID != r.t.ID {
				continue
			}
			n := 0
			for _, trun := range traf.Truns {
				n += len(trun.Samples)
			}
			if pos+n > len(r.samples) {
				return nil, mp.err(isobmff.ErrMalformed, "fragments hold more samples than the track")
			}
			g := group{at: mp.child("traf", ti+1), children: traf.Children, first: pos, n: n, moof: m, traf: traf, firstTraf: ti == 0}
			if err := r.trafEntry(&g); err != nil {
				return nil, err
			}
			if err := r.readGroup(&g); err != nil {
				return nil, err
			}
			pos += n
		}
	}
	if pos != len(r.samples) {
		return nil, r.trak.err(isobmff.ErrMalformed, "sample tables list %d samples, senc sources cover %d", len(r.samples), pos)
	}
	return r.out, nil
}

// group is a run of samples described by one container: stbl (the moov
// samples) or a traf.
type group struct {
	at        place
	children  []mp4.Box
	first, n  int // the samples [first, first+n) of the track
	clear     bool
	moof      *isobmff.Moof // nil for stbl
	traf      *mp4.TrafBox
	firstTraf bool
}

// stblEntry checks that the moov samples use one sample entry, and notes
// when it is a clear one.
func (r *infoReader) stblEntry(g *group) error {
	stsc := r.t.Trak.Mdia.Minf.Stbl.Stsc
	if stsc == nil {
		return nil
	}
	ids := stsc.SampleDescriptionID
	if len(ids) == 0 && len(stsc.Entries) > 0 {
		ids = []uint32{stsc.GetSampleDescriptionID(1)}
	}
	for _, id := range ids {
		if id != ids[0] {
			return g.at.child("stsc", 1).err(isobmff.ErrUnsupported, "samples use sample entries %d and %d: only one entry per track is read", ids[0], id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return r.useEntry(g, ids[0], g.at.child("stsc", 1))
}

// trafEntry finds the sample entry of a traf's samples.
func (r *infoReader) trafEntry(g *group) error {
	sdi := uint32(1)
	if r.t.Trex != nil && r.t.Trex.DefaultSampleDescriptionIndex != 0 {
		sdi = r.t.Trex.DefaultSampleDescriptionIndex // 0 is common and means 1
	}
	if g.traf.Tfhd.HasSampleDescriptionIndex() {
		sdi = g.traf.Tfhd.SampleDescriptionIndex
	}
	return r.useEntry(g, sdi, g.at.child("tfhd", 1))
}

// useEntry makes g use sample entry sdi (1-based): the protected entry
// whose protection is r.p, or a clear entry.
func (r *infoReader) useEntry(g *group, sdi uint32, at place) error {
	if sdi == 1 {
		return nil
	}
	entries := r.t.Trak.Mdia.Minf.Stbl.Stsd.Children
	if sdi == 0 || uint64(sdi) > uint64(len(entries)) {
		return at.err(isobmff.ErrMalformed, "sample description index %d is not one of the %d sample entries", sdi, len(entries))
	}
	p, err := r.entryProtection(int(sdi))
	if err != nil {
		return err
	}
	if p == nil {
		g.clear = true
		return nil
	}
	if !sameProtection(p, r.p) {
		return at.err(isobmff.ErrUnsupported, "samples use sample entry %d, protected differently from entry 1 (several keys in one track)", sdi)
	}
	return nil
}

// entryProtection reads the protection of sample entry i (1-based) with
// the file's paths and offsets.
func (r *infoReader) entryProtection(i int) (*Protection, error) {
	e := r.t.Trak.Mdia.Minf.Stbl.Stsd.Children[i-1]
	stsd := r.trak.child("mdia", 1).child("minf", 1).child("stbl", 1).child("stsd", 1)
	at := stsd.child(e.Type(), 1)
	if stsd.box != nil && i <= len(stsd.box.Children) && stsd.box.Children[i-1].Type == e.Type() {
		b := stsd.box.Children[i-1]
		at = place{box: b, path: b.Path, off: b.Offset}
	}
	return entryProtection(e, at)
}

func sameProtection(a, b *Protection) bool {
	return a.Scheme == b.Scheme && a.KID == b.KID && a.PerSampleIVSize == b.PerSampleIVSize &&
		bytes.Equal(a.ConstantIV, b.ConstantIV) && a.Crypt == b.Crypt && a.Skip == b.Skip
}

// sampleParams is how one sample is protected: from tenc, or from its
// 'seig' sample group.
type sampleParams struct {
	protected bool
	ivSize    int
	constIV   []byte
}

// boxes are the encryption boxes of a group, with their places.
type boxes struct {
	senc                    *mp4.SencBox
	sencAt                  place
	piff                    *mp4.SencBox // a PIFF uuid senc next to a senc
	piffAt                  place
	saiz                    *mp4.SaizBox
	saizAt                  place
	saio                    *mp4.SaioBox
	saioAt                  place
	sbgp                    *mp4.SbgpBox
	sbgpAt                  place
	sgpd                    *mp4.SgpdBox
	sgpdAt                  place
	extraSenc, extraAuxInfo bool
}

// collect finds the encryption boxes among a group's children.
func (r *infoReader) collect(g *group) (*boxes, error) {
	bx := &boxes{}
	names := map[string]int{}
	for j, c := range g.children {
		typ := c.Type()
		names[typ]++
		at := g.at.child(typ, names[typ])
		if g.at.box != nil && len(g.at.box.Children) == len(g.children) && g.at.box.Children[j].Type == typ {
			b := g.at.box.Children[j]
			at = place{box: b, path: b.Path, off: b.Offset}
		}
		switch c := c.(type) {
		case *mp4.SencBox:
			if bx.senc != nil {
				return nil, at.err(isobmff.ErrMalformed, "a second sample encryption box")
			}
			bx.senc, bx.sencAt = c, at
		case *mp4.UUIDBox:
			if c.SubType() != "senc" {
				continue
			}
			if c.Senc == nil {
				return nil, at.err(isobmff.ErrMalformed, "PIFF sample encryption box did not decode")
			}
			if bx.piff != nil {
				return nil, at.err(isobmff.ErrMalformed, "a second PIFF sample encryption box")
			}
			bx.piff, bx.piffAt = c.Senc, at
		case *mp4.SaizBox:
			if !r.auxInfoType(c.Flags, c.AuxInfoType) {
				continue
			}
			if bx.saiz != nil {
				return nil, at.err(isobmff.ErrUnsupported, "a second saiz for the encryption auxiliary information")
			}
			bx.saiz, bx.saizAt = c, at
		case *mp4.SaioBox:
			if !r.auxInfoType(c.Flags, c.AuxInfoType) {
				continue
			}
			if bx.saio != nil {
				return nil, at.err(isobmff.ErrUnsupported, "a second saio for the encryption auxiliary information")
			}
			bx.saio, bx.saioAt = c, at
		case *mp4.SbgpBox:
			if c.GroupingType == "seig" {
				if bx.sbgp != nil {
					return nil, at.err(isobmff.ErrMalformed, "a second sbgp of grouping type seig")
				}
				bx.sbgp, bx.sbgpAt = c, at
			}
		case *mp4.SgpdBox:
			if c.GroupingType == "seig" {
				if bx.sgpd != nil {
					return nil, at.err(isobmff.ErrMalformed, "a second sgpd of grouping type seig")
				}
				bx.sgpd, bx.sgpdAt = c, at
			}
		}
	}
	if bx.senc == nil {
		bx.senc, bx.sencAt, bx.piff = bx.piff, bx.piffAt, nil
	}
	return bx, nil
}

// auxInfoType says whether a saiz or saio is about the encryption
// auxiliary information: untyped, or typed with the scheme.
func (r *infoReader) auxInfoType(flags uint32, typ string) bool {
	return flags&1 == 0 || typ == string(r.p.Scheme) || typ == "cenc" || typ == "cbcs" || typ == "piff"
}

// readGroup fills r.out for the samples of one group.
func (r *infoReader) readGroup(g *group) error {
	bx, err := r.collect(g)
	if err != nil {
		return err
	}
	out := r.out[g.first : g.first+g.n]
	smp := r.samples[g.first : g.first+g.n]
	if g.clear {
		for i := range out {
			out[i] = r.clearInfo(smp[i].Size)
		}
		return nil
	}
	params, err := r.params(g, bx)
	if err != nil {
		return err
	}
	if bx.senc == nil {
		return r.withoutSenc(g, bx, params, out)
	}
	return r.fromSenc(g, bx, params, out, smp)
}

// clearInfo describes a sample left clear: one IV the cipher accepts and a
// map of clear bytes only.
func (r *infoReader) clearInfo(size uint32) SampleInfo {
	iv := r.p.ConstantIV
	if len(iv) != 8 && len(iv) != 16 {
		iv = zeroIV[:]
	}
	m := make([]Subsample, 0, size/maxClear+1)
	for size > maxClear {
		m = append(m, Subsample{Clear: maxClear})
		size -= maxClear
	}
	if size > 0 || len(m) == 0 {
		m = append(m, Subsample{Clear: size})
	}
	return SampleInfo{IV: iv, Subsamples: m}
}

var zeroIV [8]byte

// params returns each sample's protection when a seig sample group
// applies to the group, nil when tenc holds for every sample.
func (r *infoReader) params(g *group, bx *boxes) ([]sampleParams, error) {
	stbl := r.t.Trak.Mdia.Minf.Stbl
	var global *mp4.SgpdBox
	globalAt := r.trak.child("mdia", 1).child("minf", 1).child("stbl", 1).child("sgpd", 1)
	for i, s := range stbl.Sgpds {
		if s.GroupingType == "seig" {
			global = s
			globalAt = globalAt.parent().child("sgpd", i+1)
			break
		}
	}
	local, localAt := bx.sgpd, bx.sgpdAt
	if g.moof == nil {
		local = nil // in stbl the seig sgpd is the global one
	}
	var dflt uint32
	if bx.sbgp == nil {
		// sgpd version 2 may name the group of unmapped samples.
		switch {
		case local != nil && local.Version >= 2 && local.DefaultGroupDescriptionIndex > 0:
			dflt = local.DefaultGroupDescriptionIndex + 0x10000
		case global != nil && global.Version >= 2 && global.DefaultGroupDescriptionIndex > 0:
			dflt = global.DefaultGroupDescriptionIndex
		default:
			return nil, nil
		}
	}
	resolve := func(idx uint32) (sampleParams, error) {
		if idx == 0 {
			return sampleParams{protected: true, ivSize: r.p.PerSampleIVSize, constIV: r.p.ConstantIV}, nil
		}
		sg, at, k := global, globalAt, int64(idx)-1
		if g.moof != nil && idx > 0x10000 {
			sg, at, k = local, localAt, int64(idx)-0x10001
		}
		if sg == nil || k >= int64(len(sg.SampleGroupEntries)) {
			return sampleParams{}, bx.sbgpAt.err(isobmff.ErrMalformed, "group description index %d names no seig entry", idx)
		}
		e, ok := sg.SampleGroupEntries[k].(*mp4.SeigSampleGroupEntry)
		if !ok || e == nil {
			return sampleParams{}, at.err(isobmff.ErrMalformed, "entry %d is not a seig entry", k+1)
		}
		sp := sampleParams{protected: e.IsProtected != 0, ivSize: int(e.PerSampleIVSize), constIV: e.ConstantIV}
		if sp.ivSize != 0 && sp.ivSize != 8 && sp.ivSize != 16 {
			return sampleParams{}, at.err(isobmff.ErrMalformed, "seig entry %d: per-sample IV size %d is not 0, 8 or 16", k+1, sp.ivSize)
		}
		if !sp.protected {
			return sp, nil // its senc entries (if any) are read and skipped
		}
		if !bytes.Equal(e.KID, r.p.KID[:]) || e.CryptByteBlock != r.p.Crypt || e.SkipByteBlock != r.p.Skip {
			return sampleParams{}, at.err(isobmff.ErrUnsupported, "seig entry %d changes the KID or the pattern (key rotation is not supported)", k+1)
		}
		if sp.ivSize == 0 && len(sp.constIV) != 8 && len(sp.constIV) != 16 {
			return sampleParams{}, at.err(isobmff.ErrMalformed, "seig entry %d: constant IV of %d bytes is not 8 or 16", k+1, len(sp.constIV))
		}
		return sp, nil
	}
	params := make([]sampleParams, g.n)
	i := 0
	if bx.sbgp != nil {
		s := bx.sbgp
		if len(s.SampleCounts) != len(s.GroupDescriptionIndices) {
			return nil, bx.sbgpAt.err(isobmff.ErrMalformed, "%d sample counts and %d group indices", len(s.SampleCounts), len(s.GroupDescriptionIndices))
		}
		for k, c := range s.SampleCounts {
			sp, err := resolve(s.GroupDescriptionIndices[k])
			if err != nil {
				return nil, err
			}
			if uint64(c) > uint64(g.n-i) {
				return nil, bx.sbgpAt.err(isobmff.ErrMalformed, "entry %d maps samples past the %d of its container", k+1, g.n)
			}
			for end := i + int(c); i < end; i++ {
				params[i] = sp
			}
		}
	}
	sp, err := resolve(dflt)
	if err != nil {
		return nil, err
	}
	for ; i < g.n; i++ {
		params[i] = sp
	}
	return params, nil
}

// withoutSenc fills the infos of a group that has no senc: allowed when
// no sample has auxiliary information and every protected sample uses a
// constant IV (cbcs audio written by GPAC or Shaka: tenc only).
func (r *infoReader) withoutSenc(g *group, bx *boxes, params []sampleParams, out []SampleInfo) error {
	if bx.saiz != nil {
		for i := 0; i < g.n; i++ {
			if auxSize(bx.saiz, i) != 0 {
				return bx.saizAt.err(isobmff.ErrUnsupported, "auxiliary information outside a senc box (saiz/saio without senc)")
			}
		}
	}
	for i := range out {
		sp := sampleParams{protected: true, ivSize: r.p.PerSampleIVSize, constIV: r.p.ConstantIV}
		if params != nil {
			sp = params[i]
		}
		switch {
		case !sp.protected:
			out[i] = r.clearInfo(r.samples[g.first+i].Size)
		case sp.ivSize != 0:
			return g.at.err(isobmff.ErrMalformed, "sample %d needs a %d-byte IV but there is no senc box", i+1, sp.ivSize)
		default:
			out[i] = SampleInfo{IV: sp.constIV}
		}
	}
	return nil
}

// auxSize is sample i's size in saiz (0 past its table).
func auxSize(s *mp4.SaizBox, i int) int {
	if s.DefaultSampleInfoSize != 0 {
		return int(s.DefaultSampleInfoSize)
	}
	if i < len(s.SampleInfo) {
		return int(s.SampleInfo[i])
	}
	return 0
}

// sencFlagSubsamples is senc's UseSubSampleEncryption flag.
const sencFlagSubsamples = 0x2

// fromSenc fills the infos of a group from its senc box.
func (r *infoReader) fromSenc(g *group, bx *boxes, params []sampleParams, out []SampleInfo, smp []isobmff.Sample) error {
	at := bx.sencAt
	flags, count, data, dataOff, err := sencPayload(bx.senc, at)
	if err != nil {
		return err
	}
	if bx.piff != nil {
		// Some packagers write PIFF's uuid senc next to senc for old
		// players; it must say the same.
		pflags, pcount, pdata, _, err := sencPayload(bx.piff, bx.piffAt)
		if err != nil {
			return err
		}
		if pflags != flags || pcount != count || !bytes.Equal(pdata, data) {
			return bx.piffAt.err(isobmff.ErrMalformed, "PIFF sample encryption box differs from the senc box next to it")
		}
	}
	if uint64(count) != uint64(g.n) {
		return at.err(isobmff.ErrMalformed, "sample count %d, but %s holds %d samples", count, g.what(), g.n)
	}
	if flags&^uint32(sencFlagSubsamples) != 0 {
		return at.err(isobmff.ErrUnsupported, "flags 0x%x (only 0x2, subsamples, is defined)", flags)
	}
	if bx.saiz != nil {
		if uint64(bx.saiz.SampleCount) != uint64(g.n) {
			return bx.saizAt.err(isobmff.ErrMalformed, "sample count %d, but %s holds %d samples", bx.saiz.SampleCount, g.what(), g.n)
		}
		if bx.saiz.DefaultSampleInfoSize == 0 && len(bx.saiz.SampleInfo) != g.n {
			return bx.saizAt.err(isobmff.ErrMalformed, "%d sizes for %d samples", len(bx.saiz.SampleInfo), g.n)
		}
	}
	if err := r.checkSaio(g, bx, dataOff); err != nil {
		return err
	}
	var sizes []int // entry sizes, checked against saiz once senc is known to be whole
	if bx.saiz != nil {
		sizes = make([]int, g.n)
	}
	pos := 0
	for i := range out {
		start := pos
		sp := sampleParams{protected: true, ivSize: r.p.PerSampleIVSize, constIV: r.p.ConstantIV}
		if params != nil {
			sp = params[i]
		}
		if sp.ivSize > len(data)-pos {
			return at.err(isobmff.ErrMalformed, "sample %d: truncated: %d-byte IV, %d bytes left", i+1, sp.ivSize, len(data)-pos)
		}
		var info SampleInfo
		if sp.ivSize > 0 {
			info.IV = data[pos : pos+sp.ivSize : pos+sp.ivSize]
			pos += sp.ivSize
		} else {
			info.IV = sp.constIV
		}
		if flags&sencFlagSubsamples != 0 {
			if len(data)-pos < 2 {
				return at.err(isobmff.ErrMalformed, "sample %d: truncated: no subsample count, %d bytes left", i+1, len(data)-pos)
			}
			n := int(binary.BigEndian.Uint16(data[pos:]))
			pos += 2
			if n*6 > len(data)-pos {
				return at.err(isobmff.ErrMalformed, "sample %d: truncated: %d subsamples need %d bytes, %d left", i+1, n, n*6, len(data)-pos)
			}
			info.Subsamples = make([]Subsample, n)
			for k := range info.Subsamples {
				info.Subsamples[k] = Subsample{Clear: uint32(binary.BigEndian.Uint16(data[pos:])), Protected: binary.BigEndian.Uint32(data[pos+2:])}
				pos += 6
			}
			if err := CheckSubsamples(info.Subsamples, int(smp[i].Size)); err != nil {
				return at.err(isobmff.ErrMalformed, "sample %d (track sample %d): %v", i+1, g.first+i+1, err)
			}
		}
		if sizes != nil {
			sizes[i] = pos - start
		}
		if !sp.protected {
			info = r.clearInfo(smp[i].Size)
		}
		out[i] = info
	}
	if pos != len(data) {
		return at.err(isobmff.ErrMalformed, "%d bytes left after the %d samples' entries", len(data)-pos, count)
	}
	for i, n := range sizes {
		if want := auxSize(bx.saiz, i); want != n {
			return bx.saizAt.err(isobmff.ErrMalformed, "sample %d: size %d, but its senc entry has %d bytes", i+1, want, n)
		}
	}
	return nil
}

// what names the samples of a group in messages.
func (g *group) what() string {
	if g.moof == nil {
		return "stbl"
	}
	return "the traf's trun"
}

// sencPayload returns the fields and entry bytes of a senc box, and the
// file offset of its first entry. mp4ff keeps the entries unparsed until
// told the IV size; they are taken back here by re-encoding, which copies
// exactly the bytes the box held.
func sencPayload(s *mp4.SencBox, at place) (flags, count uint32, data []byte, dataOff int64, err error) {
	var plen int64 = -1
	if at.box != nil {
		plen = at.box.Size - at.box.HeaderSize
		dataOff = at.box.Offset + at.box.HeaderSize + 8
	}
	if plen < 0 {
		return 0, 0, nil, 0, at.err(isobmff.ErrMalformed, "sample encryption box not found in the box tree")
	}
	if plen < 8 {
		return 0, 0, nil, 0, at.err(isobmff.ErrMalformed, "truncated: %d-byte payload", plen)
	}
	flags, count = s.Flags, s.SampleCount
	if plen == 8 {
		return flags, count, nil, dataOff, nil
	}
	if !s.ReadButNotParsed() {
		return 0, 0, nil, 0, at.err(isobmff.ErrUnsupported, "sample encryption box was already parsed by another reader")
	}
	err = isobmff.Guard(at.path, at.off, func() error {
		sw := bits.NewFixedSliceWriter(int(plen))
		if err := s.EncodeSWNoHdr(sw); err != nil {
			return err
		}
		b := sw.Bytes()
		if len(b) != int(plen) {
			return fmt.Errorf("%w: payload of %d bytes, box holds %d", isobmff.ErrMalformed, len(b), plen)
		}
		data = b[8:]
		return nil
	})
	if err != nil {
		return 0, 0, nil, 0, err
	}
	return flags, count, data, dataOff, nil
}

// checkSaio checks that saio points at the senc entries (ISO/IEC 23001-7
// 7.2: saiz/saio and senc describe the same bytes). Offsets in a traf are
// relative to the traf's base data offset; in stbl they are file offsets.
func (r *infoReader) checkSaio(g *group, bx *boxes, dataOff int64) error {
	s := bx.saio
	if s == nil || g.n == 0 {
		return nil
	}
	if len(s.Offset) != 1 {
		return bx.saioAt.err(isobmff.ErrUnsupported, "%d offsets (senc entries are one run)", len(s.Offset))
	}
	var base int64
	if g.moof != nil {
		tfhd := g.traf.Tfhd
		switch {
		case tfhd.HasBaseDataOffset():
			base = int64(tfhd.BaseDataOffset)
		case tfhd.DefaultBaseIfMoof() || g.firstTraf:
			base = g.moof.Offset
		default:
			return nil // base is the end of the previous traf's data
		}
	}
	if got := base + s.Offset[0]; got != dataOff {
		return bx.saioAt.err(isobmff.ErrMalformed, "points at 0x%x, but the senc entries start at 0x%x", got, dataOff)
	}
	return nil
}

// entryProtection reads the protection of one sample entry; at is the
// entry's place, for errors.
func entryProtection(e mp4.Box, at place) (*Protection, error) {
	var sinf *mp4.SinfBox
	switch e := e.(type) {
	case *mp4.VisualSampleEntryBox:
		sinf = e.Sinf
	case *mp4.AudioSampleEntryBox:
		sinf = e.Sinf
	case mp4.ContainerBox:
		for _, c := range e.GetChildren() {
			if s, ok := c.(*mp4.SinfBox); ok {
				sinf = s
				break
			}
		}
	}
	if sinf == nil {
		if strings.HasPrefix(e.Type(), "enc") {
			return nil, at.err(isobmff.ErrMalformed, "encrypted sample entry %s without a sinf box", boxName(e.Type()))
		}
		return nil, nil
	}
	sat := at.child("sinf", 1)
	if sinf.Frma == nil {
		return nil, sat.err(isobmff.ErrMalformed, "no frma box (original format)")
	}
	if sinf.Schm == nil {
		return nil, sat.err(isobmff.ErrMalformed, "no schm box (protection scheme)")
	}
	p := &Protection{OriginalFormat: sinf.Frma.DataFormat}
	schmAt := sat.child("schm", 1)
	schiAt := sat.child("schi", 1)
	var tenc *mp4.TencBox
	if sinf.Schi != nil {
		tenc = sinf.Schi.Tenc
	}
	switch st := sinf.Schm.SchemeType; st {
	case "cbcs":
		p.Scheme = CBCS
	case "cenc":
		p.Scheme = CENC
	case "piff":
		var piff *mp4.PiffTencData
		if sinf.Schi != nil {
			for _, c := range sinf.Schi.Children {
				if u, ok := c.(*mp4.UUIDBox); ok && u.SubType() == "piff-tenc" && u.PiffTenc != nil {
					piff = u.PiffTenc
					break
				}
			}
		}
		if piff == nil {
			return nil, schiAt.err(isobmff.ErrMalformed, "piff scheme without a PIFF track encryption box (uuid %s)", mp4.UUIDPiffTenc)
		}
		switch piff.AlgorithmID {
		case 1:
			p.Scheme = CENC
		case 2:
			p.Scheme = CBCS
		default:
			return nil, schiAt.child("uuid", 1).err(isobmff.ErrUnsupported, "PIFF algorithm ID %d (1 AES-CTR and 2 AES-CBC are read)", piff.AlgorithmID)
		}
	default:
		return nil, schmAt.err(fmt.Errorf("%w: %w", isobmff.ErrUnsupported, ErrUnsupportedScheme), "scheme %s (cbcs, cenc and piff are read)", boxName(st))
	}
	if tenc == nil {
		return nil, schiAt.err(isobmff.ErrMalformed, "no tenc box (track encryption)")
	}
	tat := schiAt.child("tenc", 1)
	if sinf.Schm.SchemeType == "piff" && (tat.box == nil || tat.box.Type != "tenc") {
		tat = schiAt.child("uuid", 1)
	}
	if len(tenc.DefaultKID) != 16 {
		return nil, tat.err(isobmff.ErrMalformed, "default KID of %d bytes", len(tenc.DefaultKID))
	}
	copy(p.KID[:], tenc.DefaultKID)
	if tenc.DefaultIsProtected != 1 {
		return nil, tat.err(isobmff.ErrUnsupported, "default_isProtected %d (a track clear by default)", tenc.DefaultIsProtected)
	}
	p.PerSampleIVSize = int(tenc.DefaultPerSampleIVSize)
	switch p.PerSampleIVSize {
	case 0:
		if n := len(tenc.DefaultConstantIV); n != 8 && n != 16 {
			return nil, tat.err(isobmff.ErrMalformed, "per-sample IV size 0 and a constant IV of %d bytes (want 8 or 16)", n)
		}
		p.ConstantIV = bytes.Clone(tenc.DefaultConstantIV)
	case 8, 16:
	default:
		return nil, tat.err(isobmff.ErrMalformed, "per-sample IV size %d is not 0, 8 or 16", p.PerSampleIVSize)
	}
	if tenc.Version > 0 {
		p.Crypt, p.Skip = tenc.DefaultCryptByteBlock, tenc.DefaultSkipByteBlock
	}
	if p.Scheme == CENC && (p.Crypt != 0 || p.Skip != 0) {
		return nil, tat.err(isobmff.ErrMalformed, "pattern %d:%d in a cenc track (cenc has none)", p.Crypt, p.Skip)
	}
	return p, nil
}

// boxName shows a four-character code in messages.
func boxName(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return fmt.Sprintf("%q", t)
		}
	}
	return t
}

// place is where a box is, for errors: its path and file offset, and its
// node of the isobmff box tree when the tree has it (then child paths and
// offsets come from the tree; else they are built as isobmff names them,
// with the offset of the nearest known ancestor).
type place struct {
	box  *isobmff.Box
	path string
	off  int64
	up   *place
}

// topPlace is the n-th top-level box of type typ.
func topPlace(f *isobmff.File, typ string) place {
	root := place{box: &isobmff.Box{Children: f.Boxes}}
	p := root.child(typ, 1)
	p.up = nil
	return p
}

// child is the n-th (1-based) child of type typ.
func (p place) child(typ string, n int) place {
	up := p
	if p.box != nil {
		k := 0
		for _, c := range p.box.Children {
			if c.Type == typ {
				if k++; k == n {
					return place{box: c, path: c.Path, off: c.Offset, up: &up}
				}
			}
		}
	}
	name := boxName(typ)
	if n > 1 || typ == "trak" || typ == "traf" || typ == "trun" || typ == "moof" {
		name = fmt.Sprintf("%s[%d]", name, n)
	}
	path := name
	if p.path != "" {
		path = p.path + "/" + name
	}
	return place{path: path, off: p.off, up: &up}
}

// parent is the place's parent (itself at the top).
func (p place) parent() place {
	if p.up == nil {
		return p
	}
	return *p.up
}

// err returns a *isobmff.BoxError for the place wrapping kind.
func (p place) err(kind error, format string, args ...any) error {
	return &isobmff.BoxError{Path: p.path, Offset: p.off, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))}
}
