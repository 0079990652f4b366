package server

import (
	"syscall"
	"testing"
	"time"

	"cyberex/wire"
)

// BenchmarkJoinCrossborder is how long a join holds the exercise's loop
// (room.join: the code's check, welcome, the audience's view built if
// nobody of its organisation is connected, encoded once per tick, queued)
// on botnet-crossborder at tick 1,900 of 2,016. Three cases per audience:
//
//   - cold: nobody of the organisation is connected: its view is built and
//     encoded (the world's lookups are built before the timing);
//   - next tick: someone of it is connected (its view is kept by the
//     deltas) and a tick passed since the last join: encoded again;
//   - same tick: someone joined it this tick: the encoded bytes are reused.
//
// ms/join is the wall time of the join in the loop; cpu-ms/join the
// process's CPU time meanwhile (GC included); docs/architecture.md
// gives the figures:
//
//	go test -run '^$' -bench JoinCrossborder -benchtime 10x ./server/
func BenchmarkJoinCrossborder(b *testing.B) {
	const at = 1900
	ts := newTestServer(b, "")
	created, err := ts.Exercise(NewExercise{Scenario: "../scenarios/botnet-crossborder", Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	id := created.Exercise.ID
	roomOf := func(f func(r *room)) {
		r, ok := ts.room(id)
		if !ok || !r.call(func() { f(r) }) {
			b.Fatal("the room stopped")
		}
	}
	roomOf(func(r *room) {
		for r.sess.Tick() < at && r.state != wire.StateFailed {
			r.step()
		}
		for _, org := range r.info.orgs { // the world's lookups, built once per world
			r.newView(org)
		}
		r.newView("")
	})
	for _, jc := range created.Codes {
		if jc.Role == wire.RoleObserver || jc.Org != "" && jc.Org != "isp-a" && jc.Org != "mobile-a" && jc.Org != "csirt-a" {
			continue
		}
		name := jc.Org
		if name == "" {
			name = jc.Role
		}
		newClient := func() *client {
			return &client{srv: ts.Server, send: make(chan []byte, sendQueueLen), done: make(chan struct{}),
				log: ts.log, role: jc.Role, org: jc.Org, code: jc.ID, person: "bench"}
		}
		// run times the join of a new client in the loop, b.N times;
		// before runs first in the loop, untimed, and after once it is
		// done.
		run := func(b *testing.B, before func(r *room), after func(c *client)) {
			var bytes int
			var wall time.Duration
			cpu := int64(0)
			for i := 0; i < b.N; i++ {
				c := newClient()
				var w time.Duration
				var cp int64
				roomOf(func(r *room) {
					before(r)
					cpu0, start := cpuNanos(), time.Now()
					if err := r.join(c, &wire.Hello{Protocol: wire.Protocol, Code: jc.Code}); err != nil {
						b.Fatal(err)
					}
					w, cp = time.Since(start), cpuNanos()-cpu0
				})
				wall += w
				cpu += cp
				bytes = 0
				for n := len(c.send); n > 0; n-- {
					bytes += len(<-c.send)
				}
				after(c)
			}
			b.ReportMetric(float64(wall.Nanoseconds())/1e6/float64(b.N), "ms/join")
			b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/join")
			b.ReportMetric(float64(bytes), "bytes/join")
		}
		leave := func(c *client) { roomOf(func(r *room) { r.drop(c, nil) }) }
		b.Run(name+"/cold", func(b *testing.B) {
			run(b, func(*room) {}, leave)
		})
		b.Run(name+"/next-tick", func(b *testing.B) {
			stay := newClient()
			roomOf(func(r *room) {
				if err := r.join(stay, &wire.Hello{Protocol: wire.Protocol, Code: jc.Code}); err != nil {
					b.Fatal(err)
				}
			})
			run(b, func(r *room) {
				r.step()
				for n := len(stay.send); n > 0; n-- {
					<-stay.send
				}
			}, leave)
			leave(stay)
		})
		b.Run(name+"/same-tick", func(b *testing.B) {
			stay := newClient()
			roomOf(func(r *room) {
				if err := r.join(stay, &wire.Hello{Protocol: wire.Protocol, Code: jc.Code}); err != nil {
					b.Fatal(err)
				}
			})
			run(b, func(*room) {}, leave)
			leave(stay)
		})
	}
}

// cpuNanos is the process's CPU time (user + system): on a shared machine
// the wall time says as much about the neighbours as about the code.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
