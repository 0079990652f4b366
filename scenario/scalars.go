package scenario

import (
	"cyberex/engine/duration"

	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ---- Duration ----

// Duration is a length of exercise time: a whole number of ticks (120) or
// a duration with units (90m, 6h, 180d, 1d12h; s, m, h, d, w). "10t" or
// "10 ticks" are ticks too. Load fills Ticks, rounding a duration up to
// whole ticks of settings.tick.
type Duration struct {
	Text  string // as written
	Ticks int32  // resolved by Load

	seconds int64 // when written with time units
	ticks   int64 // when written in ticks
	unit    bool
}

// Limits of durations.
const (
	durationSecondsMax = duration.SecondsMax
	durationTicksMax   = duration.TicksMax
)

// D makes a Duration of n ticks (for code that builds specs).
func D(n int32) Duration {
	return Duration{Text: strconv.Itoa(int(n)), Ticks: n, ticks: int64(n)}
}

func (x *Duration) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "a duration")
	if err != nil {
		return err
	}
	x.Text = s
	return x.parse(s)
}

func (x *Duration) parse(s string) error {
	v, err := duration.Parse(s)
	if err != nil {
		return err
	}
	x.ticks, x.seconds, x.unit = v.Ticks, v.Seconds, v.Unit
	return nil
}

// resolve converts to ticks of tickSeconds, rounding up.
func (x *Duration) resolve(tickSeconds int32) error {
	v := x.ticks
	if x.unit {
		v = (x.seconds + int64(tickSeconds) - 1) / int64(tickSeconds)
	}
	if v > durationTicksMax {
		return fmt.Errorf("%q is %d ticks, too long (at most %d)", x.Text, v, durationTicksMax)
	}
	x.Ticks = int32(v)
	return nil
}

// ---- TickLength ----

// TickLength is the exercise time one tick stands for (needs a unit: 1m, 30s).
type TickLength struct {
	Text    string
	Seconds int32
}

func (x *TickLength) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "a length of time such as 1m or 30s")
	if err != nil {
		return err
	}
	x.Text = s
	var d Duration
	if err := d.parse(s); err != nil || !d.unit {
		return fmt.Errorf("want a length of time with a unit such as 1m, 30s or 1h, got %q", s)
	}
	if d.seconds < 1 || d.seconds > 7*86400 {
		return fmt.Errorf("%q: a tick must be between 1s and 7d", s)
	}
	x.Seconds = int32(d.seconds)
	return nil
}

// ---- shares ----

// Fraction is a share in permille (0-1000): "30%", "2.5%", 0.3, or a whole
// number of permille (300). "‰" may follow a number.
type Fraction int32

// Factor is a multiplier in permille up to 10x (0-10000): 0.5, 50%, 2.0,
// 200%, or a whole number of permille.
type Factor int32

func (x *Fraction) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	v, err := parsePermille(n, 1000)
	*x = Fraction(v)
	return err
}

func (x *Factor) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	v, err := parsePermille(n, 10000)
	*x = Factor(v)
	return err
}

func parsePermille(n *yaml.Node, maxPm int64) (int64, error) {
	s, err := scalarText(n, "a share such as 30%, 0.3 or 300 (‰)")
	if err != nil {
		return 0, err
	}
	t := strings.TrimSpace(s)
	var v int64
	switch {
	case strings.HasSuffix(t, "%"):
		v, err = parseDecimal(strings.TrimSpace(strings.TrimSuffix(t, "%")), 10)
	case strings.HasSuffix(t, "‰"):
		v, err = parseDecimal(strings.TrimSpace(strings.TrimSuffix(t, "‰")), 1)
	case strings.Contains(t, "."):
		v, err = parseDecimal(t, 1000)
	default:
		v, err = parseDecimal(strings.ReplaceAll(t, "_", ""), 1)
	}
	if err != nil {
		if strings.HasPrefix(t, "-") {
			return 0, fmt.Errorf("%q: cannot be negative", s)
		}
		return 0, fmt.Errorf("want a share such as 30%%, 0.3 or 300 (‰), got %q", s)
	}
	if v > maxPm {
		return 0, fmt.Errorf("%q is more than %s", s, permilleText(maxPm))
	}
	return v, nil
}

// parseDecimal reads "12.345" times scale, rounded half up, exactly (no
// floating point: the same text gives the same number on every machine).
func parseDecimal(s string, scale int64) (int64, error) {
	ip, fp, dot := strings.Cut(s, ".")
	if ip == "" && (!dot || fp == "") || len(ip) > 12 {
		return 0, errors.New("bad")
	}
	for _, c := range ip + fp {
		if c < '0' || c > '9' {
			return 0, errors.New("bad")
		}
	}
	var whole int64
	if ip != "" {
		whole, _ = strconv.ParseInt(ip, 10, 64)
	}
	v := whole * scale
	if len(fp) > 0 {
		if len(fp) > 9 {
			fp = fp[:9]
		}
		f, _ := strconv.ParseInt(fp, 10, 64)
		den := int64(math.Pow10(len(fp)))
		v += (f*scale*2 + den) / (2 * den)
	}
	return v, nil
}

func permilleText(v int64) string {
	if v%10 == 0 {
		return strconv.FormatInt(v/10, 10) + "%"
	}
	return strconv.FormatInt(v, 10) + "‰"
}

// ---- UTCOffset ----

// UTCOffset is a time zone offset in minutes: "+02:00", "-05:30", "UTC+2",
// or whole hours (2, -5).
type UTCOffset int32

func (x *UTCOffset) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "a UTC offset such as +02:00")
	if err != nil {
		return err
	}
	bad := fmt.Errorf("want a UTC offset such as +02:00, -05:30 or 2 (hours), got %q", s)
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "UTC"), "GMT")
	if t == "" || t == "Z" {
		*x = 0
		return nil
	}
	sign := int32(1)
	switch t[0] {
	case '+':
		t = t[1:]
	case '-':
		sign, t = -1, t[1:]
	}
	hh, mm, colon := strings.Cut(t, ":")
	if !colon && len(t) == 4 {
		hh, mm = t[:2], t[2:]
	}
	h, err := strconv.Atoi(hh)
	if err != nil || h > 14 || h < 0 {
		return bad
	}
	m := 0
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil || m < 0 || m > 59 {
			return bad
		}
	}
	v := sign * int32(h*60+m)
	if v > 14*60 || v < -12*60 {
		return fmt.Errorf("%q: offsets run from -12:00 to +14:00", s)
	}
	*x = UTCOffset(v)
	return nil
}

// ---- Time ----

// Time is a point on the exercise clock: RFC 3339 ("2026-03-02T08:00:00Z"),
// or "2026-03-02 08:00" and "2026-03-02" (UTC).
type Time struct {
	Text string
	Unix int64
}

var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

func (x *Time) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "a date and time such as 2026-03-02T08:00:00Z")
	if err != nil {
		return err
	}
	x.Text = s
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			if t.Year() < 1970 || t.Year() > 9999 {
				return fmt.Errorf("%q: the year must be between 1970 and 9999", s)
			}
			x.Unix = t.Unix()
			return nil
		}
	}
	return fmt.Errorf("want a date and time such as 2026-03-02T08:00:00Z (RFC 3339), got %q", s)
}

// ---- Criticality ----

// Criticality is 0-255 or a word.
type Criticality uint8

var criticalityWords = []string{"none", "low", "medium", "high", "critical", "vital"}

func (x *Criticality) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "a criticality")
	if err != nil {
		return err
	}
	for i, w := range criticalityWords {
		if strings.EqualFold(strings.TrimSpace(s), w) {
			*x = Criticality(i)
			return nil
		}
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want 0-255 or one of %s, got %q%s", strings.Join(criticalityWords, ", "), s, didYouMean(s, criticalityWords))
	}
	if v < 0 || v > 255 {
		return fmt.Errorf("%d is out of range (0-255)", v)
	}
	*x = Criticality(v)
	return nil
}

// ---- Seeds ----

// Seeds are run seeds: "1..100", "1..3,7", a list [1, 2, 3] or one number.
type Seeds []uint64

// SeedsMax bounds how many runs one test asks for (runner.TestSeedsMax is it).
const SeedsMax = 100_000

func (x *Seeds) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	var out []uint64
	add := func(lo, hi uint64) error {
		if hi < lo {
			return fmt.Errorf("range %d..%d runs backwards", lo, hi)
		}
		if hi-lo >= SeedsMax || len(out)+int(hi-lo+1) > SeedsMax {
			return fmt.Errorf("too many seeds (at most %d)", SeedsMax)
		}
		for s := lo; ; s++ {
			out = append(out, s)
			if s == hi {
				break
			}
		}
		return nil
	}
	one := func(s string) (uint64, error) {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want seeds such as \"1..100\", [1, 2, 3] or 7, got %q", s)
		}
		return v, nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("want seeds such as \"1..100\", [1, 2, 3] or 7, got %s in the list", describe(c))
			}
			v, err := one(c.Value)
			if err != nil {
				return err
			}
			if err := add(v, v); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		for _, part := range strings.Split(n.Value, ",") {
			lo, hi, rng := strings.Cut(part, "..")
			a, err := one(lo)
			if err != nil {
				return err
			}
			b := a
			if rng {
				if b, err = one(hi); err != nil {
					return err
				}
			}
			if err := add(a, b); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("want seeds such as \"1..100\", [1, 2, 3] or 7, got %s", describe(n))
	}
	*x = out
	return nil
}

// ---- OrgSet ----

// OrgSet is "all", "none", one organisation id or a list of ids.
type OrgSet struct {
	All  bool
	Orgs []string
	// paths of the listed ids, for error messages
	paths []string
}

func (x *OrgSet) decodeNode(d *decoder, n *yaml.Node, path string) error {
	x.Orgs, x.paths, x.All = nil, nil, false
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Value {
		case "all":
			x.All = true
		case "none", "":
		default:
			x.Orgs, x.paths = []string{n.Value}, []string{path}
		}
		return nil
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			c = d.resolve(c)
			if c == nil || c.Kind != yaml.ScalarNode {
				return fmt.Errorf("want organisation ids, got %s in the list", describe(n))
			}
			d.record(p, c)
			x.Orgs = append(x.Orgs, c.Value)
			x.paths = append(x.paths, p)
		}
		return nil
	}
	return fmt.Errorf("want all, none or a list of organisation ids, got %s", describe(n))
}

// ---- When ----

// When is the moment a metric expectation is read: end, always, or a tick
// ("tick 500", 500, or a duration such as 6h).
type When struct {
	Text   string
	End    bool
	Always bool
	Tick   Duration
}

func (x *When) decodeNode(_ *decoder, n *yaml.Node, _ string) error {
	s, err := scalarText(n, "end, always or a tick")
	if err != nil {
		return err
	}
	x.Text = s
	t := strings.TrimSpace(s)
	switch t {
	case "end":
		x.End = true
		return nil
	case "always":
		x.Always = true
		return nil
	}
	t = strings.TrimSpace(strings.TrimPrefix(t, "tick"))
	if err := x.Tick.parse(t); err != nil {
		return fmt.Errorf("want end, always, or a tick such as 500, \"tick 500\" or 6h, got %q", s)
	}
	x.Tick.Text = t
	return nil
}

// ---- ContactPoint ----

// ContactPoint is the delay of a jurisdiction's 24/7 contact point, or
// "none" for a country without one (docs/mechanics.md §6: what would go
// 24/7 there goes by MLA).
type ContactPoint struct {
	None  bool
	Delay Duration
}

func (x *ContactPoint) decodeNode(d *decoder, n *yaml.Node, path string) error {
	s, err := scalarText(n, "a duration, or none")
	if err != nil {
		return err
	}
	if strings.TrimSpace(s) == "none" {
		*x = ContactPoint{None: true, Delay: Duration{Text: s}}
		return nil
	}
	err = x.Delay.decodeNode(d, n, path)
	if t := strings.TrimSpace(s); err != nil && (t == "" || t[0] < '0' || t[0] > '9') {
		// a word, not a mistyped duration: the other thing it may be
		return fmt.Errorf("%w, or none (a country without a 24/7 contact point)", err)
	}
	return err
}

// ---- Generates ----

func (x *Generates) decodeNode(d *decoder, n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		var g GenerateSpec
		d.decode(n, reflect.ValueOf(&g).Elem(), path, 1)
		*x = Generates{g}
		return nil
	case yaml.SequenceNode:
		out := make(Generates, len(n.Content))
		for i, c := range n.Content {
			d.decode(c, reflect.ValueOf(&out[i]).Elem(), fmt.Sprintf("%s[%d]", path, i), 1)
		}
		*x = out
		return nil
	}
	return fmt.Errorf("want a mapping (or a list of mappings) of generation settings, got %s", describe(n))
}
