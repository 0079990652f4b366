// Package loadtest measures the exercise server under load: it starts a
// server in the process on a loopback port and connects simulated players
// over real websockets, which send commands and read their deltas. It
// reports how long deltas take from a tick's end to a player, how many
// commands a second are acknowledged (each synced to its exercise's
// journal first), and what an idle connection costs. `cyberex loadtest`
// runs it; docs/performance.md has the figures.
package loadtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"cyberex/server"
	"cyberex/wire"
)

// Options say what load to make.
type Options struct {
	// Scenario is what each exercise runs (a folder or embedded:NAME).
	Scenario string
	// Exercises run at once; Players join each, spread over its teams.
	Exercises, Players int
	// MillisPerTick is the pace of every exercise.
	MillisPerTick int64
	// Duration is how long the clocks run.
	Duration time.Duration
	// CommandsPerSecond is what each player sends (0: none).
	CommandsPerSecond float64
	// Idle connections are opened (and joined) after the run, to measure
	// what an idle connection costs; 0 skips it.
	Idle int
	// DataDir holds the server's data (a temporary folder if "").
	DataDir string
	// Load loads scenarios.
	Load server.Loader
	// Decode makes every player decode every message in full, as the
	// real client does; otherwise they read what they measure from each
	// message's head (see player.read).
	Decode bool
}

// joinsAtOnce bounds the players joining at the same time.
const joinsAtOnce = 64

// Result is what was measured.
type Result struct {
	Options
	Ticks          int64         // ticks made, over all exercises
	Deltas         int64         // deltas received, over all players
	DeltaBytes     int64         // their size, encoded
	LatencyP50     time.Duration // tick end → a player's receipt of its delta
	LatencyP99     time.Duration
	LatencyMax     time.Duration
	Acked          int64 // commands acknowledged
	AckedPerSecond float64
	AckP50, AckP99 time.Duration // send → ack
	Refused        map[string]int64
	Dropped        int64 // players the server dropped (slow)
	IdleBytes      int64 // heap and stacks per idle connection, server and client sides together
	Wall           time.Duration
	CPU            time.Duration // the process's user + system time during the run
	// JoinWall and JoinCPU are what joining every player took (welcome
	// and view each), before the clocks ran.
	JoinWall, JoinCPU time.Duration
	// Cores the process may use (GOMAXPROCS), and the machine's load
	// average (1 minute) before and after the run, -1 when unknown: on a
	// shared machine they say whether the wall-time figures are the
	// server's or its neighbours'.
	Cores                 int
	LoadBefore, LoadAfter float64
}

type tickKey struct {
	ex   string
	tick int32
}

type receipt struct {
	key tickKey
	at  time.Time
}

// player is one simulated participant.
type player struct {
	conn     *websocket.Conn
	ex       string
	mu       sync.Mutex
	receipts []receipt
	bytes    int64 // of the deltas received
	sent     map[int64]time.Time
	ackLat   []time.Duration
	refused  map[string]int64
	welcomed chan struct{}
	closed   atomic.Bool
	decode   bool // every message in full, as the real client does
}

// Run makes the load and measures it.
func Run(opt Options) (*Result, error) {
	if opt.Exercises < 1 || opt.Players < 1 || opt.MillisPerTick < 1 || opt.Duration <= 0 {
		return nil, errors.New("loadtest: exercises, players, pace and duration must be positive")
	}
	dir := opt.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "cyberex-loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	var endsMu sync.Mutex
	ends := map[tickKey]time.Time{}
	srv, err := server.New(server.Options{DataDir: dir, Load: opt.Load, Version: "loadtest",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnTick: func(ex string, tick int32, at time.Time) {
			endsMu.Lock()
			ends[tickKey{ex, tick}] = at
			endsMu.Unlock()
		}})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	addr, stop, err := serveLoopback(srv.Handler())
	if err != nil {
		return nil, err
	}
	defer stop()
	url := "ws://" + addr + wire.Path

	var ctls []*player
	type seat struct{ ex, code string }
	var seats []seat
	for e := 0; e < opt.Exercises; e++ {
		created, err := srv.Exercise(server.NewExercise{Title: fmt.Sprintf("load %d", e+1), Scenario: opt.Scenario, Seed: uint64(e + 1)})
		if err != nil {
			return nil, err
		}
		var teams []string
		ctlCode := ""
		for _, c := range created.Codes {
			switch c.Role {
			case wire.RoleTeam:
				teams = append(teams, c.Code)
			case wire.RoleController:
				ctlCode = c.Code
			}
		}
		ctl, err := connect(url, created.Exercise.ID, ctlCode, opt.Decode)
		if err != nil {
			return nil, err
		}
		ctls = append(ctls, ctl)
		for i := 0; i < opt.Players; i++ {
			seats = append(seats, seat{created.Exercise.ID, teams[i%len(teams)]})
		}
	}
	// The players join together, joinsAtOnce at a time, as a room of
	// people arriving does.
	players := make([]*player, len(seats))
	errs := make([]error, len(seats))
	joinCPU, joinStart := cpuTime(), time.Now()
	var jwg sync.WaitGroup
	gate := make(chan struct{}, joinsAtOnce)
	for i, s := range seats {
		jwg.Add(1)
		gate <- struct{}{}
		go func() {
			defer func() { <-gate; jwg.Done() }()
			players[i], errs[i] = connect(url, s.ex, s.code, opt.Decode)
		}()
	}
	jwg.Wait()
	joinWall, joinCPU := time.Since(joinStart), cpuTime()-joinCPU
	for i, err := range errs {
		if err != nil {
			for _, p := range players {
				if p != nil {
					p.conn.Close()
				}
			}
			return nil, fmt.Errorf("player %d of %s: %w", i%opt.Players+1, seats[i].ex, err)
		}
	}
	loadBefore := loadAverage()
	cpu0 := cpuTime()
	start := time.Now()
	for _, c := range ctls {
		c.send(&wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: opt.MillisPerTick})
		c.send(&wire.Control{Ref: 2, Action: wire.ControlStart})
	}
	// Players send commands at their rate until the end.
	done := make(chan struct{})
	var wg sync.WaitGroup
	if opt.CommandsPerSecond > 0 {
		for i, p := range players {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.play(done, opt.CommandsPerSecond, uint64(i))
			}()
		}
	}
	time.Sleep(opt.Duration)
	close(done)
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	for _, c := range ctls {
		c.send(&wire.Control{Ref: 3, Action: wire.ControlPause})
	}
	time.Sleep(200 * time.Millisecond) // the last acks and deltas arrive

	res := &Result{Options: opt, Wall: wall, CPU: cpu, Refused: map[string]int64{}, JoinWall: joinWall, JoinCPU: joinCPU,
		Cores: runtime.GOMAXPROCS(0), LoadBefore: loadBefore, LoadAfter: loadAverage()}
	var lat, ack []time.Duration
	endsMu.Lock()
	res.Ticks = int64(len(ends))
	for _, p := range players {
		p.mu.Lock()
		for _, r := range p.receipts {
			if at, ok := ends[r.key]; ok {
				lat = append(lat, r.at.Sub(at))
			}
		}
		res.Deltas += int64(len(p.receipts))
		res.DeltaBytes += p.bytes
		ack = append(ack, p.ackLat...)
		for k, v := range p.refused {
			res.Refused[k] += v
		}
		p.mu.Unlock()
		if p.closed.Load() {
			res.Dropped++
		}
	}
	endsMu.Unlock()
	res.LatencyP50, res.LatencyP99, res.LatencyMax = quantile(lat, 0.5), quantile(lat, 0.99), quantile(lat, 1)
	res.Acked = int64(len(ack))
	res.AckedPerSecond = float64(len(ack)) / wall.Seconds()
	res.AckP50, res.AckP99 = quantile(ack, 0.5), quantile(ack, 0.99)
	for _, p := range append(players, ctls...) {
		p.conn.Close()
	}
	if opt.Idle > 0 {
		code, err := srv.NewCode("ex-1", server.NewCode{Role: wire.RoleObserver})
		if err != nil {
			return nil, err
		}
		// Stop the clock so that idle means idle.
		if _, err := srv.Act("ex-1", "pause"); err != nil {
			return nil, err
		}
		res.IdleBytes, err = idleCost(url, code.Code, opt.Idle)
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func connect(url, ex, code string, decode bool) (*player, error) {
	d := websocket.Dialer{ReadBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	conn, _, err := d.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	p := &player{conn: conn, ex: ex, sent: map[int64]time.Time{}, refused: map[string]int64{}, welcomed: make(chan struct{}), decode: decode}
	b, _ := wire.Encode(&wire.Hello{Protocol: wire.Protocol, Code: code, Client: "loadtest"})
	if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
		return nil, err
	}
	go p.read()
	select {
	case <-p.welcomed:
	case <-time.After(30 * time.Second):
		return nil, errors.New("no welcome in 30 s")
	}
	return p, nil
}

func (p *player) send(m wire.Message) {
	b, _ := wire.Encode(m)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conn.WriteMessage(websocket.TextMessage, b)
}

// read reads every message. A player that decodes (Options.Decode)
// decodes each in full, as the real client does; otherwise it reads what
// it measures from the message's head (type, tick, ref) and decodes in
// full only what it cannot read so (errors, anything unexpected): the
// players share the server's cores, and a delta decoded 500 times a tick
// on them is the load generator's cost, not the server's.
func (p *player) read() {
	defer p.closed.Store(true)
	first := true
	for {
		_, r, err := p.conn.NextReader()
		if err != nil {
			return
		}
		// Buffers are shared: an idle player holds none (the idle
		// connection's cost is measured with players on the other side).
		buf := readBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		_, err = buf.ReadFrom(r)
		b := buf.Bytes()
		if err != nil {
			readBuffers.Put(buf)
			return
		}
		now := time.Now()
		typ, num, ok := "", int64(0), false
		if !p.decode {
			typ, num, ok = peek(b)
		}
		var m wire.Message
		if !ok {
			m, err = wire.DecodeServer(b)
		}
		size := len(b)
		readBuffers.Put(buf)
		if !ok {
			if err != nil {
				continue
			}
			typ = m.Type()
			switch m := m.(type) {
			case *wire.Delta:
				num = int64(m.Tick)
			case *wire.Ack:
				num = m.Ref
			}
		}
		p.mu.Lock()
		switch typ {
		case wire.TypeView:
			if first {
				close(p.welcomed)
				first = false
			}
		case wire.TypeDelta:
			p.receipts = append(p.receipts, receipt{tickKey{p.ex, int32(num)}, now})
			p.bytes += int64(size)
		case wire.TypeAck:
			if t, ok := p.sent[num]; ok {
				p.ackLat = append(p.ackLat, now.Sub(t))
				delete(p.sent, num)
			}
		case wire.TypeError:
			if m, ok := m.(*wire.Error); ok {
				p.refused[m.Code]++
				delete(p.sent, m.Ref)
			}
		}
		p.mu.Unlock()
	}
}

var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// peek reads a message's type, and the tick of a delta or the ref of an
// ack, from its head as wire.Encode writes it ({"type":"delta","data":
// {"org":..,"from":..,"tick":N...}). ok is false for an error, or a
// message it cannot read so: the caller decodes it in full.
func peek(b []byte) (typ string, num int64, ok bool) {
	const head = `{"type":"`
	if !bytes.HasPrefix(b, []byte(head)) {
		return "", 0, false
	}
	rest := b[len(head):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return "", 0, false
	}
	typ, rest = string(rest[:end]), rest[end:]
	key := ""
	switch typ {
	case wire.TypeDelta:
		key = `"tick":` // after org and from
	case wire.TypeAck:
		key = `"ref":` // its first field
	case wire.TypeError:
		return "", 0, false
	default:
		return typ, 0, true
	}
	i := bytes.Index(rest, []byte(key))
	if i < 0 {
		return "", 0, false
	}
	rest = rest[i+len(key):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil {
		return "", 0, false
	}
	return typ, n, true
}

// play sends a command at random intervals averaging the rate.
func (p *player) play(done <-chan struct{}, perSecond float64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	ref := int64(0)
	for {
		wait := time.Duration(rng.ExpFloat64() / perSecond * float64(time.Second))
		select {
		case <-done:
			return
		case <-time.After(wait):
		}
		ref++
		b, _ := wire.Encode(&wire.Command{Ref: ref, Verb: "query", Target: "req-1"})
		p.mu.Lock()
		p.sent[ref] = time.Now()
		err := p.conn.WriteMessage(websocket.TextMessage, b)
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// idleCost joins n idle observers and returns the growth of heap and
// stacks per connection (both sides of the loopback are in this process,
// so it is an upper bound of the server's cost).
func idleCost(url, code string, n int) (int64, error) {
	measure := func() int64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapInuse + ms.StackInuse)
	}
	before := measure()
	conns := make([]*player, 0, n)
	for i := 0; i < n; i++ {
		p, err := connect(url, "ex-1", code, false)
		if err != nil {
			return 0, fmt.Errorf("idle connection %d: %w", i+1, err)
		}
		conns = append(conns, p)
	}
	time.Sleep(500 * time.Millisecond)
	after := measure()
	for _, p := range conns {
		p.conn.Close()
	}
	return (after - before) / int64(n), nil
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q * float64(len(d)-1))
	return d[i]
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's load average over the last minute, -1 when
// the system does not say (it is read from /proc/loadavg).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var l float64
	if _, err := fmt.Sscan(string(b), &l); err != nil {
		return -1
	}
	return l
}

// TicksDue is how many ticks the clocks should have made in the run.
func (r *Result) TicksDue() int64 {
	return int64(r.Exercises) * int64(r.Wall/time.Millisecond) / r.MillisPerTick
}

// Print writes the result for people.
func (r *Result) Print(w io.Writer) {
	reads := "read the head of each message (type, tick, ref); --decode: in full"
	if r.Decode {
		reads = "decode every message in full, as the client does"
	}
	fmt.Fprintf(w, "%d exercise(s) of %s, %d players each, %d ms per tick, %s; players %s\n",
		r.Exercises, r.Scenario, r.Players, r.MillisPerTick, r.Duration, reads)
	n := r.Exercises * r.Players
	fmt.Fprintf(w, "joined %d players (%d at a time, welcome and view each): wall %.2fs, CPU %.2fs (%.2f ms a player)\n",
		n, joinsAtOnce, r.JoinWall.Seconds(), r.JoinCPU.Seconds(), r.JoinCPU.Seconds()*1e3/float64(n))
	r.printCPU(w)
	avg := int64(0)
	if r.Deltas > 0 {
		avg = r.DeltaBytes / r.Deltas
	}
	fmt.Fprintf(w, "ticks %d of %d due, deltas received %d (%d bytes on average)\n", r.Ticks, r.TicksDue(), r.Deltas, avg)
	if due := r.TicksDue(); r.Ticks*100 < due*95 {
		fmt.Fprintf(w, "the clocks fell behind (%d%% of the ticks due): the latencies below are those of a starved process, not the server's\n", r.Ticks*100/due)
	}
	fmt.Fprintf(w, "tick end → player: p50 %s, p99 %s, max %s\n", r.LatencyP50.Round(time.Microsecond), r.LatencyP99.Round(time.Microsecond), r.LatencyMax.Round(time.Microsecond))
	fmt.Fprintf(w, "commands acknowledged (journaled and synced): %d, %.0f/s; send → ack p50 %s, p99 %s\n",
		r.Acked, r.AckedPerSecond, r.AckP50.Round(time.Microsecond), r.AckP99.Round(time.Microsecond))
	if len(r.Refused) > 0 {
		fmt.Fprintf(w, "refused: %v\n", r.Refused)
	}
	fmt.Fprintf(w, "players dropped: %d\n", r.Dropped)
	if r.Idle > 0 {
		fmt.Fprintf(w, "idle connection: %d bytes (%d connections; server and client sides together)\n", r.IdleBytes, r.Idle)
	}
}

// serveLoopback serves h on a free loopback port.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	return ln.Addr().String(), func() { hs.Close() }, nil
}

// printCPU puts the CPU time beside the wall time, per unit of work, with
// what the machine was doing: a wall-time figure is the server's only
// when the process got the cores it wanted.
func (r *Result) printCPU(w io.Writer) {
	share := 0.0
	if r.Wall > 0 {
		share = r.CPU.Seconds() / r.Wall.Seconds()
	}
	fmt.Fprintf(w, "wall %.1fs, CPU %.1fs (user+system, server and players: %.2f of the %d cores this process may use)\n",
		r.Wall.Seconds(), r.CPU.Seconds(), share, r.Cores)
	var per []string
	if r.Ticks > 0 {
		per = append(per, fmt.Sprintf("%.2f ms a tick made", r.CPU.Seconds()*1e3/float64(r.Ticks)))
	}
	if r.Deltas > 0 {
		per = append(per, fmt.Sprintf("%.1f µs a delta received", r.CPU.Seconds()*1e6/float64(r.Deltas)))
	}
	if r.Acked > 0 {
		per = append(per, fmt.Sprintf("%.1f µs a command acknowledged", r.CPU.Seconds()*1e6/float64(r.Acked)))
	}
	if len(per) > 0 {
		fmt.Fprintf(w, "CPU per unit of work (all of it charged to each): %s\n", strings.Join(per, "; "))
	}
	if r.LoadBefore >= 0 {
		fmt.Fprintf(w, "load average (1 min) before %.2f, after %.2f", r.LoadBefore, r.LoadAfter)
		if max(r.LoadBefore, r.LoadAfter-share) > 0.5 {
			fmt.Fprintf(w, ": other processes used this machine, judge by the CPU figures")
		}
		fmt.Fprintln(w)
	}
}
