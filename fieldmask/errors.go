package fieldmask

import (
	"errors"
	"fmt"
)

// Errors reported by the package, for use with [errors.Is]. Every error
// about a specific path is a [*PathError] wrapping one of them.
var (
	// ErrInvalidPath reports a path that breaks the grammar (empty
	// segment, white space, unbalanced backtick, numeric index, "*" mixed
	// with other paths, ...).
	ErrInvalidPath = errors.New("invalid path")
	// ErrLimit reports a mask or document beyond MaxPaths, MaxDepth or
	// MaxPathLength.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnknownField reports a path that the schema does not know.
	ErrUnknownField = errors.New("unknown field")
	// ErrTypeMismatch reports a path that goes through a value of the
	// wrong kind (a scalar, or an array in an update).
	ErrTypeMismatch = errors.New("type mismatch")
	// ErrEmptyMask reports an empty update mask under the Reject policy.
	ErrEmptyMask = errors.New("empty update mask")
	// ErrImmutable reports an update that would change an immutable field.
	ErrImmutable = errors.New("immutable field changed")
	// ErrUnsupported reports a value or a path form the operation cannot
	// handle (a wildcard in an update, a Go value that is not JSON-shaped).
	ErrUnsupported = errors.New("unsupported")
)

// PathError is an error about one path of a mask.
type PathError struct {
	Path string // the path in mask syntax (or "#N" for an empty N-th path)
	Msg  string // what is wrong, in words
	Err  error  // one of the Err* values of this package
}

// Error returns "fieldmask: path \"P\": message".
func (e *PathError) Error() string {
	return fmt.Sprintf("fieldmask: path %q: %s", e.Path, e.Msg)
}

// Unwrap returns the category error.
func (e *PathError) Unwrap() error { return e.Err }

func newPathError(path string, cat error, format string, args ...any) *PathError {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, args...), Err: cat}
}
