package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/cmaf/manifest"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newPackageCmd) }

type packageOptions struct {
	out              string
	segmentDuration  time.Duration
	fragmentDuration time.Duration
	layout           string
	dash, hls        bool
	noDASH, noHLS    bool
	force            bool
	crypt            cryptFlags
}

func newPackageCmd() *cobra.Command {
	o := &packageOptions{crypt: cryptFlags{schemeFlag: "--encrypt"}}
	cmd := &cobra.Command{
		Use:   "package [flags] INPUT...",
		Short: "Package MP4 files as CMAF with DASH and HLS manifests",
		Long: "package cuts the video and audio tracks of the INPUT files into CMAF segments whose boundaries are\n" +
			"shared by every track (several INPUTs are renditions of one programme: their key frames must align),\n" +
			"writes per-segment sidx indexes (or, with --layout single-file, one file per track with a top-level\n" +
			"sidx and an mfra), and a DASH MPD and HLS playlists. The output folder appears only when everything\n" +
			"is written. INPUT may be - for standard input.",
		Example: "  mp4pkg package -o out testdata/avc_aac.mp4\n" +
			"  mp4pkg package -o out --encrypt cbcs --key-file keys.txt --drm widevine,playready,fairplay testdata/avc_aac.mp4\n" +
			"  mp4pkg package -o out --segment-duration 2s --layout single-file in-1080p.mp4 in-720p.mp4 audio.mp4",
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runPackage(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "output folder (required); refuses a non-empty folder unless --force")
	f.DurationVar(&o.segmentDuration, "segment-duration", 4*time.Second, "target segment duration, e.g. 4s, 2000ms")
	f.DurationVar(&o.fragmentDuration, "fragment-duration", 0, "optional: several fragments (chunks) per segment of about this duration")
	f.StringVar(&o.layout, "layout", manifest.LayoutSegments, "segments or single-file")
	f.BoolVar(&o.dash, "dash", true, "write the DASH MPD (manifest.mpd)")
	f.BoolVar(&o.noDASH, "no-dash", false, "do not write the DASH MPD")
	f.BoolVar(&o.hls, "hls", true, "write the HLS playlists (master.m3u8, <track>/playlist.m3u8)")
	f.BoolVar(&o.noHLS, "no-hls", false, "do not write HLS playlists")
	f.BoolVar(&o.force, "force", false, "replace a non-empty output folder")
	f.StringVar(&o.crypt.scheme, "encrypt", "", "encrypt every track: cbcs or cenc")
	f.StringArrayVar(&o.crypt.keys, "key", nil, "KID:KEY in hex, or TRACK=KID:KEY for one track (video, audio, video-720p, ...); repeatable")
	f.StringVar(&o.crypt.keyFile, "key-file", "", "file of KID:KEY or TRACK=KID:KEY lines (keeps keys out of the process list)")
	f.StringVar(&o.crypt.iv, "iv", "", "constant (cbcs, 16 or 32 hex digits) or first (cenc, 16 hex digits) IV; random when absent")
	f.StringVar(&o.crypt.drm, "drm", "", "DRM signalling: widevine,playready,fairplay,clearkey (default clearkey; clearkey,widevine gives HLS that both Shaka Player and hls.js play)")
	return cmd
}

func runPackage(cmd *cobra.Command, o *packageOptions, args []string) error {
	if o.out == "" {
		return usagef("--out (-o) is required")
	}
	if o.layout != manifest.LayoutSegments && o.layout != manifest.LayoutSingleFile {
		return usagef("--layout must be segments or single-file, not %q", o.layout)
	}
	if o.segmentDuration <= 0 {
		return usagef("--segment-duration must be positive")
	}
	if o.fragmentDuration < 0 || o.fragmentDuration > o.segmentDuration {
		return usagef("--fragment-duration must be between 0 and --segment-duration")
	}
	encryption, err := o.crypt.encryption()
	if err != nil {
		return err
	}
	withDASH, withHLS := o.dash && !o.noDASH, o.hls && !o.noHLS
	if os.Getenv("GOGC") == "" {
		// Packaging allocates little after start-up (samples stream through
		// one buffer, about 20 MB of allocations for a 2 GB input), so a
		// tight heap target costs no time and keeps peak memory flat as
		// inputs grow.
		debug.SetGCPercent(10)
	}
	quiet, _ := cmd.Flags().GetBool("quiet")
	stderr := cmd.ErrOrStderr()

	if err := checkOutDir(o.out, o.force, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var cleanup []func()
	defer func() {
		for _, c := range cleanup {
			c()
		}
	}()
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a
		if a == "-" {
			tmp, err := spoolStdin(cmd.InOrStdin())
			if err != nil {
				return err
			}
			cleanup = append(cleanup, func() { os.Remove(tmp) })
			names[i] = tmp
		}
	}
	inputs, err := cmaf.OpenInputs(names...)
	if err != nil {
		return err
	}
	defer func() {
		for _, in := range inputs {
			in.Close()
		}
	}()

	parent := filepath.Dir(filepath.Clean(o.out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".mp4pkg-tmp-")
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(tmp)
		}
	}()

	start := time.Now()
	bar := newProgressBar(stderr, quiet)
	res, err := cmaf.Package(ctx, cmaf.DirOutput(tmp), inputs, cmaf.Options{
		SegmentDuration: o.segmentDuration, FragmentDuration: o.fragmentDuration, Layout: o.layout, Progress: bar.update,
		Encryption: encryption,
	})
	bar.done()
	if err != nil {
		return err
	}
	if err := cmaf.WriteManifests(cmaf.DirOutput(tmp), res, withDASH, withHLS); err != nil {
		return err
	}
	if err := commitDir(tmp, o.out); err != nil {
		return err
	}
	committed = true
	if !quiet {
		var ids []string
		segs := 0
		for _, r := range res.Presentation.Representations {
			ids = append(ids, r.ID)
			segs += len(r.Segments)
		}
		fmt.Fprintf(stderr, "packaged %d tracks (%s) into %s: %d segments, %d files, %d bytes, %.1fs of media in %.2fs\n",
			len(ids), strings.Join(ids, ", "), o.out, segs, len(res.Files), res.Bytes, res.Presentation.Duration, time.Since(start).Seconds())
		if len(res.Skipped) > 0 {
			fmt.Fprintf(stderr, "not packaged: %s\n", strings.Join(res.Skipped, "; "))
		}
	}
	return nil
}

// checkOutDir refuses an existing non-empty output folder unless force,
// and never lets --force replace a folder that holds the current folder or
// an input.
func checkOutDir(dir string, force bool, inputs []string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	inside := func(p string) bool {
		rel, err := filepath.Rel(abs, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	if inside(cwd) {
		return fmt.Errorf("output folder %s holds the current folder: choose a new folder", dir)
	}
	for _, in := range inputs {
		if p, err := filepath.Abs(in); err == nil && in != "-" && inside(p) {
			return fmt.Errorf("output folder %s holds the input %s: choose another folder", dir, in)
		}
	}
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("output folder %s is not empty (use --force to replace it)", dir)
	}
	return nil
}

// commitDir moves the finished temporary folder to dir, replacing it.
func commitDir(tmp, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("replacing %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("moving the output into place: %w", err)
	}
	return nil
}

// spoolStdin copies standard input to a temporary file (packaging needs
// random access) and returns its name.
func spoolStdin(stdin io.Reader) (string, error) {
	tmp, err := os.CreateTemp("", "mp4pkg-stdin-*.mp4")
	if err != nil {
		return "", err
	}
	defer tmp.Close()
	if _, err := io.Copy(tmp, stdin); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return tmp.Name(), nil
}

// progressBar draws a one-line bar on a terminal; it draws nothing when
// stderr is not a terminal or output is quiet.
type progressBar struct {
	w       io.Writer
	on      bool
	last    time.Time
	started bool
}

func newProgressBar(w io.Writer, quiet bool) *progressBar {
	on := false
	if f, ok := w.(*os.File); ok && !quiet {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progressBar{w: w, on: on}
}

func (p *progressBar) update(done, total int64) {
	if !p.on || total == 0 || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last, p.started = time.Now(), true
	const width = 40
	n := int(done * width / total)
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d MB", strings.Repeat("=", n), strings.Repeat(" ", width-n), done*100/total, done>>20, total>>20)
}

func (p *progressBar) done() {
	if p.on && p.started {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
