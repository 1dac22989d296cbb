package main

import (
	"encoding/json"
	"io"

	"github.com/mp4pkg/mp4pkg/fieldmask"
)

// writeMaskedJSON writes the JSON form of v filtered by a FieldMask read
// mask (e.g. "tracks.codec,tracks.width"); a malformed mask is a usage error.
func writeMaskedJSON(w io.Writer, v any, mask string) error {
	m, err := fieldmask.Parse(mask)
	if err != nil {
		return usagef("--fields: %v", err)
	}
	doc, err := fieldmask.FilterStruct(v, m)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
