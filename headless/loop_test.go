package headless

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/journal"
)

// smallWorld is a world built in Go, so the run loop is tested without
// scenario files: a botnet spreading through generated hosts, a C2 abroad,
// and an objective on the number of bots.
func smallWorld(seed uint64) (*engine.World, error) {
	w := &engine.World{Settings: engine.DefaultSettings()}
	w.Settings.DurationTicks = 300
	w.Jurisdictions = []engine.Jurisdiction{
		{ID: "A", Crimes: []string{"botnet"}, ContactPointTicks: 60, MLATicks: 2000, PoliceTicks: 300, AnswerPermille: 900},
		{ID: "B", Crimes: []string{"botnet"}, ContactPointTicks: 120, MLATicks: 4000, PoliceTicks: 600, AnswerPermille: 800},
	}
	w.Orgs = []engine.Org{
		{ID: "csirt", Kind: engine.OrgCSIRT, Jurisdiction: 0, Staff: 4, SensorPermille: 20, ResponseDelayTicks: 30},
		{ID: "isp", Kind: engine.OrgISP, Jurisdiction: 0, Staff: 5, ResponseDelayTicks: 30, Scripted: true},
		{ID: "hosting", Kind: engine.OrgHosting, Jurisdiction: 1, Staff: 2, ResponseDelayTicks: 60, Scripted: true},
		{ID: "gang", Kind: engine.OrgAdversary, Jurisdiction: 1, Staff: 1},
	}
	w.Vulns = []engine.Vuln{{ID: "smb"}}
	w.Segments = []engine.Segment{{ID: "net", Owner: 1, Jurisdiction: 0, ISP: 1, First: 0, Count: 500, Prefix: "h", PosturePermille: 1000}}
	w.Assets = engine.GenerateHosts(nil, 0, 1, engine.HostSpec{Kind: engine.AssetHost, Count: 500,
		Vulns: []engine.VulnShare{{Vuln: 0, Permille: 400}}}, 7)
	w.Segments = append(w.Segments, engine.Segment{ID: "dc", Owner: 2, Jurisdiction: 1, ISP: engine.None, First: 500, Count: 1, PosturePermille: 1000})
	w.Assets = append(w.Assets, engine.NewAsset(engine.AssetC2, 1, 2))
	w.AssetNames = []engine.NamedAsset{{Index: 500, ID: "c2"}}
	w.Campaigns = []engine.Campaign{{ID: "bot", Kind: engine.CampBotnet, Actor: 3, Offence: "botnet", C2: 500, Active: true,
		Exploits: []engine.Exploit{{Vuln: 0, RatePermille: 600}}, ContactsPerTick: 2, TaskTarget: engine.None, Stopped: engine.None}}
	for i := 0; i < 500; i += 50 {
		if w.Assets[i].Vulns != 0 {
			w.Assets[i].Controller, w.Assets[i].Since = 0, 0
		}
	}
	w.Objectives = []engine.Objective{
		{ID: "contain", Metric: "bots", Op: "<", Value: 1_000_000, Mode: "always", Deadline: engine.None, Tick: engine.None},
		{ID: "never", Metric: "bots", Op: "<", Value: 0, Mode: "by", Deadline: 50, Tick: engine.None},
	}
	return w, w.Init(seed)
}

var small = meta{Name: "small", Dir: "testdata/small", Digest: "abc", NewWorld: smallWorld}

func TestRunLoop(t *testing.T) {
	cmds := []engine.Command{
		{Tick: 20, Org: "csirt", Verb: "investigate", Target: "h-3"},
		{Tick: 10, Org: "csirt", Verb: "no-such-verb", Target: "h-1"},
		{Tick: 10, Org: "nobody", Verb: "investigate", Target: "h-1"},
		{Tick: 9999, Org: "csirt", Verb: "investigate", Target: "h-1"},
	}
	var j1, j2 bytes.Buffer
	var ticks []int32
	events := 0
	r1, err := run(small, RunOptions{Seed: 5, Commands: cmds, Journal: &j1, HashEvery: 25, CreatedBy: "test",
		Progress: func(t, total int32) {
			if total != 300 {
				panic("progress total is not the scenario's duration")
			}
			ticks = append(ticks, t)
		},
		OnEvents: func(e []engine.Event) { events += len(e) }})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := run(small, RunOptions{Seed: 5, Commands: cmds, Journal: &j2, HashEvery: 25, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.StateHash != r2.StateHash || !bytes.Equal(j1.Bytes(), j2.Bytes()) {
		t.Fatal("two runs with the same seed and commands differ")
	}
	if r1.Ticks != 300 || !r1.Ended || len(ticks) != 300 || ticks[299] != 300 {
		t.Errorf("ran %d ticks (ended %v), progress %d calls", r1.Ticks, r1.Ended, len(ticks))
	}
	if r1.Commands != 3 || r1.CommandsUnused != 1 || events != r1.Events || r1.Events == 0 {
		t.Errorf("commands %d unused %d events %d/%d", r1.Commands, r1.CommandsUnused, events, r1.Events)
	}
	if len(r1.Objectives) != 2 || r1.Objectives[0].Status != "met" || r1.Objectives[0].Tick != 300 ||
		r1.Objectives[1].Status != "failed" || r1.Objectives[1].Tick != 50 {
		t.Errorf("objectives %+v", r1.Objectives)
	}
	if r1.TickSeconds != 60 || r1.Clock(2) != 120 {
		t.Errorf("clock %d %d", r1.TickSeconds, r1.Clock(2))
	}
	r3, _ := run(small, RunOptions{Seed: 6, Commands: cmds})
	if r3.StateHash == r1.StateHash {
		t.Error("seeds 5 and 6 give the same hash")
	}

	j, err := journal.Read(bytes.NewReader(j1.Bytes()), "j")
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Commands) != 3 || j.Commands[0].Org != "csirt" || j.Commands[0].Verb != "no-such-verb" || len(j.Hashes) != 13 || j.End == nil || j.End.Hash != r1.StateHash {
		t.Errorf("journal: %d commands %+v, %d hashes, end %+v", len(j.Commands), j.Commands, len(j.Hashes), j.End)
	}
	if j.Header.Scenario != "small" || j.Header.ScenarioDir != "testdata/small" || j.Header.Seed != 5 || j.Header.HashEvery != 25 {
		t.Errorf("header %+v", j.Header)
	}

	rr, err := replay(small, j, ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rr.OK() || !rr.Complete || rr.FinalHash != r1.StateHash || rr.Checked != 14 || rr.Ticks != 300 {
		t.Errorf("replay %+v", rr)
	}
}

func TestRunTicks(t *testing.T) {
	r, err := run(small, RunOptions{Seed: 1, Ticks: 40})
	if err != nil {
		t.Fatal(err)
	}
	if r.Ticks != 40 || r.Ended {
		t.Errorf("ticks %d ended %v", r.Ticks, r.Ended)
	}
	r, _ = run(small, RunOptions{Seed: 1, Ticks: 5000})
	if r.Ticks != 300 || !r.Ended {
		t.Errorf("ran past the end: %d", r.Ticks)
	}
	var ie *InputError
	if _, err := run(small, RunOptions{Ticks: -1}); !errors.As(err, &ie) {
		t.Errorf("negative ticks: %v", err)
	}
	if _, err := run(small, RunOptions{Commands: []engine.Command{{Org: "a", Verb: "b"}}}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "start at tick 1") {
		t.Errorf("command at tick 0: %v", err)
	}
}

// failing is a Director whose script fails at a tick (with msg, or a
// default message).
type failing struct {
	at  int32
	msg string
}

func (f failing) Tick(w *engine.World) error {
	if w.Tick == f.at {
		if f.msg != "" {
			return errors.New(f.msg)
		}
		return errors.New("story.lua:3: attempt to index a nil value")
	}
	return nil
}

// failingAt is the small world whose script fails at tick at (never if 0).
func failingAt(at int32, msg string) meta {
	m := small
	m.NewWorld = func(seed uint64) (*engine.World, error) {
		w, err := smallWorld(seed)
		if at > 0 {
			w.Director = failing{at: at, msg: msg}
		}
		return w, err
	}
	return m
}

func TestStepErrorIsInputError(t *testing.T) {
	var jb bytes.Buffer
	_, err := run(failingAt(7, ""), RunOptions{Journal: &jb, HashEvery: 5})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "tick 7: story.lua:3") {
		t.Fatalf("error %v", err)
	}
	// The journal records the failure, and where.
	j, jerr := journal.Read(bytes.NewReader(jb.Bytes()), "j")
	if jerr != nil || j.End != nil || j.Failed == nil || j.Failed.Tick != 7 || j.Failed.Error != err.Error() {
		t.Fatalf("journal of a failed run: %v %+v\n%s", jerr, j, jb.Bytes())
	}
}

// A journal that records a failure replays ok only if the replay fails
// the same way at the same tick.
func TestReplayFailure(t *testing.T) {
	record := func(m meta) *journal.Journal {
		t.Helper()
		var jb bytes.Buffer
		run(m, RunOptions{Seed: 2, Journal: &jb, HashEvery: 5,
			Commands: []engine.Command{{Tick: 7, Org: "csirt", Verb: "investigate", Target: "h-0"}}})
		j, err := journal.Read(bytes.NewReader(jb.Bytes()), "j")
		if err != nil {
			t.Fatalf("%v\n%s", err, jb.Bytes())
		}
		return j
	}
	failedAt7 := record(failingAt(7, ""))
	ended := record(failingAt(0, ""))
	const msg7 = "tick 7: story.lua:3: attempt to index a nil value"
	for _, tc := range []struct {
		name     string
		j        *journal.Journal
		replay   meta
		ok       bool
		tick     int32
		journal  string // the mismatch's
		replayed string
	}{
		{"the same failure", failedAt7, failingAt(7, ""), true, 7, "", ""},
		{"no failure in the replay", failedAt7, failingAt(0, ""), false, 7, msg7, ""},
		{"a later failure in the replay", failedAt7, failingAt(9, ""), false, 7, msg7, ""},
		{"an earlier failure in the replay", failedAt7, failingAt(4, ""), false, 4, "", "tick 4: story.lua:3: attempt to index a nil value"},
		{"another error", failedAt7, failingAt(7, "story.lua:9: boom"), false, 7, msg7, "tick 7: story.lua:9: boom"},
		{"a failure the journal does not record", ended, failingAt(7, ""), false, 7, "", msg7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr, err := replay(tc.replay, tc.j, ReplayOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.ok {
				if !rr.OK() || rr.Failed == nil || rr.Failed.Tick != tc.tick || rr.Failed.Error != msg7 || rr.Complete {
					t.Errorf("replay %+v, mismatch %+v", rr, rr.Mismatch)
				}
				return
			}
			m := rr.Mismatch
			if m == nil || rr.Failed != nil || m.Kind != MismatchFailure || m.Tick != tc.tick || m.Journal != tc.journal || m.Replay != tc.replayed {
				t.Errorf("mismatch %+v, failed %+v", m, rr.Failed)
			}
		})
	}
}

func TestReplayMismatch(t *testing.T) {
	var jb bytes.Buffer
	r, err := run(small, RunOptions{Seed: 3, Journal: &jb, HashEvery: 10,
		Commands: []engine.Command{{Tick: 15, Org: "csirt", Verb: "investigate", Target: "h-0"}}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) *journal.Journal {
		j, err := journal.Read(bytes.NewReader(b), "j")
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	// A tampered hash: reported at its tick, with the last good one.
	j := read(jb.Bytes())
	j.Hashes[5].Hash = strings.Repeat("0", 64)
	rr, err := replay(small, j, ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rr.OK() || rr.Mismatch.Tick != 50 || rr.Mismatch.LastMatch != 40 || rr.Mismatch.Journal != strings.Repeat("0", 64) || rr.Mismatch.Kind != MismatchHash {
		t.Errorf("mismatch %+v", rr.Mismatch)
	}
	// A tampered command: the state diverges from the tick after it.
	j = read(bytes.Replace(jb.Bytes(), []byte(`"tick":15,"org":"csirt"`), []byte(`"tick":12,"org":"csirt"`), 1))
	rr, _ = replay(small, j, ReplayOptions{})
	if rr.OK() || rr.Mismatch.Tick != 20 {
		t.Errorf("tampered command: %+v", rr.Mismatch)
	}
	// Tampered end.
	j = read(jb.Bytes())
	j.End.Hash = strings.Repeat("1", 64)
	rr, _ = replay(small, j, ReplayOptions{})
	if rr.OK() || rr.Mismatch.Tick != 300 || rr.Mismatch.Replay != r.StateHash || rr.Mismatch.Kind != MismatchEnd {
		t.Errorf("tampered end: %+v", rr.Mismatch)
	}
	// Another seed: differs at tick 0? No: the seed seeds the generators,
	// which are part of the state, so it differs from the first hash.
	j = read(jb.Bytes())
	j.Header.Seed = 4
	rr, _ = replay(small, j, ReplayOptions{})
	if rr.OK() || rr.Mismatch.Tick != 0 {
		t.Errorf("other seed: %+v", rr.Mismatch)
	}
	// Another scenario or engine: an input error.
	var ie *InputError
	j = read(jb.Bytes())
	j.Header.Digest = "other"
	if _, err := replay(small, j, ReplayOptions{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "digest other") {
		t.Errorf("other digest: %v", err)
	}
	j.Header.Digest, j.Header.Engine = "abc", "0.0.1"
	if _, err := replay(small, j, ReplayOptions{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "engine 0.0.1") {
		t.Errorf("other engine: %v", err)
	}
	// An unfinished journal (the run crashed): replayed to its last tick.
	data := jb.Bytes()
	cut := bytes.Index(data, []byte(`{"type":"hash","tick":100,`))
	j = read(data[:cut+10])
	rr, err = replay(small, j, ReplayOptions{})
	if err != nil || !rr.OK() || rr.Complete || rr.Ticks != 90 || len(j.Warnings) != 1 {
		t.Errorf("unfinished: %v %+v", err, rr)
	}
}

func BenchmarkRunSmall(b *testing.B) {
	for b.Loop() {
		if _, err := run(small, RunOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// panicking is a Director with a bug.
type panicking struct{}

func (panicking) Tick(w *engine.World) error {
	if w.Tick == 12 {
		var m map[string]int
		m["x"]++ // assignment to entry in nil map
	}
	return nil
}

func TestPanicIsInternalError(t *testing.T) {
	m := small
	m.NewWorld = func(seed uint64) (*engine.World, error) {
		w, err := smallWorld(seed)
		w.Director = panicking{}
		return w, err
	}
	_, err := run(m, RunOptions{})
	var ie *InternalError
	if !errors.As(err, &ie) || ie.Tick != 12 || !strings.Contains(err.Error(), "internal error at tick 12") {
		t.Fatalf("error %v", err)
	}
	var in *InputError
	if errors.As(err, &in) {
		t.Error("a panic is not the input's fault")
	}
}

// A run given a context stops once it is done, within a few ticks.
func TestRunStops(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stopAt := int32(100)
	_, err := run(small, RunOptions{Context: ctx, Progress: func(tick, total int32) {
		if tick == stopAt {
			cancel(errors.New("interrupt"))
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "the run stopped before tick 129: interrupt") {
		t.Errorf("error %v", err)
	}
	if _, err := run(small, RunOptions{Context: context.Background()}); err != nil {
		t.Errorf("a context that is never done: %v", err)
	}
}

func TestFailureText(t *testing.T) {
	for _, tc := range []struct{ dir, msg, want string }{
		{"scenarios/x", "scenarios/x/story.lua:3: tick 3: boom", "story.lua:3: tick 3: boom"},
		{"./scenarios/x/", "tick 3: scenarios/x/lib/a.lua:3: in 'scenarios/x/story.lua:9'", "tick 3: lib/a.lua:3: in 'story.lua:9'"},
		{"/tmp/s", "/tmp/s/story.lua:1: boom\nstack:\n\t/tmp/s/story.lua:2: in main", "story.lua:1: boom\nstack:\n\tstory.lua:2: in main"},
		{"a", "data/a/story.lua:1: x", "data/a/story.lua:1: x"}, // not a file name of the scenario
		{"a", "a/story.lua:1: scripts/playbooks/botnet.lua:5: x", "story.lua:1: scripts/playbooks/botnet.lua:5: x"},
		{".", "story.lua:1: x", "story.lua:1: x"},
		{"s", "  s/story.lua:1: x\n", "story.lua:1: x"},
	} {
		if got := FailureText(tc.dir, errors.New(tc.msg)); got != tc.want {
			t.Errorf("FailureText(%q, %q) = %q, want %q", tc.dir, tc.msg, got, tc.want)
		}
	}
}
