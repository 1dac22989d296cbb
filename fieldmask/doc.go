// Package fieldmask reads and updates parts of JSON documents and Go structs
// with protobuf-style field masks.
//
// A [Mask] is a set of field paths such as "events.start,events.end" or
// "title.name". Services use it two ways (the practice of Netflix Studio and
// of Google's AIP-157/AIP-161, see design/fieldmask.md):
//
//   - a read mask ([Filter]) returns only the listed fields; the empty mask
//     and "*" return everything;
//   - an update mask ([Apply]) lists the fields to change: masked fields
//     present in the payload replace the stored value, masked fields absent
//     (or null) in the payload are removed, unmasked payload fields are
//     ignored. An empty update mask is rejected by default ([EmptyMaskPolicy]).
//
// Typical use on a decoded JSON document:
//
//	m, err := fieldmask.Parse("events.start,events.end")
//	if err != nil { ... }
//	timing, err := fieldmask.Filter(doc, m)                // read
//	err = fieldmask.Apply(doc, patch, fieldmask.MustParse("title")) // update in place
//
// Path grammar: segments joined by '.', paths joined by ',' in the string
// form. A segment is a bare name (any UTF-8 except '.', ',', '`' and white
// space, and not all digits) or a backtick-quoted name for keys such as
// "en.US", "url " or "0". The bare segment "*" is a wildcard; the mask "*"
// alone means every field. Names are case-sensitive.
//
// Through arrays, read masks apply to every element; update masks may end
// at an array (replacing it) but not go through one. Object keys (maps) are
// addressable. All algorithms are iterative or bounded by [MaxDepth], and
// the limits [MaxPaths], [MaxDepth] and [MaxPathLength] are checked on every
// mask. Payloads are never modified and never aliased into results.
//
// # Policies
//
// Where the protobuf documentation, the AIPs and existing libraries disagree
// (reference/fieldmask.md §7), the package chooses:
//
//   - the empty mask is "everything" for reads and the empty set in Union,
//     Intersect and Subtract; "*" is the only spelling of "all" there;
//   - a null parent is absent for reads, a null leaf is copied; a path
//     through a scalar is skipped (an error with [Strict]);
//   - a null value in an update payload removes the field, like an absent one;
//   - masked objects and arrays are replaced ([MergeObjects], [AppendArrays]
//     change that); the parent of a removed field is kept;
//   - an update path through a scalar or an array is an error, even when the
//     payload does not supply it; so is any wildcard other than "*";
//   - numeric segments are rejected (no array indexes); numeric map keys and
//     keys with dots, commas or spaces are backtick-quoted; a backtick inside
//     a key cannot be written and is rejected;
//   - the empty update mask is rejected by default ([EmptyMaskPolicy]).
package fieldmask
