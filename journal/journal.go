// Package journal reads and writes the journal of a run: the scenario's
// identity, the seed and every command by tick, with state hashes along the
// way. The journal is the source of truth of a run: replaying it against the
// same scenario and engine reproduces every state, and its hashes prove it.
//
// The format is JSON lines, documented in docs/journal.md:
//
//	{"type":"header","format":"cyberex-journal/1","engine":"0.1.0","scenario":"tutorial","digest":"…","seed":1,"hash_every":100}
//	{"type":"hash","tick":0,"hash":"…"}
//	{"type":"command","tick":12,"org":"csirt","verb":"investigate","target":"web-1"}
//	{"type":"hash","tick":100,"hash":"…"}
//	{"type":"end","tick":1440,"hash":"…"}
//
// A run that fails (a scenario script's error) ends with a failed record
// instead of an end record: {"type":"failed","tick":T,"error":"…"}.
//
// Nothing that depends on the wall clock or the machine is written, so the
// same run writes the same bytes everywhere.
//
// Everything read is untrusted: the reader is strict (unknown or duplicate
// fields, wrong types, ticks out of order are errors naming the line), every
// size is bounded, and the only damage tolerated is a torn last line left by
// a crash in the middle of a write, which was never acknowledged.
package journal

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"cyberex/engine"
)

// Format names this version of the journal format; it is the header's
// "format" field.
const Format = "cyberex-journal/1"

// Limits on what a journal or a commands file may hold. Everything read
// from outside is bounded so that a hostile file cannot exhaust memory.
const (
	// LineBytesMax bounds one line, newline excluded.
	LineBytesMax = 1 << 20
	// FileBytesMax bounds a whole journal or commands file. A file is
	// refused by its size before it is read when the system says it
	// (a regular file), else as soon as more has been read; what is held
	// in memory while reading is bounded by it too (ArgsTotalMax).
	FileBytesMax = 128 << 20
	// TicksMax bounds every tick a journal or a commands file names:
	// about 19 years of exercise at one tick a minute, the longest run
	// `cyberex run --ticks` makes. A command at tick 2³¹−1 would make a
	// replay step for hours.
	TicksMax = 10_000_000
	// ArgsTotalMax bounds the arguments of all the commands of one file
	// together: a map entry costs far more memory than its bytes on the
	// line, so that a file of small commands with many arguments each
	// cannot make the reader hold gigabytes.
	ArgsTotalMax = 2_000_000
	// CommandsMax bounds the commands of one journal or commands file.
	CommandsMax = 1_000_000
	// HashesMax bounds the hash checkpoints of one journal.
	HashesMax = 10_000_000
	// NameBytesMax bounds an organisation, verb, target or argument key,
	// and the header's strings.
	NameBytesMax = 256
	// SetMax bounds the header's --set overrides, SetBytesMax each one
	// (the header line as a whole is bounded by LineBytesMax).
	SetMax      = 1000
	SetBytesMax = 68 << 10
	// ArgsMax bounds the arguments of one command.
	ArgsMax = 64
	// ArgValueBytesMax bounds one argument value (a message text).
	ArgValueBytesMax = 64 << 10
	// ErrorBytesMax bounds the error of a failed record; the writer cuts
	// a longer one (at a character boundary).
	ErrorBytesMax = 64 << 10
)

// Header is the first line of a journal: what was run, under which rules.
type Header struct {
	// Format is always Format.
	Format string `json:"format"`
	// Engine is engine.Version of the engine that wrote the journal.
	Engine string `json:"engine"`
	// Library is the digest of the shared Lua library (scripts/) the
	// scenario was loaded with; empty in journals written before it was
	// recorded, or when the program had none.
	Library string `json:"library,omitempty"`
	// Scenario is the scenario's name.
	Scenario string `json:"scenario"`
	// ScenarioDir is where the scenario was loaded from: its folder
	// relative to the journal's folder, or absolute (ScenarioDirFor), or
	// "embedded:NAME". Replay uses it when not told otherwise
	// (ScenarioDirCandidates); older journals recorded the folder as typed,
	// relative to the current folder.
	ScenarioDir string `json:"scenario_dir,omitempty"`
	// Set are the --set overrides the scenario was loaded with, in order;
	// replay loads it with the same.
	Set []string `json:"set,omitempty"`
	// Digest identifies the scenario's content (every file that shapes it).
	Digest string `json:"digest"`
	// Seed is the run's seed.
	Seed uint64 `json:"seed"`
	// HashEvery is the interval of hash checkpoints in ticks (0: none but
	// the initial and final ones).
	HashEvery int32 `json:"hash_every"`
	// Live says the run was a live session: an error of the story stopped
	// the story (a story_stopped record), not the run. Replay does the same.
	Live bool `json:"live,omitempty"`
	// CreatedBy names the program that wrote the journal ("cyberex run").
	CreatedBy string `json:"created_by,omitempty"`
}

// Checkpoint is the state hash after a tick (lowercase hex SHA-256).
type Checkpoint struct {
	Tick int32  `json:"tick"`
	Hash string `json:"hash"`
}

// Failure is a failed record: the run stopped at Tick because the Step
// that makes it failed (a scenario script's error), with Error.
type Failure struct {
	Tick  int32  `json:"tick"`
	Error string `json:"error"`
}

// Journal is a journal read back.
type Journal struct {
	Header Header
	// Commands in file order; ticks never decrease.
	Commands []engine.Command
	// Hashes in file order; ticks increase.
	Hashes []Checkpoint
	// End is the final hash (after the run's Finish), or nil when the run
	// did not end (it failed, it crashed, or it is still going on).
	End *Checkpoint
	// Failed is the failure the run stopped on, or nil. A journal has an
	// End or a Failed record, never both.
	Failed *Failure
	// StoryStopped is where the story of a live run failed and stopped
	// while the run went on (a story_stopped record), or nil.
	StoryStopped *Failure
	// Warnings are damage that was tolerated (a torn last line).
	Warnings []string
	// Size is the length in bytes of the intact part of the file (without
	// a torn last line): where appending resumes.
	Size int64

	// name and lines say where each record was read, for CheckRun's
	// errors (empty for a Journal built in Go).
	name  string
	lines recordLines
}

// recordLines holds the line of each record of a Journal read from a file.
type recordLines struct {
	commands, hashes          []int
	end, failed, storyStopped int
}

// LastTick is the last tick the journal says anything about.
func (j *Journal) LastTick() int32 {
	t := int32(0)
	if n := len(j.Commands); n > 0 {
		t = j.Commands[n-1].Tick
	}
	if n := len(j.Hashes); n > 0 {
		t = max(t, j.Hashes[n-1].Tick)
	}
	if j.End != nil {
		t = max(t, j.End.Tick)
	}
	if j.Failed != nil {
		t = max(t, j.Failed.Tick)
	}
	if j.StoryStopped != nil {
		t = max(t, j.StoryStopped.Tick)
	}
	return t
}

// FailureText is an error as a failed record holds it: valid UTF-8 (an
// invalid byte becomes U+FFFD), without surrounding space, at most
// ErrorBytesMax bytes, never empty. The writer stores this, so a replay
// compares its own error through it too.
func FailureText(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > ErrorBytesMax {
		i := ErrorBytesMax - len("…")
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	if s == "" {
		s = "unknown error"
	}
	return s
}

func checkFailure(f *Failure) error {
	if f.Tick < 1 {
		return fmt.Errorf("tick %d: a run fails in the Step of a tick from 1", f.Tick)
	}
	if f.Error == "" {
		return fmt.Errorf("error missing")
	}
	if len(f.Error) > ErrorBytesMax {
		return fmt.Errorf("error longer than %d bytes", ErrorBytesMax)
	}
	if !utf8.ValidString(f.Error) {
		return fmt.Errorf("error is not valid UTF-8")
	}
	if strings.TrimSpace(f.Error) != f.Error {
		return fmt.Errorf("error begins or ends with space")
	}
	return nil
}

// Error is a journal or commands file that cannot be used. It names the
// file and line: "journal.jsonl:12: command: verb missing".
type Error struct {
	Name   string // file name as given to the reader
	Line   int    // 1-based; 0 when the error concerns the whole file
	Reason string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Name, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Reason)
}

// ---- validation shared by the reader and the writer ----
//
// The writer checks exactly what the reader checks, so that it can never
// write a journal that cannot be read back.

func checkName(what, s string, required bool) error {
	if s == "" {
		if required {
			return fmt.Errorf("%s missing", what)
		}
		return nil
	}
	if len(s) > NameBytesMax {
		return fmt.Errorf("%s longer than %d bytes", what, NameBytesMax)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s %q contains a control character", what, s)
		}
	}
	return nil
}

func checkHeader(h *Header) error {
	if h.Format == "" {
		return fmt.Errorf("format missing")
	}
	if h.Format != Format {
		return fmt.Errorf("format %q is not supported (this program reads %q)", clip(h.Format), Format)
	}
	if err := checkName("engine", h.Engine, true); err != nil {
		return err
	}
	if err := checkName("library", h.Library, false); err != nil {
		return err
	}
	if err := checkName("scenario", h.Scenario, true); err != nil {
		return err
	}
	if err := checkName("scenario_dir", h.ScenarioDir, false); err != nil {
		return err
	}
	if len(h.Set) > SetMax {
		return fmt.Errorf("%d set overrides, at most %d", len(h.Set), SetMax)
	}
	for _, v := range h.Set {
		if v == "" || len(v) > SetBytesMax || !utf8.ValidString(v) {
			return fmt.Errorf("set override %q: want 1 to %d bytes of UTF-8", clip(v), SetBytesMax)
		}
	}
	if err := checkName("digest", h.Digest, true); err != nil {
		return err
	}
	if h.HashEvery < 0 {
		return fmt.Errorf("hash_every %d is negative", h.HashEvery)
	}
	return checkName("created_by", h.CreatedBy, false)
}

// CheckCommand checks a command as the reader and the writer do: tick from
// 1, org and verb present, names and arguments within the limits. A server
// calls it before accepting a command, so that it never accepts one it
// could not journal.
func CheckCommand(c *engine.Command) error {
	if c.Tick < 1 {
		return fmt.Errorf("tick %d: commands start at tick 1", c.Tick)
	}
	if c.Tick > TicksMax {
		return tickPastRuns(c.Tick)
	}
	if c.ID < 0 {
		return fmt.Errorf("id %d is negative", c.ID)
	}
	if err := checkName("org", c.Org, true); err != nil {
		return err
	}
	if err := checkName("sender", c.Sender, false); err != nil {
		return err
	}
	if err := checkName("verb", c.Verb, true); err != nil {
		return err
	}
	if err := checkName("target", c.Target, false); err != nil {
		return err
	}
	if len(c.Args) > ArgsMax {
		return fmt.Errorf("%d args, at most %d", len(c.Args), ArgsMax)
	}
	for k, v := range c.Args {
		if err := checkName("arg name", k, true); err != nil {
			return err
		}
		if len(v) > ArgValueBytesMax {
			return fmt.Errorf("arg %s longer than %d bytes", k, ArgValueBytesMax)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("arg %s is not valid UTF-8", k)
		}
	}
	return nil
}

func checkHash(h string) error {
	if h == "" {
		return fmt.Errorf("hash missing")
	}
	if len(h) != 64 {
		return fmt.Errorf("hash %q is not 64 hex digits", clip(h))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("hash %q is not 64 lowercase hex digits", clip(h))
		}
	}
	return nil
}

// order enforces the sequence of records: commands of tick T come before
// the hash of tick T (the hash is taken after the tick's Step), ticks never
// go back, nothing follows the end.
type order struct {
	lastCmd  int32 // tick of the last command, 0 if none
	lastHash int32 // tick of the last hash, -1 if none
	commands int
	hashes   int
	ended    bool   // an end or a failed record was read
	last     string // which: "end" or "failed"
	story    bool   // a story_stopped record was read
}

func newOrder() order { return order{lastHash: -1} }

// tickPastRuns says that a tick is beyond any run.
func tickPastRuns(t int32) error {
	return fmt.Errorf("tick %d is past any run (at most %d ticks)", t, TicksMax)
}

func (o *order) command(t int32) error {
	switch {
	case t > TicksMax:
		return tickPastRuns(t)
	case o.ended:
		return fmt.Errorf("command after the %s record", o.last)
	case o.commands >= CommandsMax:
		return fmt.Errorf("more than %d commands", CommandsMax)
	case t < o.lastCmd:
		return fmt.Errorf("tick %d after a command of tick %d: ticks must not decrease", t, o.lastCmd)
	case t <= o.lastHash:
		return fmt.Errorf("tick %d after the hash of tick %d: a tick's commands come before its hash", t, o.lastHash)
	}
	return nil
}

func (o *order) commandDone(t int32) { o.lastCmd = t; o.commands++ }

func (o *order) hash(t int32) error {
	switch {
	case t > TicksMax:
		return tickPastRuns(t)
	case o.ended:
		return fmt.Errorf("hash after the %s record", o.last)
	case o.hashes >= HashesMax:
		return fmt.Errorf("more than %d hashes", HashesMax)
	case t < 0:
		return fmt.Errorf("tick %d is negative", t)
	case t < o.lastCmd:
		return fmt.Errorf("hash of tick %d after a command of tick %d", t, o.lastCmd)
	case t <= o.lastHash:
		return fmt.Errorf("hash of tick %d after the hash of tick %d: checkpoint ticks must increase", t, o.lastHash)
	}
	return nil
}

func (o *order) hashDone(t int32) { o.lastHash = t; o.hashes++ }

func (o *order) end(t int32) error {
	switch {
	case t > TicksMax:
		return tickPastRuns(t)
	case o.ended:
		return fmt.Errorf("end after the %s record", o.last)
	case t < 0:
		return fmt.Errorf("tick %d is negative", t)
	case t < o.lastCmd:
		return fmt.Errorf("end at tick %d before a command of tick %d", t, o.lastCmd)
	case t < o.lastHash:
		return fmt.Errorf("end at tick %d before the hash of tick %d", t, o.lastHash)
	}
	return nil
}

// failed checks a failed record at tick t: the Step of t failed, so its
// commands came before and no hash of t (taken after a Step that
// succeeded) can precede it.
func (o *order) failed(t int32) error {
	switch {
	case t > TicksMax:
		return tickPastRuns(t)
	case o.ended:
		return fmt.Errorf("failed after the %s record", o.last)
	case t < o.lastCmd:
		return fmt.Errorf("failure at tick %d before a command of tick %d", t, o.lastCmd)
	case t <= o.lastHash:
		return fmt.Errorf("failure at tick %d after the hash of tick %d: the hash of a tick is taken after its Step succeeded", t, o.lastHash)
	}
	return nil
}

// storyStopped checks a story_stopped record at tick t: written after
// the Step of t, before its hash, once.
func (o *order) storyStopped(t int32) error {
	switch {
	case t > TicksMax:
		return tickPastRuns(t)
	case o.ended:
		return fmt.Errorf("story_stopped after the %s record", o.last)
	case o.story:
		return fmt.Errorf("a second story_stopped record: a story stops once")
	case t < o.lastCmd:
		return fmt.Errorf("story stopped at tick %d before a command of tick %d", t, o.lastCmd)
	case t <= o.lastHash:
		return fmt.Errorf("story stopped at tick %d after the hash of tick %d: it is written before its tick's hash", t, o.lastHash)
	}
	return nil
}

// clip shortens a hostile value quoted in an error message.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
