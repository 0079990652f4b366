package script

import (
	"strings"
	"testing"
)

// math.random(m) reads a plain number argument inline and leaves anything
// else to checkInt: whatever m is, it draws what math.random(1, m) draws
// (both read m through checkInt and draw below(m) from the same stream),
// and it refuses what checkInt refuses with the same message.
func TestRandomOfOneArgumentIsRandomFromOne(t *testing.T) {
	args := []string{"1", "2", "6", "1000", "8191", "8192", "8193", "1e6", "2^31 + 1", "2^53 - 1", "2^53", "2^53 + 2", "1e300", "1/0",
		"1.5", "2.999", `"7"`, `"0x10"`, `" 12 "`}
	for _, a := range args {
		one, errOne := runStory(t, "local r = {} for i = 1, 40 do r[i] = math.random("+a+") end print(table.concat(r, ' '))", Limits{})
		two, errTwo := runStory(t, "local r = {} for i = 1, 40 do r[i] = math.random(1, "+a+") end print(table.concat(r, ' '))", Limits{})
		if errOne != nil || errTwo != nil || one != two {
			t.Errorf("math.random(%s): %q (%v)\n math.random(1, %s): %q (%v)", a, one, errOne, a, two, errTwo)
		}
	}
	for a, want := range map[string]string{
		"0":     "bad argument #1 to random (interval is empty)",
		"0.5":   "bad argument #1 to random (interval is empty)",
		"-3":    "bad argument #1 to random (interval is empty)",
		"-1/0":  "bad argument #1 to random (interval is empty)",
		"0/0":   "bad argument #1 to random (number is NaN)",
		`"x"`:   "bad argument #1 to random (number expected, got string)",
		"{}":    "bad argument #1 to random (number expected, got table)",
		"nil":   "bad argument #1 to random (number expected, got nil)",
		"false": "bad argument #1 to random (number expected, got boolean)",
	} {
		_, err := runStory(t, "print(math.random("+a+"))", Limits{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("math.random(%s): %v, want %q", a, err, want)
		}
	}
}
