package journal

import "fmt"

// Checkable says whether a replay of the journal would check anything: a
// journal of only a header (a run that stopped before it wrote its first
// hash) checks nothing, and a replay saying "ok" about it would be a lie.
// Such a journal can still be continued (journal.Append).
func (j *Journal) Checkable() error {
	if j.headerOnly() {
		return &Error{Name: j.name, Reason: "the journal holds only its header (the run stopped before it wrote its first hash): a replay would check nothing"}
	}
	return nil
}

func (j *Journal) headerOnly() bool {
	return len(j.Hashes) == 0 && len(j.Commands) == 0 && j.End == nil && j.Failed == nil && j.StoryStopped == nil
}

// CheckRun checks, before anything is replayed, that the journal is one a
// run of its scenario could have written, last being the scenario's last
// tick (its duration; 0 when it has none, and then TicksMax bounds it as
// the reader does):
//
//   - its first hash is that of tick 0 (a run writes it right after the
//     header), and the others are every hash_every ticks, as a run writes
//     them;
//   - nothing is said about a tick after last: a run stops at its
//     scenario's end, so a command, a hash or an end past it was not
//     written by a run (an edited journal), and replaying it would step a
//     world past its end, for hours at tick 2³¹−1.
//
// The error is an *Error naming the file and the line of the record.
func (j *Journal) CheckRun(last int32) error {
	at := func(line int, format string, args ...any) error {
		return &Error{Name: j.name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	line := func(ls []int, i int) int {
		if i < len(ls) {
			return ls[i]
		}
		return 0
	}
	if len(j.Hashes) == 0 {
		if j.headerOnly() {
			return nil // Checkable says whether that is enough
		}
		return at(2, "no hash of tick 0: a run writes it right after the header, and without it nothing checks the initial state")
	}
	if h := j.Hashes[0]; h.Tick != 0 {
		return at(line(j.lines.hashes, 0), "hash: the first hash is of tick %d, not tick 0: a run writes the hash of tick 0 right after the header", h.Tick)
	}
	every := j.Header.HashEvery
	for i, h := range j.Hashes[1:] {
		if every == 0 || h.Tick%every != 0 {
			return at(line(j.lines.hashes, i+1), "hash: tick %d: with hash_every %d a run writes hashes at tick 0 and every %d ticks only", h.Tick, every, every)
		}
	}
	if last <= 0 {
		last = TicksMax
	}
	past := func(what string, t int32, ln int) error {
		return at(ln, "%s: tick %d is after the scenario's end (tick %d): a run never writes it", what, t, last)
	}
	// Records are in tick order: the last of each kind is the latest.
	if n := len(j.Commands); n > 0 && j.Commands[n-1].Tick > last {
		for i, c := range j.Commands {
			if c.Tick > last {
				return past("command", c.Tick, line(j.lines.commands, i))
			}
		}
	}
	if n := len(j.Hashes); j.Hashes[n-1].Tick > last {
		for i, h := range j.Hashes {
			if h.Tick > last {
				return past("hash", h.Tick, line(j.lines.hashes, i))
			}
		}
	}
	if j.StoryStopped != nil && j.StoryStopped.Tick > last {
		return past("story_stopped", j.StoryStopped.Tick, j.lines.storyStopped)
	}
	if j.Failed != nil && j.Failed.Tick > last {
		return past("failed", j.Failed.Tick, j.lines.failed)
	}
	if j.End != nil && j.End.Tick > last {
		return past("end", j.End.Tick, j.lines.end)
	}
	return nil
}

// LineOfCommand is the line of the journal's i-th command, 0 if unknown
// (a Journal built in Go).
func (j *Journal) LineOfCommand(i int) int {
	if i < len(j.lines.commands) {
		return j.lines.commands[i]
	}
	return 0
}

// Name is the name the journal was read under ("" for one built in Go).
func (j *Journal) Name() string { return j.name }
