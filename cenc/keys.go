package cenc

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KeyID is a 16-byte key identifier (KID), as carried in tenc, pssh and
// manifests. Its String form is the UUID form 8-4-4-4-12.
type KeyID [16]byte

// Key is a 16-byte AES-128 content key. It is a secret: every fmt verb
// prints it as [Key redacted], so it never reaches logs or error messages by
// accident. Use key[:] to hand it to crypto/aes.
type Key [16]byte

// IV is an initialization vector of 8 or 16 bytes: a cbcs constant IV or a
// cenc initial per-sample IV. An 8-byte IV stands for the 16-byte IV whose
// last eight bytes are zero.
type IV []byte

// KeySpec is one --key value: a KID and its key, for one track or (Track
// empty) for every track. Its String form names the track and the KID only.
type KeySpec struct {
	Track string
	KID   KeyID
	Key   Key
}

// ErrKeySyntax is wrapped by every error about a malformed KID, key, IV or
// key spec. Such errors say which part is wrong and never quote the input,
// which may hold a key.
var ErrKeySyntax = errors.New("malformed key")

// MaxKeySpecs bounds the specs ReadKeyFile accepts, and MaxKeyFileLine the
// length of one of its lines.
const (
	MaxKeySpecs    = 4096
	MaxKeyFileLine = 1024
)

// ParseKeyID parses a KID written as 32 hex digits or in the UUID form
// 8-4-4-4-12 (either case).
func ParseKeyID(s string) (KeyID, error) {
	var k KeyID
	if len(s) == 36 {
		for _, i := range []int{8, 13, 18, 23} {
			if s[i] != '-' {
				return k, fmt.Errorf("%w: KID in UUID form needs '-' at position %d", ErrKeySyntax, i+1)
			}
		}
		s = s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	}
	return k, decodeHex(k[:], s, "KID")
}

// ParseKey parses a content key written as 32 hex digits.
func ParseKey(s string) (Key, error) {
	var k Key
	return k, decodeHex(k[:], s, "key")
}

// ParseIV parses an IV written as 16 or 32 hex digits (8 or 16 bytes).
func ParseIV(s string) (IV, error) {
	if len(s) != 16 && len(s) != 32 {
		return nil, fmt.Errorf("%w: IV has %d characters, want 16 or 32 hex digits", ErrKeySyntax, len(s))
	}
	iv := make(IV, len(s)/2)
	if err := decodeHex(iv, s, "IV"); err != nil {
		return nil, err
	}
	return iv, nil
}

// decodeHex fills dst from exactly 2*len(dst) hex digits in s. Its errors
// give lengths and positions, never the digits.
func decodeHex(dst []byte, s, what string) error {
	if len(s) != 2*len(dst) {
		return fmt.Errorf("%w: %s has %d characters, want %d hex digits", ErrKeySyntax, what, len(s), 2*len(dst))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("%w: %s has a non-hex character at position %d", ErrKeySyntax, what, i+1)
		}
	}
	_, err := hex.Decode(dst, []byte(s))
	return err
}

// String returns the KID in UUID form, e.g. a7e61c37-3e21-9033-c210-91fa607bf3b8.
func (k KeyID) String() string {
	h := hex.EncodeToString(k[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Hex returns the KID as 32 lower-case hex digits.
func (k KeyID) Hex() string { return hex.EncodeToString(k[:]) }

// Format prints [Key redacted] whatever the verb.
func (k Key) Format(f fmt.State, _ rune) { io.WriteString(f, "[Key redacted]") }

// String returns the IV as lower-case hex digits.
func (iv IV) String() string { return hex.EncodeToString(iv) }

// Block16 returns the IV as 16 bytes, zero-extending an 8-byte IV.
func (iv IV) Block16() [16]byte {
	var b [16]byte
	copy(b[:], iv)
	return b
}

// Format prints the spec as TRACK=KID or KID (String), whatever the verb,
// so the key never shows.
func (s KeySpec) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// String returns TRACK=KID, or the KID alone when the spec is for every
// track. The key is left out.
func (s KeySpec) String() string {
	if s.Track == "" {
		return s.KID.String()
	}
	return s.Track + "=" + s.KID.String()
}

// ParseKeySpec parses a --key value: KID:KEY, or TRACK=KID:KEY for one
// track, where KID is 32 hex digits or a UUID, KEY is 32 hex digits and
// TRACK is a track name or ID (letters, digits, '-', '_', '.'). Surrounding
// spaces are ignored.
func ParseKeySpec(s string) (KeySpec, error) {
	var spec KeySpec
	s = strings.TrimSpace(s)
	if track, rest, ok := strings.Cut(s, "="); ok {
		if err := checkTrackName(track); err != nil {
			return spec, err
		}
		spec.Track, s = track, rest
	}
	kid, key, ok := strings.Cut(s, ":")
	if !ok {
		return spec, fmt.Errorf("%w: want KID:KEY or TRACK=KID:KEY, found no ':'", ErrKeySyntax)
	}
	var err error
	if spec.KID, err = ParseKeyID(kid); err != nil {
		return KeySpec{}, err
	}
	if spec.Key, err = ParseKey(key); err != nil {
		return KeySpec{}, err
	}
	return spec, nil
}

func checkTrackName(t string) error {
	if t == "" {
		return fmt.Errorf("%w: empty TRACK before '='", ErrKeySyntax)
	}
	if len(t) > 64 {
		return fmt.Errorf("%w: TRACK longer than 64 characters", ErrKeySyntax)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: TRACK has a character other than a letter, digit, '-', '_' or '.' at position %d", ErrKeySyntax, i+1)
		}
	}
	return nil
}

// ReadKeyFile reads key specs (see ParseKeySpec), one a line. Blank lines
// and everything from '#' to the end of a line are ignored. A KID given
// twice for the same track with different keys is an error. Errors name the
// line: "line 3: ...".
func ReadKeyFile(r io.Reader) ([]KeySpec, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), MaxKeyFileLine)
	var specs []KeySpec
	first := map[[2]string]int{} // track, KID → index in specs
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(text) == "" {
			continue
		}
		spec, err := ParseKeySpec(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		id := [2]string{spec.Track, spec.KID.Hex()}
		if i, ok := first[id]; ok {
			if specs[i].Key != spec.Key {
				return nil, fmt.Errorf("line %d: %w: %v was given a different key before", line, ErrKeySyntax, spec)
			}
			continue
		}
		if len(specs) == MaxKeySpecs {
			return nil, fmt.Errorf("line %d: more than %d keys", line, MaxKeySpecs)
		}
		first[id] = len(specs)
		specs = append(specs, spec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", line+1, MaxKeyFileLine)
		}
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return specs, nil
}
