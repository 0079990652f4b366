package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"cyberex/engine"
)

// The white cell's debrief: it looks back at a past tick (the map and the
// panels show the world then while the live view goes on in the
// background) and forks what-if branches, whose outcomes are compared
// with the exercise's. The server answers both; the exercise is not
// touched.

// What-if operations (Action.Op and Out.Verb of an OutWhatIf).
const (
	OpJump   = "jump"
	OpBranch = "branch"
)

// Past is the world at a past tick the white cell jumped to.
type Past struct {
	Tick    int32
	Figures []Figure
}

// Branch is a what-if branch's outcome beside the exercise's.
type Branch struct {
	Name      string
	At, Until int32
	Commands  int32
	Keep      bool
	Checked   int32
	// Objectives are the objectives at Until: name, the exercise's
	// status, the branch's status.
	Objectives []Compared
	// Figures are the key figures that differ at Until.
	Figures []Compared
}

// Compared is one objective or figure in the exercise and in a branch.
type Compared struct {
	Name        string
	Run, Branch string
	RunOK, BrOK int8 // objectives: 1 met, -1 failed, 0 pending
}

// ShowPast makes the view the world at a past tick; the live view is kept
// and goes on following the deltas until BackToLive.
func (m *Model) ShowPast(v *engine.View, figures []Figure) {
	if v == nil {
		return
	}
	if m.live == nil {
		m.live = m.View
	}
	m.View = v
	m.Past = &Past{Tick: v.Tick, Figures: append([]Figure(nil), figures...)}
	m.Map.Rebuild(v)
	m.dropStaleSelection()
}

// BackToLive shows the live view again.
func (m *Model) BackToLive() {
	if m.Past == nil {
		return
	}
	m.View, m.live, m.Past = m.live, nil, nil
	if m.View != nil {
		m.Map.Rebuild(m.View)
	}
	m.dropStaleSelection()
}

// LiveTick is the exercise's tick now, whether or not the white cell looks
// back.
func (m *Model) LiveTick() int32 {
	v := m.View
	if m.live != nil {
		v = m.live
	}
	if v == nil {
		return 0
	}
	return v.Tick
}

// AddBranch records a branch's answer: it is shown first.
func (m *Model) AddBranch(b Branch) {
	m.Branches = append([]Branch{b}, m.Branches...)
	m.Shown = 0
}

// Jump looks at the tick d ticks from the one looked at (from the live
// tick when not looking back), within the exercise: stepping through a
// past stretch at the white cell's own pace.
func (m *Model) Jump(d int32) {
	from := m.LiveTick()
	if m.Past != nil {
		from = m.Past.Tick
	}
	to := min(max(from+d, 0), m.LiveTick())
	m.send(Action{Op: OpJump, Args: map[string]string{"tick": strconv.Itoa(int(to))}}, Place{Tab: TabWhatIf})
}

// JumpForm asks which tick to look at.
func (m *Model) JumpForm() Action {
	return Action{Op: OpJump, Fields: []Field{{Label: "tick", Kind: FieldText, Key: "tick"}}}
}

// BranchForm asks where a branch forks, what it does, and where it is
// compared. Commands are written one per ";" as TICK ORG VERB [TARGET]
// [key=value ...] (a value with spaces in double quotes).
func (m *Model) BranchForm() Action {
	return Action{Op: OpBranch, Fields: []Field{
		{Label: "fork at", Kind: FieldText, Key: "tick"},
		{Label: "commands", Kind: FieldText, Key: "commands"},
		{Label: "later", Kind: FieldChoice, Key: "keep", Options: []string{"replace", "keep"}},
		{Label: "compare", Kind: FieldText, Key: "until"},
		{Label: "name", Kind: FieldText, Key: "name"},
	}}
}

// whatIf turns a what-if form into its message, or says what is wrong
// with what was typed.
func whatIf(a Action) (Out, error) {
	o := Out{Kind: OutWhatIf, Verb: a.Op, Args: map[string]string{}}
	for _, k := range []string{"tick", "until"} {
		v := strings.TrimSpace(a.Args[k])
		if v == "" {
			continue
		}
		if _, err := strconv.ParseInt(v, 10, 32); err != nil {
			return o, fmt.Errorf("%s: %q is not a tick", k, v)
		}
		o.Args[k] = v
	}
	if o.Args["tick"] == "" {
		return o, fmt.Errorf("tick: give the tick")
	}
	if a.Op == OpBranch {
		if a.Args["keep"] == "keep" {
			o.Args["keep"] = "true"
		}
		if n := strings.TrimSpace(a.Args["name"]); n != "" {
			o.Args["name"] = n
		}
		cmds, err := ParseCommands(a.Args["commands"])
		if err != nil {
			return o, err
		}
		o.Commands = cmds
	}
	return o, nil
}

// ParseCommands reads a branch's commands as typed on one line: commands
// separated by ";", each TICK ORG VERB [TARGET] [key=value ...]; a value
// (or a target) with spaces or ";" in double quotes.
func ParseCommands(s string) ([]engine.Command, error) {
	var out []engine.Command
	words, err := split(s)
	if err != nil {
		return nil, err
	}
	for i, ws := range words {
		n := i + 1
		if len(ws) < 3 {
			return nil, fmt.Errorf("command %d: want TICK ORG VERB [TARGET] [key=value ...], got %q", n, strings.Join(ws, " "))
		}
		t, err := strconv.ParseInt(ws[0], 10, 32)
		if err != nil || t < 0 {
			return nil, fmt.Errorf("command %d: %q is not a tick", n, ws[0])
		}
		c := engine.Command{Tick: int32(t), Org: ws[1], Verb: ws[2]}
		for _, w := range ws[3:] {
			if k, v, ok := strings.Cut(w, "="); ok && k != "" {
				if c.Args == nil {
					c.Args = map[string]string{}
				}
				c.Args[k] = v
				continue
			}
			if c.Target != "" {
				return nil, fmt.Errorf("command %d: two targets, %q and %q (arguments are key=value)", n, c.Target, w)
			}
			c.Target = w
		}
		out = append(out, c)
	}
	return out, nil
}

// split cuts a line into commands (";") of words (spaces), with double
// quotes around words that hold either.
func split(s string) ([][]string, error) {
	var (
		out   [][]string
		words []string
		word  strings.Builder
		in    bool // inside quotes
		had   bool // the word has begun (an empty "" is a word)
	)
	endWord := func() {
		if had {
			words = append(words, word.String())
		}
		word.Reset()
		had = false
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			out = append(out, words)
		}
		words = nil
	}
	for _, r := range s {
		switch {
		case r == '"':
			in, had = !in, true
		case in:
			word.WriteRune(r)
		case r == ';':
			endCmd()
		case unicode.IsSpace(r):
			endWord()
		default:
			word.WriteRune(r)
			had = true
		}
	}
	if in {
		return nil, fmt.Errorf("a double quote is not closed")
	}
	endCmd()
	return out, nil
}
