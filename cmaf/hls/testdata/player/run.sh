#!/bin/sh
# Plays manifests written by cmaf/dash and cmaf/hls in Shaka Player, dash.js
# and hls.js in headless Chromium, clear and cbcs/ClearKey, layouts segments
# and single-file, with negative controls. See README.md.
# Needs: Go, ffmpeg, chromium (apt-get install chromium), node and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-/tmp/mp4pkg-playercheck}
addr=127.0.0.1:8089
rm -rf "$work"
mkdir -p "$work/src" "$work/ff/video-360p" "$work/ff/audio-en" "$work/web"

# 13 s of 640x360 H.264 (GOP 2 s, B-frames) and AAC, cut into 4 s CMAF segments by ffmpeg.
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 13 -c:v libx264 -pix_fmt yuv420p -profile:v high -g 50 -keyint_min 50 -sc_threshold 0 -bf 2 -b:v 800k \
  -c:a aac -ac 2 -b:a 128k -shortest "$work/src/in.mp4"
for s in v:video-360p a:audio-en; do
  ffmpeg -hide_banner -loglevel error -i "$work/src/in.mp4" -map "0:${s%%:*}" -c copy -f dash -seg_duration 4 \
    -init_seg_name init.mp4 -media_seg_name 'seg-$Number%05d$.m4s' "$work/ff/${s#*:}/ff.mpd"
done

(cd "$here" && GOFLAGS=-mod=mod go build -o "$work/playercheck" . &&
  GOFLAGS=-mod=mod go build -o "$work/mp4ff-encrypt" github.com/Eyevinn/mp4ff/cmd/mp4ff-encrypt)
"$work/playercheck" pssh "$work/clearkey.pssh"
for id in video-360p audio-en; do
  python3 "$here/split.py" "$work/ff" "$work/$id.clear.mp4" $id join
  "$work/mp4ff-encrypt" -scheme cbcs -kid abba271e8bcf552bbd2e86a434a9a5d9 -key 69eaa802a6763af979e8d1940fb88392 \
    -iv 11223344556677889900112233445566 -pssh "$work/clearkey.pssh" "$work/$id.clear.mp4" "$work/$id.enc.mp4"
  python3 "$here/split.py" "$work/$id.enc.mp4" "$work/encsrc" $id split >/dev/null
done
"$work/playercheck" build "$work/ff" "$work/out" clear
"$work/playercheck" build "$work/encsrc" "$work/enc" enc
"$work/playercheck" build "$work/encsrc" "$work/enc-nokeyuri" enc-nokeyuri

cp "$here/page.html" "$here/run.js" "$work/web/"
(cd "$work/web" && npm init -y >/dev/null &&
  npm install --silent playwright-core@1.65.1 shaka-player@5.2.12 dashjs@5.2.1 hls.js@1.7.4 >/dev/null)
"$work/playercheck" serve $addr "$work" &
server=$!
trap 'kill $server' EXIT
sleep 1
cd "$work/web"
node run.js
ENC=1 ROOT=/enc PLAYERS=shaka,dashjs node run.js
ENC=1 ROOT=/enc-nokeyuri PLAYERS=hlsjs node run.js
echo "negative controls (every case must FAIL):"
ENC=1 BADKEY=1 ROOT=/enc PLAYERS=shaka,dashjs node run.js
ENC=1 BADKEY=1 ROOT=/enc-nokeyuri PLAYERS=hlsjs node run.js
