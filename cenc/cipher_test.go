package cenc

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/Eyevinn/mp4ff/mp4"
)

// cipherCases are samples and maps the cipher is checked on; they also
// seed FuzzCipher.
var cipherCases = []struct {
	name string
	size int
	subs []Subsample
}{
	{"whole sample, tail clear", 1000, nil},
	{"whole sample under one block", 15, nil},
	{"one range", 8193, []Subsample{{Clear: 696, Protected: 7497}}},
	{"several ranges", 5000, []Subsample{{Clear: 5, Protected: 17}, {Clear: 100, Protected: 3000}, {Clear: 1, Protected: 1877}}},
	{"range under one block", 40, []Subsample{{Clear: 20, Protected: 15}, {Clear: 5}}},
	{"clear only", 70000, []Subsample{{Clear: 65535}, {Clear: 4465}}},
	{"aligned cenc ranges", 4096 + 96, []Subsample{{Clear: 96, Protected: 2048}, {Clear: 0, Protected: 2048}}},
}

// TestCipherAgreesWithMP4ff checks both schemes against mp4ff's sample
// cryptors (an independent implementation): same ciphertext, and decrypting
// gives the plaintext back.
func TestCipherAgreesWithMP4ff(t *testing.T) {
	key := Key{0x76, 0xa6, 0xc6, 0x5c, 0x5e, 0xa7, 0x62, 0x04, 0x6b, 0xd7, 0x49, 0xa2, 0xe6, 0x32, 0xcc, 0xbb}
	iv16 := []byte{0x9a, 0x5c, 0x2d, 0x3e, 0x4f, 0x60, 0x71, 0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9, 0x01}
	iv8 := iv16[:8]
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range cipherCases {
		plain := make([]byte, tc.size)
		for i := range plain {
			plain[i] = byte(rng.UintN(256))
		}
		var ssp []mp4.SubSamplePattern
		for _, s := range tc.subs {
			ssp = append(ssp, mp4.SubSamplePattern{BytesOfClearData: uint16(s.Clear), BytesOfProtectedData: s.Protected})
		}
		for _, v := range []struct {
			scheme      Scheme
			crypt, skip uint8
			iv          []byte
		}{{CBCS, 1, 9, iv16}, {CBCS, 0, 0, iv16}, {CBCS, 1, 9, iv8}, {CENC, 0, 0, iv8}, {CENC, 0, 0, iv16}} {
			c, err := NewCipher(v.scheme, key, v.crypt, v.skip)
			if err != nil {
				t.Fatal(err)
			}
			got := bytes.Clone(plain)
			if err := c.Encrypt(got, SampleInfo{IV: v.iv, Subsamples: tc.subs}); err != nil {
				t.Fatalf("%s %s: %v", tc.name, v.scheme, err)
			}
			want := bytes.Clone(plain)
			iv := v.iv
			if len(iv) == 8 {
				iv = append(bytes.Clone(iv), make([]byte, 8)...)
			}
			if v.scheme == CBCS {
				err = mp4.EncryptSampleCbcs(want, key[:], iv, ssp, &mp4.TencBox{Version: 1, DefaultCryptByteBlock: v.crypt, DefaultSkipByteBlock: v.skip})
			} else {
				err = mp4.CryptSampleCenc(want, key[:], iv, ssp)
			}
			if err != nil {
				t.Fatalf("%s %s: mp4ff: %v", tc.name, v.scheme, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s %s %d:%d IV %d bytes: ciphertext differs from mp4ff's", tc.name, v.scheme, v.crypt, v.skip, len(v.iv))
			}
			if hasBlock(tc.size, tc.subs) && bytes.Equal(got, plain) {
				t.Errorf("%s %s: nothing was encrypted", tc.name, v.scheme)
			}
			if err := c.Decrypt(got, SampleInfo{IV: v.iv, Subsamples: tc.subs}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Errorf("%s %s: decrypting does not give the plaintext back", tc.name, v.scheme)
			}
		}
	}
}

func TestCipherErrors(t *testing.T) {
	if _, err := NewCipher("cens", Key{}, 1, 9); err == nil {
		t.Error("cens accepted")
	}
	if _, err := NewCipher(CENC, Key{}, 1, 9); err == nil {
		t.Error("cenc with a pattern accepted")
	}
	c, _ := NewCipher(CBCS, Key{}, 1, 9)
	for _, info := range []SampleInfo{
		{IV: make([]byte, 4)},
		{IV: make([]byte, 16), Subsamples: []Subsample{{Clear: 10, Protected: 100}}},
		{IV: make([]byte, 16), Subsamples: []Subsample{{Clear: 1}}},
	} {
		if err := c.Decrypt(make([]byte, 64), info); err == nil {
			t.Errorf("%+v accepted for a 64-byte sample", info)
		}
	}
}

// hasBlock reports whether a sample of size bytes with map subs has a
// complete 16-byte block to protect.
func hasBlock(size int, subs []Subsample) bool {
	if subs == nil {
		return size >= 16
	}
	for _, s := range subs {
		if s.Protected >= 16 {
			return true
		}
	}
	return false
}

// BenchmarkCipherCBCS encrypts 1 MiB as one protected range with the 1:9
// video pattern: the cost per byte of media in cbcs packaging.
func BenchmarkCipherCBCS(b *testing.B) {
	c, _ := NewCipher(CBCS, Key{1}, 1, 9)
	buf := make([]byte, 1<<20)
	info := SampleInfo{IV: make([]byte, 16), Subsamples: []Subsample{{Clear: 0, Protected: 1 << 20}}}
	b.SetBytes(int64(len(buf)))
	for i := 0; i < b.N; i++ {
		if err := c.Encrypt(buf, info); err != nil {
			b.Fatal(err)
		}
	}
}
