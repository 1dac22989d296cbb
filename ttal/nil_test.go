package ttal

import (
	"bytes"
	"testing"
)

// TestNoPanicOnZeroInputs calls the exported API with nil and zero values.
func TestNoPanicOnZeroInputs(t *testing.T) {
	var s *Script
	_ = s.Marshal()
	if s.Encode(&bytes.Buffer{}) == nil {
		t.Error("Encode of a nil script gave no error")
	}
	_ = s.Character("x")
	_ = s.Derive(AsRecorded, "fr", "x")
	var e *Event
	_ = e.Text("en")
	if c, err := Diff(nil, nil); c != nil || err != nil {
		t.Errorf("Diff(nil, nil) = %v, %v", c, err)
	}
	_ = Validate(nil, ProfileNetflixSubtitle)
	_ = Validate(&Script{}, ProfileNetflixSubtitle)
	_ = Validate(&Script{Timing: Timing{FrameRate: Rate25}, Events: []Event{{}}}, ProfileNetflixDubAsRecorded)
	if _, err := Write(&bytes.Buffer{}, nil, FormatSRT, WriteOptions{}); err == nil {
		t.Error("Write of a nil script gave no error")
	}
	for _, f := range []Format{FormatTTAL, FormatSRT, FormatVTT, FormatTTML, FormatDAPT, FormatASS, FormatSTL, "x"} {
		_, _ = Write(&bytes.Buffer{}, &Script{}, f, WriteOptions{})
		_, _ = ReadBytes(nil, f, ReadOptions{})
		_, _, _ = Convert(nil, f, f, ConvertOptions{})
	}
	_ = ValidateDAPTDocument(nil)
	_, _ = FrameRate{}.TimecodeOf(5, true)
	_, _ = FrameRate{}.FrameOf(Timecode{})
	_ = FrameRate{}.Duration(5)
	_ = FrameRate{}.Frames(5)
	_ = Loss(nil).String()
	_ = WriteReport(&bytes.Buffer{}, nil, "json")
}
