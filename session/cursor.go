package session

import (
	"fmt"

	"cyberex/engine"
	"cyberex/journal"
)

// Cursor replays a journal forward a stretch at a time, checking every
// recorded hash on the way, and keeps the world where it stopped: a white
// cell stepping through the past of an exercise pays each tick once,
// where a replay from tick 0 for every look would pay the whole past
// again. It is single-goroutine, as a Session.
type Cursor struct {
	rp replayer
}

// NewCursor opens a journal for replay against src, at tick 0 (the
// journal's initial hash not yet checked: To does it).
func NewCursor(src Source, j *journal.Journal) (*Cursor, error) {
	if err := j.Checkable(); err != nil {
		return nil, &InputError{Err: err}
	}
	s, err := openJournal(src, j, max(j.LastTick(), 1))
	if err != nil {
		return nil, err
	}
	return &Cursor{rp: replayer{s: s, j: j, res: &ReplayResult{World: s.w}, lastMatch: -1}}, nil
}

// Journal is the journal the cursor replays.
func (c *Cursor) Journal() *journal.Journal { return c.rp.j }

// Tick is the tick the cursor's world is at.
func (c *Cursor) Tick() int32 { return c.rp.s.w.Tick }

// To replays up to tick (forward only: a tick before the cursor's is an
// error, open another cursor) and returns the world there. A hash that
// differs, or a recorded failure before tick, is an error, and the cursor
// is spent.
func (c *Cursor) To(tick int32) (w *engine.World, err error) {
	rp := &c.rp
	switch {
	case tick < rp.s.w.Tick:
		return nil, fmt.Errorf("tick %d: the cursor is at tick %d and only goes forward", tick, rp.s.w.Tick)
	case tick > rp.j.LastTick():
		return nil, fmt.Errorf("tick %d: the journal goes from 0 to %d", tick, rp.j.LastTick())
	case rp.res.Mismatch != nil || rp.res.Failed != nil || rp.err != nil:
		return nil, fmt.Errorf("the cursor stopped at tick %d", rp.s.w.Tick)
	}
	defer recoverAt(func() int32 { return rp.s.w.Tick }, &err)
	rp.run(tick)
	if rp.err != nil {
		return nil, rp.err
	}
	if m := rp.res.Mismatch; m != nil {
		return nil, mismatchError(m)
	}
	if f := rp.res.Failed; f != nil {
		return nil, fmt.Errorf("the run failed at tick %d: %s", f.Tick, f.Error)
	}
	return rp.s.w, nil
}

func mismatchError(m *Mismatch) error {
	return fmt.Errorf("the journal does not replay: %s differs at tick %d (journal %s, replay %s)", m.Kind, m.Tick, m.Journal, m.Replay)
}

// Close frees the cursor's session (its story's Lua state).
func (c *Cursor) Close() error { return c.rp.s.Close() }
