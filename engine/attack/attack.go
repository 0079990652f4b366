// Package attack is the MITRE ATT&CK® technique catalogue used by the
// exercise engine to check the technique IDs that scenarios refer to.
//
// The catalogue is the embedded file attack-techniques.csv: the live
// (not deprecated, not revoked) techniques and sub-techniques of ATT&CK
// v18.1, Enterprise and ICS domains. ATT&CK is © The MITRE Corporation and
// is used under the licence in ATTACK-LICENSE.txt, which sits beside the
// data (see README.md).
//
// The package does no I/O besides reading the embedded data, which it
// parses once, lazily, on first use. All results are deterministic.
package attack

import (
	"cyberex/engine/suggest"

	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Version is the ATT&CK release the embedded catalogue was taken from.
const Version = "18.1"

// Domains that appear in Technique.Domain.
const (
	DomainEnterprise = "enterprise"
	DomainICS        = "ics"
)

// Technique is one live ATT&CK technique or sub-technique.
type Technique struct {
	ID      string   // e.g. "T1566" or "T1566.001"; ICS IDs are T0###
	Domain  string   // DomainEnterprise or DomainICS
	Name    string   // e.g. "Spearphishing Attachment"
	Tactics []string // tactic short names, e.g. "initial-access"
}

// ErrUnknownTechnique is matched (errors.Is) by every error Validate returns.
var ErrUnknownTechnique = errors.New("unknown or deprecated ATT&CK technique")

// UnknownTechniqueError is the error Validate returns. Suggestions holds
// the closest live techniques, best first (possibly none).
type UnknownTechniqueError struct {
	Input       string      // the string given to Validate
	Suggestions []Technique // closest live techniques, best first
	hint        string
}

// Error implements error.
func (e *UnknownTechniqueError) Error() string {
	var b strings.Builder
	if e.Input == "" {
		fmt.Fprintf(&b, "empty ATT&CK technique ID; expected a live ATT&CK v%s technique ID such as T1566 or T1566.001", Version)
		return b.String()
	}
	fmt.Fprintf(&b, "%s %q (not a live technique in ATT&CK v%s", ErrUnknownTechnique.Error(), displayInput(e.Input), Version)
	if e.hint != "" {
		b.WriteString("; ")
		b.WriteString(e.hint)
	}
	b.WriteString(")")
	if len(e.Suggestions) > 0 {
		b.WriteString("; did you mean ")
		for i, t := range e.Suggestions {
			switch {
			case i == 0:
			case i == len(e.Suggestions)-1:
				b.WriteString(" or ")
			default:
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s (%s)", t.ID, t.Name)
		}
		b.WriteString("?")
	}
	return b.String()
}

// Is reports whether target is ErrUnknownTechnique.
func (e *UnknownTechniqueError) Is(target error) bool { return target == ErrUnknownTechnique }

//go:embed attack-techniques.csv
var techniquesCSV []byte

type catalogue struct {
	list []Technique    // sorted by ID
	byID map[string]int // ID -> index in list; lookups only, never iterated
}

var (
	loadOnce sync.Once
	cat      *catalogue
)

func load() *catalogue {
	loadOnce.Do(func() {
		c, err := parse(techniquesCSV)
		if err != nil {
			// The data is embedded at build time; bad data is a programming
			// error caught by the package tests.
			panic("attack: embedded attack-techniques.csv: " + err.Error())
		}
		cat = c
	})
	return cat
}

func parse(data []byte) (*catalogue, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"id", "domain", "name", "tactics"}) {
		return nil, errors.New("missing header id,domain,name,tactics")
	}
	c := &catalogue{byID: make(map[string]int, len(rows)-1)}
	for i, row := range rows[1:] {
		line := i + 2
		t := Technique{
			ID:     strings.TrimSpace(row[0]),
			Domain: strings.TrimSpace(row[1]),
			Name:   strings.TrimSpace(row[2]),
		}
		if !isID(t.ID) {
			return nil, fmt.Errorf("line %d: malformed technique ID %q", line, row[0])
		}
		if t.Domain != DomainEnterprise && t.Domain != DomainICS {
			return nil, fmt.Errorf("line %d: %s: unknown domain %q", line, t.ID, t.Domain)
		}
		if t.Name == "" {
			return nil, fmt.Errorf("line %d: %s: empty name", line, t.ID)
		}
		for _, tac := range strings.Split(row[3], ";") {
			if tac = strings.TrimSpace(tac); tac != "" {
				t.Tactics = append(t.Tactics, tac)
			}
		}
		if len(t.Tactics) == 0 {
			return nil, fmt.Errorf("line %d: %s: no tactics", line, t.ID)
		}
		if _, dup := c.byID[t.ID]; dup {
			return nil, fmt.Errorf("line %d: duplicate technique ID %s", line, t.ID)
		}
		c.byID[t.ID] = -1
		c.list = append(c.list, t)
	}
	// IDs are fixed-width, so byte order is ID order (T1566 < T1566.001 < T1567).
	slices.SortFunc(c.list, func(a, b Technique) int { return strings.Compare(a.ID, b.ID) })
	for i, t := range c.list {
		c.byID[t.ID] = i
	}
	return c, nil
}

// isID reports whether s has the exact form T#### or T####.###.
func isID(s string) bool {
	if len(s) != 5 && len(s) != 9 {
		return false
	}
	if s[0] != 'T' || !allDigits(s[1:5]) {
		return false
	}
	return len(s) == 5 || (s[5] == '.' && allDigits(s[6:]))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func clone(t Technique) Technique {
	t.Tactics = slices.Clone(t.Tactics)
	return t
}

// Lookup returns the live technique with exactly this ID (case-sensitive,
// e.g. "T1566.001").
func Lookup(id string) (Technique, bool) {
	c := load()
	i, ok := c.byID[id]
	if !ok {
		return Technique{}, false
	}
	return clone(c.list[i]), true
}

// All returns every live technique, sorted by ID. The result is a fresh
// copy that the caller may modify.
func All() []Technique {
	c := load()
	out := make([]Technique, len(c.list))
	for i, t := range c.list {
		out[i] = clone(t)
	}
	return out
}

// Validate returns nil if id is exactly the ID of a live ATT&CK v18.1
// technique. Otherwise it returns an *UnknownTechniqueError (matching
// ErrUnknownTechnique) whose message names the closest live techniques:
// for an ID-like input the nearest IDs by edit distance (siblings and parent
// first for a bad sub-technique; the exact ID if only case, spacing, a
// missing "T", "/" for "." or zero-padding was wrong), and for a name-like
// input the techniques whose names match it case-insensitively or nearly.
func Validate(id string) error {
	c := load()
	if _, ok := c.byID[id]; ok {
		return nil
	}
	e := &UnknownTechniqueError{Input: id}
	if id == "" {
		return e
	}
	canon, idLike := canonicalID(id)
	switch {
	case idLike:
		if i, ok := c.byID[canon]; ok {
			e.hint = "IDs must be written exactly: uppercase T####, or T####.### for a sub-technique"
			e.Suggestions = []Technique{clone(c.list[i])}
		} else {
			e.Suggestions = c.suggestByID(canon)
		}
	default:
		e.hint = "expected a technique ID such as T1566.001, not a name"
		e.Suggestions = c.suggestByName(id)
	}
	return e
}

const (
	maxSuggestions = 3
	maxCompareLen  = 100 // longer inputs get only cheap checks (fuzzing, garbage)
)

// canonicalID normalises an ID-like input: trims space, upper-cases,
// adds a missing leading "T", turns "/" (the attack.mitre.org URL form)
// into "." and zero-pads a short sub-technique number. idLike reports
// whether the input looks like an ID rather than a name.
func canonicalID(s string) (canon string, idLike bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "T" + s
	}
	if len(s) < 2 || s[0] != 'T' || s[1] < '0' || s[1] > '9' {
		return s, false
	}
	if len(s) > 5 && s[5] == '/' {
		s = s[:5] + "." + s[6:]
	}
	if len(s) >= 7 && len(s) <= 8 && s[5] == '.' && allDigits(s[1:5]) && allDigits(s[6:]) {
		s = s[:6] + strings.Repeat("0", 9-len(s)) + s[6:]
	}
	return s, true
}

type scored struct {
	idx  int
	dist int
	pre  int // length of the common prefix with the input (ID ties)
}

// best keeps the candidates within one edit of the best distance, best
// first (ties by longer common prefix, then by ID, i.e. catalogue index),
// at most maxSuggestions.
func (c *catalogue) best(cands []scored) []Technique {
	if len(cands) == 0 {
		return nil
	}
	slices.SortFunc(cands, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if a.pre != b.pre {
			return b.pre - a.pre
		}
		return a.idx - b.idx
	})
	limit := cands[0].dist + 1
	var out []Technique
	for _, s := range cands {
		if s.dist > limit || len(out) == maxSuggestions {
			break
		}
		out = append(out, clone(c.list[s.idx]))
	}
	return out
}

func (c *catalogue) suggestByID(canon string) []Technique {
	if utf8.RuneCountInString(canon) > maxCompareLen {
		canon = canon[:9] // compare only what could be an ID
	}
	q := []rune(canon)
	// A bad sub-technique of a live parent: suggest the parent's family.
	if len(canon) > 5 && allDigits(canon[1:5]) {
		parent := canon[:5]
		if pi, ok := c.byID[parent]; ok {
			var cands []scored
			for i := pi; i < len(c.list) && strings.HasPrefix(c.list[i].ID, parent); i++ {
				cands = append(cands, scoreID(q, i, c.list[i].ID))
			}
			return c.best(cands)
		}
	}
	cands := make([]scored, len(c.list))
	for i, t := range c.list {
		cands[i] = scoreID(q, i, t.ID)
	}
	return c.best(cands)
}

func scoreID(q []rune, idx int, id string) scored {
	r := []rune(id)
	pre := 0
	for pre < len(q) && pre < len(r) && q[pre] == r[pre] {
		pre++
	}
	return scored{idx: idx, dist: suggest.Distance(q, r), pre: pre}
}

func (c *catalogue) suggestByName(input string) []Technique {
	q := strings.ToLower(strings.Join(strings.Fields(input), " "))
	n := utf8.RuneCountInString(q)
	if n == 0 || n > maxCompareLen {
		return nil
	}
	// Tier 0: exact name, ignoring case and spacing.
	var exact []scored
	for i, t := range c.list {
		if strings.ToLower(t.Name) == q {
			exact = append(exact, scored{idx: i})
		}
	}
	if len(exact) > 0 {
		return c.best(exact)
	}
	// Tier 1: small edit distance (a typo), scaled to the input length.
	maxDist := 0
	switch {
	case n >= 6:
		maxDist = max(2, n/4)
	case n >= 4:
		maxDist = 1
	}
	qr := []rune(q)
	var near []scored
	for i, t := range c.list {
		if d := suggest.Distance(qr, []rune(strings.ToLower(t.Name))); d <= maxDist {
			near = append(near, scored{idx: i, dist: d})
		}
	}
	if len(near) > 0 {
		return c.best(near)
	}
	// Tier 2: every word of the input occurs in the name; shorter names
	// (closer to the input) first.
	if n < 3 {
		return nil
	}
	words := strings.Fields(q)
	var part []scored
	for i, t := range c.list {
		name := strings.ToLower(t.Name)
		ok := true
		for _, w := range words {
			if !strings.Contains(name, w) {
				ok = false
				break
			}
		}
		if ok {
			part = append(part, scored{idx: i, dist: utf8.RuneCountInString(name) - n})
		}
	}
	slices.SortFunc(part, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return a.idx - b.idx
	})
	var out []Technique
	for _, s := range part[:min(len(part), maxSuggestions)] {
		out = append(out, clone(c.list[s.idx]))
	}
	return out
}

// displayInput shortens very long inputs for error messages.
func displayInput(s string) string {
	const maxShown = 64
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	r := []rune(s)
	return string(r[:maxShown]) + "…"
}
