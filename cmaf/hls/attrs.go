package hls

import (
	"fmt"
	"strconv"
	"strings"
)

// attrs builds an attribute list (RFC 8216 4.2). The first value that
// cannot be written sticks in err.
type attrs struct {
	b   strings.Builder
	err error
}

// add writes NAME=value for enumerated strings and numbers.
func (a *attrs) add(name, value string) {
	if a.b.Len() > 0 {
		a.b.WriteByte(',')
	}
	a.b.WriteString(name)
	a.b.WriteByte('=')
	a.b.WriteString(value)
}

// quote writes NAME="value"; a quoted string cannot hold '"', CR or LF.
func (a *attrs) quote(name, value string) {
	if strings.ContainsAny(value, "\"\r\n") && a.err == nil {
		a.err = fmt.Errorf("%s value %q cannot be a quoted string", name, value)
	}
	a.add(name, `"`+value+`"`)
}

// tag gives the line "#TAG:attributes".
func (a *attrs) tag(tag string) (string, error) {
	return "#" + tag + ":" + a.b.String(), a.err
}

// seconds formats ticks as decimal seconds with six decimals, as EXTINF
// takes them.
func seconds(ticks uint64, timescale uint32) string {
	return strconv.FormatFloat(float64(ticks)/float64(timescale), 'f', 6, 64)
}

// frameRate formats "25" or "30000/1001" as FRAME-RATE takes it, with
// three decimals ("29.970").
func frameRate(s string) (string, error) {
	num, den, frac := strings.Cut(s, "/")
	n, err1 := strconv.ParseUint(num, 10, 32)
	d := uint64(1)
	var err2 error
	if frac {
		d, err2 = strconv.ParseUint(den, 10, 32)
	}
	if err1 != nil || err2 != nil || n == 0 || d == 0 {
		return "", fmt.Errorf("frame rate %q is not N or N/D", s)
	}
	return strconv.FormatFloat(float64(n)/float64(d), 'f', 3, 64), nil
}
