package fuzz

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

// fuzzKeys decrypt the seeds: mp4ff's vectors (zero KIDs take the one key
// that matches by position, so each vector gets a run with its own key
// alone) and our own encryption.
var fuzzKeys = [][]cenc.KeySpec{
	{{Key: cenc.Key{0x22, 0xbd, 0xb0, 0x06, 0x38, 0x05, 0x26, 0x03, 0x07, 0xee, 0x50, 0x45, 0xc0, 0xf3, 0x83, 0x5a}}},
	{{KID: cenc.KeyID{0xcd, 0x7e, 0xb9, 0xff, 0x88, 0xf3, 0x4c, 0xae, 0xb0, 0x61, 0x85, 0xb0, 0x00, 0x24, 0xe4, 0xc2},
		Key: cenc.Key{0x63, 0xcb, 0x5f, 0x71, 0x84, 0xdd, 0x4b, 0x68, 0x9a, 0x5c, 0x5f, 0xf1, 0x1e, 0xe6, 0xa3, 0x28}}},
	{{KID: cenc.KeyID{1}, Key: cenc.Key{2}}},
}

// FuzzDecryptFile opens arbitrary bytes and, when isobmff accepts them,
// decrypts them with cmaf.DecryptFile (the whole decrypt path: protection
// and senc/saiz/saio reading, the cipher, the clear file) and encrypts
// them with cmaf.EncryptFile: any error is fine, a panic or a hang is not.
// Seeds: mp4ff's encrypted vectors and small files of our own encrypted in
// both schemes. Run it with -fuzzminimizetime 1x (as .ci/run does): the
// default minute of minimising each new input stalls on seeds this large.
func FuzzDecryptFile(f *testing.F) {
	dir := testmedia.MP4ffDir(f)
	for _, rel := range []string{"mp4/testdata/cbcs.mp4", "mp4/testdata/prog_8s_enc_dashinit.mp4", "mp4/testdata/cbcs_audio.mp4"} {
		if data, err := os.ReadFile(filepath.Join(dir, rel)); err == nil && len(data) < 1<<20 {
			f.Add(data)
		}
	}
	for _, data := range testmedia.SmallFiles(f, 100<<10) {
		for _, s := range []cenc.Scheme{cenc.CBCS, cenc.CENC} {
			var enc bytes.Buffer
			if in, ok := open(data); ok && cmaf.EncryptFile(context.Background(), &enc, in, &cmaf.Encryption{Scheme: s, Keys: fuzzKeys[2], IV: make(cenc.IV, 8)}, cmaf.FileOptions{}) == nil {
				f.Add(enc.Bytes())
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, ok := open(data)
		if !ok {
			return
		}
		for _, keys := range fuzzKeys {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = cmaf.DecryptFile(ctx, discard{}, in, keys, cmaf.FileOptions{})
			cancel()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = cmaf.EncryptFile(ctx, discard{}, in, &cmaf.Encryption{Scheme: cenc.CBCS, Keys: fuzzKeys[2]}, cmaf.FileOptions{})
		cancel()
	})
}

// open opens data as an input.
func open(data []byte) (*cmaf.Input, bool) {
	file, err := isobmff.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, false
	}
	return cmaf.NewInput("fuzz", file, bytes.NewReader(data), nil), true
}
