package script

import (
	"cyberex/engine/duration"

	"cyberex/engine/suggest"

	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Arguments crossing from Lua into the engine are checked here. Lua
// numbers are floats: a number that feeds the state must be a whole number
// in range, or the call fails with an error naming the argument, so no
// float reaches the state and no truncation is left to the processor.

// durationTicksMax bounds any duration or tick given by a script, as the
// scenario loader bounds them.
const durationTicksMax = duration.TicksMax

// wholeNumber returns v as an int64 if it is a whole number in [lo, hi].
func wholeNumber(v lua.LValue, lo, hi int64) (int64, bool) {
	n, ok := v.(lua.LNumber)
	if !ok {
		return 0, false
	}
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, false
	}
	return int64(f), true
}

// describeValue names a Lua value for an error message.
func describeValue(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LNumber:
		return formatNumber(v)
	case lua.LString:
		s := string(v)
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return strconv.Quote(s)
	case *lua.LNilType:
		return "nil"
	}
	return "a " + v.Type().String()
}

// checkWhole reads argument i as a whole number in [lo, hi].
func checkWhole(L *lua.LState, i int, name string, lo, hi int64) int64 {
	n, ok := wholeNumber(L.Get(i), lo, hi)
	if !ok {
		L.RaiseError("%s: want a whole number from %d to %d, got %s", name, lo, hi, describeValue(L.Get(i)))
	}
	return n
}

// fieldWhole reads field k of tb as a whole number in [lo, hi], def when absent.
func fieldWhole(L *lua.LState, tb *lua.LTable, k, where string, lo, hi, def int64) int64 {
	v := tb.RawGetString(k)
	if v == lua.LNil {
		return def
	}
	n, ok := wholeNumber(v, lo, hi)
	if !ok {
		L.RaiseError("%s: %s: want a whole number from %d to %d, got %s", where, k, lo, hi, describeValue(v))
	}
	return n
}

// fieldString reads field k of tb as a string, def when absent.
func fieldString(L *lua.LState, tb *lua.LTable, k, where, def string) string {
	v := tb.RawGetString(k)
	switch v := v.(type) {
	case *lua.LNilType:
		return def
	case lua.LString:
		return string(v)
	}
	L.RaiseError("%s: %s: want a string, got %s", where, k, describeValue(v))
	return ""
}

// fieldBool reads field k of tb as a boolean, def when absent.
func fieldBool(L *lua.LState, tb *lua.LTable, k, where string, def bool) bool {
	switch v := tb.RawGetString(k).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		L.RaiseError("%s: %s: want true or false, got %s", where, k, describeValue(v))
	}
	return false
}

// checkFields refuses keys of an options table that the function does
// not know, naming the closest known one: a typo must not be ignored.
func checkFields(L *lua.LState, tb *lua.LTable, where string, known ...string) {
	var bad []string
	forEachEntry(tb, func(k, _ lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			bad = append(bad, describeValue(k))
			return
		}
		for _, n := range known {
			if string(ks) == n {
				return
			}
		}
		bad = append(bad, string(ks))
	})
	if len(bad) == 0 {
		return
	}
	sort.Strings(bad) // the message names the first in sorted order, whatever the table's order
	L.RaiseError("%s: unknown field %q%s", where, bad[0], suggestion(bad[0], known))
}

// checkString reads argument i (from 1) as a non-empty string.
func checkString(L *lua.LState, i int, what string) string {
	v, ok := L.Arg(i).(lua.LString)
	if !ok || v == "" {
		L.RaiseError("%s: want a string, got %s", what, describeValue(L.Get(i)))
	}
	return string(v)
}

// checkTicks reads argument i as ticks: a whole number >= 0, or a duration
// string such as "90m", "6h", "1d12h" or "10t" converted with the tick
// length (rounded up to whole ticks).
func (s *State) checkTicks(L *lua.LState, i int, what string) int64 {
	n, err := s.ticksOf(L.Get(i))
	if err != nil {
		L.RaiseError("%s: %v", what, err)
	}
	return n
}

func (s *State) ticksOf(v lua.LValue) (int64, error) {
	switch v := v.(type) {
	case lua.LNumber:
		n, ok := wholeNumber(v, 0, durationTicksMax)
		if !ok {
			return 0, fmt.Errorf("want a whole number of ticks from 0 to %d or a duration such as \"90m\", got %s", durationTicksMax, describeValue(v))
		}
		return n, nil
	case lua.LString:
		return parseDuration(string(v), s.tickSeconds)
	}
	return 0, fmt.Errorf("want ticks (a whole number) or a duration such as \"90m\", got %s", describeValue(v))
}

// parseDuration converts "90m", "6h", "1d12h", "10t" or "120" to ticks of
// tickSeconds, rounding up, with the rules of scenario.yaml's durations
// (package duration).
func parseDuration(text string, tickSeconds int32) (int64, error) {
	v, err := duration.Parse(text)
	if err != nil {
		return 0, err
	}
	n, err := v.InTicks(tickSeconds)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", text, err)
	}
	return n, nil
}

// suggestion is "; did you mean "x"?" for the candidate closest to word,
// or a list of the candidates when none is close (or "" when there are
// too many to list).
func suggestion(word string, cands []string) string {
	if c := closest(word, cands); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	if len(cands) > 0 && len(cands) <= 12 {
		return " (one of " + strings.Join(cands, ", ") + ")"
	}
	return ""
}

// closest is the candidate nearest to word by edit distance, or "" when
// none is close enough to be a typo (see package suggest).
func closest(word string, cands []string) string { return suggest.Closest(word, cands) }
