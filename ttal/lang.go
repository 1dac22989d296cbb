package ttal

import "strings"

// ValidLanguageTag reports whether tag is a well-formed BCP 47 language tag
// (RFC 5646 syntax: language[-extlang][-script][-region][-variant]*
// [-extension]*[-privateuse], or a private-use tag "x-…"). Case is not checked.
func ValidLanguageTag(tag string) bool {
	if tag == "" || len(tag) > 128 {
		return false
	}
	var buf [64]string // a 128-byte tag has at most 64 subtags; no allocation
	parts := buf[:0]
	for rest := tag; ; {
		p, r, more := strings.Cut(rest, "-")
		parts = append(parts, p)
		if !more {
			break
		}
		rest = r
	}
	for _, p := range parts {
		if p == "" || len(p) > 8 || !isAlnum(p) {
			return false
		}
	}
	i := 0
	if isSingleton(parts[0], 'x') {
		return privateUse(parts[1:])
	}
	// language
	l := parts[0]
	if !isAlpha(l) || len(l) < 2 || len(l) == 4 {
		return false
	}
	i = 1
	if len(l) <= 3 { // up to three extlangs
		for n := 0; n < 3 && i < len(parts) && len(parts[i]) == 3 && isAlpha(parts[i]); n++ {
			i++
		}
	}
	if i < len(parts) && len(parts[i]) == 4 && isAlpha(parts[i]) { // script
		i++
	}
	if i < len(parts) && ((len(parts[i]) == 2 && isAlpha(parts[i])) || (len(parts[i]) == 3 && isDigits(parts[i]))) { // region
		i++
	}
	for i < len(parts) && isVariant(parts[i]) {
		i++
	}
	seen := map[byte]bool{}
	for i < len(parts) && len(parts[i]) == 1 {
		c := lower(parts[i][0])
		if c == 'x' {
			return privateUse(parts[i+1:])
		}
		if seen[c] {
			return false
		}
		seen[c] = true
		i++
		n := 0
		for i < len(parts) && len(parts[i]) >= 2 {
			i++
			n++
		}
		if n == 0 {
			return false
		}
	}
	return i == len(parts)
}

func privateUse(rest []string) bool {
	if len(rest) == 0 {
		return false
	}
	return true // each part already 1–8 alphanumerics
}

func isVariant(p string) bool {
	if len(p) >= 5 {
		return true
	}
	return len(p) == 4 && p[0] >= '0' && p[0] <= '9'
}

func isSingleton(p string, c byte) bool { return len(p) == 1 && lower(p[0]) == c }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		c := lower(s[i])
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := lower(s[i])
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// primaryLanguage returns the lower-cased primary subtag of a language tag.
func primaryLanguage(tag string) string {
	p, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(p)
}
