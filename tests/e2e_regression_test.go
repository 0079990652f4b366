package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cyberex/journal"
	"cyberex/wire"
)

// TestLiveExerciseBecomesARegressionTest plays a live exercise on
// `cyberex serve` with every controller act (pace, start, inject, pause, a
// move, a hand-over to people and back to the script, resume, end) and a
// team's command; `cyberex commands` of its journal then runs through
// `cyberex run --commands` to the exercise's own final state hash.
func TestLiveExerciseBecomesARegressionTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and plays a live exercise")
	}
	root, bin := build(t)
	data := t.TempDir()
	addr := freeAddr(t)
	p := startServe(t, bin, data, addr)
	ctl := join(t, addr, p.links["controller"])
	team := join(t, addr, p.links["ministry-a"])
	at := func(c *wsClient, tick int32) { c.wait(t, func() bool { return c.tick >= tick }) }
	// Controls are checked against the clock as it stands when they
	// arrive (a move only from a pause): wait for the acks of those sent.
	sent := func() int { ctl.mu.Lock(); defer ctl.mu.Unlock(); return len(ctl.acks) }
	acked := func(from, n int) { ctl.wait(t, func() bool { return len(ctl.acks) >= from+n }) }

	ctl.send(t, &wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 5})
	ctl.send(t, &wire.Control{Ref: 2, Action: wire.ControlStart})
	at(team, 130) // the website is defaced at 120
	team.send(t, &wire.Command{Ref: 1, Verb: "investigate", Target: "ministry-site"})
	team.wait(t, func() bool { return len(team.acks) >= 1 })
	n := sent()
	ctl.send(t, &wire.Control{Ref: 3, Action: wire.ControlInject, Inject: &wire.Inject{To: []string{"all"}, Subject: "A journalist calls", Body: "Is the ministry hacked?"}})
	ctl.send(t, &wire.Control{Ref: 4, Action: wire.ControlPause})
	acked(n, 2)
	n = sent()
	ctl.send(t, &wire.Control{Ref: 5, Action: wire.ControlAdvance, Ticks: 5})
	ctl.send(t, &wire.Control{Ref: 6, Action: wire.ControlPeople, Org: "police-a"})
	acked(n, 2)
	ctl.send(t, &wire.Control{Ref: 7, Action: wire.ControlResume})
	at(ctl, 200)
	ctl.send(t, &wire.Control{Ref: 8, Action: wire.ControlScript, Org: "police-a"})
	at(ctl, 260)
	ctl.send(t, &wire.Control{Ref: 9, Action: wire.ControlEnd})

	path := filepath.Join(data, "exercises", "ex-1", "journal.jsonl")
	var j *journal.Journal
	deadline := time.Now().Add(60 * time.Second)
	for {
		if jj, err := journal.ReadFile(path); err == nil && jj.End != nil {
			j = jj
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the exercise did not end")
		}
		time.Sleep(50 * time.Millisecond)
	}
	verbs := map[string]bool{}
	for _, c := range j.Commands {
		if c.Org == "control" {
			verbs[c.Verb] = true
		}
	}
	for _, v := range []string{"control.pace", "control.resume", "control.inject", "control.pause", "control.advance", "control.people", "control.script", "control.end"} {
		if !verbs[v] {
			t.Errorf("the journal has no %s: %v", v, verbs)
		}
	}

	dir := t.TempDir()
	played := filepath.Join(dir, "played.jsonl")
	code, _, errOut := cyberex(t, bin, dir, "commands", path, "-o", played)
	if code != 0 || !strings.Contains(errOut, "of them are the controller's") {
		t.Fatalf("commands: exit %d: %s", code, errOut)
	}
	code, out, errOut := cyberex(t, bin, dir, "run", filepath.Join(root, "scenarios", "tutorial"),
		"--seed", strconv.FormatUint(j.Header.Seed, 10), "--commands", played, "--json")
	if code != 0 {
		t.Fatalf("run --commands: exit %d: %s", code, errOut)
	}
	var res struct {
		Ticks     int32  `json:"ticks"`
		StateHash string `json:"state_hash"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.StateHash != j.End.Hash || res.Ticks != j.End.Tick {
		b, _ := os.ReadFile(played)
		t.Errorf("the commands of the live exercise end at tick %d with %s; the exercise ended at %d with %s\n%s", res.Ticks, res.StateHash, j.End.Tick, j.End.Hash, b)
	}
}
