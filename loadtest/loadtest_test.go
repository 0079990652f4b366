package loadtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"cyberex/engine"
	_ "cyberex/engine/script/host" // the Lua host, for stories
	"cyberex/scenario"
	"cyberex/scenarios"
	"cyberex/scripts"
	"cyberex/wire"
)

func load(source string, set []string) (*scenario.Scenario, string, error) {
	name := strings.TrimPrefix(source, "embedded:")
	sc, err := scenario.LoadFS(scenarios.FS, name, scenario.Options{Set: set, Library: scripts.FS, IgnoreTests: true})
	return sc, source, err
}

// A small load: every player gets deltas, commands are acknowledged, the
// figures are filled in. (The figures themselves are measured by
// `cyberex loadtest`, in docs/performance.md: no timed test here.)
func TestSmallLoad(t *testing.T) {
	for _, decode := range []bool{false, true} {
		t.Run(fmt.Sprintf("decode=%v", decode), func(t *testing.T) { smallLoad(t, decode) })
	}
}

func smallLoad(t *testing.T, decode bool) {
	res, err := Run(Options{Scenario: "embedded:tutorial", Exercises: 2, Players: 5, MillisPerTick: 20,
		Duration: time.Second, CommandsPerSecond: 5, Idle: 10, Load: load, Decode: decode})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ticks == 0 || res.Deltas == 0 || res.Acked == 0 || res.IdleBytes <= 0 || res.LatencyMax <= 0 {
		t.Errorf("%+v", res)
	}
	if res.Dropped != 0 {
		t.Errorf("%d players dropped", res.Dropped)
	}
	var b strings.Builder
	res.Print(&b)
	for _, want := range []string{"tick end → player: p50", "commands acknowledged", "idle connection:", "CPU per unit of work", "cores this process may use", "joined 10 players"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRefusesNonsense(t *testing.T) {
	if _, err := Run(Options{Exercises: 0, Players: 1, MillisPerTick: 1, Duration: time.Second, Load: load}); err == nil {
		t.Error("no exercises accepted")
	}
}

// peek reads from the head of a message what the full decoder reads, and
// hands the rest to it.
func TestPeek(t *testing.T) {
	cases := []struct {
		m    wire.Message
		typ  string
		num  int64
		full bool
	}{
		{&wire.Delta{ViewDelta: engine.ViewDelta{Org: `a"tick":9`, From: 41, Tick: 42, Events: []engine.Event{{Tick: 42, Text: `"tick":7`}}}}, wire.TypeDelta, 42, false},
		{&wire.Ack{Ref: 12345, ID: 7, Tick: 3}, wire.TypeAck, 12345, false},
		{&wire.Ack{ID: 7, Tick: 3}, wire.TypeAck, 0, false},
		{&wire.Error{Ref: 3, Code: wire.ErrRateLimited, Message: "slow down"}, "", 0, true},
		{&wire.Status{Tick: 4, State: wire.StateRunning}, wire.TypeStatus, 0, false},
	}
	for _, c := range cases {
		b, err := wire.Encode(c.m)
		if err != nil {
			t.Fatal(err)
		}
		typ, num, ok := peek(b)
		if ok == c.full || typ != c.typ || num != c.num {
			t.Errorf("%s: peek %q %d %v, want %q %d %v", b, typ, num, ok, c.typ, c.num, !c.full)
		}
	}
	for _, b := range []string{``, `{"type":"delta"`, `{"type":"delta","data":{"tick":x}}`, `[1]`} {
		if _, _, ok := peek([]byte(b)); ok {
			t.Errorf("%q read", b)
		}
	}
}

// The report says when the clocks fell behind: its latencies are then a
// starved process's.
func TestPrintSaysWhenStarved(t *testing.T) {
	for _, c := range []struct {
		ticks int64
		warn  bool
	}{{100, false}, {96, false}, {50, true}} {
		r := &Result{Options: Options{Exercises: 1, Players: 1, MillisPerTick: 100}, Wall: 10 * time.Second, CPU: time.Second, Cores: 2, Ticks: c.ticks, LoadBefore: -1}
		var b strings.Builder
		r.Print(&b)
		if got := strings.Contains(b.String(), "the clocks fell behind"); got != c.warn {
			t.Errorf("%d ticks of 100: warning %v\n%s", c.ticks, got, b.String())
		}
	}
}
