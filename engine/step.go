package engine

import (
	"errors"
	"fmt"
)

// Step advances the world by one tick: it applies the tick's commands in
// the order given, runs every mechanism, lets the scenario's story react,
// and judges the objectives. It returns the tick's events. An error is a
// failure of the run (a script crashed), never a bad command: those are
// rejected with an event and the run goes on.
func (w *World) Step(cmds []Command) ([]Event, error) {
	if w.idx.org == nil {
		return nil, fmt.Errorf("step: world not initialised (call Init)")
	}
	w.events = w.events[:0]
	w.Tick++
	w.runSteps()
	w.runAgents()
	for _, c := range cmds {
		w.submit(c)
	}
	w.advanceActions()
	w.beginDDoS()
	w.spreadBotnets(&w.sc)
	w.runDDoSCampaigns()
	w.endDDoS()
	w.defacementWaves()
	w.detect(&w.sc)
	w.growContent()
	w.decayEvidence()
	w.processRequests()
	for i := range w.Cases {
		w.Cases[i].Strength = w.caseStrength(&w.Cases[i])
	}
	w.cascade()
	w.deliverInjects()
	if w.Director != nil && w.storyStop == nil {
		if err := w.Director.Tick(w); err != nil {
			var named interface{ NamesTick() bool }
			if !errors.As(err, &named) || !named.NamesTick() {
				err = fmt.Errorf("tick %d: %w", w.Tick, err)
			}
			if w.StoryErrors != StopStory {
				out := append([]Event(nil), w.events...)
				w.hist.add(w.Tick, out)
				return out, err
			}
			// What the story did before it failed stays (it is in the
			// state, and a replay does the same); from now on the world
			// goes on without it.
			w.storyStop = &StoryStop{Tick: w.Tick, Err: err}
			w.emit(Event{Kind: EvStoryStopped, Org: ControlOrg,
				Text:   "the story stopped (the world goes on; scripted teams stopped with it: hand them to people with control.people): " + err.Error(),
				Fields: fields("error", err.Error())})
		}
	}
	late := len(w.events)
	w.evaluateObjectives(false)
	if w.Settings.EndWhenDecided && len(w.Objectives) > 0 && w.allDecided() {
		w.Ended = true
		w.EndTick = w.Tick
	}
	if w.Settings.DurationTicks > 0 && w.Tick >= w.Settings.DurationTicks {
		w.Ended = true
		if w.EndTick == None {
			w.EndTick = w.Tick
		}
	}
	w.late = append(w.late[:0], w.events[late:]...)
	out := append([]Event(nil), w.events...)
	w.hist.add(w.Tick, out)
	return out, nil
}

// LateEvents are the events the previous Step emitted after its Director
// ran (the engine's judgment of objectives): a Director delivers them to
// the story at the start of the next tick, as it cannot see them in its
// own. They are not part of the state (a restored world has none).
func (w *World) LateEvents() []Event { return w.late }

func (w *World) allDecided() bool {
	for _, o := range w.Objectives {
		if o.Status == ObjPending {
			return false
		}
	}
	return true
}
