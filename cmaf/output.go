package cmaf

import (
	"io"
	"os"
	"path/filepath"
)

// Output receives the files of a packaging run. Names use "/" separators
// and are relative to the output root (e.g. "video-720p/seg-00001.m4s").
type Output interface {
	Create(name string) (io.WriteCloser, error)
}

// DirOutput writes files below a folder, creating subfolders as needed.
type DirOutput string

// Create creates the named file below the folder.
func (d DirOutput) Create(name string) (io.WriteCloser, error) {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}
