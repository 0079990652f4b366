package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Canonical ids. A generated host is Prefix-N, a request req-N, a report
// rep-N, a message msg-N, an accepted command cmd-N, with N in decimal
// without sign or leading zero: h0-7, req-1. "h0-007", "h0-+7" or
// "req-01" are not other spellings of them (two teams, a journal and a
// report must agree on one name for one thing): they are rejected, with
// the canonical spelling as a suggestion, and events name the canonical id.

// canonicalNumber parses the N of an id: decimal digits without sign or
// leading zero, at most 9 of them. canon is the canonical spelling of a
// number written otherwise ("007", "+7"), or "" when s is no number.
func canonicalNumber(s string) (n int, ok bool, canon string) {
	if s == "" || len(s) > 9 {
		return 0, false, ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			v, err := strconv.Atoi(s) // "+7", " 7"...: say what it should be
			if err != nil || v < 0 {
				return 0, false, ""
			}
			return 0, false, strconv.Itoa(v)
		}
	}
	v, _ := strconv.Atoi(s)
	if s[0] == '0' && len(s) > 1 {
		return 0, false, strconv.Itoa(v)
	}
	return v, true, ""
}

// parseSeqID reads prefix-N where 1 <= N <= count; the error names the
// canonical spelling when the id is another spelling of one.
func parseSeqID(what, prefix, id string, count int) (int32, error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	if !ok {
		return 0, fmt.Errorf("%q: want a %s id such as %s-1", id, what, prefix)
	}
	n, ok, canon := canonicalNumber(rest)
	if !ok {
		if canon != "" {
			return 0, fmt.Errorf("%q is not a %s id: write %s-%s", id, what, prefix, canon)
		}
		return 0, fmt.Errorf("%q: want a %s id such as %s-1", id, what, prefix)
	}
	if n < 1 || n > count {
		return 0, fmt.Errorf("no %s %s", what, id)
	}
	return int32(n), nil
}

// ParseRequestID reads a request's canonical id (req-N) in this world.
func (w *World) ParseRequestID(id string) (int32, error) {
	return parseSeqID("request", "req", id, len(w.Requests))
}

// ParseReportID reads a report's canonical id (rep-N) in this world.
func (w *World) ParseReportID(id string) (int32, error) {
	return parseSeqID("report", "rep", id, len(w.Reports))
}

// CanonicalAssetID returns the canonical id of what an asset id that is
// not one may mean ("h0-007" → "h0-7"), or "".
func (w *World) CanonicalAssetID(id string) string {
	dash := strings.LastIndexByte(id, '-')
	if dash <= 0 {
		return ""
	}
	if _, ok := w.idx.prefix[id[:dash]]; !ok {
		return ""
	}
	if _, ok, canon := canonicalNumber(id[dash+1:]); !ok && canon != "" {
		if _, exists := w.AssetIndex(id[:dash+1] + canon); exists {
			return id[:dash+1] + canon
		}
	}
	return ""
}

// noAsset is the error for an unknown asset id, with the canonical
// spelling when it is another spelling of one.
func (w *World) noAsset(id string) error {
	if c := w.CanonicalAssetID(id); c != "" {
		return fmt.Errorf("no asset %q: ids are written without sign or leading zeros (did you mean %q?)", id, c)
	}
	return fmt.Errorf("no asset %q", id)
}

// noSuch is "no such WHAT", with the canonical spelling of an asset id
// written otherwise.
func (w *World) noSuch(what, id string) error {
	if c := w.CanonicalAssetID(id); c != "" {
		return fmt.Errorf("no such %s: ids are written without sign or leading zeros (did you mean %q?)", what, c)
	}
	return fmt.Errorf("no such %s", what)
}
