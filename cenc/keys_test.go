package cenc

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const (
	testKIDHex = "a7e61c373e219033c21091fa607bf3b8"
	testKIDStr = "a7e61c37-3e21-9033-c210-91fa607bf3b8"
	testKeyHex = "76a6c65c5ea762046bd749a2e632ccbb"
)

// keySpecCases feeds TestParseKeySpec and the fuzz seeds. want is the
// String form of the spec, or "" when parsing must fail.
var keySpecCases = []struct{ in, want string }{
	{testKIDHex + ":" + testKeyHex, testKIDStr},
	{testKIDStr + ":" + strings.ToUpper(testKeyHex), testKIDStr},
	{"  video-1080p=" + testKIDHex + ":" + testKeyHex + "\t", "video-1080p=" + testKIDStr},
	{"2=" + strings.ToUpper(testKIDHex) + ":" + testKeyHex, "2=" + testKIDStr},
	{testKIDHex + testKeyHex, ""},                              // no ':'
	{"=" + testKIDHex + ":" + testKeyHex, ""},                  // empty track
	{"a b=" + testKIDHex + ":" + testKeyHex, ""},               // bad track
	{testKIDHex + ":" + testKeyHex[:31], ""},                   // short key
	{testKIDHex + ":" + testKeyHex + "0", ""},                  // long key
	{testKIDHex + ":" + testKeyHex[:30] + "zz", ""},            // non-hex key
	{testKIDHex[:31] + "g:" + testKeyHex, ""},                  // non-hex KID
	{"a7e61c37-3e21-9033-c210_91fa607bf3b8:" + testKeyHex, ""}, // bad UUID
	{testKeyHex + ":" + testKeyHex + ":" + testKIDHex, ""},
	{"", ""},
}

func TestParseKeySpec(t *testing.T) {
	for _, c := range keySpecCases {
		spec, err := ParseKeySpec(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseKeySpec(%q) = %v, want an error", c.in, spec)
			} else if !errors.Is(err, ErrKeySyntax) {
				t.Errorf("ParseKeySpec(%q): %v does not wrap ErrKeySyntax", c.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseKeySpec(%q): %v", c.in, err)
			continue
		}
		if got := spec.String(); got != c.want {
			t.Errorf("ParseKeySpec(%q) = %s, want %s", c.in, got, c.want)
		}
		if got := fmt.Sprintf("%x", spec.Key[:]); got != testKeyHex {
			t.Errorf("ParseKeySpec(%q) key = %s", c.in, got)
		}
	}
}

// TestKeysNeverPrinted pins that no fmt verb and no parse error shows a key.
func TestKeysNeverPrinted(t *testing.T) {
	spec, err := ParseKeySpec("video=" + testKIDHex + ":" + testKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	leaks := func(s string) bool {
		s = strings.ToLower(s)
		return strings.Contains(s, testKeyHex[:8]) || strings.Contains(s, testKeyHex[24:]) ||
			strings.Contains(s, "118 166 198") || strings.Contains(s, "0x76")
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d", "%T %v"} {
		for _, v := range []any{spec.Key, &spec.Key, spec, &spec, []KeySpec{spec}, struct{ S KeySpec }{spec}} {
			if s := fmt.Sprintf(verb, v); leaks(s) {
				t.Errorf("Sprintf(%q, %T) = %s: shows the key", verb, v, s)
			}
		}
	}
	if s := spec.String(); s != "video="+testKIDStr {
		t.Errorf("String() = %s", s)
	}
	bad := []string{
		testKIDHex + testKeyHex,
		testKIDHex + ":" + testKeyHex + "f",
		testKIDHex + ":" + testKeyHex[:30] + "x",
		testKeyHex + ":" + testKIDHex + "00",
		"v=" + testKIDHex + ":" + testKeyHex + testKeyHex,
	}
	for _, in := range bad {
		if _, err := ParseKeySpec(in); err == nil || leaks(err.Error()) {
			t.Errorf("ParseKeySpec error %v shows the key (or is nil)", err)
		}
		if _, err := ReadKeyFile(strings.NewReader("# keys\n" + in + "\n")); err == nil || leaks(err.Error()) {
			t.Errorf("ReadKeyFile error %v shows the key (or is nil)", err)
		}
	}
}

func TestParseKeyIDAndIV(t *testing.T) {
	a, err := ParseKeyID(testKIDHex)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseKeyID(strings.ToUpper(testKIDStr))
	if err != nil || a != b {
		t.Fatalf("UUID form: %v %v", b, err)
	}
	if a.String() != testKIDStr || a.Hex() != testKIDHex {
		t.Errorf("String %s Hex %s", a, a.Hex())
	}
	for _, s := range []string{"0123456789abcdef", "9a5c2d3e4f60718293a4b5c6d7e8f901"} {
		iv, err := ParseIV(s)
		if err != nil || iv.String() != s || len(iv) != len(s)/2 {
			t.Errorf("ParseIV(%s) = %v, %v", s, iv, err)
		}
	}
	iv, _ := ParseIV("0123456789abcdef")
	if b := iv.Block16(); fmt.Sprintf("%x", b) != "0123456789abcdef0000000000000000" {
		t.Errorf("Block16 = %x", b)
	}
	for _, s := range []string{"", "0123", "0123456789abcdef0", "0123456789abcdeg", "9a5c2d3e4f60718293a4b5c6d7e8f90"} {
		if _, err := ParseIV(s); !errors.Is(err, ErrKeySyntax) {
			t.Errorf("ParseIV(%q) err = %v", s, err)
		}
	}
}

func TestReadKeyFile(t *testing.T) {
	k2 := "00112233445566778899aabbccddeeff"
	file := "# content keys\n\n" +
		testKIDHex + ":" + testKeyHex + "  # default\n" +
		"   \n" +
		"audio-en=" + k2 + ":" + k2 + "\n" +
		testKIDStr + ":" + testKeyHex + "\n" // the same again: kept once
	specs, err := ReadKeyFile(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(specs); got != "["+testKIDStr+" audio-en=00112233-4455-6677-8899-aabbccddeeff]" {
		t.Errorf("specs = %s", got)
	}
	for _, c := range []struct{ file, want string }{
		{"\n\n# x\nnot a key\n", "line 4: "},
		{testKIDHex + ":" + testKeyHex + "\n" + testKIDHex + ":" + k2 + "\n", "line 2: "},
		{strings.Repeat("#", MaxKeyFileLine+1), "line 1: longer than"},
		{strings.Repeat(testKIDHex+":"+testKeyHex+"\n", 1) + "\n" + strings.Repeat("x", MaxKeyFileLine+10) + "\n", "line 3: longer than"},
	} {
		_, err := ReadKeyFile(strings.NewReader(c.file))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ReadKeyFile: err = %v, want %q…", err, c.want)
		}
	}
	var many strings.Builder
	for i := 0; i <= MaxKeySpecs; i++ {
		fmt.Fprintf(&many, "%032x:%s\n", i, testKeyHex)
	}
	if _, err := ReadKeyFile(strings.NewReader(many.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many keys: err = %v", err)
	}
}

// hexRun matches what could be part of a key quoted in a message.
var hexRun = regexp.MustCompile(`[0-9a-fA-F]{8}`)

func FuzzParseKeySpec(f *testing.F) {
	for _, c := range keySpecCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseKeySpec(s)
		if err != nil {
			if !errors.Is(err, ErrKeySyntax) {
				t.Fatalf("error %v does not wrap ErrKeySyntax", err)
			}
			if hexRun.MatchString(err.Error()) {
				t.Fatalf("error %q quotes hex digits", err)
			}
			return
		}
		// A parsed spec prints without its key and parses back the same.
		if strings.Contains(fmt.Sprintf("%v %+v %#v %x", spec, spec, spec, spec.Key), fmt.Sprintf("%x", spec.Key[:])) {
			t.Fatalf("spec %v prints its key", spec)
		}
		again, err := ParseKeySpec(spec.Track + map[bool]string{true: "", false: "="}[spec.Track == ""] +
			spec.KID.Hex() + ":" + fmt.Sprintf("%x", spec.Key[:]))
		if err != nil || again != spec {
			t.Fatalf("round trip of %v: %v %v", spec, again, err)
		}
	})
}
