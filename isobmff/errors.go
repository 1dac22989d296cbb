package isobmff

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// ErrMalformed marks input that breaks the ISOBMFF rules: sizes that do not
// fit, counts larger than the bytes that hold them, truncated boxes.
var ErrMalformed = errors.New("malformed")

// ErrUnsupported marks valid input that mp4pkg does not handle.
var ErrUnsupported = errors.New("unsupported")

// BoxError is the error returned for bad input. Path names the box, e.g.
// "moov/trak[1]/mdia/minf/stbl/stsz", and Offset is the file offset of the
// box's first byte.
type BoxError struct {
	Path   string
	Offset int64
	Err    error
}

// Error returns a one-line message naming the box path and offset.
func (e *BoxError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("at 0x%x: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("%s at 0x%x: %v", e.Path, e.Offset, e.Err)
}

// Unwrap returns the underlying error, so that errors.Is(err, ErrMalformed)
// and errors.Is(err, ErrUnsupported) work.
func (e *BoxError) Unwrap() error { return e.Err }

// malformed returns a *BoxError wrapping ErrMalformed.
func malformed(path string, off int64, format string, args ...any) error {
	return &BoxError{Path: path, Offset: off, Err: fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))}
}

// unsupported returns a *BoxError wrapping ErrUnsupported.
func unsupported(path string, off int64, format string, args ...any) error {
	return &BoxError{Path: path, Offset: off, Err: fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))}
}

// wrapDecode turns an error from a decoder (mp4ff or ours) into a *BoxError
// for path and off, keeping an existing *BoxError as it is.
func wrapDecode(path string, off int64, err error) error {
	if err == nil {
		return nil
	}
	var be *BoxError
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrMalformed) {
		return &BoxError{Path: path, Offset: off, Err: err}
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	return &BoxError{Path: path, Offset: off, Err: fmt.Errorf("%w: %s", ErrMalformed, msg)}
}

// Guard runs fn, which calls into a parser on untrusted bytes, and turns a
// panic into a *BoxError wrapping ErrMalformed for path and off. Every call
// into mp4ff on input bytes goes through Guard.
func Guard(path string, off int64, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if debugGuard {
				fmt.Printf("isobmff: recovered panic at %s: %v\n%s", path, r, debug.Stack())
			}
			err = malformed(path, off, "decoder failed: %v", r)
		}
	}()
	return wrapDecode(path, off, fn())
}

// debugGuard prints the stack of recovered panics; for debugging only.
var debugGuard = false
