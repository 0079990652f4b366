package wire

import (
	"errors"
	"fmt"
	"slices"

	"cyberex/engine"
)

// Message types of the debrief: the white cell looks back at the exercise
// and forks what-if branches from it, without touching the exercise.
const (
	// TypeWhatIf is the white cell's question (client).
	TypeWhatIf = "whatif"
	// TypePast answers a jump: the whole world at a past tick.
	TypePast = "past"
	// TypeBranched answers a branch: its outcome beside the run's.
	TypeBranched = "branched"
)

// What-if actions.
const (
	// WhatIfJump shows the world at Tick (replayed from the journal).
	WhatIfJump = "jump"
	// WhatIfBranch forks a branch at Tick with Commands and compares it
	// with the exercise at Until.
	WhatIfBranch = "branch"
)

// WhatIfActions lists the what-if actions.
func WhatIfActions() []string { return []string{WhatIfBranch, WhatIfJump} }

// BranchCommandsMax bounds the commands of one branch.
const BranchCommandsMax = 256

// WhatIf is the white cell's debrief question. Nothing it does changes
// the exercise or its journal: a jump replays the journal up to a tick, a
// branch runs the same scenario and seed with the journal's commands up to
// the fork and its own after it, beside the exercise, and is kept for the
// after-action report.
type WhatIf struct {
	Ref    int64  `json:"ref,omitempty" doc:"the client's number for this message, echoed in its past, branched or error"`
	Action string `json:"action" required:"true" enum:"whatif" doc:"jump: look at a past tick; branch: fork a what-if branch"`
	Tick   int32  `json:"tick" doc:"jump: the tick to look at; branch: the fork tick (the branch's commands come after it)"`
	// Until is where the branch and the exercise are compared; 0 is the
	// exercise's tick now (its last tick once it ended).
	Until int32 `json:"until,omitempty" doc:"branch: the tick where branch and exercise are compared (default: the exercise's tick now)"`
	// Keep keeps the exercise's own commands after the fork (the branch
	// adds to them); without it the branch replaces them.
	Keep bool   `json:"keep,omitempty" doc:"branch: keep the exercise's commands after the fork too"`
	Name string `json:"name,omitempty" doc:"branch: its name (letters, digits, - and _; default branch-N), the label in the report"`
	// Commands are the branch's commands, every one after Tick.
	Commands []BranchCommand `json:"commands,omitempty" doc:"branch: its commands, each at a tick after the fork"`
}

// BranchCommand is one command of a what-if branch: any organisation's,
// or the white cell's (org control).
type BranchCommand struct {
	Tick   int32             `json:"tick" required:"true" doc:"the tick it is given at (after the fork)"`
	Org    string            `json:"org" required:"true" doc:"the organisation that gives it, or control"`
	Verb   string            `json:"verb" required:"true"`
	Target string            `json:"target,omitempty"`
	Args   map[string]string `json:"args,omitempty"`
}

// Past is the whole world at a past tick, as the white cell saw it then.
type Past struct {
	Ref     int64           `json:"ref,omitempty"`
	Tick    int32           `json:"tick" required:"true"`
	View    *engine.View    `json:"view" required:"true" doc:"the whole world at tick (a controller view)"`
	Metrics []engine.Metric `json:"metrics,omitempty" doc:"the key figures at tick"`
}

// Branched is a what-if branch's outcome beside the exercise's at the same
// tick.
type Branched struct {
	Ref      int64  `json:"ref,omitempty"`
	Name     string `json:"name" required:"true"`
	At       int32  `json:"at" required:"true" doc:"the fork tick"`
	Until    int32  `json:"until" required:"true" doc:"the tick both are compared at"`
	Commands int32  `json:"commands" required:"true" doc:"the branch's own commands"`
	Keep     bool   `json:"keep,omitempty"`
	// Checked is how many of the exercise's state hashes up to the fork
	// the branch reproduced: the fork is the exercise's own state.
	Checked int32   `json:"checked" required:"true" doc:"state hashes up to the fork the branch reproduced"`
	Run     Outcome `json:"run" required:"true" doc:"the exercise at until"`
	Branch  Outcome `json:"branch" required:"true" doc:"the branch at until"`
}

// Outcome is where a run stands at a tick: its objectives and figures.
type Outcome struct {
	Tick       int32                  `json:"tick" required:"true"`
	Hash       string                 `json:"hash" required:"true"`
	Objectives []engine.ObjectiveView `json:"objectives"`
	Metrics    []engine.Metric        `json:"metrics"`
}

func (WhatIf) Type() string   { return TypeWhatIf }
func (Past) Type() string     { return TypePast }
func (Branched) Type() string { return TypeBranched }

func (m *WhatIf) check() error {
	if !slices.Contains(WhatIfActions(), m.Action) {
		return fmt.Errorf("action: %q is not one of %v", clip(m.Action), WhatIfActions())
	}
	if m.Tick < 0 || m.Until < 0 {
		return errors.New("tick and until cannot be negative")
	}
	if err := checkName("name", m.Name); err != nil {
		return err
	}
	if len(m.Commands) > BranchCommandsMax {
		return fmt.Errorf("commands: %d, at most %d", len(m.Commands), BranchCommandsMax)
	}
	for i := range m.Commands {
		c := &m.Commands[i]
		if c.Org == "" {
			return fmt.Errorf("commands[%d].org: missing", i)
		}
		if err := checkName(fmt.Sprintf("commands[%d].org", i), c.Org); err != nil {
			return err
		}
		cmd := Command{Verb: c.Verb, Target: c.Target, Args: c.Args}
		if err := cmd.check(); err != nil {
			return fmt.Errorf("commands[%d].%w", i, err)
		}
	}
	return nil
}
