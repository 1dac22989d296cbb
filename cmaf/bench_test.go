package cmaf

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

type nopWriteCloser struct{}

func (nopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriteCloser) Close() error                { return nil }

func benchPackage(b *testing.B, path string, enc *Encryption) {
	ins, err := OpenInputs(path)
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll(ins)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Package(context.Background(), devNull{}, ins, Options{Encryption: enc}); err != nil {
			b.Fatal(err)
		}
	}
}

// devNull is an Output whose files go nowhere.
type devNull struct{}

func (devNull) Create(string) (io.WriteCloser, error) { return nopWriteCloser{}, nil }

// BenchmarkPackage packages testdata/avc_aac.mp4 (4 s segments) into
// nowhere: the cost of planning, moof encoding and sample copying.
func BenchmarkPackage(b *testing.B) {
	benchPackage(b, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"), nil)
}

// benchKey is the key of the encryption benchmarks.
var benchKey = &Encryption{Scheme: cenc.CBCS, Keys: []cenc.KeySpec{{KID: cenc.KeyID{1}, Key: cenc.Key{2}}}, IV: make(cenc.IV, 16)}

// BenchmarkPackageCBCS is BenchmarkPackage with cbcs encryption.
func BenchmarkPackageCBCS(b *testing.B) {
	benchPackage(b, filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4"), benchKey)
}

// BenchmarkPackageLarge packages $MP4PKG_LARGE_FILE (scripts/gen-large.sh).
func BenchmarkPackageLarge(b *testing.B) {
	path := os.Getenv("MP4PKG_LARGE_FILE")
	if path == "" {
		b.Skip("set MP4PKG_LARGE_FILE to a file made by scripts/gen-large.sh")
	}
	benchPackage(b, path, nil)
}

// BenchmarkPackageLargeCBCS is BenchmarkPackageLarge with cbcs encryption.
func BenchmarkPackageLargeCBCS(b *testing.B) {
	path := os.Getenv("MP4PKG_LARGE_FILE")
	if path == "" {
		b.Skip("set MP4PKG_LARGE_FILE to a file made by scripts/gen-large.sh")
	}
	benchPackage(b, path, benchKey)
}
