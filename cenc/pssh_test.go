package cenc

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/internal/testmedia"
	"github.com/mp4pkg/mp4pkg/isobmff"
)

var systemNames = map[SystemID]string{CommonSystem: "common", WidevineSystem: "widevine", PlayReadySystem: "playready"}

func testKeySpec(t testing.TB) KeySpec {
	t.Helper()
	k, err := ParseKeySpec(testKIDHex + ":" + testKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ourPSSH builds the boxes for the test key, by system name, encoded.
func ourPSSH(t testing.TB, s Scheme, keys ...KeySpec) map[string][]byte {
	t.Helper()
	boxes, err := PSSHBoxes(keys, PSSHOptions{Scheme: s, Systems: []DRM{Common, Widevine, PlayReady, FairPlay, ClearKey}})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 3 {
		t.Fatalf("%d boxes, want 3 (common once, none for FairPlay)", len(boxes))
	}
	out := map[string][]byte{}
	for _, b := range boxes {
		enc, err := EncodePSSH(b)
		if err != nil {
			t.Fatal(err)
		}
		out[systemNames[SystemID(b.SystemID)]] = enc
	}
	return out
}

// comparePSSH checks our boxes against another tool's, byte for byte.
func comparePSSH(t *testing.T, what string, ours, theirs map[string][]byte) {
	t.Helper()
	for name, want := range theirs {
		if got := ours[name]; !bytes.Equal(got, want) {
			t.Errorf("%s %s pssh differs:\n got %x\nwant %x", what, name, got, want)
		}
	}
}

// TestPSSHMatchesShakaVectors compares with the boxes Shaka Packager 3.4.2
// wrote for the same KID and key (testdata/pssh/README.md).
func TestPSSHMatchesShakaVectors(t *testing.T) {
	for _, s := range []Scheme{CBCS, CENC} {
		files, _ := filepath.Glob(filepath.Join("testdata", "pssh", "shaka-3.4.2-"+string(s)+"-*.bin"))
		if len(files) < 2 {
			t.Fatalf("%s: %d vector files", s, len(files))
		}
		theirs := map[string][]byte{}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			theirs[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "shaka-3.4.2-"+string(s)+"-"), ".bin")] = b
		}
		comparePSSH(t, string(s), ourPSSH(t, s, testKeySpec(t)), theirs)
	}
}

// TestPSSHMatchesShaka runs Shaka Packager (when found) and compares the
// pssh boxes of its init segment with ours.
func TestPSSHMatchesShaka(t *testing.T) {
	packager := testmedia.ShakaPackager(t)
	in := filepath.Join(testmedia.RepoRoot(), "testdata", "avc_aac.mp4")
	for _, s := range []Scheme{CBCS, CENC} {
		dir := t.TempDir()
		cmd := exec.Command(packager,
			"in="+in+",stream=video,init_segment="+filepath.Join(dir, "init.mp4")+",segment_template="+filepath.Join(dir, "seg-$Number$.m4s"),
			"--enable_raw_key_encryption", "--keys", "label=:key_id="+testKIDHex+":key="+testKeyHex,
			"--protection_systems", "Widevine,PlayReady,CommonSystem", "--protection_scheme", string(s),
			"--clear_lead", "0", "--segment_duration", "2")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", s, err, out)
		}
		theirs := psshFromFile(t, filepath.Join(dir, "init.mp4"))
		if len(theirs) != 3 {
			t.Fatalf("%s: Shaka wrote %d pssh boxes, want 3", s, len(theirs))
		}
		comparePSSH(t, string(s), ourPSSH(t, s, testKeySpec(t)), theirs)
	}
}

// psshFromFile returns the raw bytes of the moov/pssh boxes of an MP4 file
// by system name, found through the box tree.
func psshFromFile(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := isobmff.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, top := range f.Boxes {
		for _, b := range top.Children {
			if b.Type == "pssh" {
				raw := data[b.Offset : b.Offset+b.Size]
				out[systemNames[SystemID(raw[12:28])]] = raw
			}
		}
	}
	return out
}

// TestPSSHRoundTrip decodes every built box with isobmff.DecodeBox and
// checks that it encodes to the same bytes and that its payload parses back.
func TestPSSHRoundTrip(t *testing.T) {
	k2, _ := ParseKeySpec("audio=00112233445566778899aabbccddeeff:ffeeddccbbaa99887766554433221100")
	for _, s := range []Scheme{CBCS, CENC} {
		for _, keys := range [][]KeySpec{{testKeySpec(t)}, {testKeySpec(t), k2, testKeySpec(t)}} {
			boxes, err := PSSHBoxes(keys, PSSHOptions{Scheme: s, Systems: []DRM{ClearKey, Widevine, PlayReady},
				PlayReadyLAURL: "https://pr.example/rightsmanager.asmx?a=1&b=2", WidevineProvider: "mp4pkg", WidevineContentID: []byte("movie-1")})
			if err != nil {
				t.Fatal(err)
			}
			wantKIDs := []KeyID{keys[0].KID}
			if len(keys) > 1 {
				wantKIDs = append(wantKIDs, k2.KID)
			}
			for _, b := range boxes {
				enc, err := EncodePSSH(b)
				if err != nil {
					t.Fatal(err)
				}
				dec, err := isobmff.DecodeBox(enc, "moov/pssh", 0)
				if err != nil {
					t.Fatal(err)
				}
				again, err := isobmff.AppendBox(nil, dec)
				if err != nil || !bytes.Equal(again, enc) {
					t.Errorf("%s %s: re-encoded %x, want %x (%v)", s, b.SystemID, again, enc, err)
				}
				p := dec.(*mp4.PsshBox)
				var kids []KeyID
				switch SystemID(p.SystemID) {
				case CommonSystem:
					for _, k := range p.KIDs {
						kids = append(kids, KeyID(k))
					}
				case WidevineSystem:
					d, err := ParseWidevineData(p.Data)
					if err != nil {
						t.Fatal(err)
					}
					if d.Scheme != s || d.Provider != "mp4pkg" || string(d.ContentID) != "movie-1" {
						t.Errorf("widevine data %+v", d)
					}
					kids = d.KIDs
				case PlayReadySystem:
					info, err := ParsePlayReadyObject(p.Data)
					if err != nil {
						t.Fatal(err)
					}
					wantAlg, wantVersion := "AESCBC", "4.3.0.0"
					if s == CENC {
						wantAlg, wantVersion = "AESCTR", map[bool]string{true: "4.0.0.0", false: "4.2.0.0"}[len(keys) == 1]
					}
					if info.AlgID != wantAlg || info.Version != wantVersion || info.LAURL != "https://pr.example/rightsmanager.asmx?a=1&b=2" {
						t.Errorf("%s playready %+v", s, info)
					}
					kids = info.KIDs
				}
				if !equalKIDs(kids, wantKIDs) {
					t.Errorf("%s %s: KIDs %v, want %v", s, b.SystemID, kids, wantKIDs)
				}
			}
		}
	}
}

func equalKIDs(a, b []KeyID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPlayReadyGUID pins the GUID byte order with two vectors made by other
// tools: Shaka Packager's header for our test KID, and the header in
// mp4ff's cbcs.mp4, whose Widevine box names the same KID.
func TestPlayReadyGUID(t *testing.T) {
	for kid, want := range map[string]string{
		testKIDHex:                         "NxzmpyE+M5DCEJH6YHvzuA==",
		"00000000168300bb6330202020202020": "AAAAAIMWuwBjMCAgICAgIA==",
	} {
		k, _ := ParseKeyID(kid)
		g := PlayReadyGUID(k)
		if got := base64.StdEncoding.EncodeToString(g[:]); got != want {
			t.Errorf("%s: %s, want %s", kid, got, want)
		}
		if KeyID(PlayReadyGUID(KeyID(g))) != k {
			t.Errorf("%s: not its own inverse", kid)
		}
	}
}

// TestReadMP4ffPSSH reads the pssh vectors in mp4ff's testdata: pssh.bin
// (Widevine, two copies of one KID, scheme cenc) and the Widevine and
// PlayReady boxes of cbcs.mp4, which must name the same KID.
func TestReadMP4ffPSSH(t *testing.T) {
	dir := filepath.Join(testmedia.MP4ffDir(t), "mp4", "testdata")
	raw, err := os.ReadFile(filepath.Join(dir, "pssh.bin"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := isobmff.DecodeBox(raw, "pssh", 0)
	if err != nil {
		t.Fatal(err)
	}
	wv, err := ParseWidevineData(box.(*mp4.PsshBox).Data)
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := ParseKeyID("312e33623410469ab536b9c9d0cafc31")
	if wv.Scheme != CENC || !equalKIDs(wv.KIDs, []KeyID{kid, kid}) {
		t.Errorf("pssh.bin: %+v", wv)
	}
	if got := WidevinePSSH(wv); !bytes.Equal(mustEncode(t, got), raw) {
		t.Errorf("pssh.bin does not rebuild byte for byte")
	}

	path := filepath.Join(dir, "cbcs.mp4")
	f, err := isobmff.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Its tenc KID is all zeros; both DRM boxes name this one.
	wantKID, _ := ParseKeyID("00000000-1683-00bb-6330-202020202020")
	found := 0
	for _, p := range f.Moov.Psshs {
		var kids []KeyID
		switch SystemID(p.SystemID) {
		case WidevineSystem:
			d, err := ParseWidevineData(p.Data)
			if err != nil {
				t.Fatal(err)
			}
			if d.Scheme != CBCS {
				t.Errorf("cbcs.mp4 widevine scheme %q", d.Scheme)
			}
			kids = d.KIDs
			// Our builder writes the same box.
			if !bytes.Equal(mustEncode(t, WidevinePSSH(WidevineData{KIDs: kids, Scheme: CBCS})), mustEncode(t, p)) {
				t.Errorf("cbcs.mp4 widevine box does not rebuild")
			}
		case PlayReadySystem:
			info, err := ParsePlayReadyObject(p.Data)
			if err != nil {
				t.Fatal(err)
			}
			if info.Version != "4.3.0.0" || info.AlgID != "AESCBC" {
				t.Errorf("cbcs.mp4 playready %+v", info)
			}
			kids = info.KIDs
			pr, err := PlayReadyPSSH(CBCS, "", KeySpec{KID: kids[0]})
			if err != nil || !bytes.Equal(mustEncode(t, pr), mustEncode(t, p)) {
				t.Errorf("cbcs.mp4 playready box does not rebuild (%v)", err)
			}
		default:
			continue
		}
		found++
		if !equalKIDs(kids, []KeyID{wantKID}) {
			t.Errorf("cbcs.mp4 %s: KIDs %v, want %v", systemNames[SystemID(p.SystemID)], kids, wantKID)
		}
	}
	if found != 2 {
		t.Errorf("cbcs.mp4: %d Widevine/PlayReady boxes read, want 2", found)
	}
}

func mustEncode(t *testing.T, b *mp4.PsshBox) []byte {
	t.Helper()
	enc, err := EncodePSSH(b)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestParseDRMList(t *testing.T) {
	got, err := ParseDRMList(" Widevine,playready,fairplay,widevine,clearkey")
	if err != nil || len(got) != 4 || got[0] != Widevine || got[3] != ClearKey {
		t.Errorf("ParseDRMList = %v, %v", got, err)
	}
	for _, s := range []string{"", "widevine,,playready", "marlin"} {
		if _, err := ParseDRMList(s); err == nil {
			t.Errorf("ParseDRMList(%q): no error", s)
		}
	}
}

func TestPSSHErrors(t *testing.T) {
	if _, err := PSSHBoxes(nil, PSSHOptions{Scheme: CBCS, Systems: []DRM{Widevine}}); err == nil {
		t.Error("no keys: no error")
	}
	if _, err := PlayReadyPSSH("cens", "", testKeySpec(t)); err == nil {
		t.Error("cens: no error")
	}
	for _, p := range [][]byte{nil, {1, 0, 0, 0, 0, 0}, {10, 0, 0, 0, 1, 0, 1, 0, 9, 0}, {6, 0, 0, 0, 0, 0}} {
		if _, err := ParsePlayReadyObject(p); err == nil {
			t.Errorf("ParsePlayReadyObject(%x): no error", p)
		}
	}
	for _, p := range [][]byte{{0x12, 3, 1, 2, 3}, {0x12, 0x10, 1}, {0x48}, {0x0b}, {0x80}} {
		if _, err := ParseWidevineData(p); err == nil {
			t.Errorf("ParseWidevineData(%x): no error", p)
		}
	}
}

// FuzzPSSHData feeds pssh payloads to both readers: they must never panic,
// and Widevine data they accept must encode and read back the same.
func FuzzPSSHData(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pssh", "*.bin"))
	for _, p := range files {
		if raw, err := os.ReadFile(p); err == nil && len(raw) > 32 {
			f.Add(raw[32:])
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		_, _ = ParsePlayReadyObject(p)
		d, err := ParseWidevineData(p)
		if err != nil {
			return
		}
		again, err := ParseWidevineData(d.Marshal())
		if err != nil || !equalKIDs(again.KIDs, d.KIDs) || again.Provider != d.Provider || again.Scheme != d.Scheme ||
			!bytes.Equal(again.ContentID, d.ContentID) {
			t.Fatalf("round trip: %+v, want %+v (%v)", again, d, err)
		}
	})
}
