package isobmff

import "io"

// Concat returns a reader of the parts one after the other (part i has
// sizes[i] bytes): an init segment and a media segment read as one file.
func Concat(parts []io.ReaderAt, sizes []int64) io.ReaderAt {
	return &concat{parts, sizes}
}

type concat struct {
	parts []io.ReaderAt
	sizes []int64
}

func (c *concat) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for i, r := range c.parts {
		if len(p) == 0 {
			break
		}
		if off >= c.sizes[i] {
			off -= c.sizes[i]
			continue
		}
		want := min(int64(len(p)), c.sizes[i]-off)
		m, err := r.ReadAt(p[:want], off)
		n += m
		if err != nil && !(err == io.EOF && int64(m) == want) {
			return n, err
		}
		p, off = p[want:], 0
	}
	if len(p) > 0 {
		return n, io.EOF
	}
	return n, nil
}
