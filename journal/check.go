package journal

import (
	"fmt"
	"slices"
	"strings"

	"cyberex/engine"
	"cyberex/engine/suggest"
)

// WordError is a word of a command that the engine would refuse at once:
// the field it is in (org, verb, args.tlp, ...) and why.
type WordError struct {
	Field string
	Msg   string
}

// CheckWords checks the words of a command against a scenario whose
// organisations are orgs (in declaration order): the organisation exists,
// the verb is one of the engine's, and the argument values the engine
// refuses at once (a TLP label, a request kind, a channel) are known. The
// engine judges the rest when the command is given (a target, staff,
// jurisdiction), with a command.rejected event.
//
// The journal's reader checks the form of a command (CheckCommand); this
// checks its words, so that `cyberex run --commands` and `cyberex sweep
// --commands` refuse at load, exit 2, a commands file that validate and
// test refuse for a test's commands file.
func CheckWords(c *engine.Command, orgs []string) []WordError {
	var out []WordError
	if c.ID != 0 {
		out = append(out, WordError{"id", fmt.Sprintf("command ids are assigned by the engine; leave it out (got %d)", c.ID)})
	}
	if c.Sender != "" && c.Sender != c.Org && c.Sender != engine.ControlOrg {
		out = append(out, WordError{"sender", fmt.Sprintf("%s cannot act as %s (a command is sent by its organisation, or by %s)", c.Sender, c.Org, engine.ControlOrg)})
	}
	if c.Org == engine.ControlOrg {
		// The controller's commands: what does not depend on the world
		// (the world-dependent rest, like an organisation as a target, is
		// judged when they are given).
		if !slices.Contains(engine.ControlVerbs(), c.Verb) {
			out = append(out, WordError{"verb", fmt.Sprintf("unknown controller verb %q%s", c.Verb, suggestOne(c.Verb, engine.ControlVerbs()))})
		} else if err := engine.CheckControl(c); err != nil {
			out = append(out, WordError{"args", err.Error()})
		}
		return out
	}
	known := false
	for _, o := range orgs {
		if o == c.Org {
			known = true
			break
		}
	}
	if !known {
		out = append(out, WordError{"org", fmt.Sprintf("no organisation %q%s", c.Org, suggestOne(c.Org, orgs))})
	}
	if _, ok := engine.DefaultVerbSpec(c.Verb); !ok {
		out = append(out, WordError{"verb", fmt.Sprintf("unknown verb %q%s", c.Verb, suggestOne(c.Verb, engine.VerbNames()))})
	}
	switch c.Verb {
	case "share":
		if v := c.Args["tlp"]; v != "" {
			if _, ok := engine.ParseTLP(v); !ok {
				out = append(out, WordError{"args.tlp", fmt.Sprintf("unknown TLP label %q (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", v)})
			}
		}
	case "request":
		if v := c.Args["kind"]; v != "" {
			if _, ok := engine.ParseRequestKind(v); !ok {
				kinds := []string{"preserve", "disclose", "takedown", "sinkhole", "block", "assist"}
				out = append(out, WordError{"args.kind", fmt.Sprintf("unknown request kind %q%s", v, suggestOne(v, kinds))})
			}
		}
		if v := c.Args["channel"]; v != "" {
			if _, ok := engine.ParseChannel(v); !ok {
				out = append(out, WordError{"args.channel", fmt.Sprintf("unknown channel %q (direct, 24/7, mla, police, csirt)", v)})
			}
		}
	}
	return out
}

// CheckWords checks every command of the file with CheckWords and returns
// the problems as Errors naming the file and line, in line order (at most
// errorsMax, then a line saying how many more), or nil.
func (cs *Commands) CheckWords(orgs []string) error {
	var errs Errors
	for i := range cs.List {
		line := 0
		if i < len(cs.Lines) {
			line = cs.Lines[i]
		}
		for _, we := range CheckWords(&cs.List[i], orgs) {
			errs = append(errs, &Error{Name: cs.Name, Line: line, Reason: we.Field + ": " + we.Msg})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
	if n := len(errs); n > errorsMax {
		errs = append(errs[:errorsMax], &Error{Name: cs.Name, Reason: fmt.Sprintf("... and %d more problems", n-errorsMax)})
	}
	return errs
}

// errorsMax bounds the problems CheckWords reports.
const errorsMax = 100

// Errors is several problems of one file, one per line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// suggestOne is "; did you mean "x"?" when a candidate is close, else the
// list of candidates (shortened when there are many).
func suggestOne(word string, cands []string) string {
	if c := suggest.Closest(word, cands); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	const show = 12
	switch {
	case len(cands) == 0:
		return " (none are declared)"
	case len(cands) > show:
		return " (one of " + strings.Join(cands[:show], ", ") + fmt.Sprintf(" and %d more)", len(cands)-show)
	}
	return " (one of " + strings.Join(cands, ", ") + ")"
}
