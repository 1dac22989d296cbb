package isobmff

import (
	"bytes"
	"os"
	"sync/atomic"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r interface {
		ReadAt([]byte, int64) (int, error)
	}
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// BenchmarkOpen opens each testdata file from memory.
func BenchmarkOpen(b *testing.B) {
	for _, p := range testmedia.Testdata(b) {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p[len(testmedia.RepoRoot())+1:], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := Open(bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenLarge opens the file named by $MP4PKG_LARGE_FILE (made by
// scripts/gen-large.sh) and reports the share of its bytes that Open reads.
func BenchmarkOpenLarge(b *testing.B) {
	path := os.Getenv("MP4PKG_LARGE_FILE")
	if path == "" {
		b.Skip("set MP4PKG_LARGE_FILE (scripts/bench-inspect.sh does)")
	}
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	b.ReportAllocs()
	var read int64
	for i := 0; i < b.N; i++ {
		cr := &countingReader{r: fh}
		if _, err := Open(cr, st.Size()); err != nil {
			b.Fatal(err)
		}
		read = cr.n.Load()
	}
	b.ReportMetric(float64(read), "bytes-read")
	b.ReportMetric(100*float64(read)/float64(st.Size()), "%-of-file-read")
}
