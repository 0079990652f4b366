package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// SeedSet is a list of run seeds kept as ranges, so that "1..1000000" costs
// a few bytes and not eight megabytes: a sweep of a million runs holds no
// list of a million seeds.
type SeedSet struct {
	ranges []seedRange
	n      int64
}

type seedRange struct{ lo, hi uint64 } // inclusive

// Limits of seed sets.
const (
	// SeedsMax bounds the seeds of one set (a sweep, or --seeds of test).
	SeedsMax = 1_000_000_000
	// seedPartsMax bounds the comma-separated parts of a seed list.
	seedPartsMax = 10_000
)

// ParseSeeds reads "1..100", "1..3,7,10..12" or "7". Seeds are integers
// from 0 to 18446744073709551615; ranges run upwards; seeds may repeat
// (each is a run).
func ParseSeeds(s string) (SeedSet, error) {
	var out SeedSet
	t := strings.TrimSpace(s)
	if t == "" {
		return out, fmt.Errorf("no seeds: want seeds such as 1..100, 1..3,7 or 7")
	}
	parts := strings.Split(t, ",")
	if len(parts) > seedPartsMax {
		return out, fmt.Errorf("%d parts in the seed list, at most %d", len(parts), seedPartsMax)
	}
	num := func(x string) (uint64, error) {
		v, err := strconv.ParseUint(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("seed %q: want an integer from 0 to 18446744073709551615 (seeds such as 1..100, 1..3,7 or 7)", strings.TrimSpace(x))
		}
		return v, nil
	}
	for _, p := range parts {
		lo, hi := p, p
		if a, b, ok := strings.Cut(p, ".."); ok {
			lo, hi = a, b
		}
		l, err := num(lo)
		if err != nil {
			return SeedSet{}, err
		}
		h, err := num(hi)
		if err != nil {
			return SeedSet{}, err
		}
		if h < l {
			return SeedSet{}, fmt.Errorf("seed range %d..%d runs backwards", l, h)
		}
		if h-l >= SeedsMax || out.n+int64(h-l+1) > SeedsMax {
			return SeedSet{}, fmt.Errorf("too many seeds: at most %d", SeedsMax)
		}
		out.add(l, h)
	}
	return out, nil
}

// SeedList makes a set of the given seeds, in order.
func SeedList(seeds []uint64) SeedSet {
	var out SeedSet
	for _, s := range seeds {
		out.add(s, s)
	}
	return out
}

func (s *SeedSet) add(lo, hi uint64) {
	if k := len(s.ranges) - 1; k >= 0 && s.ranges[k].hi != ^uint64(0) && s.ranges[k].hi+1 == lo {
		s.ranges[k].hi = hi
	} else {
		s.ranges = append(s.ranges, seedRange{lo, hi})
	}
	s.n += int64(hi-lo) + 1
}

// Len is the number of seeds (runs).
func (s SeedSet) Len() int64 { return s.n }

// At returns the i-th seed, 0 <= i < Len.
func (s SeedSet) At(i int64) uint64 {
	for _, r := range s.ranges {
		n := int64(r.hi-r.lo) + 1
		if i < n {
			return r.lo + uint64(i)
		}
		i -= n
	}
	panic(fmt.Sprintf("seed index %d out of range", i))
}

// Contains says whether seed is in the set.
func (s SeedSet) Contains(seed uint64) bool {
	for _, r := range s.ranges {
		if seed >= r.lo && seed <= r.hi {
			return true
		}
	}
	return false
}

// String writes the set back as "1..100,107".
func (s SeedSet) String() string {
	var b strings.Builder
	for i, r := range s.ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		if r.lo == r.hi {
			fmt.Fprintf(&b, "%d", r.lo)
		} else {
			fmt.Fprintf(&b, "%d..%d", r.lo, r.hi)
		}
	}
	return b.String()
}
