// Package duration reads the durations planners write ("90m", "6h",
// "1d12h", "3 days", "10t", "120") with one set of rules, for
// scenario.yaml and for the Lua API alike, so a duration means the same
// thing wherever it is written.
package duration

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits of durations.
const (
	SecondsMax = 100 * 365 * 24 * 3600 // a century
	TicksMax   = 1 << 30
	textMax    = 64
)

// unitSeconds gives each unit word its length; "t" (ticks) is apart.
var unitSeconds = map[string]int64{
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": 86400, "day": 86400, "days": 86400,
	"w": 7 * 86400, "week": 7 * 86400, "weeks": 7 * 86400,
}

// Value is a parsed duration: whole ticks, or a time in seconds that
// becomes ticks once the tick length is known.
type Value struct {
	Ticks   int64 // when written in ticks (a plain number or "10t")
	Seconds int64 // when written with time units
	Unit    bool  // Seconds holds the value
}

// Parse reads a duration. A plain whole number is ticks; "_" may group
// digits ("2_000").
func Parse(text string) (Value, error) {
	bad := fmt.Errorf("want a duration: a whole number of ticks or a time such as 90m, 6h or 180d, got %q", text)
	t := strings.TrimSpace(text)
	if t == "" || len(t) > textMax {
		return Value{}, bad
	}
	if strings.HasPrefix(t, "-") {
		return Value{}, fmt.Errorf("%q: a duration cannot be negative", text)
	}
	if v, err := strconv.ParseInt(strings.ReplaceAll(t, "_", ""), 10, 64); err == nil {
		if v > TicksMax {
			return Value{}, fmt.Errorf("%s ticks is too long (at most %d)", text, TicksMax)
		}
		return Value{Ticks: v}, nil
	}
	var out Value
	ticksUnit := false
	rest := t
	for rest != "" {
		rest = strings.TrimLeft(rest, " ")
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 12 {
			if strings.ContainsAny(rest, ".,") {
				return Value{}, fmt.Errorf("%q: use whole numbers (90m rather than 1.5h)", text)
			}
			return Value{}, bad
		}
		num, _ := strconv.ParseInt(rest[:i], 10, 64)
		rest = strings.TrimLeft(rest[i:], " ")
		j := 0
		for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z') {
			j++
		}
		u := strings.ToLower(rest[:j])
		rest = rest[j:]
		switch u {
		case "t", "tick", "ticks":
			if out.Unit || ticksUnit || strings.TrimSpace(rest) != "" {
				return Value{}, fmt.Errorf("%q: ticks cannot be mixed with time units", text)
			}
			if num > TicksMax {
				return Value{}, fmt.Errorf("%q is too long (at most %d ticks)", text, TicksMax)
			}
			out.Ticks = num
			ticksUnit = true
			continue
		case "":
			if strings.ContainsAny(rest, ".,") {
				return Value{}, fmt.Errorf("%q: use whole numbers (90m rather than 1.5h)", text)
			}
			return Value{}, fmt.Errorf("%q: a number needs a unit (s, m, h, d, w; or t for ticks)", text)
		}
		us, ok := unitSeconds[u]
		if !ok {
			return Value{}, fmt.Errorf("%q: unknown unit %q (s, m, h, d, w; or t for ticks)", text, u)
		}
		if ticksUnit {
			return Value{}, fmt.Errorf("%q: ticks cannot be mixed with time units", text)
		}
		if num > SecondsMax/us || out.Seconds+num*us > SecondsMax {
			return Value{}, fmt.Errorf("%q is too long (at most 100 years)", text)
		}
		out.Seconds += num * us
		out.Unit = true
	}
	return out, nil
}

// InTicks converts to ticks of tickSeconds, rounding a time up to whole
// ticks (a 90-second step at one-minute ticks takes two ticks).
func (v Value) InTicks(tickSeconds int32) (int64, error) {
	if !v.Unit {
		return v.Ticks, nil
	}
	if tickSeconds <= 0 {
		return 0, fmt.Errorf("durations with time units need the tick length; give whole ticks")
	}
	n := (v.Seconds + int64(tickSeconds) - 1) / int64(tickSeconds)
	if n > TicksMax {
		return 0, fmt.Errorf("%d ticks, at most %d", n, TicksMax)
	}
	return n, nil
}
