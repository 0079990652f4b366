package server

import (
	"cyberex/engine"
	"cyberex/wire"
)

// Fog of war is the engine's: a team's audience holds its organisation's
// engine.View and receives only that view and its deltas (events
// included, chosen by the engine). The server adds nothing from the world
// to what a team receives, and takes away one thing: the list of the
// other organisations an event was shown to, which is not the team's to
// know.

// newView builds an audience's view: an organisation's, or the whole
// world ("").
func (r *room) newView(org string) *engine.View {
	w := r.sess.World()
	if org == "" {
		return w.ControllerView()
	}
	v, err := w.ViewOf(org)
	if err != nil { // the audience's organisation comes from a join code
		r.log.Error("view", "org", org, "err", err)
		return nil
	}
	return v
}

// fullView is the View message for a client of audience a that had the
// view up to tick since (0: none).
func (r *room) fullView(a *audience, since int32) *wire.View {
	// A client that has every tick of the view missed nothing: its
	// history is complete (a reconnect within the same tick).
	m := &wire.View{View: a.view, Complete: since > 0 && since >= a.view.Tick}
	if since > 0 && since < a.view.Tick {
		org := engine.None
		if a.org != "" {
			org, _ = r.sess.World().OrgIndex(a.org)
		}
		evs, complete := r.sess.World().EventsSince(org, since)
		m.Missed, m.Complete = redact(evs, a.org != ""), complete
	}
	return m
}

// viewMessage is the encoded View message for a client of audience a
// that had the view up to tick since. A client that joins fresh gets the
// audience's view as encoded for the first who joined at this tick: a
// large organisation's view is megabytes (botnet-crossborder's ISP: 7 MB,
// 50 ms to encode), and people arrive together.
func (r *room) viewMessage(a *audience, since int32) ([]byte, error) {
	if since != 0 {
		return wire.Encode(r.fullView(a, since))
	}
	if a.encoded == nil {
		b, err := wire.Encode(r.fullView(a, 0))
		if err != nil {
			return nil, err
		}
		a.encoded = b
	}
	return a.encoded, nil
}

// sendDeltas brings every audience's view to the tick just made and sends
// each its delta, encoded once for all its clients.
func (r *room) sendDeltas() {
	w := r.sess.World()
	var metrics []engine.Metric
	for _, key := range r.audienceKeys() {
		a := r.aud[key]
		if a.view == nil {
			continue
		}
		d := w.UpdateView(a.view)
		a.encoded = nil
		m := &wire.Delta{ViewDelta: *d}
		if key == "" {
			if metrics == nil {
				metrics = w.Metrics()
			}
			m.Metrics = metrics
		} else {
			m.Events = redact(d.Events, true)
		}
		b, err := wire.Encode(m)
		if err != nil {
			r.log.Error("encode delta", "org", key, "err", err)
			continue
		}
		for c := range a.clients {
			r.sendBytes(c, b)
		}
	}
}

// audienceKeys lists the audiences in a fixed order (the whole world, then
// the organisations in the scenario's order), so that sending does not
// depend on map order.
func (r *room) audienceKeys() []string {
	var keys []string
	if _, ok := r.aud[""]; ok {
		keys = append(keys, "")
	}
	for _, org := range r.info.orgs {
		if _, ok := r.aud[org]; ok {
			keys = append(keys, org)
		}
	}
	return keys
}

// redact copies a team's events without the list of organisations each
// was shown to.
func redact(evs []engine.Event, team bool) []engine.Event {
	if !team || len(evs) == 0 {
		return evs
	}
	out := make([]engine.Event, len(evs))
	copy(out, evs)
	for i := range out {
		out[i].Visible = nil
	}
	return out
}
