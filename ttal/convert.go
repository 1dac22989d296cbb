package ttal

import "fmt"

// readFormat dispatches to the readers of formats other than TTAL JSON.
func readFormat(data []byte, f Format, opt ReadOptions) (*Script, error) {
	switch f {
	case FormatTTML, FormatDAPT:
		return readTTML(data, opt)
	case FormatSRT, FormatVTT, FormatASS, FormatSTL:
		return readSubtitles(data, f, opt)
	}
	return nil, fmt.Errorf("%w: reading %s", ErrUnsupported, f)
}

// writeFormat dispatches to the writers of formats other than TTAL JSON.
func writeFormat(s *Script, f Format, opt WriteOptions, loss Loss) ([]byte, error) {
	switch f {
	case FormatTTML:
		return writeTTML(s, false, opt, loss)
	case FormatDAPT:
		return writeTTML(s, true, opt, loss)
	case FormatSRT, FormatVTT, FormatASS, FormatSTL:
		return writeSubtitles(s, f, opt, loss)
	}
	return nil, fmt.Errorf("%w: writing %s", ErrUnsupported, f)
}
