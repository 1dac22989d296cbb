package cenc

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
)

// SampleInfo is how one sample is encrypted (ISO/IEC 23001-7 7.2, one senc
// entry): its IV and its subsample map. IV is empty when the track uses a
// constant IV (cbcs). Subsamples is nil when the whole sample is protected
// (audio): cbcs then encrypts every complete 16-byte block, cenc every
// byte.
type SampleInfo struct {
	IV         []byte
	Subsamples []Subsample
}

// ErrCipher is wrapped by every error about samples a cipher cannot
// process: a map that does not cover the sample, an IV of the wrong size.
var ErrCipher = errors.New("cannot process sample")

// Cipher encrypts and decrypts the samples of tracks that share a key
// under one scheme. cbcs uses the crypt:skip pattern given to NewCipher
// (1:9 for video; 0:0 means every block, for audio), restarts the pattern
// and the CBC chain from the IV at each protected range and leaves a
// trailing partial block clear. cenc runs one AES-CTR keystream per sample
// over its protected ranges in order. A Cipher is not safe for concurrent
// use; Clone one per goroutine.
type Cipher struct {
	scheme      Scheme
	block       cipher.Block
	crypt, skip int
	iv          [16]byte
	prev        [16]byte
	ctr         cipher.Stream
}

// NewCipher returns the cipher of key for scheme. crypt and skip are the
// cbcs pattern (tenc default_crypt_byte_block and default_skip_byte_block);
// they must be 0 for cenc.
func NewCipher(scheme Scheme, key Key, crypt, skip uint8) (*Cipher, error) {
	switch scheme {
	case CBCS:
	case CENC:
		if crypt != 0 || skip != 0 {
			return nil, fmt.Errorf("%w: cenc has no pattern (got %d:%d)", ErrCipher, crypt, skip)
		}
	default:
		return nil, fmt.Errorf("%w: protection scheme %q is not cbcs or cenc", ErrUnsupportedScheme, scheme)
	}
	b, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	c := &Cipher{scheme: scheme, block: b, crypt: int(crypt), skip: int(skip)}
	if c.crypt == 0 {
		c.crypt, c.skip = 1, 0 // 0:0 is every block (Shaka Packager, Chromium)
	}
	return c, nil
}

// ErrUnsupportedScheme is wrapped by errors about schemes mp4pkg does not
// implement (cens, cbc1, …).
var ErrUnsupportedScheme = errors.New("unsupported protection scheme")

// Clone returns a cipher with the same key and pattern and its own state.
func (c *Cipher) Clone() *Cipher {
	d := *c
	return &d
}

// Scheme is the cipher's protection scheme.
func (c *Cipher) Scheme() Scheme { return c.scheme }

// Encrypt encrypts sample in place as info describes.
func (c *Cipher) Encrypt(sample []byte, info SampleInfo) error { return c.run(sample, info, true) }

// Decrypt decrypts sample in place as info describes.
func (c *Cipher) Decrypt(sample []byte, info SampleInfo) error { return c.run(sample, info, false) }

func (c *Cipher) run(sample []byte, info SampleInfo, enc bool) error {
	switch len(info.IV) {
	case 8:
		copy(c.iv[:8], info.IV)
		clear(c.iv[8:])
	case 16:
		copy(c.iv[:], info.IV)
	default:
		return fmt.Errorf("%w: IV of %d bytes (want 8 or 16)", ErrCipher, len(info.IV))
	}
	if info.Subsamples == nil {
		c.start()
		c.protect(sample, enc)
		return nil
	}
	if err := CheckSubsamples(info.Subsamples, len(sample)); err != nil {
		return fmt.Errorf("%w: %w", ErrCipher, err)
	}
	if c.scheme == CENC {
		c.start()
	}
	pos := 0
	for _, s := range info.Subsamples {
		pos += int(s.Clear)
		if s.Protected > 0 {
			if c.scheme == CBCS {
				c.start() // the CBC chain and the pattern restart at each range
			}
			c.protect(sample[pos:pos+int(s.Protected)], enc)
		}
		pos += int(s.Protected)
	}
	return nil
}

// start resets the chain (cbcs) or the counter (cenc) to the sample's IV.
func (c *Cipher) start() {
	c.prev = c.iv
	if c.scheme == CENC {
		c.ctr = cipher.NewCTR(c.block, c.iv[:])
	}
}

// protect encrypts or decrypts one protected range.
func (c *Cipher) protect(p []byte, enc bool) {
	if c.scheme == CENC {
		// One keystream per sample, carried on from range to range
		// (ISO/IEC 23001-7 9.2; an 8-byte IV is the high half of the
		// counter block).
		c.ctr.XORKeyStream(p, p)
		return
	}
	whole := len(p) &^ 15
	period := 16 * (c.crypt + c.skip)
	for off := 0; off < whole; off += period {
		end := min(off+16*c.crypt, whole)
		for b := off; b < end; b += 16 {
			blk := p[b : b+16 : b+16]
			if enc {
				xor16(blk, &c.prev)
				c.block.Encrypt(blk, blk)
				copy(c.prev[:], blk)
			} else {
				var ct [16]byte
				copy(ct[:], blk)
				c.block.Decrypt(blk, blk)
				xor16(blk, &c.prev)
				c.prev = ct
			}
		}
	}
}

// xor16 XORs the 16-byte block b with x in place (two 64-bit words: the
// call to subtle.XORBytes cost more than the work, one block at a time).
func xor16(b []byte, x *[16]byte) {
	_ = b[15]
	binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^binary.LittleEndian.Uint64(x[:8]))
	binary.LittleEndian.PutUint64(b[8:], binary.LittleEndian.Uint64(b[8:])^binary.LittleEndian.Uint64(x[8:]))
}
