package debrief

import (
	"fmt"
	"slices"

	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

// CommandLog records the commands scripted teams submit during a run or a
// replay: give AfterStep to the run's hook. A scripted team's command is
// submitted inside a tick T and queued from T+1 (a person's command of
// tick T is queued from T), so the actions accepted in T and queued from
// T+1 are the scripted teams'. It is recorded at tick T+1, where a person
// would give it to have it start at the same tick.
type CommandLog struct {
	// Scripted are the scripted teams' accepted commands, in order.
	Scripted []engine.Command
	// Verbs maps every accepted command's id (people's too) to its verb.
	Verbs map[int64]string
	maxID int64
}

// AfterStep reads the actions accepted by the Step that just ran.
func (l *CommandLog) AfterStep(w *engine.World) {
	if l.Verbs == nil {
		l.Verbs = map[int64]string{}
	}
	hi := l.maxID
	for _, a := range w.Actions {
		if a.Command <= l.maxID {
			continue
		}
		hi = max(hi, a.Command)
		l.Verbs[a.Command] = a.Verb
		if a.Queued != w.Tick+1 || a.Org < 0 || int(a.Org) >= len(w.Orgs) {
			continue
		}
		c := engine.Command{Tick: w.Tick + 1, Org: w.Orgs[a.Org].ID, Verb: a.Verb, Target: a.Target}
		if len(a.Args) > 0 {
			c.Args = make(map[string]string, len(a.Args))
			for _, x := range a.Args {
				c.Args[x.Key] = x.Value
			}
		}
		l.Scripted = append(l.Scripted, c)
	}
	l.maxID = max(hi, w.NextCommandID)
}

// RunCommands are the commands of a run.
type RunCommands struct {
	// People are the journal's commands (the teams played by people, and
	// the controller's), ids left to the engine.
	People []engine.Command
	// Scripted are the scripted teams' accepted commands.
	Scripted []engine.Command
	// ScriptedRejected counts the scripted teams' commands the engine
	// rejected: they did nothing, and are not in Scripted.
	ScriptedRejected int
}

// Commands replays a journal and returns its people's commands and the
// scripted teams' (CommandLog). A journal that does not replay is an
// error: its scripted commands would be another run's.
func Commands(s *scenario.Scenario, j *journal.Journal) (*RunCommands, error) {
	var log CommandLog
	given := map[int64]bool{}
	for _, c := range j.Commands {
		given[c.ID] = true
	}
	rejected := 0
	res, err := headless.ReplayWith(s, j, headless.ReplayOptions{
		AfterStep: log.AfterStep,
		OnEvents: func(evs []engine.Event) {
			for _, e := range evs {
				if e.Kind == engine.EvCommandRejected && e.Command != 0 && !given[e.Command] {
					rejected++
				}
			}
		},
	})
	if err != nil {
		return nil, err
	}
	if m := res.Mismatch; m != nil {
		return nil, fmt.Errorf("the journal does not replay: %s differs at tick %d (journal %s, replay %s)", m.Kind, m.Tick, m.Journal, m.Replay)
	}
	out := &RunCommands{Scripted: log.Scripted, ScriptedRejected: rejected}
	for _, c := range j.Commands {
		c.ID = 0
		out.People = append(out.People, c)
	}
	return out, nil
}

// Merge is people's and scripted commands in one list, sorted by tick
// (people's first within a tick).
func Merge(a, b []engine.Command) []engine.Command {
	out := append(slices.Clone(a), b...)
	slices.SortStableFunc(out, func(x, y engine.Command) int { return int(x.Tick - y.Tick) })
	return out
}
