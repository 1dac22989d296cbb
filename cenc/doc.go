// Package cenc will implement Common Encryption (ISO/IEC 23001-7) for
// mp4pkg: the cbcs and cenc schemes, keys and IVs, per-codec subsample maps,
// senc/saiz/saio and pssh.
//
// Today it holds the exact slice-header parsers the subsample maps need.
// They are written here rather than taken from mp4ff because mp4ff's HEVC
// slice-header parser allocates from an unchecked num_entry_point_offsets
// (an out-of-memory crash no recover can catch; the input is in
// testdata/fuzz/mp4ff-crashers/hevc-slice-entry-points).
package cenc
