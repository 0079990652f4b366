package duration

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in    string
		ticks int64 // at one-minute ticks
		err   string
	}{
		{"120", 120, ""}, {"2_000", 2000, ""}, {"90m", 90, ""}, {"6h", 360, ""}, {"1d12h", 2160, ""},
		{"3 days", 4320, ""}, {"10t", 10, ""}, {"10 ticks", 10, ""}, {"90s", 2, ""}, {"2w", 20160, ""},
		{"1.5h", 0, "use whole numbers"}, {"-5", 0, "cannot be negative"}, {"5 fortnights", 0, "unknown unit"},
		{"10t 5m", 0, "cannot be mixed"}, {"5m 10t", 0, "cannot be mixed"}, {"", 0, "want a duration"},
		{"200 years", 0, "unknown unit"}, {"999999999999h", 0, "too long"}, {"5", 5, ""},
	}
	for _, c := range cases {
		v, err := Parse(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q): error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if n, err := v.InTicks(60); err != nil || n != c.ticks {
			t.Errorf("Parse(%q) = %d ticks (%v), want %d", c.in, n, err, c.ticks)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("1d12h")
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := Parse(s); err == nil {
			v.InTicks(60)
		}
	})
}
