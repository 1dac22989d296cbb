#!/usr/bin/env bash
# gen.sh makes the small real media files in testdata/ with ffmpeg (Debian's
# ffmpeg 5.1 with libx264, libx265, libsvtav1, libvpx, libopus). Run it from
# anywhere: bash testdata/gen.sh. Each file is a few seconds long and a few
# hundred KB; together they cover the codecs and file layouts mp4pkg supports.
set -euo pipefail
cd "$(dirname "$0")"
FF=(ffmpeg -hide_banner -loglevel error -y)
BX=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
# Two scenes with a hard cut at 3 s, so encoders place a scene-cut key frame.
SCENES='testsrc2=size=640x360:rate=25:duration=3[a];smptehdbars=size=640x360:rate=25:duration=3,drawtext=text=%{n}:fontsize=40:x=20:y=20:fontcolor=white[b];[a][b]concat=n=2:v=1:a=0'
SCENES_NOTXT='testsrc2=size=640x360:rate=25:duration=3[a];smptehdbars=size=640x360:rate=25:duration=3,noise=alls=20:allf=t[b];[a][b]concat=n=2:v=1:a=0'
TONE='sine=frequency=440:sample_rate=48000:duration=6'

# AVC High with B-frames and a scene cut + AAC-LC stereo, moov first.
"${FF[@]}" -filter_complex "$SCENES_NOTXT" -f lavfi -i "$TONE" -ac 2 \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 300k -bf 3 -g 50 -x264-params scenecut=40 \
  -c:a aac -b:a 64k "${BX[@]}" -movflags +faststart avc_aac.mp4

# AVC with four slices per picture (multi-slice, for subsample maps), video only.
"${FF[@]}" -filter_complex "$SCENES_NOTXT" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 250k -x264-params slices=4 -g 50 \
  "${BX[@]}" -movflags +faststart avc_multislice.mp4

# HEVC Main 10, hvc1, BT.2020 PQ colour tags with HDR10 mastering/light-level SEI.
"${FF[@]}" -filter_complex "$SCENES_NOTXT,format=yuv420p10le" \
  -c:v libx265 -preset ultrafast -b:v 250k -tag:v hvc1 \
  -x265-params "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400:hdr10=1" \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
  "${BX[@]}" -movflags +faststart hevc_hdr10.mp4

# AV1 (SVT-AV1), 320x180.
"${FF[@]}" -f lavfi -i testsrc2=size=320x180:rate=25:duration=4 \
  -c:v libsvtav1 -preset 12 -b:v 150k -g 50 -pix_fmt yuv420p "${BX[@]}" -movflags +faststart av1.mp4

# VP9 + Opus in MP4.
"${FF[@]}" -f lavfi -i testsrc2=size=320x180:rate=25:duration=4 -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=4" \
  -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 150k -g 50 -pix_fmt yuv420p \
  -c:a libopus -b:a 48k -ac 2 "${BX[@]}" -movflags +faststart vp9_opus.mp4

# E-AC-3 5.1 and AC-3 stereo audio-only files.
"${FF[@]}" -f lavfi -i "$TONE" -af "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0" \
  -c:a eac3 -b:a 192k "${BX[@]}" -movflags +faststart eac3.mp4
"${FF[@]}" -f lavfi -i "$TONE" -ac 2 -c:a ac3 -b:a 128k "${BX[@]}" -movflags +faststart ac3.mp4

# Open-GOP AVC (non-IDR I frames with recovery points).
"${FF[@]}" -filter_complex "$SCENES_NOTXT" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 250k -bf 3 -g 25 -x264-params open_gop=1:scenecut=0 \
  "${BX[@]}" -movflags +faststart open_gop.mp4

# mdat before moov (ffmpeg's default layout without +faststart).
"${FF[@]}" -f lavfi -i testsrc2=size=320x180:rate=25:duration=3 -f lavfi -i "sine=sample_rate=44100:duration=3" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 150k -c:a aac -b:a 48k "${BX[@]}" mdat_first.mp4

# An edit list that starts mid-GOP: cut by stream copy at 1.3 s.
"${FF[@]}" -ss 1.3 -i avc_aac.mp4 -c copy "${BX[@]}" -movflags +faststart editlist.mp4

# Fragmented MP4 with a global sidx (ffmpeg's DASH-style single file).
"${FF[@]}" -f lavfi -i testsrc2=size=320x180:rate=25:duration=4 -f lavfi -i "sine=sample_rate=48000:duration=4" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 150k -g 25 -c:a aac -b:a 48k \
  "${BX[@]}" -movflags +frag_keyframe+empty_moov+default_base_moof+global_sidx frag_sidx.mp4

# Renditions of one source for aligned-boundary tests: 640x360 and 320x180
# with the same fixed GOP (no scene-cut key frames), and a 320x180 whose GOP
# (40 frames) does not align with the others.
for r in 360:640 180:320; do
  h=${r%%:*}; w=${r##*:}
  "${FF[@]}" -filter_complex "$SCENES_NOTXT,scale=$w:$h" \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 200k -g 50 -keyint_min 50 -x264-params scenecut=0 \
    "${BX[@]}" -movflags +faststart "rend_${h}p.mp4"
done
"${FF[@]}" -filter_complex "$SCENES_NOTXT,scale=320:180" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 200k -g 40 -keyint_min 40 -x264-params scenecut=0 \
  "${BX[@]}" -movflags +faststart rend_180p_gop40.mp4

ls -l *.mp4
