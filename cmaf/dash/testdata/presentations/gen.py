#!/usr/bin/env python3
"""Writes the hand-built presentations that the dash and hls tests read.

Run from this folder: python3 gen.py. The numbers model real packaging:
25 fps video at timescale 12800 cut at 4 s (one 3.6 s / 4.4 s pair from a
late keyframe), AAC at 48 kHz cut at the first 1024-sample frame at or
after each video boundary, sizes from a fixed pseudo-random sequence.
"""
import base64, json, math, struct, uuid

WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"
PLAYREADY = "9a04f079-9840-4286-ab92-e65be0885f95"

VIDEO_TS, AUDIO_TS = 12800, 48000
VIDEO_DURS = [51200, 51200, 46080, 56320, 51200, 25600]  # 22.0 s


def audio_durs():
    ends, t = [], 0
    for d in VIDEO_DURS:
        t += d
        ends.append(math.ceil(t / VIDEO_TS * AUDIO_TS / 1024) * 1024)
    out, prev = [], 0
    for e in ends:
        out.append(e - prev)
        prev = e
    return out


seed = [12345]


def rnd(lo, hi):
    seed[0] = (seed[0] * 1103515245 + 12345) % (1 << 31)
    return lo + seed[0] % (hi - lo + 1)


def rep(id, kind, codec, ts, durs, bps, layout, iframe=False, **kw):
    segs, off = [], 0
    init_len, index_len = rnd(700, 1200), 32 + 12 * len(durs)
    if layout == "single-file":
        off = init_len + index_len
    start = 0
    for i, d in enumerate(durs):
        size = int(bps * d / ts / 8 * rnd(85, 115) / 100)
        s = {"Number": i + 1, "Start": start, "Duration": d, "Size": size,
             "Offset": off if layout == "single-file" else 0,
             "IFrame": {"First": 0, "Last": rnd(size // 20, size // 8) - 1} if iframe else {"First": 0, "Last": 0}}
        segs.append(s)
        start += d
        if layout == "single-file":
            off += size
    peak = max(math.ceil(s["Size"] * 8 * ts / s["Duration"]) for s in segs)
    avg = math.ceil(sum(s["Size"] for s in segs) * 8 * ts / sum(durs))
    r = {"ID": id, "Kind": kind, "Codec": codec, "Timescale": ts,
         "Bandwidth": peak, "AverageBandwidth": avg, "Segments": segs}
    if layout == "segments":
        r.update(InitURL=id + "/init.mp4", SegmentURL=id + "/seg-$Number%05d$.m4s", StartNumber=1)
    else:
        r.update(FileURL=id + ".mp4", InitRange={"First": 0, "Last": init_len - 1},
                 IndexRange={"First": init_len, "Last": init_len + index_len - 1})
    r.update(kw)
    return r


def video(id, codec, w, h, bps, layout, **kw):
    attrs = dict(Width=w, Height=h, FrameRate="25", SAR="1:1")
    attrs.update(kw)
    return rep(id, "video", codec, VIDEO_TS, VIDEO_DURS, bps, layout, iframe=True, **attrs)


def audio(id, codec, lang, ch, bps, layout, **kw):
    return rep(id, "audio", codec, AUDIO_TS, audio_durs(), bps, layout,
               SampleRate=48000, Channels=ch, Language=lang, **kw)


def pssh(system, data):
    body = struct.pack(">I", 0) + uuid.UUID(system).bytes + struct.pack(">I", len(data)) + data
    return base64.b64encode(struct.pack(">I", 8 + len(body)) + b"pssh" + body).decode()


def encryption(kid, uri):
    k = bytes.fromhex(kid)
    # A WRM header only, not a whole PlayReady Object: the writers just carry the box.
    pro = ('<WRMHEADER version="4.0.0.0"><DATA><KID>%s</KID></DATA></WRMHEADER>'
           % base64.b64encode(uuid.UUID(bytes=k).bytes_le).decode()).encode("utf-16-le")
    return {"Scheme": "cbcs", "KID": kid, "KeyURI": uri,
            "PSSH": {WIDEVINE: pssh(WIDEVINE, b"\x12\x10" + k), PLAYREADY: pssh(PLAYREADY, pro)}}


def presentation(layout, reps):
    dur = max(sum(s["Duration"] for s in r["Segments"]) / r["Timescale"] for r in reps)
    return {"Duration": dur, "Layout": layout, "Representations": reps}


def ladder(layout):
    return presentation(layout, [
        video("video-1080p", "avc1.640028", 1920, 1080, 5_000_000, layout),
        video("video-720p", "avc1.64001f", 1280, 720, 2_500_000, layout),
        audio("audio-en", "mp4a.40.2", "en", 2, 128_000, layout)])


out = {
    "avc-segments": ladder("segments"),
    "avc-single-file": ladder("single-file"),
    "audio-only": presentation("segments", [
        audio("audio-en", "mp4a.40.2", "en", 2, 128_000, "segments"),
        audio("audio-fr", "mp4a.40.2", "fr", 1, 64_000, "segments")]),
    "cbcs-drm": presentation("segments", [
        video("video-1080p", "avc1.640028", 1920, 1080, 5_000_000, "segments",
              Encryption=encryption("abba271e8bcf552bbd2e86a434a9a5d9", "skd://abba271e8bcf552bbd2e86a434a9a5d9")),
        audio("audio-en", "mp4a.40.2", "en", 2, 128_000, "segments",
              Encryption=encryption("6d76f25cb17f5e16b8eaef6bbf582d8e", "skd://6d76f25cb17f5e16b8eaef6bbf582d8e"))]),
    "multi-audio": presentation("segments", [
        video("video-720p", "avc1.64001f", 1280, 720, 2_500_000, "segments", FrameRate="30000/1001"),
        audio("audio-en", "mp4a.40.2", "en", 2, 128_000, "segments"),
        audio("audio-en-2", "ec-3", "en", 6, 384_000, "segments"),
        rep("text-en", "text", "wvtt", 1000, [4000, 4000, 3600, 4400, 4000, 2000], 2_000, "segments",
            Language="en")]),
}
for name, p in out.items():
    with open(name + ".json", "w") as f:
        json.dump(p, f, indent=1)
        f.write("\n")
