// Package cenc is the Common Encryption (ISO/IEC 23001-7) work of mp4pkg:
// cbcs and cenc schemes, keys and IVs, per-codec subsample maps,
// senc/saiz/saio and pssh.
//
// What exists today:
//   - keys: [KeyID], [Key] (never printed), [IV], [ParseKeySpec] for the
//     CLI's KID:KEY and TRACK=KID:KEY forms and [ReadKeyFile];
//   - DRM signalling: [PSSHBoxes] builds the W3C common (ClearKey),
//     Widevine and PlayReady pssh boxes, byte-identical to Shaka Packager's;
//   - subsample maps per codec: [NewAVCMapper], [NewHEVCMapper],
//     [NewAV1Mapper], [NewVP9Mapper] (cbcs and cenc rules, every map checked
//     to cover its sample by [CheckSubsamples]); audio has none;
//   - exact slice-header parsers for those maps. They are written
//     here rather than taken from mp4ff because mp4ff's HEVC slice-header
//     parser allocates from an unchecked num_entry_point_offsets (an
//     out-of-memory crash no recover can catch; the input is in
//     testdata/fuzz/mp4ff-crashers/hevc-slice-entry-points).
//
// The cipher, sample-entry rewriting, senc/saiz/saio and the CLI come next.
package cenc
