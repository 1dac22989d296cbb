package ttal

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// timecodeCases feeds the table test, the fuzz seeds and the examples.
var timecodeCases = []struct {
	rate  FrameRate
	drop  bool
	label string
	frame int64
}{
	{Rate23976, false, "00:00:00:00", 0},
	{Rate23976, false, "01:00:00:00", 86400},
	{Rate24, false, "00:00:01:23", 47},
	{Rate25, false, "10:01:20:12", 902012},
	{Rate2997, false, "00:01:00:00", 1800},
	{Rate2997, true, "00:00:59;29", 1799},
	{Rate2997, true, "00:01:00;02", 1800},
	{Rate2997, true, "00:10:00;00", 17982},
	{Rate2997, true, "01:00:00;00", 107892},
	{Rate2997, true, "23:59:59;29", 2589407},
	{Rate30, false, "23:59:59:29", 2591999},
	{Rate50, false, "00:00:00:49", 49},
	{Rate5994, false, "00:00:01:59", 119},
	{Rate5994, true, "00:01:00;04", 3600},
	{Rate5994, true, "00:10:00;00", 35964},
	{Rate5994, true, "01:00:00;00", 215784},
	{Rate60, false, "00:01:00:00", 3600},
}

func TestTimecodeTable(t *testing.T) {
	for _, c := range timecodeCases {
		t.Run(fmt.Sprintf("%s/%s", c.rate, c.label), func(t *testing.T) {
			f, err := c.rate.ParseTimecodeFrame(c.label, c.drop)
			if err != nil || f != c.frame {
				t.Fatalf("parse %s at %s = %d, %v; want %d", c.label, c.rate, f, err, c.frame)
			}
			tc, err := c.rate.TimecodeOf(c.frame, c.drop)
			if err != nil || tc.String() != c.label {
				t.Fatalf("format %d = %s, %v; want %s", c.frame, tc, err, c.label)
			}
		})
	}
}

func TestTimecodeInvalid(t *testing.T) {
	for _, c := range []struct {
		rate  FrameRate
		drop  bool
		label string
	}{
		{Rate25, false, "00:00:00:25"},
		{Rate24, false, "00:60:00:00"},
		{Rate24, false, "00:00:60:00"},
		{Rate2997, true, "00:01:00;00"}, // dropped
		{Rate2997, true, "00:01:00;01"}, // dropped
		{Rate5994, true, "00:02:00;03"}, // dropped
		{Rate25, true, "00:00:00;00"},   // no drop-frame at 25
		{Rate2997, true, "00:00:00:00"}, // wrong separator
		{Rate2997, false, "00:00:00;00"},
		{Rate25, false, "0:00:00:00"},
		{Rate25, false, "00:00:00:0a"},
		{FrameRate{}, false, "00:00:00:00"},
	} {
		if f, err := c.rate.ParseTimecodeFrame(c.label, c.drop); !errors.Is(err, ErrTimecode) {
			t.Errorf("%s at %s (drop %v) = %d, %v; want ErrTimecode", c.label, c.rate, c.drop, f, err)
		}
	}
}

// TestDropFrameMinuteBoundaries checks every minute of 24 hours at 29.97 and
// 59.94 drop-frame: the first label of each minute, the last label before
// it, and the dropped labels, against an independent count.
func TestDropFrameMinuteBoundaries(t *testing.T) {
	for _, r := range []FrameRate{Rate2997, Rate5994} {
		nom, d := r.Nominal(), r.dropPerMinute()
		var frame int64 // frame number of the first label of minute m
		for m := 0; m < 24*60; m++ {
			h, mm := m/60, m%60
			first := int64(0)
			if mm%10 != 0 {
				first = d
			}
			label := Timecode{h, mm, 0, int(first), true}
			got, err := r.FrameOf(label)
			if err != nil || got != frame {
				t.Fatalf("%s: %s = %d, %v; want %d", r, label, got, err, frame)
			}
			if tc, _ := r.TimecodeOf(frame, true); tc != label {
				t.Fatalf("%s: frame %d = %s, want %s", r, frame, tc, label)
			}
			if m > 0 {
				prev := Timecode{(m - 1) / 60, (m - 1) % 60, 59, int(nom - 1), true}
				if tc, _ := r.TimecodeOf(frame-1, true); tc != prev {
					t.Fatalf("%s: frame %d = %s, want %s", r, frame-1, tc, prev)
				}
			}
			for f := int64(0); f < first; f++ {
				if _, err := r.FrameOf(Timecode{h, mm, 0, int(f), true}); err == nil {
					t.Fatalf("%s: dropped label %02d:%02d:00;%02d accepted", r, h, mm, f)
				}
			}
			frame += nom*60 - first
		}
		if tc, _ := r.TimecodeOf(frame, true); tc.Hours != 24 || tc.Minutes != 0 || tc.Seconds != 0 || tc.Frames != 0 {
			t.Fatalf("%s: frame %d after 24 h = %s", r, frame, tc)
		}
	}
}

// TestDropFrameEveryFrame walks one hour frame by frame, counting labels
// independently, at both drop-frame rates.
func TestDropFrameEveryFrame(t *testing.T) {
	for _, r := range []FrameRate{Rate2997, Rate5994} {
		nom, d := int(r.Nominal()), int(r.dropPerMinute())
		tc := Timecode{Drop: true}
		for f := int64(0); f < 3600*r.Nominal(); f++ {
			got, err := r.TimecodeOf(f, true)
			if err != nil || got != tc {
				t.Fatalf("%s frame %d = %s, want %s", r, f, got, tc)
			}
			if back, err := r.FrameOf(tc); err != nil || back != f {
				t.Fatalf("%s %s = %d, %v; want %d", r, tc, back, err, f)
			}
			tc.Frames++
			if tc.Frames == nom {
				tc.Frames = 0
				tc.Seconds++
				if tc.Seconds == 60 {
					tc.Seconds = 0
					tc.Minutes++
					if tc.Minutes == 60 {
						tc.Minutes = 0
						tc.Hours++
					}
					if tc.Minutes%10 != 0 {
						tc.Frames = d
					}
				}
			}
		}
	}
}

func TestDurationRounding(t *testing.T) {
	for _, c := range []struct {
		rate   FrameRate
		frames int64
		want   time.Duration
	}{
		{Rate24, 37, 1541666667 * time.Nanosecond}, // astisub would truncate to 1.541
		{Rate23976, 1, 41708333 * time.Nanosecond},
		{Rate2997, 108000, 3603600 * time.Millisecond},
		{Rate25, -5, -200 * time.Millisecond},
		{Rate25, 1 << 40, time.Duration(1<<63 - 1)},
	} {
		if got := c.rate.Duration(c.frames); got != c.want {
			t.Errorf("%s %d frames = %v, want %v", c.rate, c.frames, got, c.want)
		}
	}
	for _, r := range []FrameRate{Rate23976, Rate24, Rate25, Rate2997, Rate30, Rate50, Rate5994, Rate60} {
		for f := int64(0); f < 100000; f += 7 {
			if back := r.Frames(r.Duration(f)); back != f {
				t.Fatalf("%s: frame %d → %v → %d", r, f, r.Duration(f), back)
			}
			// A millisecond-truncated time (as astisub writes) still rounds back.
			if back := r.Frames(r.Duration(f).Truncate(time.Millisecond)); back != f {
				t.Fatalf("%s: frame %d → ms-truncated → %d", r, f, back)
			}
		}
	}
	if got := Rate2997.FramesCeil(5100 * time.Millisecond); got != 153 {
		t.Errorf("FramesCeil(5.1s @29.97) = %d, want 153 (DAPT example)", got)
	}
}

func TestParseFrameRate(t *testing.T) {
	for in, want := range map[string]FrameRate{"23.976": Rate23976, "24": Rate24, "25": Rate25, "29.97": Rate2997,
		"30": Rate30, "50": Rate50, "59.94": Rate5994, "60": Rate60, "30000/1001": Rate2997} {
		if got, err := ParseFrameRate(in); err != nil || got != want {
			t.Errorf("ParseFrameRate(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-25", "25/0", "abc", "1/2/3", "23.5"} {
		if _, err := ParseFrameRate(in); err == nil {
			t.Errorf("ParseFrameRate(%q) accepted", in)
		}
	}
}
