#!/usr/bin/env bash
# bench-inspect.sh measures `mp4pkg inspect` on a generated >= 1 GB
# progressive file: wall time and peak RSS of the binary (median of 5 runs,
# /usr/bin/time), and the share of the file's bytes it reads (Go benchmark
# BenchmarkOpenLarge, which counts the bytes Open asks for).
# Targets (issue 2): wall < 0.1 s, peak RSS < 32 MB, bytes read < 1 %.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_WORK:-bench-work}
big=$work/large-1080p.mp4
bash scripts/gen-large.sh "$big" "${BENCH_MIN_MB:-1100}"
go build -o "$work/mp4pkg" ./cmd/mp4pkg
size=$(stat -c %s "$big")
echo "input: $big, $size bytes"
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$work/time.$i" "$work/mp4pkg" inspect --format json "$big" > /dev/null
done
cat "$work"/time.? | sort -n | awk 'NR==3 {printf "inspect: median wall %.3f s, peak RSS %.1f MB (5 runs)\n", $1, $2/1024}'
MP4PKG_LARGE_FILE=$(realpath "$big") go test ./isobmff -run '^$' -bench BenchmarkOpenLarge -benchtime 5x | grep -E 'Benchmark|read'
