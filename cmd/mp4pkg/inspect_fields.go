package main

import (
	"io"
)

// writeMaskedJSON is replaced when the fieldmask package lands.
func writeMaskedJSON(w io.Writer, v any, mask string) error {
	return usagef("--fields is not available yet")
}
