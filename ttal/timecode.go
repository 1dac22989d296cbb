package ttal

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// FrameRate is a rational frame rate in frames per second, e.g. {24000, 1001}
// for 23.976 fps.
type FrameRate struct{ Num, Den int64 }

// Common frame rates.
var (
	Rate23976 = FrameRate{24000, 1001}
	Rate24    = FrameRate{24, 1}
	Rate25    = FrameRate{25, 1}
	Rate2997  = FrameRate{30000, 1001}
	Rate30    = FrameRate{30, 1}
	Rate50    = FrameRate{50, 1}
	Rate5994  = FrameRate{60000, 1001}
	Rate60    = FrameRate{60, 1}
)

// Limits on frame rates and timecodes.
const (
	MaxFrameRateNum = 1_000_000 // largest accepted numerator (and denominator)
	MaxFrame        = 1 << 40   // largest frame number accepted anywhere
)

// ErrTimecode is wrapped by every timecode and frame-rate error.
var ErrTimecode = errors.New("invalid timecode")

// Valid reports whether r is a positive rate within the limits.
func (r FrameRate) Valid() bool {
	return r.Num > 0 && r.Den > 0 && r.Num <= MaxFrameRateNum && r.Den <= MaxFrameRateNum
}

// Nominal returns the integer frame count per second of SMPTE labels at r:
// 30 for 29.97, 24 for 23.976 (the rate rounded to the nearest integer).
func (r FrameRate) Nominal() int64 {
	if !r.Valid() {
		return 0
	}
	return (r.Num + r.Den/2) / r.Den
}

// String formats r as "25" or "30000/1001".
func (r FrameRate) String() string {
	if r.Den == 1 {
		return strconv.FormatInt(r.Num, 10)
	}
	return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
}

// ParseFrameRate reads "25", "30000/1001", or the usual decimal names of
// NTSC rates ("23.976", "23.98", "29.97", "59.94", "47.952", "119.88").
func ParseFrameRate(s string) (FrameRate, error) {
	s = strings.TrimSpace(s)
	if n, d, ok := strings.Cut(s, "/"); ok {
		num, err1 := strconv.ParseInt(n, 10, 64)
		den, err2 := strconv.ParseInt(d, 10, 64)
		r := FrameRate{num, den}
		if err1 != nil || err2 != nil || !r.Valid() {
			return FrameRate{}, fmt.Errorf("%w: frame rate %q", ErrTimecode, s)
		}
		return r, nil
	}
	switch s {
	case "23.976", "23.98":
		return Rate23976, nil
	case "29.97":
		return Rate2997, nil
	case "47.952", "47.95":
		return FrameRate{48000, 1001}, nil
	case "59.94":
		return Rate5994, nil
	case "119.88":
		return FrameRate{120000, 1001}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	r := FrameRate{n, 1}
	if err != nil || !r.Valid() {
		return FrameRate{}, fmt.Errorf("%w: frame rate %q", ErrTimecode, s)
	}
	return r, nil
}

// dropPerMinute returns the frame labels dropped at each minute that is not
// a multiple of ten: 2 at 29.97, 4 at 59.94, 0 where drop-frame is not defined.
func (r FrameRate) dropPerMinute() int64 {
	if r.Den != 1001 || r.Num%1000 != 0 {
		return 0
	}
	switch r.Num / 1000 {
	case 30:
		return 2
	case 60:
		return 4
	}
	return 0
}

// SupportsDropFrame reports whether drop-frame labels exist at r (29.97, 59.94).
func (r FrameRate) SupportsDropFrame() bool { return r.dropPerMinute() > 0 }

// Duration converts a frame count to a duration, rounded to the nearest
// nanosecond; it saturates instead of overflowing.
func (r FrameRate) Duration(frames int64) time.Duration {
	if !r.Valid() {
		return 0
	}
	neg := frames < 0
	f := uint64(frames)
	if neg {
		f = uint64(-frames)
	}
	// frames * den * 1e9 / num, in 128 bits, rounded to nearest.
	hi, lo := bits.Mul64(f, uint64(r.Den)*uint64(time.Second))
	num := uint64(r.Num)
	if hi >= num {
		return saturate(neg)
	}
	q, rem := bits.Div64(hi, lo, num)
	if rem >= num-rem {
		q++
	}
	if q > 1<<63-1 {
		return saturate(neg)
	}
	if neg {
		return -time.Duration(q)
	}
	return time.Duration(q)
}

func saturate(neg bool) time.Duration {
	if neg {
		return time.Duration(-1 << 63)
	}
	return time.Duration(1<<63 - 1)
}

// Frames converts a duration to the nearest frame count (halves round up).
func (r FrameRate) Frames(d time.Duration) int64 {
	return r.framesRounded(d, false)
}

// FramesCeil converts a duration to the first frame whose presentation time
// is at or after d, as DAPT maps media times onto frames.
func (r FrameRate) FramesCeil(d time.Duration) int64 {
	return r.framesRounded(d, true)
}

func (r FrameRate) framesRounded(d time.Duration, ceil bool) int64 {
	if !r.Valid() {
		return 0
	}
	neg := d < 0
	u := uint64(d)
	if neg {
		u = uint64(-d)
	}
	hi, lo := bits.Mul64(u, uint64(r.Num))
	den := uint64(r.Den) * uint64(time.Second)
	q, rem := bits.Div64(hi, lo, den) // hi < den always: u < 2^63, num ≤ 1e6
	switch {
	case ceil && !neg && rem > 0, !ceil && rem >= den-rem:
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// Timecode is an SMPTE timecode label HH:MM:SS:FF (HH:MM:SS;FF when Drop).
type Timecode struct {
	Hours, Minutes, Seconds, Frames int
	Drop                            bool // drop-frame counting
}

// ParseTimecode reads "HH:MM:SS:FF", or a drop-frame label whose last
// separator is ';' (or '.' or ','). Only the syntax and the ranges of hours,
// minutes and seconds are checked; [FrameRate.FrameOf] checks the frames.
func ParseTimecode(s string) (Timecode, error) {
	var tc Timecode
	if len(s) != 11 || s[2] != ':' || s[5] != ':' {
		return tc, fmt.Errorf("%w: %q is not HH:MM:SS:FF", ErrTimecode, s)
	}
	switch s[8] {
	case ':':
	case ';', '.', ',':
		tc.Drop = true
	default:
		return tc, fmt.Errorf("%w: %q is not HH:MM:SS:FF", ErrTimecode, s)
	}
	var f [4]int
	for i := range f {
		a, b := s[3*i], s[3*i+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return tc, fmt.Errorf("%w: %q is not HH:MM:SS:FF", ErrTimecode, s)
		}
		f[i] = int(a-'0')*10 + int(b-'0')
	}
	tc.Hours, tc.Minutes, tc.Seconds, tc.Frames = f[0], f[1], f[2], f[3]
	if tc.Minutes > 59 || tc.Seconds > 59 {
		return tc, fmt.Errorf("%w: %q has minutes or seconds over 59", ErrTimecode, s)
	}
	return tc, nil
}

// String formats the label, with ';' before the frames when Drop.
func (tc Timecode) String() string {
	sep := byte(':')
	if tc.Drop {
		sep = ';'
	}
	b := make([]byte, 0, 12)
	for i, v := range [4]int{tc.Hours, tc.Minutes, tc.Seconds, tc.Frames} {
		if i == 3 {
			b = append(b, sep)
		} else if i > 0 {
			b = append(b, ':')
		}
		if v < 10 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return string(b)
}

// FrameOf returns the frame number that the label tc names at rate r
// (00:00:00:00 is frame 0), checking that tc exists at r: frames below the
// nominal rate, and in drop-frame mode not one of the dropped labels.
func (r FrameRate) FrameOf(tc Timecode) (int64, error) {
	nom := r.Nominal()
	if nom == 0 {
		return 0, fmt.Errorf("%w: frame rate %s", ErrTimecode, r)
	}
	if tc.Hours < 0 || tc.Minutes < 0 || tc.Minutes > 59 || tc.Seconds < 0 || tc.Seconds > 59 || tc.Frames < 0 {
		return 0, fmt.Errorf("%w: %s is out of range", ErrTimecode, tc)
	}
	if int64(tc.Frames) >= nom {
		return 0, fmt.Errorf("%w: %s has frames ≥ %d at %s fps", ErrTimecode, tc, nom, r)
	}
	total := (int64(tc.Hours)*3600+int64(tc.Minutes)*60+int64(tc.Seconds))*nom + int64(tc.Frames)
	if !tc.Drop {
		return total, nil
	}
	d := r.dropPerMinute()
	if d == 0 {
		return 0, fmt.Errorf("%w: drop-frame %s at %s fps (only 29.97 and 59.94)", ErrTimecode, tc, r)
	}
	if tc.Seconds == 0 && int64(tc.Frames) < d && tc.Minutes%10 != 0 {
		return 0, fmt.Errorf("%w: %s is a dropped label", ErrTimecode, tc)
	}
	minutes := int64(tc.Hours)*60 + int64(tc.Minutes)
	return total - d*(minutes-minutes/10), nil
}

// TimecodeOf returns the SMPTE label of frame at rate r, drop-frame when drop
// (which needs 29.97 or 59.94). Negative frames are an error.
func (r FrameRate) TimecodeOf(frame int64, drop bool) (Timecode, error) {
	nom := r.Nominal()
	if nom == 0 {
		return Timecode{}, fmt.Errorf("%w: frame rate %s", ErrTimecode, r)
	}
	if frame < 0 || frame > MaxFrame {
		return Timecode{}, fmt.Errorf("%w: frame %d out of range", ErrTimecode, frame)
	}
	if drop {
		d := r.dropPerMinute()
		if d == 0 {
			return Timecode{}, fmt.Errorf("%w: drop-frame at %s fps (only 29.97 and 59.94)", ErrTimecode, r)
		}
		perMinute := nom*60 - d
		per10 := perMinute*10 + d
		tens, rem := frame/per10, frame%per10
		frame += 9 * d * tens
		if rem >= d {
			frame += d * ((rem - d) / perMinute)
		}
	}
	f := frame % nom
	s := frame / nom
	return Timecode{Hours: int(s / 3600), Minutes: int(s / 60 % 60), Seconds: int(s % 60), Frames: int(f), Drop: drop}, nil
}

// ParseTimecodeFrame parses an SMPTE label and returns its frame number at r.
// A drop-frame separator is required exactly when drop is set.
func (r FrameRate) ParseTimecodeFrame(s string, drop bool) (int64, error) {
	tc, err := ParseTimecode(s)
	if err != nil {
		return 0, err
	}
	if tc.Drop != drop {
		if drop {
			return 0, fmt.Errorf("%w: %q needs ';' before the frames in drop-frame mode", ErrTimecode, s)
		}
		return 0, fmt.Errorf("%w: %q is a drop-frame label but dropFrame is false", ErrTimecode, s)
	}
	return r.FrameOf(tc)
}
