package headless

import (
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/session"
)

// The replay is the session's: these names keep the callers' spelling.
type (
	ReplayOptions = session.ReplayOptions
	ReplayResult  = session.ReplayResult
	Mismatch      = session.Mismatch
)

// What a Mismatch is about (see package session).
const (
	MismatchHash    = session.MismatchHash
	MismatchEnd     = session.MismatchEnd
	MismatchFailure = session.MismatchFailure
	MismatchStory   = session.MismatchStory
)

// Replay re-runs a journal against a scenario and compares every recorded
// hash (session.Replay).
func Replay(s *scenario.Scenario, j *journal.Journal) (*ReplayResult, error) {
	return ReplayWith(s, j, ReplayOptions{})
}

// ReplayWith is Replay with hooks.
func ReplayWith(s *scenario.Scenario, j *journal.Journal, opt ReplayOptions) (*ReplayResult, error) {
	return replay(metaOf(s), j, opt)
}

func replay(m meta, j *journal.Journal, opt ReplayOptions) (*ReplayResult, error) {
	return session.Replay(m, j, opt)
}
