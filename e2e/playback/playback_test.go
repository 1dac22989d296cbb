package playback

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mp4pkg/mp4pkg/cenc"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
)

// Pass criteria (../shared/design/playback.md).
const (
	wantSeconds = 5.0  // currentTime must pass this
	minSpread   = 10.0 // luma spread (1st to 99th percentile) of the screenshot
	switchAt    = 2.0  // renditions: force the switch once currentTime passes this
	afterSwitch = 1.0  // and play on this long at the new height
	caseTimeout = 25   // seconds a page may take to get there
	maxRetries  = 6    // failed cases played again alone, at most (about 6 s each; the suite must stay under 5 min)
)

// player is a player and the manifest it reads.
type player struct{ manifest, player string }

var (
	players    = []player{{"dash", "shaka"}, {"dash", "dashjs"}, {"hls", "shaka"}, {"hls", "hlsjs"}}
	hlsPlayers = players[2:]
)

// playCase is one page: a player, a manifest and what it is given.
type playCase struct {
	Media, Layout, Enc, Manifest, Player string
	// Signal is how an encrypted output is signalled: "" for --drm
	// clearkey (the default), "wv" for --drm clearkey,widevine, "id" for
	// clearkey plus an identity EXT-X-KEY with the key in a data: URI
	// (manifest.Encryption.KeyURI). See README.md, "HLS and ClearKey".
	Signal string
	// Variant is "" for the matrix, or "switch", "wrong key", "no key".
	Variant string
	dir     string // the output folder below /media/
	key     string // ClearKey key given to the player; "" none
	// negative: the case must not pass.
	negative bool
}

func (c playCase) encName() string {
	if c.Signal != "" {
		return c.Enc + "+" + c.Signal
	}
	return c.Enc
}

func (c playCase) name() string {
	n := strings.Join([]string{c.Media, c.Layout, c.encName(), c.Manifest, c.Player}, "/")
	if c.Variant != "" {
		n += "/" + strings.ReplaceAll(c.Variant, " ", "-")
	}
	return n
}

// result is what run.js measured for a case.
type result struct {
	Name        string      `json:"name"`
	T           float64     `json:"t"`
	Frames      int         `json:"frames"`
	Dropped     int         `json:"dropped"`
	Errors      []string    `json:"errors"`
	Warnings    []string    `json:"warnings"`
	Heights     [][]float64 `json:"heights"`
	SwitchedAt  *float64    `json:"switchedAt"`
	SwitchTo    int         `json:"switchTo"`
	VideoHeight int         `json:"videoHeight"`
	PNG         string      `json:"png"`
	MS          int         `json:"ms"`
	// Probe is set on the one line that reports codec support instead.
	Probe  map[string]codecSupport `json:"probe"`
	spread float64
}

// verdict says whether r passes, and if not, why.
func (r *result) verdict(c playCase) (bool, string) {
	switch {
	case len(r.Errors) > 0:
		return false, r.Errors[0]
	case r.T < wantSeconds && len(r.Warnings) > 0:
		return false, fmt.Sprintf("currentTime stopped at %.2f s after %s", r.T, r.Warnings[0])
	case r.T < wantSeconds:
		return false, fmt.Sprintf("currentTime stopped at %.2f s", r.T)
	case r.Frames == 0:
		return false, "no video frame decoded"
	case r.spread <= minSpread:
		return false, fmt.Sprintf("flat screenshot (luma spread %.0f)", r.spread)
	case c.Variant == "switch" && (r.SwitchedAt == nil || r.VideoHeight != r.SwitchTo || len(r.Heights) == 0):
		return false, fmt.Sprintf("no switch: heights %v, asked for %d", r.Heights, r.SwitchTo)
	case c.Variant == "switch" && r.T < r.Heights[len(r.Heights)-1][0]+afterSwitch:
		return false, fmt.Sprintf("stopped %.2f s after the switch", r.T-r.Heights[len(r.Heights)-1][0])
	}
	return true, ""
}

// tools finds what the suite needs, or skips the test saying what is
// missing and how to get it.
func tools(t *testing.T) (chromium, node, ffmpeg, modules string) {
	t.Helper()
	if testing.Short() {
		t.Skip("playback suite skipped in -short mode")
	}
	if os.Getenv("MP4PKG_PLAYBACK") == "0" {
		t.Skip("playback suite skipped: MP4PKG_PLAYBACK=0")
	}
	var missing []string
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, "chromium (apt-get install -y --no-install-recommends chromium, or set CHROMIUM)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	ffmpeg, err = exec.LookPath("ffmpeg")
	if err != nil {
		missing = append(missing, "ffmpeg (apt-get install -y ffmpeg)")
	}
	modules, _ = filepath.Abs(filepath.Join("testdata", "node_modules"))
	for _, m := range []string{"playwright-core", "shaka-player", "dashjs", "hls.js"} {
		if _, err := os.Stat(filepath.Join(modules, m, "package.json")); err != nil {
			missing = append(missing, "npm package "+m+" (npm ci --prefix e2e/playback/testdata)")
		}
	}
	if len(missing) > 0 {
		t.Skipf("playback suite skipped; missing: %s. .ci/run installs them all.", strings.Join(missing, "; "))
	}
	checkPins(t, modules)
	return chromium, node, ffmpeg, modules
}

// checkPins stops the suite when the installed npm packages are not the
// versions testdata/package.json pins: results hold for those versions.
func checkPins(t *testing.T, modules string) {
	t.Helper()
	version := func(path string) (map[string]string, string) {
		var pkg struct {
			Version      string            `json:"version"`
			Dependencies map[string]string `json:"dependencies"`
		}
		b, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(b, &pkg)
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		return pkg.Dependencies, pkg.Version
	}
	pins, _ := version(filepath.Join("testdata", "package.json"))
	var got []string
	for name, want := range pins {
		_, v := version(filepath.Join(modules, name, "package.json"))
		if v != want {
			t.Fatalf("npm package %s is %s, not the pinned %s: run npm ci --prefix e2e/playback/testdata", name, v, want)
		}
		got = append(got, name+" "+v)
	}
	sort.Strings(got)
	t.Logf("players: %s", strings.Join(got, ", "))
}

// buildCases packages the matrix, the renditions and the negative controls
// into root and returns the cases that play them.
func buildCases(t *testing.T, root string, src map[string]string) []playCase {
	t.Helper()
	type job struct {
		dir    string
		inputs []string
		opts   pkgOptions
	}
	var jobs []job
	var cases []playCase
	layouts := []string{manifest.LayoutSegments, manifest.LayoutSingleFile}
	// add packages one output and adds a case per player.
	add := func(media, layout, enc, signal, variant string, inputs []string, ps []player) {
		c := playCase{Media: media, Layout: layout, Enc: enc, Signal: signal, Variant: variant}
		c.dir = filepath.Join(media, layout, c.encName())
		o := pkgOptions{layout: layout}
		if enc != "clear" {
			o.scheme = enc
			switch signal {
			case "wv":
				o.drm = []cenc.DRM{cenc.ClearKey, cenc.Widevine}
			case "id":
				o.identityKey = true
			}
		}
		jobs = append(jobs, job{c.dir, inputs, o})
		for _, p := range ps {
			c.Manifest, c.Player = p.manifest, p.player
			if enc != "clear" {
				c.key = keyHex
			}
			cases = append(cases, c)
		}
	}
	for _, media := range []string{"avc_aac", "av1", "vp9_opus"} {
		for _, layout := range layouts {
			for _, enc := range []string{"clear", "cbcs", "cenc"} {
				add(media, layout, enc, "", "", []string{src[media]}, players)
				if enc != "clear" {
					// The multi-DRM output plays in all four: one output
					// for every player.
					add(media, layout, enc, "wv", "", []string{src[media]}, players)
				}
			}
		}
	}
	// Renditions with a forced switch mid-play.
	rend := []string{src["rend_360p"], src["rend_180p"], src["rend_audio"]}
	add("renditions", manifest.LayoutSegments, "clear", "", "switch", rend, players)
	add("renditions", manifest.LayoutSingleFile, "clear", "", "switch", rend, players)
	add("renditions", manifest.LayoutSegments, "cbcs", "", "switch", rend, players)
	add("renditions", manifest.LayoutSegments, "cbcs", "wv", "switch", rend, players)
	// Why not an identity key line: Shaka Player plays it, hls.js does not.
	add("avc_aac", manifest.LayoutSegments, "cbcs", "id", "", []string{src["avc_aac"]}, hlsPlayers)
	// Negative controls: a wrong key (cbcs and cenc) and no key at all, on
	// the outputs of the matrix (the ClearKey one, and the multi-DRM one for
	// HLS).
	for _, n := range []struct{ enc, variant, key string }{
		{"cbcs", "wrong key", wrongKey}, {"cenc", "wrong key", wrongKey}, {"cbcs", "no key", ""},
	} {
		for _, signal := range []string{"", "wv"} {
			ps := []player{players[0], players[1], players[3]} // Shaka HLS: see shakaHLSClearKey
			if signal != "" {
				ps = hlsPlayers
			}
			for _, p := range ps {
				c := playCase{Media: "avc_aac", Layout: manifest.LayoutSegments, Enc: n.enc, Signal: signal, Manifest: p.manifest,
					Player: p.player, Variant: n.variant, key: n.key, negative: true}
				c.dir = filepath.Join(c.Media, c.Layout, c.encName())
				cases = append(cases, c)
			}
		}
	}

	var wg sync.WaitGroup
	errs := make([]error, len(jobs))
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := packageTo(filepath.Join(root, j.dir), j.inputs, j.opts); err != nil {
				errs[i] = fmt.Errorf("packaging %s: %w", j.dir, err)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return cases
}

// serve starts the 127.0.0.1 server: the page, the three player files, the
// packaged media (with byte ranges, through http.FileServer) and a ClearKey
// licence server for hls.js that answers with the key named in ?key=.
func serve(t *testing.T, root, modules string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join("testdata", "page.html"))
	})
	for name, path := range map[string]string{
		"shaka-player.compiled.js": "shaka-player/dist/shaka-player.compiled.js",
		"dash.all.min.js":          "dashjs/dist/modern/umd/dash.all.min.js",
		"hls.min.js":               "hls.js/dist/hls.min.js",
	} {
		mux.HandleFunc("/players/"+name, func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, filepath.Join(modules, filepath.FromSlash(path)))
		})
	}
	mux.HandleFunc("/blank.html", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!doctype html><title>probe</title>")
	})
	mux.Handle("/media/", http.StripPrefix("/media/", http.FileServer(http.Dir(root))))
	mux.HandleFunc("/license", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			KIDs []string `json:"kids"`
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		key, kerr := hex.DecodeString(r.URL.Query().Get("key"))
		if err := json.Unmarshal(body, &req); err != nil || kerr != nil || len(key) != 16 {
			http.Error(w, "bad licence request", http.StatusBadRequest)
			return
		}
		type jwk struct {
			Kty string `json:"kty"`
			KID string `json:"kid"`
			K   string `json:"k"`
		}
		resp := struct {
			Keys []jwk  `json:"keys"`
			Type string `json:"type"`
		}{Type: "temporary"}
		for _, kid := range req.KIDs {
			resp.Keys = append(resp.Keys, jwk{"oct", kid, base64.RawURLEncoding.EncodeToString(key)})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1: a secure origin for EME
	t.Cleanup(srv.Close)
	return srv
}

// pageURL is the page address (below the server's base) that plays c.
func pageURL(c playCase) string {
	m := "manifest.mpd"
	if c.Manifest == "hls" {
		m = "master.m3u8"
	}
	cfg := map[string]any{"player": c.Player, "url": "/media/" + filepath.ToSlash(c.dir) + "/" + m}
	if c.key != "" {
		cfg["kid"], cfg["key"] = kidHex, c.key
		cfg["license"] = "/license?key=" + c.key
	}
	if c.Variant == "switch" {
		cfg["switchAt"] = switchAt
	}
	b, _ := json.Marshal(cfg)
	return "/page.html?c=" + url.QueryEscape(string(b))
}

// lumaSpread is the distance between the 1st and 99th percentile of the
// luma (BT.601) of a PNG screenshot: about 0 for a black or flat frame.
func lumaSpread(b64 string) (float64, error) {
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return 0, err
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	var hist [256]int
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			hist[(299*r+587*g+114*b)/1000>>8]++
			n++
		}
	}
	pct := func(p float64) int {
		want, sum := int(p*float64(n)), 0
		for v, k := range hist {
			if sum += k; sum > want {
				return v
			}
		}
		return 255
	}
	return float64(pct(0.99) - pct(0.01)), nil
}

// notApplicable lists the cases that cannot play here for a documented
// reason outside mp4pkg, by name prefix/suffix pattern. They run all the
// same; one that starts to pass fails the suite so that the list stays true.
var notApplicable = map[string]string{
	"*/*/cbcs/hls/shaka":        shakaHLSClearKey,
	"*/*/cenc/hls/shaka":        shakaHLSClearKey,
	"*/*/cbcs/hls/shaka/switch": shakaHLSClearKey,
	"*/*/cbcs+id/hls/hlsjs": "hls.js 1.7.4 takes an identity EXT-X-KEY over every other line, so it opens no ClearKey " +
		"session for fMP4: the samples stay encrypted and playback stalls at 0 s (why mp4pkg writes no identity line by default)",
}

const shakaHLSClearKey = "Shaka Player 5.2.12 reads no EXT-X-KEY KEYFORMAT \"org.w3.clearkey\" " +
	"(its HLS parser knows identity, FairPlay, Widevine, PlayReady and WisePlay) and stops with " +
	"4026 HLS_KEYFORMATS_NOT_SUPPORTED; the +wv rows play the same media with a Widevine line beside it"

func reasonNA(name string) string {
	for pat, why := range notApplicable {
		if matchCase(pat, name) {
			return why
		}
	}
	return ""
}

// matchCase matches a slash-separated pattern in which "*" stands for any
// one part.
func matchCase(pat, name string) bool {
	p, n := strings.Split(pat, "/"), strings.Split(name, "/")
	if len(p) != len(n) {
		return false
	}
	for i := range p {
		if p[i] != "*" && p[i] != n[i] {
			return false
		}
	}
	return true
}

func TestPlayback(t *testing.T) {
	chromium, node, ffmpeg, modules := tools(t)
	start := time.Now()
	work := t.TempDir()
	src := makeSources(t, ffmpeg, filepath.Join(work, "src"))
	root := filepath.Join(work, "out")
	cases := buildCases(t, root, src)
	if expr := os.Getenv("MP4PKG_PLAYBACK_CASES"); expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			t.Fatalf("MP4PKG_PLAYBACK_CASES: %v", err)
		}
		cases = slices.DeleteFunc(cases, func(c playCase) bool { return !re.MatchString(c.name()) })
	}
	t.Logf("made the inputs and packaged %d cases in %v", len(cases), time.Since(start).Round(time.Millisecond))
	srv := serve(t, root, modules)

	parallel := 6 // pages at a time: about 3 minutes on 2 CPUs
	if runtime.NumCPU() > 4 {
		parallel = 10
	}
	if n, err := strconv.Atoi(os.Getenv("MP4PKG_PLAYBACK_PAGES")); err == nil && n > 0 {
		parallel = n
	}
	base := runPlan{Base: srv.URL, Chromium: chromium, Parallel: parallel, AfterSwitch: afterSwitch,
		Probe: "/blank.html", ProbeCodecs: probeCodecs}
	byName := map[string]playCase{}
	for _, c := range cases {
		pc := planCase{Name: c.name(), Page: pageURL(c), Want: wantSeconds, Timeout: caseTimeout}
		if c.Variant == "switch" {
			pc.SwitchAt = switchAt
		}
		if c.negative {
			pc.Timeout = 12 // a control that neither errs nor plays stops here
		}
		base.Cases = append(base.Cases, pc)
		byName[c.name()] = c
	}

	// Well within go test's 10-minute default; alone the suite takes about 3.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	played := time.Now()
	results, support := base.run(ctx, t, node, modules, filepath.Join(work, "plan.json"))
	t.Logf("played %d cases in %v (%d pages at a time); whole suite %v", len(results), time.Since(played).Round(time.Millisecond),
		parallel, time.Since(start).Round(time.Millisecond))

	// A case that should play but did not is played once more, alone: on a
	// loaded machine (go test ./... runs other packages beside this one)
	// Chromium can fall so far behind that a page shows a dozen frames in
	// eight seconds. Both attempts are reported; the second decides.
	retry := base
	retry.Parallel, retry.Probe, retry.Cases = 1, "", nil
	for _, pc := range base.Cases {
		c, r := byName[pc.Name], results[pc.Name]
		if c.negative || reasonNA(pc.Name) != "" {
			continue
		}
		if r == nil {
			retry.Cases = append(retry.Cases, pc)
		} else if ok, _ := r.verdict(c); !ok {
			retry.Cases = append(retry.Cases, pc)
		}
	}
	first := map[string]*result{}
	switch {
	case len(retry.Cases) > maxRetries:
		// Not a page starved now and then: report them all as they are.
		t.Logf("%d cases failed: too many to be the machine's load, none played again", len(retry.Cases))
	case len(retry.Cases) > 0:
		budget := time.Duration(maxRetries*caseTimeout) * time.Second
		if d, ok := t.Deadline(); ok {
			budget = min(budget, time.Until(d)-30*time.Second) // leave time to report
		}
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		defer cancel()
		again, _ := retry.run(ctx, t, node, modules, filepath.Join(work, "retry.json"))
		for name, r := range again {
			if first[name] = results[name]; first[name] == nil {
				first[name] = &result{Errors: []string{"no result"}}
			}
			results[name] = r
		}
		t.Logf("played %d failed cases again, one page at a time", len(retry.Cases))
	}

	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	cells := map[string]string{}
	for _, name := range names {
		c := byName[name]
		r := results[name]
		t.Run(name, func(t *testing.T) {
			if r == nil {
				cells[name] = "no result"
				t.Fatal("run.js gave no result")
			}
			ok, why := r.verdict(c)
			detail := fmt.Sprintf("t=%.2fs frames=%d spread=%.0f heights=%v in %.1fs", r.T, r.Frames, r.spread, r.Heights, float64(r.MS)/1000)
			na := reasonNA(name)
			switch {
			case c.negative && ok:
				cells[name] = "PLAYED (must fail)"
				t.Errorf("negative control played: %s", detail)
			case c.negative:
				cells[name] = "fails: " + strings.TrimPrefix(why, "video error 3 PipelineStatus::")
				t.Logf("fails as it must: %s (%s)", why, detail)
			case na != "" && ok:
				cells[name] = "pass"
				t.Errorf("listed as not applicable (%s) but plays: remove it from notApplicable (%s)", na, detail)
			case na != "":
				cells[name] = "n/a: " + why
				t.Logf("not applicable: %s; got %s (%s)", na, why, detail)
			case !ok:
				cells[name] = "FAIL: " + why
				t.Errorf("%s (%s)", why, detail)
			case first[name] != nil:
				_, why1 := first[name].verdict(c)
				cells[name] = "pass (2nd try; 1st: " + why1 + ")"
				t.Logf("pass on the second try, alone: %s; the first try, beside other pages: %s", detail, why1)
			default:
				cells[name] = "pass"
				t.Logf("pass: %s", detail)
			}
		})
	}
	table := resultTable(cases, cells) + "\n" + support
	t.Logf("results:\n%s", table)
	if p := os.Getenv("MP4PKG_PLAYBACK_TABLE"); p != "" {
		if err := os.WriteFile(p, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// planCase is one case of a run.js plan (see testdata/run.js).
type planCase struct {
	Name     string  `json:"name"`
	Page     string  `json:"page"`
	Want     float64 `json:"want"`
	Timeout  int     `json:"timeout"`
	SwitchAt float64 `json:"switchAt,omitempty"`
}

// runPlan is what run.js is given.
type runPlan struct {
	Base        string     `json:"base"`
	Chromium    string     `json:"chromium"`
	Parallel    int        `json:"parallel"`
	AfterSwitch float64    `json:"afterSwitch"`
	Probe       string     `json:"probe,omitempty"`
	ProbeCodecs [][]string `json:"probeCodecs"`
	Cases       []planCase `json:"cases"`
}

// run writes the plan to file, plays it with run.js and returns the
// results by case name, and the codec-support table when the plan asks
// for the probe.
func (plan runPlan) run(ctx context.Context, t *testing.T, node, modules, file string) (map[string]*result, string) {
	t.Helper()
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "run.js"), file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	results := map[string]*result{}
	support := ""
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		r := &result{}
		if err := json.Unmarshal(sc.Bytes(), r); err != nil {
			t.Errorf("run.js printed %q: %v", sc.Text(), err)
			continue
		}
		if r.Probe != nil {
			support = probeTable(r.Probe)
			continue
		}
		if r.PNG != "" {
			if r.spread, err = lumaSpread(r.PNG); err != nil {
				r.Errors = append(r.Errors, "screenshot: "+err.Error())
			}
		}
		results[r.Name] = r
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node run.js: %v\n%s", err, stderr.String())
	}
	return results, support
}

// resultTable gives the results as a Markdown table: a row per media,
// layout, encryption and variant; a column per manifest and player.
func resultTable(cases []playCase, cells map[string]string) string {
	var b strings.Builder
	b.WriteString("| media | layout | encryption | case | DASH Shaka | DASH dash.js | HLS Shaka | HLS hls.js |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	seen := map[string]bool{}
	for _, c := range cases {
		row := strings.Join([]string{c.Media, c.Layout, c.encName(), c.Variant}, "|")
		if seen[row] {
			continue
		}
		seen[row] = true
		variant := c.Variant
		if variant == "" {
			variant = "play"
		}
		enc := c.Enc
		switch c.Signal {
		case "wv":
			enc += " (clearkey,widevine)"
		case "id":
			enc += " (clearkey + identity key URI)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |", c.Media, c.Layout, enc, variant)
		for _, p := range players {
			d := c
			d.Manifest, d.Player = p.manifest, p.player
			cell, ok := cells[d.name()]
			if !ok {
				cell = "—"
			}
			if r := []rune(cell); len(r) > 72 {
				cell = string(r[:72]) + "…"
			}
			fmt.Fprintf(&b, " %s |", strings.ReplaceAll(cell, "|", "/"))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// probeCodecs are the codecs whose MSE and ClearKey support the suite
// reports: those of the matrix, and HEVC, AC-3 and E-AC-3 that it leaves out.
var probeCodecs = [][]string{
	{"video", "avc1.64001e"}, {"video", "av01.0.00M.08"}, {"video", "vp09.00.11.08"},
	{"video", "hvc1.2.4.L63.90"}, {"video", "hev1.1.6.L93.B0"},
	{"audio", "mp4a.40.2"}, {"audio", "opus"}, {"audio", "flac"}, {"audio", "ac-3"}, {"audio", "ec-3"},
}

// codecSupport is what Chromium said about one codec.
type codecSupport struct {
	MSE      bool            `json:"mse"`
	ClearKey map[string]bool `json:"clearkey"`
}

// probeTable gives the probe's answers as a Markdown table.
func probeTable(p map[string]codecSupport) string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	var b strings.Builder
	b.WriteString("| codec | MSE | ClearKey cenc | ClearKey cbcs |\n| --- | --- | --- | --- |\n")
	for _, c := range probeCodecs {
		s := p[c[1]]
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c[1], yes(s.MSE), yes(s.ClearKey["cenc"]), yes(s.ClearKey["cbcs"]))
	}
	return b.String()
}
