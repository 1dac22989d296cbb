// Command playercheck turns ffmpeg-made CMAF segments into a
// manifest.Presentation, writes its manifests with cmaf/dash and cmaf/hls
// (layout segments and single-file), and serves them with byte ranges and a
// ClearKey licence for real players. run.sh drives it; see README.md.
//
//	playercheck pssh FILE                  write the W3C ClearKey pssh box
//	playercheck build SRC OUT [MODE]       MODE: clear, enc, enc-nokeyuri
//	playercheck serve ADDR ROOT
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"path/filepath"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/mp4pkg/mp4pkg/cmaf/dash"
	"github.com/mp4pkg/mp4pkg/cmaf/hls"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

const (
	kidHex   = "abba271e8bcf552bbd2e86a434a9a5d9"
	keyHex   = "69eaa802a6763af979e8d1940fb88392"
	clearKey = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"
)

type track struct {
	id, kind, codec string
	w, h, rate, ch  int
	lang            string
}

var tracks = []track{
	{id: "video-360p", kind: "video", codec: "avc1.64001e", w: 640, h: 360},
	{id: "audio-en", kind: "audio", codec: "mp4a.40.2", rate: 48000, ch: 2, lang: "en"},
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	must(err)
	return b
}

// moofAt is where the first moof of a segment starts (after styp, sidx).
func moofAt(b []byte) int {
	k := 0
	for string(b[k+4:k+8]) != "moof" {
		k += int(binary.BigEndian.Uint32(b[k:]))
	}
	return k
}

// load reads SRC/<id>/init.mp4 and seg-NNNNN.m4s into a Representation
// with real durations, sizes, bandwidths and I-frame ranges. Segments are
// kept from their first moof on.
func load(src string, t track) (*manifest.Representation, []byte, [][]byte) {
	initB, err := os.ReadFile(filepath.Join(src, t.id, "init.mp4"))
	must(err)
	initF, err := mp4.DecodeFile(bytes.NewReader(initB))
	must(err)
	r := &manifest.Representation{ID: t.id, Kind: t.kind, Codec: t.codec, Timescale: initF.Init.Moov.Trak.Mdia.Mdhd.Timescale,
		Width: t.w, Height: t.h, SampleRate: t.rate, Channels: t.ch, Language: t.lang,
		InitURL: t.id + "/init.mp4", SegmentURL: t.id + "/seg-$Number%05d$.m4s", StartNumber: 1, FileURL: t.id + ".mp4"}
	if t.kind == "video" {
		r.FrameRate, r.SAR = "25", "1:1"
	}
	var segs [][]byte
	var bytesTotal, ticks float64
	for n := 1; ; n++ {
		b, err := os.ReadFile(filepath.Join(src, t.id, fmt.Sprintf("seg-%05d.m4s", n)))
		if err != nil {
			break
		}
		b = b[moofAt(b):]
		f, err := mp4.DecodeFile(bytes.NewReader(b))
		must(err)
		seg := manifest.Segment{Number: n, Size: int64(len(b))}
		for i, frag := range f.Segments[0].Fragments {
			samples, err := frag.GetFullSamples(initF.Init.Moov.Mvex.Trex)
			must(err)
			if i == 0 {
				seg.Start = samples[0].DecodeTime
				first := int64(frag.Moof.StartPos) + int64(frag.Moof.Traf.Truns[0].DataOffset)
				if t.kind == "video" {
					seg.IFrame = manifest.ByteRange{First: 0, Last: first + int64(samples[0].Size) - 1}
				}
			}
			for _, s := range samples {
				seg.Duration += uint64(s.Dur)
			}
		}
		r.Bandwidth = max(r.Bandwidth, int64(math.Ceil(float64(len(b))*8*float64(r.Timescale)/float64(seg.Duration))))
		bytesTotal, ticks = bytesTotal+float64(len(b)), ticks+float64(seg.Duration)
		r.Segments = append(r.Segments, seg)
		segs = append(segs, b)
	}
	r.AverageBandwidth = int64(math.Ceil(bytesTotal * 8 * float64(r.Timescale) / ticks))
	return r, initB, segs
}

// singleFile lays out init, one sidx and the segments, and fills the
// representation's byte ranges.
func singleFile(r *manifest.Representation, initB []byte, segs [][]byte) []byte {
	var sidx bytes.Buffer
	be := func(v any) { must(binary.Write(&sidx, binary.BigEndian, v)) }
	be(uint32(32 + 12*len(segs)))
	sidx.WriteString("sidx")
	be(uint32(0)) // version 0, flags 0
	be(uint32(1)) // reference_ID: the track
	be(r.Timescale)
	be(uint32(r.Segments[0].Start))
	be(uint32(0)) // first_offset
	be(uint16(0))
	be(uint16(len(segs)))
	for i, s := range r.Segments {
		be(uint32(len(segs[i])))
		be(uint32(s.Duration))
		be(uint32(1<<31 | 1<<28)) // starts with SAP, type 1
	}
	var out bytes.Buffer
	out.Write(initB)
	r.InitRange = manifest.ByteRange{First: 0, Last: int64(len(initB)) - 1}
	r.IndexRange = manifest.ByteRange{First: int64(out.Len()), Last: int64(out.Len()+sidx.Len()) - 1}
	out.Write(sidx.Bytes())
	for i := range r.Segments {
		r.Segments[i].Offset = int64(out.Len())
		out.Write(segs[i])
	}
	return out.Bytes()
}

func clearKeyPSSH() []byte {
	var b bytes.Buffer
	be := func(v any) { must(binary.Write(&b, binary.BigEndian, v)) }
	be(uint32(52))
	b.WriteString("pssh")
	be(uint32(1 << 24)) // version 1
	b.Write(unhex("1077efecc0b24d02ace33c1e52e2fb4b"))
	be(uint32(1))
	b.Write(unhex(kidHex))
	be(uint32(0))
	return b.Bytes()
}

func writeAll(dir string, p *manifest.Presentation) {
	put := func(name string, write func(*bytes.Buffer) error) {
		var b bytes.Buffer
		must(write(&b))
		path := filepath.Join(dir, filepath.FromSlash(name))
		must(os.MkdirAll(filepath.Dir(path), 0o755))
		must(os.WriteFile(path, b.Bytes(), 0o644))
	}
	put("manifest.mpd", func(b *bytes.Buffer) error { return dash.WriteMPD(b, p) })
	put("master.m3u8", func(b *bytes.Buffer) error { return hls.WriteMaster(b, p) })
	for _, r := range p.Representations {
		put(hls.MediaPlaylistURI(r), func(b *bytes.Buffer) error { return hls.WriteMedia(b, r, p.Layout) })
		if hls.HasIFramePlaylist(r) {
			put(hls.IFramePlaylistURI(r), func(b *bytes.Buffer) error { return hls.WriteIFrames(b, r, p.Layout) })
		}
	}
}

func build(src, out, mode string) {
	segments := &manifest.Presentation{Layout: manifest.LayoutSegments}
	single := &manifest.Presentation{Layout: manifest.LayoutSingleFile}
	for _, t := range tracks {
		r, initB, segs := load(src, t)
		if mode != "clear" {
			r.Encryption = &manifest.Encryption{Scheme: "cbcs", KID: kidHex,
				PSSH: map[string]string{clearKey: base64.StdEncoding.EncodeToString(clearKeyPSSH())}}
			if mode == "enc" {
				r.Encryption.KeyURI = "data:text/plain;base64," + base64.StdEncoding.EncodeToString(unhex(keyHex))
			}
		}
		for i, b := range segs {
			path := filepath.Join(out, "segments", t.id, fmt.Sprintf("seg-%05d.m4s", i+1))
			must(os.MkdirAll(filepath.Dir(path), 0o755))
			must(os.WriteFile(path, b, 0o644))
		}
		must(os.WriteFile(filepath.Join(out, "segments", t.id, "init.mp4"), initB, 0o644))
		segments.Representations = append(segments.Representations, r)
		one := *r
		one.Segments = append([]manifest.Segment(nil), r.Segments...)
		must(os.MkdirAll(filepath.Join(out, "single"), 0o755))
		must(os.WriteFile(filepath.Join(out, "single", t.id+".mp4"), singleFile(&one, initB, segs), 0o644))
		single.Representations = append(single.Representations, &one)
	}
	writeAll(filepath.Join(out, "segments"), segments)
	writeAll(filepath.Join(out, "single"), single)
}

func main() {
	switch os.Args[1] {
	case "pssh":
		must(os.WriteFile(os.Args[2], clearKeyPSSH(), 0o644))
	case "build":
		build(os.Args[2], os.Args[3], os.Args[4])
	case "serve":
		http.Handle("/", http.FileServer(http.Dir(os.Args[3])))
		licence := func(key string) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				b64 := base64.RawURLEncoding.EncodeToString
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"keys":[{"kty":"oct","k":"%s","kid":"%s"}],"type":"temporary"}`, b64(unhex(key)), b64(unhex(kidHex)))
			}
		}
		http.HandleFunc("/license", licence(keyHex))
		http.HandleFunc("/license-bad", licence("00000000000000000000000000000000"))
		log.Fatal(http.ListenAndServe(os.Args[2], nil))
	}
}
