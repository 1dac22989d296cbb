#!/usr/bin/env bash
# gen-large.sh OUT [MIN_MB] makes a large progressive MP4 for benchmarks:
# 30 s of 1080p25 H.264 (about 25 Mbit/s) with stereo AAC, encoded once by
# ffmpeg, then repeated by stream copy (concat demuxer) until the file holds
# at least MIN_MB megabytes (default 1100). Nothing it makes is committed.
set -euo pipefail
out=${1:?usage: gen-large.sh OUT [MIN_MB]}
min_mb=${2:-1100}
if [[ -s $out ]] && (( $(stat -c %s "$out") >= min_mb * 1000000 )); then
  exit 0
fi
work=$(dirname "$out")
mkdir -p "$work"
piece=$work/piece-1080p.mp4
if [[ ! -s $piece ]]; then
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=30,noise=alls=30:allf=t" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=30" -ac 2 \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -b:v 25M -maxrate 25M -bufsize 50M -g 50 -keyint_min 50 \
    -c:a aac -b:a 128k -movflags +faststart "$piece"
fi
piece_bytes=$(stat -c %s "$piece")
n=$(( (min_mb * 1000000 + piece_bytes - 1) / piece_bytes ))
list=$work/concat.txt
: > "$list"
for ((i = 0; i < n; i++)); do echo "file '$(realpath "$piece")'" >> "$list"; done
ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$list" -c copy -movflags +faststart "$out.tmp.mp4"
mv "$out.tmp.mp4" "$out"
