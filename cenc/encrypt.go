package cenc

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
)

// ErrUnsupportedCodec is wrapped by errors about tracks whose codec mp4pkg
// cannot encrypt (no subsample rule is implemented for it).
var ErrUnsupportedCodec = errors.New("codec cannot be encrypted")

// Mapper computes the subsample map of one sample of a track. The mappers
// keep state (in-band parameter sets, AV1 reference frames): feed them
// every sample in decode order.
type Mapper interface {
	Subsamples(sample []byte, scheme string) ([]Subsample, error)
}

// NewMapper returns the mapper for a track's sample entry: AVC (avc1,
// avc3), single-layer HEVC (hvc1, hev1), AV1 (av01) and VP9 (vp09) get
// their codec's rules; audio entries (mp4a, ac-3, ec-3, Opus, fLaC) get nil, for
// whole-sample protection. Other codecs are refused with
// ErrUnsupportedCodec.
func NewMapper(entry mp4.Box) (Mapper, error) {
	switch e := entry.(type) {
	case *mp4.VisualSampleEntryBox:
		switch {
		case e.AvcC != nil:
			var ps [][]byte
			ps = append(append(ps, e.AvcC.SPSnalus...), e.AvcC.PPSnalus...)
			return NewAVCMapper(4, ps) // mp4ff reads only 4-byte lengths
		case e.HvcC != nil && e.LhvC != nil:
			// The second view's parameter sets are in lhvC, its slices
			// layered: no rule here covers them.
			return nil, fmt.Errorf("%w: multi-layer HEVC (lhvC, e.g. MV-HEVC)", ErrUnsupportedCodec)
		case e.HvcC != nil:
			var ps [][]byte
			for _, a := range e.HvcC.NaluArrays {
				ps = append(ps, a.Nalus...)
			}
			return NewHEVCMapper(int(e.HvcC.LengthSizeMinusOne)+1, ps)
		case e.Av1C != nil:
			return NewAV1Mapper(&e.Av1C.CodecConfRec)
		case e.VppC != nil:
			return NewVP9Mapper(), nil
		}
		return nil, fmt.Errorf("%w: video sample entry %s", ErrUnsupportedCodec, e.Type())
	case *mp4.AudioSampleEntryBox:
		switch e.Type() {
		case "mp4a", "ac-3", "ec-3", "Opus", "fLaC":
			return nil, nil
		}
		return nil, fmt.Errorf("%w: audio sample entry %s", ErrUnsupportedCodec, e.Type())
	case nil:
		return nil, fmt.Errorf("%w: no sample entry", ErrUnsupportedCodec)
	}
	return nil, fmt.Errorf("%w: sample entry %s", ErrUnsupportedCodec, entry.Type())
}

// Encrypter encrypts the samples of one track in decode order and says how
// (the sample's SampleInfo for senc, the track's tenc). cbcs: pattern 1:9
// for video, 0:0 (every complete block) for audio, the IV given as the
// constant IV. cenc: 8-byte per-sample IVs counting up from the IV given.
// An Encrypter is used from one goroutine.
type Encrypter struct {
	cipher *Cipher
	mapper Mapper
	tenc   mp4.TencBox
	iv     [8]byte // cenc: the next sample's IV
}

// EncrypterConfig says how to encrypt a track.
type EncrypterConfig struct {
	Scheme Scheme
	KID    KeyID
	Key    Key
	// IV is the constant IV (cbcs, 16 or 8 bytes) or the first per-sample
	// IV (cenc, 8 bytes). Empty: random.
	IV IV
}

// NewEncrypter returns the encrypter of a track whose (clear) sample entry
// is entry.
func NewEncrypter(c EncrypterConfig, entry mp4.Box) (*Encrypter, error) {
	mapper, err := NewMapper(entry)
	if err != nil {
		return nil, err
	}
	e := &Encrypter{mapper: mapper}
	e.tenc = mp4.TencBox{DefaultIsProtected: 1, DefaultKID: mp4.UUID(c.KID[:])}
	iv := []byte(c.IV)
	switch c.Scheme {
	case CBCS:
		if len(iv) == 0 {
			iv = make([]byte, 16)
			rand.Read(iv)
		}
		if len(iv) != 8 && len(iv) != 16 {
			return nil, fmt.Errorf("%w: a cbcs constant IV has 8 or 16 bytes, not %d", ErrKeySyntax, len(iv))
		}
		e.tenc.Version = 1
		if mapper != nil {
			e.tenc.DefaultCryptByteBlock, e.tenc.DefaultSkipByteBlock = 1, 9
		}
		e.tenc.DefaultConstantIV = append([]byte(nil), iv...)
	case CENC:
		if len(iv) == 0 {
			iv = make([]byte, 8)
			rand.Read(iv)
		}
		if len(iv) != 8 {
			return nil, fmt.Errorf("%w: a cenc IV has 8 bytes, not %d", ErrKeySyntax, len(iv))
		}
		e.tenc.DefaultPerSampleIVSize = 8
		copy(e.iv[:], iv)
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedScheme, c.Scheme)
	}
	if e.cipher, err = NewCipher(c.Scheme, c.Key, e.tenc.DefaultCryptByteBlock, e.tenc.DefaultSkipByteBlock); err != nil {
		return nil, err
	}
	return e, nil
}

// Tenc is the track's tenc box (version 1 with the pattern and constant IV
// for cbcs; version 0 with 8-byte per-sample IVs for cenc).
func (e *Encrypter) Tenc() *mp4.TencBox {
	t := e.tenc
	return &t
}

// Scheme is the encrypter's protection scheme.
func (e *Encrypter) Scheme() Scheme { return e.cipher.scheme }

// PerSampleIVSize is the size of each senc IV: 0 for cbcs, 8 for cenc.
func (e *Encrypter) PerSampleIVSize() int { return int(e.tenc.DefaultPerSampleIVSize) }

// Encrypt encrypts sample in place and returns its senc entry: no IV for
// cbcs (constant IV), the sample's IV for cenc; the subsample map for
// video, none for audio. It is Plan followed by EncryptPlanned.
func (e *Encrypter) Encrypt(sample []byte) (SampleInfo, error) {
	info, err := e.Plan(sample)
	if err != nil {
		return info, err
	}
	return info, e.EncryptPlanned(e.cipher, sample, info)
}

// Plan returns the senc entry of the next sample without encrypting it,
// moving on to the next IV and mapper state. Plan the samples in decode
// order; the encryption itself (EncryptPlanned) may then run on several
// goroutines.
func (e *Encrypter) Plan(sample []byte) (SampleInfo, error) {
	var info SampleInfo
	if e.mapper != nil {
		subs, err := e.mapper.Subsamples(sample, string(e.cipher.scheme))
		if err != nil {
			return info, err
		}
		if subs == nil {
			subs = []Subsample{} // an empty sample still has a (empty) map
		}
		info.Subsamples = subs
	}
	if e.cipher.scheme == CENC {
		info.IV = append([]byte(nil), e.iv[:]...)
		for i := 7; i >= 0; i-- { // the next sample's IV (Shaka Packager)
			e.iv[i]++
			if e.iv[i] != 0 {
				break
			}
		}
	}
	return info, nil
}

// Cipher returns a cipher of the encrypter's key and pattern for one
// goroutine's EncryptPlanned calls.
func (e *Encrypter) Cipher() *Cipher { return e.cipher.Clone() }

// EncryptPlanned encrypts sample in place as Plan said, with c (from
// Cipher; one per goroutine).
func (e *Encrypter) EncryptPlanned(c *Cipher, sample []byte, info SampleInfo) error {
	if e.cipher.scheme == CBCS {
		info.IV = e.tenc.DefaultConstantIV
	}
	return c.Encrypt(sample, info)
}
