//go:build unix

package tests

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"cyberex/journal"
	"cyberex/wire"
)

// serveProc is a running `cyberex serve`.
type serveProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	links  map[string]string // role or org → code
	addr   string
}

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe starts the server (with extra flags, if any) and waits
// until it serves.
func startServe(t *testing.T, bin, data, addr string, extra ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", data}, extra...)...)
	cmd.Dir = t.TempDir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, stderr: &syncBuffer{}, links: map[string]string{}, addr: addr}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	link := regexp.MustCompile(`^\s+(\S+)(?: (\S+))?\s+http://\S+/\?code=(\S+)$`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if m := link.FindStringSubmatch(line); m != nil {
			k := m[1]
			if m[2] != "" {
				k = m[2]
			}
			p.links[k] = m[3]
		}
		if strings.HasPrefix(line, "serving on ") {
			go func() {
				for sc.Scan() {
				}
			}()
			return p
		}
	}
	t.Fatalf("the server stopped before serving:\n%s", p.stderr.String())
	return nil
}

// wsClient is a minimal protocol client.
type wsClient struct {
	conn    *websocket.Conn
	mu      sync.Mutex
	tick    int32
	acks    []int64
	welcome *wire.Welcome
	got     chan struct{}
}

func join(t *testing.T, addr, code string) *wsClient {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+wire.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &wsClient{conn: conn, got: make(chan struct{}, 1)}
	c.send(t, &wire.Hello{Protocol: wire.Protocol, Code: code})
	go func() {
		for {
			_, b, err := conn.ReadMessage()
			if err != nil {
				return
			}
			m, err := wire.DecodeServer(b)
			if err != nil {
				continue
			}
			c.mu.Lock()
			switch m := m.(type) {
			case *wire.Welcome:
				c.welcome = m
			case *wire.View:
				c.tick = m.View.Tick
			case *wire.Delta:
				c.tick = m.Tick
			case *wire.Ack:
				c.acks = append(c.acks, m.ID)
			}
			c.mu.Unlock()
			select {
			case c.got <- struct{}{}:
			default:
			}
		}
	}()
	return c
}

func (c *wsClient) send(t *testing.T, m wire.Message) {
	b, err := wire.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	c.conn.WriteMessage(websocket.TextMessage, b)
}

func (c *wsClient) wait(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c.mu.Lock()
		done := ok()
		c.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		select {
		case <-c.got:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var resumed = regexp.MustCompile(`msg="exercise resumed, paused" exercise=ex-1 tick=(\d+) hash=([0-9a-f]{64})`)

// SIGKILL the server at random moments while teams send commands and the
// clock runs; start it again on the same data folder each time: the
// exercise resumes paused at the tick it had reached, with the state hash
// the journal recorded for that tick, and every acknowledged command is in
// the journal. SIGTERM at the end stops it cleanly.
func TestServeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and kills it many times")
	}
	_, bin := build(t)
	data := t.TempDir()
	addr := freeAddr(t)
	p := startServe(t, bin, data, addr)
	codes := p.links
	if codes["controller"] == "" || codes["csirt-a"] == "" {
		t.Fatalf("links %v", codes)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var acked []int64
	path := filepath.Join(data, "exercises", "ex-1", "journal.jsonl")
	for round := 0; round < 8; round++ {
		ctl := join(t, addr, codes["controller"])
		team := join(t, addr, codes["csirt-a"])
		ctl.wait(t, func() bool { return ctl.welcome != nil })
		if round > 0 {
			if st := ctl.welcome.Status; st.State != wire.StatePaused {
				t.Fatalf("round %d: resumed %s, want paused", round, st.State)
			}
		}
		ctl.send(t, &wire.Control{Ref: 1, Action: wire.ControlPace, MillisPerTick: 5})
		if round == 0 {
			ctl.send(t, &wire.Control{Ref: 2, Action: wire.ControlStart})
		} else {
			ctl.send(t, &wire.Control{Ref: 2, Action: wire.ControlResume})
		}
		// Commands flow while the clock runs; kill at a random moment.
		stop := time.Now().Add(time.Duration(100+rng.IntN(700)) * time.Millisecond)
		for i := 0; time.Now().Before(stop); i++ {
			team.send(t, &wire.Command{Ref: int64(i + 1), Verb: "query", Target: "web-1"})
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		}
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
		team.mu.Lock()
		acked = append(acked, team.acks...)
		team.mu.Unlock()
		ctl.mu.Lock()
		seen := ctl.tick
		ctl.mu.Unlock()
		team.mu.Lock()
		seen = max(seen, team.tick)
		team.mu.Unlock()
		ctl.conn.Close()
		team.conn.Close()

		p = startServe(t, bin, data, addr)
		// The log line reaches the buffer through exec's copying goroutine:
		// wait for it (a busy machine delays it past "serving on").
		var m []string
		for wait := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
			m = resumed.FindStringSubmatch(p.stderr.String())
		}
		if m == nil {
			t.Fatalf("round %d: no resumed exercise:\n%s", round, p.stderr.String())
		}
		tick, _ := strconv.Atoi(m[1])
		if int32(tick) < seen {
			t.Fatalf("round %d: resumed at tick %d, clients had seen tick %d", round, tick, seen)
		}
		j := readJournalFile(t, path)
		last := j.Hashes[len(j.Hashes)-1]
		if last.Tick != int32(tick) || last.Hash != m[2] {
			t.Fatalf("round %d: resumed at tick %d hash %s; the journal's last hash is tick %d %s", round, tick, m[2], last.Tick, last.Hash)
		}
		ids := map[int64]bool{}
		for _, c := range j.Commands {
			ids[c.ID] = true
		}
		for _, id := range acked {
			if !ids[id] {
				t.Fatalf("round %d: acknowledged command %d is not in the journal", round, id)
			}
		}
	}
	if len(acked) < 20 {
		t.Errorf("only %d commands acknowledged over all rounds", len(acked))
	}
	// SIGTERM: a clean stop, clients told to come back.
	ctl := join(t, addr, codes["controller"])
	ctl.wait(t, func() bool { return ctl.welcome != nil })
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("SIGTERM: %v\n%s", err, p.stderr.String())
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

func readJournalFile(t *testing.T, path string) *journal.Journal {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	j, err := journal.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
