package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mp4pkg/mp4pkg/cmaf"
	"github.com/mp4pkg/mp4pkg/isobmff"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newEncryptCmd, newDecryptCmd) }

// fileCryptOptions are the flags encrypt and decrypt share.
type fileCryptOptions struct {
	init     string
	initOut  string
	fragment time.Duration
}

func (o *fileCryptOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.init, "init", "", "init segment of IN, when IN is a lone media segment")
	f.StringVar(&o.initOut, "init-out", "", "with --init: write the output's init segment here (OUT then gets the media segment alone)")
	f.DurationVar(&o.fragment, "fragment-duration", 2*time.Second, "target fragment duration of the output")
}

func newEncryptCmd() *cobra.Command {
	o := &fileCryptOptions{}
	c := &cryptFlags{schemeFlag: "--scheme"}
	cmd := &cobra.Command{
		Use:   "encrypt --scheme cbcs|cenc --key KID:KEY [--iv HEX] [--drm LIST] IN OUT",
		Short: "Encrypt an MP4 file (Common Encryption, cbcs or cenc)",
		Long: "encrypt writes every video and audio track of IN to OUT as one fragmented MP4, encrypted with\n" +
			"Common Encryption: cbcs (AES-CBC, pattern 1:9 for video, whole blocks for audio, constant IV) or\n" +
			"cenc (AES-CTR). IN may be progressive (it is fragmented on the way), fragmented, or a lone media\n" +
			"segment with --init. OUT appears only when complete; - writes to standard output.",
		Example: "  mp4pkg encrypt --scheme cbcs --key a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb in.mp4 enc.mp4\n" +
			"  mp4pkg encrypt --scheme cenc --key-file keys.txt --drm widevine,playready in.mp4 enc.mp4",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.scheme == "" {
				return usagef("--scheme cbcs|cenc is required")
			}
			e, err := c.encryption()
			if err != nil {
				return err
			}
			return runFileCrypt(cmd, o, args[0], args[1], func(ctx context.Context, w io.Writer, in *cmaf.Input, fo cmaf.FileOptions) error {
				return cmaf.EncryptFile(ctx, w, in, e, fo)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.scheme, "scheme", "", "protection scheme: cbcs or cenc")
	f.StringArrayVar(&c.keys, "key", nil, "KID:KEY in hex, or TRACK=KID:KEY for one track (video, audio); repeatable")
	f.StringVar(&c.keyFile, "key-file", "", "file of KID:KEY or TRACK=KID:KEY lines (keeps keys out of the process list)")
	f.StringVar(&c.iv, "iv", "", "constant (cbcs) or first (cenc) IV in hex; random when absent")
	f.StringVar(&c.drm, "drm", "", "pssh boxes to write: widevine,playready,clearkey (default clearkey)")
	o.flags(cmd)
	return cmd
}

func newDecryptCmd() *cobra.Command {
	o := &fileCryptOptions{}
	c := &cryptFlags{}
	cmd := &cobra.Command{
		Use:   "decrypt --key KID:KEY [--key KID:KEY ...] IN OUT",
		Short: "Decrypt a Common Encryption MP4 file (cbcs, cenc, PIFF)",
		Long: "decrypt writes every video and audio track of IN to OUT as one fragmented MP4 with the clear samples,\n" +
			"byte for byte. Each track's key is found by the KID in its tenc. IN may be fragmented (ours or\n" +
			"another packager's, PIFF included), progressive with senc in the sample table, or a lone media\n" +
			"segment with --init. OUT appears only when complete; - writes to standard output.",
		Example: "  mp4pkg decrypt --key a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb enc.mp4 clear.mp4\n" +
			"  mp4pkg decrypt --key-file keys.txt --init init.mp4 --init-out clear-init.mp4 seg-00001.m4s clear-00001.m4s",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := c.keySpecs()
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				return usagef("decrypt needs --key KID:KEY or --key-file FILE")
			}
			if err := cmaf.CheckKIDs(keys); err != nil {
				return usagef("%v", err)
			}
			return runFileCrypt(cmd, o, args[0], args[1], func(ctx context.Context, w io.Writer, in *cmaf.Input, fo cmaf.FileOptions) error {
				return cmaf.DecryptFile(ctx, w, in, keys, fo)
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&c.keys, "key", nil, "KID:KEY in hex; repeatable")
	f.StringVar(&c.keyFile, "key-file", "", "file of KID:KEY lines (keeps keys out of the process list)")
	o.flags(cmd)
	return cmd
}

// runFileCrypt opens IN (with its init segment when --init is given),
// runs fn into temporary files beside OUT (and --init-out) and renames them
// into place when fn succeeds.
func runFileCrypt(cmd *cobra.Command, o *fileCryptOptions, inName, outName string,
	fn func(context.Context, io.Writer, *cmaf.Input, cmaf.FileOptions) error) error {
	if o.initOut != "" && o.init == "" {
		return usagef("--init-out needs --init")
	}
	if o.initOut != "" && sameFile(o.initOut, outName) {
		return usagef("--init-out and OUT are the same file")
	}
	if o.fragment <= 0 {
		return usagef("--fragment-duration must be positive")
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if inName == "-" {
		tmp, err := spoolStdin(cmd.InOrStdin())
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		inName = tmp
	}
	in, err := openCryptInput(inName, o.init)
	if err != nil {
		return err
	}
	defer in.Close()

	fo := cmaf.FileOptions{FragmentDuration: o.fragment}
	var outs []*atomicFile
	defer func() {
		for _, a := range outs {
			a.abort()
		}
	}()
	// OUT "-" is written to a temporary file too and copied to standard
	// output once complete: a failure leaves nothing there either.
	target := outName
	if outName == "-" {
		target = filepath.Join(os.TempDir(), "mp4pkg-out")
	}
	a, err := createAtomic(target)
	if err != nil {
		return err
	}
	outs = append(outs, a)
	w := a.w
	if o.initOut != "" {
		a, err := createAtomic(o.initOut)
		if err != nil {
			return err
		}
		outs = append(outs, a)
		fo.Init = a.w
	} else if o.init != "" {
		fo.Init = io.Discard
	}
	if err := fn(ctx, w, in, fo); err != nil {
		return err
	}
	if outName == "-" {
		if err := a.w.Flush(); err != nil {
			return err
		}
		if _, err := a.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(cmd.OutOrStdout(), a.f); err != nil {
			return err
		}
		outs = outs[1:] // the temporary file goes with abort
		defer a.abort()
	}
	for _, a := range outs {
		if err := a.commit(); err != nil {
			return err
		}
	}
	outs = nil
	return nil
}

// openCryptInput opens name, or init followed by name when init is set.
func openCryptInput(name, init string) (*cmaf.Input, error) {
	if init == "" {
		ins, err := cmaf.OpenInputs(name)
		if err != nil {
			return nil, err
		}
		return ins[0], nil
	}
	var parts []*os.File
	var readers []io.ReaderAt
	var sizes []int64
	for _, n := range []string{init, name} {
		f, err := os.Open(n)
		if err != nil {
			for _, p := range parts {
				p.Close()
			}
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		parts = append(parts, f)
		readers = append(readers, f)
		sizes = append(sizes, st.Size())
	}
	joined := isobmff.Concat(readers, sizes)
	f, err := isobmff.Open(joined, sizes[0]+sizes[1])
	if err != nil {
		for _, p := range parts {
			p.Close()
		}
		return nil, fmt.Errorf("%s + %s: %w", init, name, err)
	}
	f.Name = name
	return cmaf.NewInput(name, f, joined, closerFunc(func() error {
		for _, p := range parts {
			p.Close()
		}
		return nil
	})), nil
}

// sameFile reports whether two output names are one file.
func sameFile(a, b string) bool {
	if a == "-" || b == "-" {
		return a == b
	}
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

type closerFunc func() error

func (c closerFunc) Close() error { return c() }

// atomicFile is an output written to a temporary file beside its name and
// renamed into place by commit.
type atomicFile struct {
	name string
	f    *os.File
	w    *bufio.Writer
}

func createAtomic(name string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{name: name, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (a *atomicFile) commit() error {
	if err := a.w.Flush(); err != nil {
		return err
	}
	if err := a.f.Chmod(0o644); err != nil {
		return err
	}
	if err := a.f.Close(); err != nil {
		return err
	}
	return os.Rename(a.f.Name(), a.name)
}

func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}
