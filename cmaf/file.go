package cmaf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
)

// FileOptions control EncryptFile and DecryptFile.
type FileOptions struct {
	// FragmentDuration is the target duration of the output fragments
	// (default 2 s): the video track's first sync sample at or after each
	// multiple starts a fragment of every track.
	FragmentDuration time.Duration
	// Init, when set, receives the output's ftyp and moov, and the writer
	// given to EncryptFile or DecryptFile only the fragments: a lone media
	// segment and its init segment.
	Init io.Writer
}

// EncryptFile writes every video and audio track of in, encrypted as e
// says, to w as one fragmented MP4: ftyp, a moov with one trak per track
// (track IDs kept, sample entries protected, pssh boxes), then per
// fragment one moof with senc, saiz and saio and one mdat per track. in may
// be progressive or fragmented.
func EncryptFile(ctx context.Context, w io.Writer, in *Input, e *Encryption, opts FileOptions) error {
	if e == nil {
		return errors.New("no encryption given")
	}
	tracks, err := fileTracks(in, false)
	if err != nil {
		return err
	}
	if err := e.check(tracks); err != nil {
		return err
	}
	crypts := make([]*trackCrypt, len(tracks))
	var used []cenc.KeySpec // the keys of the tracks: one pssh per system lists them all
	for n, tr := range tracks {
		if crypts[n], err = e.prepare(tr, n); err != nil {
			return err
		}
		spec, _ := e.keyFor(tr)
		used = append(used, spec)
	}
	pssh, err := cenc.PSSHBoxes(used, cenc.PSSHOptions{Scheme: e.Scheme, Systems: e.systems()})
	if err != nil {
		return err
	}
	edit := func(tr *track, stsd []byte) ([]byte, error) {
		return protectEdit(crypts[indexOf(tracks, tr)])(tr, stsd)
	}
	return writeMultiTrack(ctx, w, tracks, opts, edit, pssh, func(n int, tr *track, fr *fragment, data []byte) ([]byte, error) {
		return encryptFragment(tr, fr, data, crypts[n].enc)
	})
}

// DecryptFile writes every video and audio track of in to w as one
// fragmented MP4 with the clear samples, byte for byte: sample entries get
// their original type back, sinf, pssh, senc, saiz and saio are gone. Keys
// are looked up by the KID of each track's tenc (a zero KID takes the only
// key given); a track without sinf is copied. Inputs: fragmented files with senc (cbcs, cenc, PIFF) and
// progressive files with senc in the sample table.
func DecryptFile(ctx context.Context, w io.Writer, in *Input, keys []cenc.KeySpec, opts FileOptions) error {
	tracks, err := fileTracks(in, true)
	if err != nil {
		return err
	}
	type dec struct {
		cipher *cenc.Cipher
		infos  []cenc.SampleInfo
	}
	decs := make([]*dec, len(tracks))
	if err := CheckKIDs(keys); err != nil {
		return err
	}
	for n, tr := range tracks {
		// Read with the file at hand first, so that an error in the
		// sample entry names the box's real offset.
		infos, err := cenc.ReadSampleInfos(in.File, tr.t, nil)
		if err != nil {
			return fmt.Errorf("%s track %d: %w", in.Name, tr.t.ID, err)
		}
		p, err := cenc.ReadProtection(tr.t)
		if err != nil {
			return fmt.Errorf("%s track %d: %w", in.Name, tr.t.ID, err)
		}
		if p == nil {
			continue
		}
		key, ok := keyByKID(keys, p.KID)
		if !ok {
			return fmt.Errorf("%s track %d is encrypted with KID %s: no --key has that KID", in.Name, tr.t.ID, p.KID.Hex())
		}
		c, err := cenc.NewCipher(p.Scheme, key, p.Crypt, p.Skip)
		if err != nil {
			return fmt.Errorf("%s track %d: %w", in.Name, tr.t.ID, err)
		}
		decs[n] = &dec{cipher: c, infos: infos}
	}
	edit := func(tr *track, stsd []byte) ([]byte, error) { return cenc.UnprotectStsd(stsd) }
	return writeMultiTrack(ctx, w, tracks, opts, edit, nil, func(n int, tr *track, fr *fragment, data []byte) ([]byte, error) {
		if d := decs[n]; d != nil {
			at := 0
			for i := fr.first; i < fr.last; i++ {
				size := int(tr.samples[i].Size)
				if err := d.cipher.Decrypt(data[at:at+size], d.infos[i]); err != nil {
					return nil, fmt.Errorf("%s track %d sample %d: %w", in.Name, tr.t.ID, i+1, err)
				}
				at += size
			}
		}
		return fr.encodeMoof(tr)
	})
}

// keyByKID finds the key of kid. A track whose tenc leaves the KID zero
// (some test vectors do) takes the only key given, if there is one.
func keyByKID(keys []cenc.KeySpec, kid cenc.KeyID) (cenc.Key, bool) {
	for _, k := range keys {
		if k.KID == kid {
			return k.Key, true
		}
	}
	if kid == (cenc.KeyID{}) && len(keys) == 1 {
		return keys[0].Key, true
	}
	return cenc.Key{}, false
}

func indexOf(tracks []*track, tr *track) int {
	for i, t := range tracks {
		if t == tr {
			return i
		}
	}
	return -1
}

// fileTracks lists the video and audio tracks of one input, keeping their
// track IDs.
func fileTracks(in *Input, encrypted bool) ([]*track, error) {
	tracks, _, err := collectTracks([]*Input{in}, encrypted)
	if err != nil {
		return nil, err
	}
	for _, tr := range tracks {
		tr.outID = tr.t.ID
	}
	return tracks, nil
}

// fragmentFunc turns the bytes of fragment fr of track number n in place
// and returns the fragment's moof.
type fragmentFunc func(n int, tr *track, fr *fragment, data []byte) ([]byte, error)

// writeMultiTrack writes tracks as one fragmented file: header, then for each
// fragment time every track's moof and mdat.
func writeMultiTrack(ctx context.Context, w io.Writer, tracks []*track, opts FileOptions, edit stsdEdit, pssh []*mp4.PsshBox, frag fragmentFunc) error {
	if opts.FragmentDuration == 0 {
		opts.FragmentDuration = 2 * time.Second
	}
	if err := segmentBoundaries(tracks, opts.FragmentDuration); err != nil {
		return err
	}
	var dur uint64
	mvts := uint64(tracks[0].in.File.Moov.Mvhd.Timescale)
	for _, tr := range tracks {
		if err := tr.load(); err != nil {
			return err
		}
		if d := trackEnd(tr) * mvts / uint64(tr.t.Timescale); d > dur {
			dur = d
		}
	}
	init, err := initSegment(tracks, dur, []string{"dash"}, edit, pssh)
	if err != nil {
		return err
	}
	hw := w
	if opts.Init != nil {
		hw = opts.Init
	}
	if _, err := hw.Write(init); err != nil {
		return err
	}
	var data []byte
	seq := uint32(1)
	for k := 0; ; k++ {
		more := false
		for n, tr := range tracks {
			if err := ctx.Err(); err != nil {
				return err
			}
			if k+1 >= len(tr.segStart) {
				continue
			}
			more = true
			first, last := tr.segStart[k], tr.segStart[k+1]
			if first >= last {
				continue
			}
			fr, err := buildFragment(tr, first, last, seq, nil, 0)
			if err != nil {
				return err
			}
			seq++
			if data, err = readSamples(tr, first, last, data); err != nil {
				return err
			}
			moof, err := frag(n, tr, fr, data)
			if err != nil {
				return err
			}
			for _, b := range [][]byte{moof, fr.mdatHeader, data} {
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
		}
		if !more {
			return nil
		}
	}
}
