#!/usr/bin/env bash
# bench-peers.sh packages the same generated >= 1 GB 1080p file (made by
# gen-large.sh) with mp4pkg and with Shaka Packager 3.4.2: 4 s segments,
# DASH + HLS, clear. It reports wall time, CPU time and peak RSS
# (/usr/bin/time) as medians of RUNS runs (default 7), `cat in > out` as the
# I/O floor, the ratios mp4pkg/Shaka from the same run, and the peak RSS of
# mp4pkg on a 2x larger input (memory must stay bounded by a segment).
# Then the same with cbcs encryption (same key and IV for both): mp4pkg
# cbcs against mp4pkg clear and against Shaka Packager cbcs. SKIP_2X=1
# leaves out the 2x-input memory check.
#   SHAKA_PACKAGER=path/to/packager-linux-x64 bash scripts/bench-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_WORK:-bench-work}
runs=${RUNS:-7}
big=$work/large-1080p.mp4
big2=$work/large2-1080p.mp4
shaka=${SHAKA_PACKAGER:-.ci/tools/package/bin/packager-linux-x64}
if [[ ! -x $shaka ]]; then
  echo "Shaka Packager not found at $shaka: set SHAKA_PACKAGER (see .ci/run)" >&2
  exit 1
fi
bash scripts/gen-large.sh "$big" "${BENCH_MIN_MB:-1100}"
go build -o "$work/mp4pkg" ./cmd/mp4pkg
size=$(stat -c %s "$big")
echo "input: $big, $size bytes"

median() { sort -n -k"$2" "$work/$1.times" | awk -v r="$runs" -v k="$2" 'NR == int((r + 1) / 2) {print $k}'; }
# measure NAME CMD... : runs CMD $runs times, keeps "wall cpu rss_kb" lines.
measure() {
  local name=$1; shift
  : > "$work/$name.times"
  for ((i = 1; i <= runs; i++)); do
    rm -rf "$work/out-$name"
    mkdir -p "$work/out-$name"
    sync # start every run with no dirty pages of the run before
    /usr/bin/time -f "%e %U %S %M" -o "$work/$name.t" "$@" > /dev/null 2> "$work/$name.log" || { cat "$work/$name.log" >&2; exit 1; }
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/$name.t" >> "$work/$name.times"
  done
  printf "%-9s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB  (medians of %d runs, each column on its own)\n" \
    "$name" "$(median "$name" 1)" "$(median "$name" 2)" "$(awk -v k="$(median "$name" 3)" 'BEGIN {print k / 1024}')" "$runs"
}

cd_out() { echo "$work/out-$1"; }
measure cat sh -c "cat '$big' > '$work/out-cat/copy.mp4'"
measure mp4pkg "$work/mp4pkg" package --quiet --force -o "$work/out-mp4pkg" --segment-duration 4s "$big"
o=$(cd_out shaka)
measure shaka "$shaka" \
  "in=$big,stream=video,init_segment=$o/video/init.mp4,segment_template=$o/video/seg-\$Number%05d\$.m4s,playlist_name=video/playlist.m3u8,iframe_playlist_name=video/iframes.m3u8" \
  "in=$big,stream=audio,init_segment=$o/audio/init.mp4,segment_template=$o/audio/seg-\$Number%05d\$.m4s,playlist_name=audio/playlist.m3u8,hls_group_id=audio,hls_name=audio" \
  --segment_duration 4 --generate_static_live_mpd --mpd_output "$o/manifest.mpd" --hls_master_playlist_output "$o/master.m3u8" --quiet
awk -v a="$(median mp4pkg 1)" -v b="$(median shaka 1)" -v c="$(median mp4pkg 3)" -v d="$(median shaka 3)" \
  'BEGIN {printf "ratio mp4pkg/shaka: wall %.2f  peak RSS %.2f\n", a / b, c / d}'

# cbcs: the same packaging, encrypted with the same key and IV by both.
kid=a7e61c373e219033c21091fa607bf3b8 key=76a6c65c5ea762046bd749a2e632ccbb iv=9a5c2d3e4f60718293a4b5c6d7e8f901
measure mp4pkg-cbcs "$work/mp4pkg" package --quiet --force -o "$work/out-mp4pkg-cbcs" --segment-duration 4s \
  --encrypt cbcs --key "$kid:$key" --iv "$iv" "$big"
o=$(cd_out shaka-cbcs)
measure shaka-cbcs "$shaka" \
  "in=$big,stream=video,init_segment=$o/video/init.mp4,segment_template=$o/video/seg-\$Number%05d\$.m4s,playlist_name=video/playlist.m3u8,iframe_playlist_name=video/iframes.m3u8" \
  "in=$big,stream=audio,init_segment=$o/audio/init.mp4,segment_template=$o/audio/seg-\$Number%05d\$.m4s,playlist_name=audio/playlist.m3u8,hls_group_id=audio,hls_name=audio" \
  --segment_duration 4 --generate_static_live_mpd --mpd_output "$o/manifest.mpd" --hls_master_playlist_output "$o/master.m3u8" --quiet \
  --enable_raw_key_encryption --keys "label=:key_id=$kid:key=$key" --protection_scheme cbcs --iv "$iv" --clear_lead 0
awk -v a="$(median mp4pkg-cbcs 1)" -v b="$(median mp4pkg 1)" -v c="$(median shaka-cbcs 1)" \
  'BEGIN {printf "cbcs: mp4pkg cbcs/clear wall %.2f  mp4pkg/shaka cbcs wall %.2f\n", a / b, a / c}'

# Memory bound: a 2x larger input must not grow peak RSS by 10 % or more.
if [[ -n ${SKIP_2X:-} ]]; then rm -rf "$work"/out-*; exit 0; fi
bash scripts/gen-large.sh "$big2" "$(( ${BENCH_MIN_MB:-1100} * 2 ))"
measure mp4pkg2x "$work/mp4pkg" package --quiet --force -o "$work/out-mp4pkg2x" --segment-duration 4s "$big2"
# Peak RSS varies by about 2 MB from run to run on the same input: the
# lowest of the runs is reported beside the median.
lowest() { sort -n -k"$2" "$work/$1.times" | awk -v k="$2" 'NR == 1 {print $k}'; }
awk -v a="$(median mp4pkg2x 3)" -v b="$(median mp4pkg 3)" -v c="$(lowest mp4pkg2x 3)" -v d="$(lowest mp4pkg 3)" \
  'BEGIN {printf "peak RSS 2x input / 1x input: %.3f (medians), %.3f (lowest of the runs: %.1f / %.1f MB)\n", a / b, c / d, c / 1024, d / 1024}'
rm -rf "$work"/out-*
