package engine

import (
	"strings"
	"testing"
)

// An accepted command says when it starts, and it starts then: the
// estimate replays the staff queue exactly for commands accepted in order
// (later ones queue behind, first in first out).
func TestAcceptedSaysWhenItStarts(t *testing.T) {
	b := newBuilder()
	a := b.jur("A")
	isp := b.org("isp", OrgISP, a, 3)
	b.hosts("net", isp, a, isp, 10, 0)
	w := b.build(t, 1)
	verbs := []string{"scan", "restore", "remediate", "query", "update", "contain", "allow"}
	cmds := map[int32][]Command{}
	rng := uint64(7)
	for tick := int32(1); tick <= 15; tick++ {
		for k := 0; k < 3; k++ {
			rng = rng*6364136223846793005 + 1442695040888963407
			if rng>>61 > 3 {
				continue
			}
			v := verbs[(rng>>32)%uint64(len(verbs))]
			cmds[tick] = append(cmds[tick], Command{Org: "isp", Verb: v, Target: "net"})
		}
	}
	ev := run(t, w, 1500, cmds)
	expect := map[int64]int32{} // command → tick it should start
	acceptedAt := map[int64]int32{}
	started := map[int64]int32{}
	queued := 0
	for _, e := range ev {
		switch e.Kind {
		case EvCommandAccepted:
			if e.Value < 0 {
				t.Fatalf("no estimate for a short queue: %s", e.Text)
			}
			expect[e.Command] = e.Tick + int32(e.Value)
			acceptedAt[e.Command] = e.Tick
			if strings.Contains(e.Text, "queued behind") {
				queued++
			}
			if e.Value == 0 && !strings.Contains(e.Text, "starts now") {
				t.Errorf("%s", e.Text)
			}
		case EvCommandStarted:
			started[e.Command] = e.Tick
		}
	}
	if queued < 5 {
		t.Fatalf("only %d commands queued: the test does not test the queue", queued)
	}
	for id, want := range expect {
		got, ok := started[id]
		if !ok {
			if want > w.Tick {
				t.Fatalf("command %d should start at tick %d, after the run: run longer", id, want)
			}
			got = acceptedAt[id] // command.started is only for those that waited
		}
		if got != want {
			t.Errorf("command %d started at tick %d, its acceptance said %d", id, got, want)
		}
	}
}
