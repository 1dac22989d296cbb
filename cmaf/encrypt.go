package cmaf

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// Encryption asks Package to encrypt every track with Common Encryption.
type Encryption struct {
	// Scheme is cenc.CBCS or cenc.CENC.
	Scheme cenc.Scheme
	// Keys are the content keys. A key whose Track is empty serves every
	// track; one whose Track names a track (its output name such as
	// video-720p, or its kind video or audio) serves that track and wins
	// over the others (the most specific name first).
	Keys []cenc.KeySpec
	// IV is the cbcs constant IV or the first cenc per-sample IV; empty
	// makes a random one per track. With cenc and one key for several
	// tracks, each track's IVs start 2^40 apart so that no IV repeats
	// under a key.
	IV cenc.IV
	// DRM lists the systems to signal: pssh boxes in the init segments and
	// ContentProtection in the MPD for widevine, playready and
	// clearkey/common; an skd:// EXT-X-KEY for fairplay. Empty means
	// clearkey.
	DRM []cenc.DRM
	// FairPlayURI is the skd:// key URI for FairPlay; empty gives
	// "skd://" followed by the KID in hex.
	FairPlayURI string
}

// trackCrypt is how one track is encrypted.
type trackCrypt struct {
	conf cenc.EncrypterConfig
	enc  *cenc.Encrypter
	pssh []*mp4.PsshBox
	man  *manifest.Encryption
}

// keyFor picks the key of tr: the spec naming its output name, then its
// kind, then a spec for every track.
func (e *Encryption) keyFor(tr *track) (cenc.KeySpec, error) {
	for _, name := range []string{tr.id, tr.kind, ""} {
		for _, k := range e.Keys {
			if strings.EqualFold(k.Track, name) {
				return k, nil
			}
		}
	}
	return cenc.KeySpec{}, fmt.Errorf("no key for track %s: give --key KID:KEY, or %s=KID:KEY", tr.id, tr.id)
}

// CheckKeyTracks reports an error when two keys name the same track (or
// both serve every track: which one would encrypt it is then a guess), or
// when one KID is given two different keys (a player holds one key per
// KID).
func CheckKeyTracks(keys []cenc.KeySpec) error {
	if err := CheckKIDs(keys); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, k := range keys {
		name := strings.ToLower(k.Track)
		if seen[name] {
			if name == "" {
				return errors.New("several keys without a track: give one key for every track, or one per track with TRACK=KID:KEY")
			}
			return fmt.Errorf("several keys for track %s", k.Track)
		}
		seen[name] = true
	}
	return nil
}

// CheckKIDs reports an error when one KID is given two different keys.
func CheckKIDs(keys []cenc.KeySpec) error {
	byKID := map[cenc.KeyID]cenc.Key{}
	for _, k := range keys {
		if prev, ok := byKID[k.KID]; ok && prev != k.Key {
			return fmt.Errorf("KID %s is given two different keys", k.KID.Hex())
		}
		byKID[k.KID] = k.Key
	}
	return nil
}

// check reports option errors before anything is written.
func (e *Encryption) check(tracks []*track) error {
	if e.Scheme != cenc.CBCS && e.Scheme != cenc.CENC {
		return fmt.Errorf("encryption scheme %q is not cbcs or cenc", e.Scheme)
	}
	if len(e.Keys) == 0 {
		return errors.New("encryption needs a key (--key KID:KEY or --key-file)")
	}
	if err := CheckKeyTracks(e.Keys); err != nil {
		return err
	}
	for _, k := range e.Keys {
		if k.Track == "" {
			continue
		}
		found := false
		for _, tr := range tracks {
			found = found || strings.EqualFold(k.Track, tr.id) || strings.EqualFold(k.Track, tr.kind)
		}
		if !found {
			return fmt.Errorf("key %v names no track (tracks: %s)", k, trackNames(tracks))
		}
	}
	switch len(e.IV) {
	case 0:
	case 8:
	case 16:
		if e.Scheme == cenc.CENC {
			return errors.New("a cenc IV has 8 bytes (16 hex digits)")
		}
	default:
		return fmt.Errorf("an IV has 8 or 16 bytes, not %d", len(e.IV))
	}
	for _, d := range e.DRM {
		if d == cenc.FairPlay && e.Scheme != cenc.CBCS {
			return errors.New("FairPlay needs the cbcs scheme")
		}
	}
	for _, tr := range tracks {
		if _, err := cenc.NewMapper(tr.t.Entry); err != nil {
			return fmt.Errorf("%s (%s track %d): %w", tr.id, tr.in.Name, tr.t.ID, err)
		}
		if _, err := e.keyFor(tr); err != nil {
			return err
		}
	}
	return nil
}

func trackNames(tracks []*track) string {
	var names []string
	for _, tr := range tracks {
		names = append(names, tr.id)
	}
	return strings.Join(names, ", ")
}

// prepare sets up the encryption of track number n (0-based) of the run.
func (e *Encryption) prepare(tr *track, n int) (*trackCrypt, error) {
	spec, err := e.keyFor(tr)
	if err != nil {
		return nil, err
	}
	iv := append(cenc.IV(nil), e.IV...)
	switch {
	case len(iv) == 0 && e.Scheme == cenc.CBCS:
		iv = make(cenc.IV, 16)
		rand.Read(iv)
	case len(iv) == 0:
		iv = make(cenc.IV, 8)
		rand.Read(iv)
	case e.Scheme == cenc.CENC:
		binary.BigEndian.PutUint64(iv, binary.BigEndian.Uint64(iv)+uint64(n)<<40)
	}
	c := &trackCrypt{conf: cenc.EncrypterConfig{Scheme: e.Scheme, KID: spec.KID, Key: spec.Key, IV: iv}}
	if c.enc, err = cenc.NewEncrypter(c.conf, tr.t.Entry); err != nil {
		return nil, fmt.Errorf("%s: %w", tr.id, err)
	}
	drm := e.systems()
	if c.pssh, err = cenc.PSSHBoxes([]cenc.KeySpec{spec}, cenc.PSSHOptions{Scheme: e.Scheme, Systems: drm}); err != nil {
		return nil, err
	}
	c.man = &manifest.Encryption{Scheme: string(e.Scheme), KID: spec.KID.Hex(), PSSH: map[string]string{}}
	for _, b := range c.pssh {
		s, err := cenc.PSSHBase64(b)
		if err != nil {
			return nil, err
		}
		c.man.PSSH[hex.EncodeToString(b.SystemID)] = s
	}
	for _, d := range drm {
		if d == cenc.FairPlay {
			c.man.KeyURI = e.FairPlayURI
			if c.man.KeyURI == "" {
				c.man.KeyURI = "skd://" + spec.KID.Hex()
			}
		}
	}
	return c, nil
}

// systems is the DRM list, ClearKey when none is given.
func (e *Encryption) systems() []cenc.DRM {
	if len(e.DRM) == 0 {
		return []cenc.DRM{cenc.ClearKey}
	}
	return e.DRM
}

// fresh returns an encrypter in the state this track's encrypter started
// in, for planning sizes without touching the real one.
func (c *trackCrypt) fresh(tr *track) (*cenc.Encrypter, error) {
	return cenc.NewEncrypter(c.conf, tr.t.Entry)
}
