// Package suggest finds what a planner probably meant by a mistyped name,
// so that every "unknown X" error in the loader, the scripting API and the
// ATT&CK catalogue can end in "did you mean …?" the same way.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// inputRunesMax bounds the work on garbage input: distances are quadratic.
const inputRunesMax = 64

// Distance is the edit distance between a and b (insert, delete,
// substitute, each costing 1), on at most inputRunesMax runes of each.
func Distance(a, b []rune) int {
	if len(a) > inputRunesMax {
		a = a[:inputRunesMax]
	}
	if len(b) > inputRunesMax {
		b = b[:inputRunesMax]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to word, or "" when none is close
// enough to be a plausible typo: a different case, a cut or extended word
// ("org" for "organisations"), or a few edits for the candidate's length.
// Candidates are visited in the order given, so the answer never depends on
// a map's order.
func Closest(word string, cands []string) string {
	if word == "" || utf8.RuneCountInString(word) > 200 {
		return ""
	}
	best, bestD := "", 1<<30
	lw := strings.ToLower(word)
	for _, c := range cands {
		if c == word || len(c) > 200 {
			continue
		}
		lc := strings.ToLower(c)
		d := Distance([]rune(lw), []rune(lc))
		if lc == lw {
			d = 0
		} else if len(lw) >= 3 && (strings.HasPrefix(lc, lw) || strings.HasPrefix(lw, lc)) && d > 1 {
			d = 2
		}
		limit := max(1, min(3, (utf8.RuneCountInString(c)+2)/3))
		if d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
