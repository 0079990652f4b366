package scenario

import (
	suggestpkg "cyberex/engine/suggest"

	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is one thing wrong with a scenario, said where it is and in words a
// planner understands. Line and Col are 1-based; 0 means unknown (an error
// in a --set override has no line: File then names the override).
type Error struct {
	File  string
	Line  int
	Col   int
	Field string // path of the field, e.g. organisations[2].kind
	Msg   string
}

func (e Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
			if e.Col > 0 {
				b.WriteString(":" + strconv.Itoa(e.Col))
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a scenario, sorted by file and
// position. Load returns it as *Errors; errors.As also fills an Errors.
type Errors []Error

// As lets errors.As(err, &es) work with es of type Errors too.
func (es *Errors) As(target any) bool {
	if t, ok := target.(*Errors); ok {
		*t = *es
		return true
	}
	return false
}

func oneError(e Error) error { return &Errors{e} }

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// errorsMax bounds how many errors one load reports: a fuzzed or badly
// broken file could otherwise yield millions of lines.
const errorsMax = 100

// errList collects errors; it is shared by every stage of a load.
type errList struct {
	list    Errors
	dropped int
}

func (l *errList) add(e Error) {
	if len(l.list) >= errorsMax {
		l.dropped++
		return
	}
	l.list = append(l.list, e)
}

func (l *errList) empty() bool { return len(l.list) == 0 }

// result sorts, removes duplicates and returns nil when there is nothing.
func (l *errList) result() error {
	if len(l.list) == 0 {
		return nil
	}
	es := append(Errors(nil), l.list...)
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		// Errors of scenario.yaml (with a line) come before --set ones.
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line != 0
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Msg < b.Msg
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		out = append(out, e)
	}
	if l.dropped > 0 {
		last := out[len(out)-1]
		out = append(out, Error{File: last.File, Msg: fmt.Sprintf("... and %d more errors", l.dropped)})
	}
	return &out
}

// ---- suggestions ----

// closest returns the candidate nearest to word, or "" (see package suggest).
func closest(word string, cands []string) string { return suggestpkg.Closest(word, cands) }

// didYouMean is "; did you mean \"x\"?" or "".
func didYouMean(word string, cands []string) string {
	if c := closest(word, cands); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// oneOf lists candidates for a message, shortened when there are many.
func oneOf(cands []string) string {
	const show = 12
	if len(cands) == 0 {
		return "none are declared"
	}
	if len(cands) > show {
		return "one of " + strings.Join(cands[:show], ", ") + fmt.Sprintf(" and %d more", len(cands)-show)
	}
	return "one of " + strings.Join(cands, ", ")
}

// suggest is didYouMean, or the list of valid words when none is close.
func suggest(word string, cands []string) string {
	if s := didYouMean(word, cands); s != "" {
		return s
	}
	return " (" + oneOf(cands) + ")"
}

// cycleShown is how many members of a long cycle an error names at each
// end: a cycle through 262,000 dependencies was once one 2.9 MB line.
const cycleShown = 4

// cyclesReportedMax bounds the dependency cycles one load reports.
const cyclesReportedMax = 10

// cycleText writes a cycle "a -> b -> c -> a", naming only the first and
// last cycleShown members of a long one and how many are left out.
func cycleText(names []string) string {
	if len(names) <= 2*cycleShown+1 {
		return strings.Join(names, " -> ")
	}
	left := len(names) - 2*cycleShown
	return strings.Join(names[:cycleShown], " -> ") + fmt.Sprintf(" -> … (%d more) … -> ", left) + strings.Join(names[len(names)-cycleShown:], " -> ")
}
