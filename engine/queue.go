package engine

import (
	"fmt"
	"sort"
)

// queueEstimateMax bounds the work of an estimate: past this many actions
// waiting ahead, the acceptance says how many, not when (a runaway script
// must not make every submission walk a long queue).
const queueEstimateMax = 256

// queueEstimate says when a newly accepted action of org (the last of its
// actions) should start: how many of the organisation's actions wait
// ahead of it for staff, and in about how many ticks it starts (-1 when
// the queue is too long to say). It replays the first-in first-out rule of
// advanceActions over the running actions' end ticks; it changes nothing.
func (w *World) queueEstimate(org int32, a *Action) (ahead int, wait int32) {
	o := &w.Orgs[org]
	type slot struct{ done, staff int32 }
	var running []slot
	var queued []*Action
	for i := range w.Actions {
		x := &w.Actions[i]
		if x.Org != org || x == a {
			continue
		}
		if x.Start != None {
			running = append(running, slot{x.Done, x.Staff})
		} else if x.Staff > 0 {
			queued = append(queued, x)
		}
	}
	if a.Staff == 0 {
		return 0, 0 // a query or a message never waits
	}
	ahead = len(queued)
	if ahead > queueEstimateMax {
		return ahead, -1
	}
	sort.SliceStable(running, func(i, j int) bool { return running[i].done < running[j].done })
	free := o.Staff - o.StaffBusy
	t := w.Tick
	start := func(staff, ticks int32) int32 {
		for free < staff && len(running) > 0 {
			r := running[0]
			running = running[1:]
			t = max(t, r.done)
			free += r.staff
		}
		free -= staff
		done := t + max(ticks, 1)
		k := sort.Search(len(running), func(i int) bool { return running[i].done > done })
		running = append(running, slot{})
		copy(running[k+1:], running[k:])
		running[k] = slot{done, staff}
		return t
	}
	for _, x := range queued {
		start(x.Staff, x.Ticks)
	}
	return ahead, start(a.Staff, a.Ticks) - w.Tick
}

// acceptedText is the command.accepted line: the cost, and when it starts.
func acceptedText(c Command, a *Action, ahead int, wait int32) string {
	s := fmt.Sprintf("%s %s %s accepted: %d ticks, %d staff", c.Org, c.Verb, c.Target, a.Ticks, a.Staff)
	switch {
	case ahead == 0 && wait == 0:
		return s + "; starts now"
	case wait < 0:
		return s + fmt.Sprintf("; queued behind %d actions", ahead)
	case ahead == 0:
		return s + fmt.Sprintf("; waits for staff, starts in about %d ticks", wait)
	}
	return s + fmt.Sprintf("; queued behind %d actions, starts in about %d ticks", ahead, wait)
}
