package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// ControlOrg is the sender and organisation of the controller's (white
// cell's) commands. A scenario cannot name an organisation so.
const ControlOrg = "control"

// The controller's verbs. Every act of the white cell during a live
// exercise is a command (Org ControlOrg), journaled like the teams', so
// that the replay of a live exercise reproduces it exactly. Pause, resume,
// pace and advance change nothing in the world (the server's clock follows
// them); they are journaled so the record says when and how the exercise
// was driven.
const (
	// ControlPause stops the exercise clock (the server stops stepping).
	ControlPause = "control.pause"
	// ControlResume starts it again.
	ControlResume = "control.resume"
	// ControlPace sets the clock: args {"ms_per_tick": N}, wall
	// milliseconds per tick, from 1 to PaceMillisMax.
	ControlPace = "control.pace"
	// ControlAdvance steps a move while paused: args {"ticks": N}, the
	// ticks the server makes at once, from 1 to AdvanceTicksMax.
	ControlAdvance = "control.advance"
	// ControlScript hands the organisation named by the target to its
	// scripted policy (the scenario's team(org, …) handlers).
	ControlScript = "control.script"
	// ControlPeople hands the organisation named by the target to people.
	ControlPeople = "control.people"
	// ControlInject delivers an ad hoc inject now: args "to" (organisation
	// ids separated by commas, or "all"), "subject" (required), and
	// optionally "from", "body", "expect"; the target, when given, is its
	// id (else adhoc-N).
	ControlInject = "control.inject"
	// ControlEnd ends the exercise after this tick.
	ControlEnd = "control.end"
)

// Limits of the controller's arguments.
const (
	PaceMillisMax   = 3_600_000 // one tick an hour
	AdvanceTicksMax = 100_000
)

// ControlVerbs lists the controller's verbs in sorted order.
func ControlVerbs() []string {
	return []string{ControlAdvance, ControlEnd, ControlInject, ControlPace, ControlPause, ControlPeople, ControlResume, ControlScript}
}

// PaceMillis reads a ControlPace command's ms_per_tick.
func PaceMillis(c *Command) (int64, error) {
	return intArg(c, "ms_per_tick", 1, PaceMillisMax)
}

// AdvanceTicks reads a ControlAdvance command's ticks.
func AdvanceTicks(c *Command) (int64, error) {
	return intArg(c, "ticks", 1, AdvanceTicksMax)
}

func intArg(c *Command, name string, lo, hi int64) (int64, error) {
	s, ok := c.Args[name]
	if !ok {
		return 0, fmt.Errorf("%s needs the argument %s (%d to %d)", c.Verb, name, lo, hi)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s: %s %q: want a whole number from %d to %d", c.Verb, name, s, lo, hi)
	}
	return n, nil
}

// checkArgs: a controller command carries only the arguments its verb
// reads.
func checkArgs(c *Command, names ...string) error {
	var bad []string
	// map-order: the unknown names are sorted before they are reported.
	for k := range c.Args {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sortStrings(bad)
	if len(names) == 0 {
		return fmt.Errorf("%s takes no arguments (got %s)", c.Verb, strings.Join(bad, ", "))
	}
	return fmt.Errorf("%s: unknown argument %s (it takes %s)", c.Verb, strings.Join(bad, ", "), strings.Join(names, ", "))
}

// control applies a controller command; a bad one is rejected with an
// event that only the controller sees, like any command.
func (w *World) control(c Command) {
	if err := w.applyControl(&c); err != nil {
		w.reject(c, None, err.Error())
	}
}

// CheckControl checks what of a controller command does not depend on the
// world: a known verb, the arguments it takes, in range, and a target
// where it needs one. A session calls it at submission, so the controller
// learns at once; Step checks again (a journal is read from outside).
func CheckControl(c *Command) error {
	switch c.Verb {
	case ControlPause, ControlResume, ControlEnd:
		if err := checkArgs(c); err != nil {
			return err
		}
		if c.Target != "" {
			return fmt.Errorf("%s takes no target", c.Verb)
		}
	case ControlPace:
		if err := checkArgs(c, "ms_per_tick"); err != nil {
			return err
		}
		_, err := PaceMillis(c)
		return err
	case ControlAdvance:
		if err := checkArgs(c, "ticks"); err != nil {
			return err
		}
		_, err := AdvanceTicks(c)
		return err
	case ControlScript, ControlPeople:
		if err := checkArgs(c); err != nil {
			return err
		}
		if c.Target == "" {
			return fmt.Errorf("%s: name the organisation as the target", c.Verb)
		}
	case ControlInject:
		if err := checkArgs(c, "body", "expect", "from", "subject", "to"); err != nil {
			return err
		}
		if c.Args["subject"] == "" {
			return fmt.Errorf("%s: subject: every inject needs a subject line", c.Verb)
		}
		if strings.HasPrefix(c.Target, "adhoc-") {
			return fmt.Errorf("%s: ids adhoc-N are the engine's", c.Verb)
		}
		if strings.TrimSpace(c.Args["to"]) == "" {
			return fmt.Errorf("%s: to: name the recipients (organisation ids separated by commas, or all)", c.Verb)
		}
	default:
		return fmt.Errorf("unknown controller verb %q (one of: %s)", c.Verb, strings.Join(ControlVerbs(), ", "))
	}
	return nil
}

func (w *World) applyControl(c *Command) error {
	if err := CheckControl(c); err != nil {
		return err
	}
	accepted := func(text string) {
		w.emit(Event{Kind: EvControl, Org: ControlOrg, Subject: c.Target, Command: c.ID, Text: text,
			Fields: fields("verb", c.Verb, "target", c.Target)})
	}
	switch c.Verb {
	case ControlPause:
		accepted("the controller paused the exercise")
	case ControlResume:
		accepted("the controller resumed the exercise")
	case ControlEnd:
		w.Ended = true
		if w.EndTick == None {
			w.EndTick = w.Tick
		}
		accepted(fmt.Sprintf("the controller ended the exercise at tick %d", w.Tick))
	case ControlPace:
		ms, _ := PaceMillis(c)
		accepted(fmt.Sprintf("the controller set the pace to %d ms per tick", ms))
	case ControlAdvance:
		n, _ := AdvanceTicks(c)
		accepted(fmt.Sprintf("the controller advanced the exercise by %d ticks", n))
	case ControlScript, ControlPeople:
		org, ok := w.OrgIndex(c.Target)
		if !ok {
			return fmt.Errorf("%s: unknown organisation %q", c.Verb, c.Target)
		}
		o := &w.Orgs[org]
		o.Scripted = c.Verb == ControlScript
		who := "people"
		if o.Scripted {
			who = "its policy"
		}
		w.emit(Event{Kind: EvControl, Org: ControlOrg, Subject: o.ID, Command: c.ID,
			Text: fmt.Sprintf("%s is now played by %s", o.ID, who), Visible: vis(org),
			Fields: fields("verb", c.Verb, "target", o.ID, "played_by", map[bool]string{true: "script", false: "people"}[o.Scripted])})
	case ControlInject:
		to, err := w.recipients(c.Args["to"])
		if err != nil {
			return fmt.Errorf("%s: to: %w", c.Verb, err)
		}
		in := Inject{ID: c.Target, From: c.Args["from"], Subject: c.Args["subject"], Body: c.Args["body"], Expect: c.Args["expect"], To: to}
		i, err := w.AddInject(in)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Verb, err)
		}
		accepted(fmt.Sprintf("the controller delivered inject %s", w.Injects[i].ID))
	}
	return nil
}

// recipients reads "all" or organisation ids separated by commas.
func (w *World) recipients(s string) ([]int32, error) {
	if s == "all" {
		out := make([]int32, len(w.Orgs))
		for i := range out {
			out[i] = int32(i)
		}
		return out, nil
	}
	var out []int32
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		o, ok := w.OrgIndex(id)
		if !ok {
			return nil, fmt.Errorf("unknown organisation %q", id)
		}
		dup := false
		for _, x := range out {
			dup = dup || x == o
		}
		if !dup {
			out = append(out, o)
		}
	}
	return out, nil
}

// StoryPolicy says what an error of the scenario's story does to a Step.
type StoryPolicy uint8

const (
	// FailRun: Step returns the error; the run is over (headless runs,
	// regression tests: a story bug must fail them).
	FailRun StoryPolicy = iota
	// StopStory: the story stops for good, the controller is told (an
	// EvStoryStopped event), and the tick goes on without it (a live
	// exercise: the teams keep playing). The scripted teams' policies run
	// in the story, so they stop with it; the controller can hand those
	// organisations to people (ControlPeople).
	StopStory
)

// StoryStop is why and when the story stopped (StopStory).
type StoryStop struct {
	Tick int32
	Err  error
}

// StoryStopped is the story's stop, or nil while it runs (or when the
// world has none).
func (w *World) StoryStopped() *StoryStop { return w.storyStop }
