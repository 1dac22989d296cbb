// Package cenc is the Common Encryption (ISO/IEC 23001-7) work of mp4pkg:
// cbcs and cenc schemes, keys and IVs, per-codec subsample maps, sample
// entry protection, senc/saiz/saio and pssh.
//
//   - keys: [KeyID], [Key] (never printed), [IV], [ParseKeySpec] for the
//     CLI's KID:KEY and TRACK=KID:KEY forms and [ReadKeyFile];
//   - the cipher: [Cipher] runs cbcs (AES-CBC with a crypt:skip pattern,
//     the chain restarting from the IV at each protected range, a partial
//     last block left clear; 0:0 means every block, for audio) and cenc
//     (AES-CTR, one keystream per sample over its protected ranges);
//   - encryption of a track: [Encrypter] maps each sample ([NewMapper]:
//     AVC, HEVC, AV1, VP9 rules; audio whole-sample), encrypts it and
//     returns its senc entry ([SampleInfo]); its [Encrypter.Tenc] goes into
//     the sample entry by [ProtectStsd] (encv/enca with sinf, frma, schm,
//     schi/tenc), and [AddAuxBoxes]/[SetSaioOffsets] write a fragment's
//     saiz, saio and senc;
//   - decryption of any file: [ReadProtection] reads a track's sinf (cbcs,
//     cenc, PIFF), [ReadSampleInfos] every sample's IV and map (senc in
//     traf or stbl, PIFF senc, seig groups), [Cipher.Decrypt] restores the
//     sample and [UnprotectStsd] the sample entry;
//   - subsample maps per codec: [NewAVCMapper], [NewHEVCMapper],
//     [NewAV1Mapper], [NewVP9Mapper] (cbcs and cenc rules, every map checked
//     to cover its sample by [CheckSubsamples]); exact slice-header
//     parsers for them are written here rather than taken from mp4ff,
//     whose HEVC slice-header parser allocates from an unchecked
//     num_entry_point_offsets (an out-of-memory crash no recover can
//     catch; the input is in testdata/fuzz/mp4ff-crashers);
//   - DRM signalling: [PSSHBoxes] builds the W3C common (ClearKey),
//     Widevine and PlayReady pssh boxes, byte-identical to Shaka Packager's.
//
// Packaging with encryption (segments, manifests) is in package cmaf:
// cmaf.Options.Encryption, cmaf.EncryptFile and cmaf.DecryptFile.
package cenc
