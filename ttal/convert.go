package ttal

import "fmt"

// readFormat dispatches to the readers of formats other than TTAL JSON.
func readFormat(data []byte, f Format, opt ReadOptions) (*Script, error) {
	return nil, fmt.Errorf("%w: reading %s", ErrUnsupported, f)
}

// writeFormat dispatches to the writers of formats other than TTAL JSON.
func writeFormat(s *Script, f Format, opt WriteOptions, loss Loss) ([]byte, error) {
	return nil, fmt.Errorf("%w: writing %s", ErrUnsupported, f)
}

// ValidateDAPTDocument checks a TTML document against the DAPT rules
// (profile "dapt"): it reads the document as DAPT and validates the script.
func ValidateDAPTDocument(data []byte) []Finding {
	s, err := ReadBytes(data, FormatDAPT, ReadOptions{})
	if err != nil {
		return []Finding{{Rule: "dapt.read", Severity: SeverityError, Message: err.Error()}}
	}
	return Validate(s, ProfileDAPT)
}
