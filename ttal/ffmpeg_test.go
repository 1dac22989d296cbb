package ttal

import (
	"bytes"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mp4pkg/mp4pkg/internal/testmedia"
)

// ffCue is a cue as ffmpeg reads it, written back as SRT by ffmpeg.
type ffCue struct {
	start, end float64 // seconds
	text       string  // ffmpeg's SRT rendering of the text
}

var ffSRTTime = regexp.MustCompile(`^(\d+):(\d\d):(\d\d),(\d{3}) --> (\d+):(\d\d):(\d\d),(\d{3})$`)

// ffmpegCues returns the cues ffmpeg reads from the subtitle file path.
func ffmpegCues(t *testing.T, ffmpeg, path string) []ffCue {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "srt", "-")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg -i %s: %v: %s", path, err, stderr.String())
	}
	var cues []ffCue
	for _, block := range strings.Split(strings.TrimSpace(strings.ReplaceAll(stdout.String(), "\r\n", "\n")), "\n\n") {
		lines := strings.Split(block, "\n")
		if len(lines) < 2 {
			t.Fatalf("ffmpeg's SRT of %s: block %q", path, block)
		}
		m := ffSRTTime.FindStringSubmatch(lines[1])
		if m == nil {
			t.Fatalf("ffmpeg's SRT of %s: timing line %q", path, lines[1])
		}
		sec := func(h, mi, s, ms string) float64 {
			n := func(v string) int { i, _ := strconv.Atoi(v); return i } // digits by the regexp
			return float64(n(h)*3600+n(mi)*60+n(s)) + float64(n(ms))/1000
		}
		cues = append(cues, ffCue{sec(m[1], m[2], m[3], m[4]), sec(m[5], m[6], m[7], m[8]), strings.Join(lines[2:], "\n")})
	}
	return cues
}

var (
	ffTag    = regexp.MustCompile(`</?[a-zA-Z][^>]*>|\{\\[^}]*\}`)
	ffSpaces = regexp.MustCompile(`[ \t]+`)
)

// plainFF returns ffmpeg's text without tags, entities decoded, hard spaces
// (ffmpeg writes its ASS \h for &nbsp; read from WebVTT) and runs of spaces
// as one: what a viewer reads.
func plainFF(s string) string {
	s = html.UnescapeString(ffTag.ReplaceAllString(s, ""))
	s = strings.NewReplacer("\u00a0", " ", `\h`, " ").Replace(s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.TrimSpace(ffSpaces.ReplaceAllString(l, " ")))
	}
	return strings.Join(lines, "\n")
}

// styleFF returns, for each visible character of ffmpeg's text (entities
// decoded), the character and whether it is in italic, bold or underline
// (i, b, u): the same styling whether a run's tags close at each line end
// or not.
func styleFF(s string) string {
	var out strings.Builder
	depth := map[byte]int{}
	text := func(seg string) {
		for _, r := range plainFF(seg) {
			if r == ' ' || r == '\n' {
				continue
			}
			out.WriteRune(r)
			for _, c := range []byte("ibu") {
				if depth[c] > 0 {
					out.WriteByte(0) // a mark no text has
					out.WriteByte(c)
				}
			}
		}
	}
	last := 0
	for _, loc := range ffTag.FindAllStringIndex(s, -1) {
		text(s[last:loc[0]])
		tag := strings.ToLower(s[loc[0]+1 : loc[1]-1])
		switch {
		case len(tag) == 1 && strings.Contains("ibu", tag):
			depth[tag[0]]++
		case len(tag) == 2 && tag[0] == '/' && strings.Contains("ibu", tag[1:]):
			depth[tag[1]]--
		}
		last = loc[1]
	}
	text(s[last:])
	return out.String()
}

// TestConversionsAgreeWithFFmpeg converts real-world-shaped SRT, WebVTT and
// SSA/ASS files (ours and go-astisub's test files) through TTAL into each
// of those formats and has ffmpeg, which we did not write, read the input
// and the output: the same cues, times within half a frame (the frame
// rounding of a 25 fps script), the same text, and the same italic, bold
// and underline runs between SRT and WebVTT, which both carry them.
func TestConversionsAgreeWithFFmpeg(t *testing.T) {
	ffmpeg := testmedia.Tool(t, "ffmpeg")
	astisub := filepath.Join(testmedia.ModuleDir(t, "github.com/asticode/go-astisub"), "testdata")
	inputs := []string{
		filepath.Join("testdata", "subtitles", "real.srt"),
		filepath.Join("testdata", "subtitles", "real.vtt"),
		filepath.Join("testdata", "subtitles", "real.ass"),
		filepath.Join(astisub, "example-in-styled.srt"),
		filepath.Join(astisub, "example-in-html-entities.srt"),
		filepath.Join(astisub, "example-in-html-entities.vtt"),
		filepath.Join(astisub, "example-in.ssa"),
	}
	const halfFrame = 0.020 + 1e-9 // 25 fps
	dir := t.TempDir()
	for _, in := range inputs {
		from, _ := FormatFromPath(in)
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want := ffmpegCues(t, ffmpeg, in)
		for _, to := range []Format{FormatSRT, FormatVTT, FormatASS} {
			t.Run(filepath.Base(in)+"→"+string(to), func(t *testing.T) {
				out, _, err := Convert(data, from, to, ConvertOptions{Read: ReadOptions{FrameRate: Rate25, Language: "en"}})
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+string(to))
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
				got := ffmpegCues(t, ffmpeg, path)
				if len(got) != len(want) {
					t.Fatalf("ffmpeg reads %d cues from our %s, %d from the input", len(got), to, len(want))
				}
				styles := (from == FormatSRT || from == FormatVTT) && (to == FormatSRT || to == FormatVTT)
				for i := range want {
					g, w := got[i], want[i]
					if math.Abs(g.start-w.start) > halfFrame || math.Abs(g.end-w.end) > halfFrame {
						t.Errorf("cue %d: %.3f–%.3f s, input %.3f–%.3f s", i+1, g.start, g.end, w.start, w.end)
					}
					if plainFF(g.text) != plainFF(w.text) {
						t.Errorf("cue %d: text %q, input %q", i+1, plainFF(g.text), plainFF(w.text))
					}
					if styles && styleFF(g.text) != styleFF(w.text) {
						t.Errorf("cue %d: styles %q (%q), input %q (%q)", i+1, styleFF(g.text), g.text, styleFF(w.text), w.text)
					}
				}
			})
		}
	}
}
