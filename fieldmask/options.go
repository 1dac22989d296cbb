package fieldmask

// EmptyMaskPolicy says what [Apply] does with an empty update mask. The
// protobuf documentation no longer defines it (2026) and libraries disagree,
// so the choice is explicit; the default, Reject, protects against the
// schema-evolution hazard of old clients erasing fields they do not know.
type EmptyMaskPolicy int

const (
	// Reject fails with ErrEmptyMask (the default).
	Reject EmptyMaskPolicy = iota
	// FullReplace treats the empty mask as "*": the document becomes the
	// payload (the pre-2026 protobuf text and Netflix's "all fields").
	FullReplace
	// ImpliedFromPayload uses the mask of the fields present in the
	// payload, see [FromPayload] (AIP-134). It cannot remove fields.
	ImpliedFromPayload
	// NoOp leaves the document unchanged (protobuf-java merge).
	NoOp
)

// String returns the policy's name as the CLI spells it: reject,
// full-replace, implied or no-op.
func (p EmptyMaskPolicy) String() string {
	switch p {
	case Reject:
		return "reject"
	case FullReplace:
		return "full-replace"
	case ImpliedFromPayload:
		return "implied"
	case NoOp:
		return "no-op"
	}
	return "EmptyMaskPolicy(?)"
}

// Option changes how [Filter] and [Apply] (and their JSON and struct
// variants) work. Options that concern only updates are ignored by reads.
type Option func(*options)

type options struct {
	empty        EmptyMaskPolicy
	merge        bool
	appendArrays bool
	strict       bool
	schema       *Schema
	outputOnly   Mask
	immutable    Mask
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithEmptyMaskPolicy sets the policy for an empty update mask (default
// [Reject]).
func WithEmptyMaskPolicy(p EmptyMaskPolicy) Option {
	return func(o *options) { o.empty = p }
}

// MergeObjects makes an update merge a masked object into the stored one
// key by key (null removes a key) instead of replacing it (protobuf's
// documented default; replacing is AIP-134's and the package default).
func MergeObjects() Option { return func(o *options) { o.merge = true } }

// AppendArrays makes an update append the elements of a masked array to the
// stored array instead of replacing it. Such updates are not idempotent.
func AppendArrays() Option { return func(o *options) { o.appendArrays = true } }

// Strict makes a read fail, instead of skipping the path, when a path cannot
// exist: it goes through a scalar, or the schema given by [WithSchema] does
// not know it.
func Strict() Option { return func(o *options) { o.strict = true } }

// WithSchema checks masks against s: always for updates (unknown paths are
// errors), and for reads with [Strict].
func WithSchema(s *Schema) Option { return func(o *options) { o.schema = s } }

// OutputOnly names fields that clients cannot set (ids, sizes): an update
// keeps their stored value even when the mask covers them directly, through
// a parent or through "*" (AIP-161, AIP-203). Wildcard paths are not allowed.
func OutputOnly(m Mask) Option { return func(o *options) { o.outputOnly = m } }

// Immutable names fields that an update may not change: covering them with
// an unchanged value is fine, changing them fails with ErrImmutable.
func Immutable(m Mask) Option { return func(o *options) { o.immutable = m } }
