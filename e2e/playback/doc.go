// Package playback holds an end-to-end suite that plays mp4pkg's output in
// real players: Shaka Player, dash.js and hls.js in headless Chromium,
// served from 127.0.0.1. It has no API; the suite is playback_test.go, and
// README.md shows the matrix and the results measured.
//
// The suite skips with a message when Chromium, node, ffmpeg or the npm
// packages are missing (install them as .ci/run does).
package playback
