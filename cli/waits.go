package cli

import (
	"fmt"
	"io"
	"sort"

	"cyberex/engine"
)

// WaitWarnPermille is the share of a run (‰ of its ticks) past which a
// team's wait for staff is worth a warning: its orders sat in a queue for
// a tenth of the exercise, which the outcome alone does not show.
const WaitWarnPermille = 100

// waitLog follows how long each organisation's actions waited for staff
// (command.started says how long each waited).
type waitLog map[string]*orgWaits

type orgWaits struct {
	waited   int   // actions that waited
	longest  int64 // ticks
	total    int64 // ticks, all actions
	accepted int
	// queued holds, by command id, the tick of actions accepted with a
	// wait that have not started: at the end of the run they waited
	// until then.
	queued map[int64]int32
}

func (l waitLog) add(ev engine.Event) {
	switch ev.Kind {
	case engine.EvCommandAccepted:
		w := l.of(ev.Org)
		w.accepted++
		if ev.Value != 0 {
			w.queued[ev.Command] = ev.Tick
		}
	case engine.EvCommandStarted:
		w := l.of(ev.Org)
		delete(w.queued, ev.Command)
		w.waited++
		w.total += ev.Value
		w.longest = max(w.longest, ev.Value)
	}
}

func (l waitLog) of(org string) *orgWaits {
	w, ok := l[org]
	if !ok {
		w = &orgWaits{queued: map[int64]int32{}}
		l[org] = w
	}
	return w
}

// warn prints a line for each organisation whose longest wait exceeded
// WaitWarnPermille of the run.
func (l waitLog) warn(out io.Writer, ticks int32) {
	if ticks <= 0 {
		return
	}
	limit := int64(ticks) * WaitWarnPermille / 1000
	orgs := make([]string, 0, len(l))
	for o := range l {
		orgs = append(orgs, o)
	}
	sort.Strings(orgs)
	for _, o := range orgs {
		w := l[o]
		// map-order: only sums and a maximum are taken.
		for _, at := range w.queued {
			waited := int64(ticks - at)
			w.waited++
			w.total += waited
			w.longest = max(w.longest, waited)
		}
		if w.longest > limit && w.longest > 0 {
			fmt.Fprintf(out, "warning: %s's actions waited for staff up to %d ticks (%d%% of the run; %d of %d actions waited or still wait, %d ticks in all): its team had more to do than staff to do it\n",
				safe(o), w.longest, w.longest*100/int64(ticks), w.waited, w.accepted, w.total)
		}
	}
}
