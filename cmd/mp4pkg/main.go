// Command mp4pkg prepares media for streaming: it inspects MP4 (ISOBMFF) files,
// packages them as CMAF with DASH and HLS manifests, applies Common Encryption
// and converts TTAL dubbing/subtitle scripts.
//
// The command is a thin shell over the library packages of
// github.com/mp4pkg/mp4pkg; run `mp4pkg --help` for the commands.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
