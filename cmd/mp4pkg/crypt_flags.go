package main

import (
	"os"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf"
)

// cryptFlags are the encryption flags of package and encrypt.
type cryptFlags struct {
	// schemeFlag is the name of the scheme flag: --encrypt (package) or
	// --scheme (encrypt).
	schemeFlag string
	scheme     string
	keys       []string
	keyFile    string
	iv         string
	drm        string
}

// any reports whether any encryption flag was given.
func (c *cryptFlags) any() bool {
	return c.scheme != "" || len(c.keys) > 0 || c.keyFile != "" || c.iv != "" || c.drm != ""
}

// keySpecs reads the --key values and the --key-file. Key errors never
// quote the value (it may hold a key).
func (c *cryptFlags) keySpecs() ([]cenc.KeySpec, error) {
	var specs []cenc.KeySpec
	for i, k := range c.keys {
		spec, err := cenc.ParseKeySpec(k)
		if err != nil {
			return nil, usagef("--key #%d: %v", i+1, err)
		}
		specs = append(specs, spec)
	}
	if c.keyFile != "" {
		f, err := os.Open(c.keyFile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		more, err := cenc.ReadKeyFile(f)
		if err != nil {
			return nil, usagef("--key-file %s: %v", c.keyFile, err)
		}
		specs = append(specs, more...)
	}
	return specs, nil
}

// encryption turns the flags into cmaf.Encryption; nil when none was given.
func (c *cryptFlags) encryption() (*cmaf.Encryption, error) {
	if !c.any() {
		return nil, nil
	}
	switch c.scheme {
	case "cbcs", "cenc":
	case "":
		return nil, usagef("--key, --key-file, --iv and --drm need %s cbcs|cenc", c.schemeFlag)
	default:
		return nil, usagef("%s must be cbcs or cenc, not %q", c.schemeFlag, c.scheme)
	}
	e := &cmaf.Encryption{Scheme: cenc.Scheme(c.scheme)}
	var err error
	if e.Keys, err = c.keySpecs(); err != nil {
		return nil, err
	}
	if len(e.Keys) == 0 {
		return nil, usagef("%s needs --key KID:KEY or --key-file FILE", c.schemeFlag)
	}
	if err := cmaf.CheckKeyTracks(e.Keys); err != nil {
		return nil, usagef("%v", err)
	}
	if c.iv != "" {
		if e.IV, err = cenc.ParseIV(c.iv); err != nil {
			return nil, usagef("--iv: %v", err)
		}
	}
	if c.drm != "" {
		if e.DRM, err = cenc.ParseDRMList(c.drm); err != nil {
			return nil, usagef("%v", err)
		}
	}
	return e, nil
}
