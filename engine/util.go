package engine

import (
	"math"
	"sort"
)

func sortInt32(s []int32)    { sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }) }
func sortStrings(s []string) { sort.Strings(s) }

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func insertSorted(s []int32, v int32) []int32 {
	if containsInt32(s, v) {
		return s
	}
	s = append(s, v)
	sortInt32(s)
	return s
}

// mulSat multiplies two non-negative figures, saturating at MaxInt64.
func mulSat(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return a * b
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// addSat adds two non-negative figures, saturating at MaxInt64.
func addSat(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func clampPermille(v int64) int16 {
	if v < 0 {
		return 0
	}
	if v > 1000 {
		return 1000
	}
	return int16(v)
}
