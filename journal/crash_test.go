package journal

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"cyberex/engine"
)

// crashChildEnv makes the test binary the child of TestCrashBetweenBatches:
// it writes a journal at the path in this variable, one batch per tick,
// and says on stdout which tick it acknowledged, until it is killed.
const crashChildEnv = "CYBEREX_JOURNAL_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

func crashChild(path string) {
	w, err := Create(path, Header{Engine: "test", Scenario: "crash", Digest: "d", Seed: 1, HashEvery: 5})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	if err := w.AppendHash(0, strings.Repeat("a", 64)); err != nil {
		os.Exit(3)
	}
	for t := int32(1); t <= TicksMax; t++ {
		batch := []engine.Command{{Org: "csirt", Verb: "scan", Target: fmt.Sprintf("h-%d", t)}, {Org: "isp", Verb: "block", Args: map[string]string{"n": strconv.Itoa(int(t))}}}
		if err := w.AppendCommands(t, batch); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		// Acknowledged: AppendCommands returned, so the batch is on disk.
		fmt.Printf("ack %d\n", t)
		if t%5 == 0 {
			if err := w.AppendHash(t, strings.Repeat("b", 64)); err != nil {
				os.Exit(3)
			}
		}
	}
}

// TestCrashBetweenBatches kills a process that is writing a journal
// (SIGKILL: no deferred code, no buffered output flushed) once it has
// acknowledged some batches, then checks what the server relies on: every
// acknowledged batch is in the journal, the journal reads (at worst with a
// torn last line), and it continues with Append.
func TestCrashBetweenBatches(t *testing.T) {
	for round, killAfter := range []int32{1, 7, 40} {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("crash-%d.jsonl", round))
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := int32(0)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			n, ok := strings.CutPrefix(line, "ack ")
			if !ok {
				cmd.Process.Kill()
				t.Fatalf("child: %s", line)
			}
			v, _ := strconv.Atoi(n)
			acked = int32(v)
			if acked >= killAfter {
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if acked < killAfter {
			t.Fatalf("child stopped after acknowledging tick %d", acked)
		}
		j, err := ReadFile(path)
		if err != nil {
			t.Fatalf("after a crash at tick %d: %v", acked, err)
		}
		got := map[int32]int{}
		for _, c := range j.Commands {
			got[c.Tick]++
		}
		for tick := int32(1); tick <= acked; tick++ {
			if got[tick] != 2 {
				t.Errorf("acknowledged batch of tick %d: %d of 2 commands in the journal", tick, got[tick])
			}
		}
		if len(j.Hashes) == 0 || j.Hashes[0].Tick != 0 {
			t.Errorf("hash of tick 0 lost: %v", j.Hashes)
		}
		if err := j.CheckRun(0); err != nil {
			t.Errorf("journal after a crash refused: %v", err)
		}
		// Continue it after the last intact record.
		j2, w, err := Append(path)
		if err != nil {
			t.Fatalf("append after a crash: %v", err)
		}
		next := j2.LastTick() + 1
		if err := w.AppendCommands(next, []engine.Command{{Org: "csirt", Verb: "scan"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.End(next, strings.Repeat("c", 64)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		j3, err := ReadFile(path)
		if err != nil || len(j3.Warnings) != 0 || j3.End == nil || len(j3.Commands) != len(j2.Commands)+1 {
			t.Fatalf("continued journal: %v %+v", err, j3)
		}
	}
}

// countingFile counts the syncs of a journal's destination.
type countingFile struct {
	strings.Builder
	syncs int
}

func (f *countingFile) Sync() error { f.syncs++; return nil }

// TestSyncPerBatch checks the durability the docs promise: the header is
// synced when the writer starts, every command batch before
// AppendCommands returns, a hash only with the next synced write.
func TestSyncPerBatch(t *testing.T) {
	f := &countingFile{}
	w, err := NewWriter(f, Header{Engine: "e", Scenario: "s", Digest: "d", HashEvery: 2})
	if err != nil {
		t.Fatal(err)
	}
	if f.syncs != 1 {
		t.Fatalf("header: %d syncs", f.syncs)
	}
	w.AppendHash(0, strings.Repeat("a", 64))
	if f.syncs != 1 || strings.Count(f.String(), "\n") != 1 {
		t.Fatalf("a hash alone was synced (%d) or written", f.syncs)
	}
	for tick := int32(1); tick <= 4; tick++ {
		if err := w.AppendCommands(tick, []engine.Command{{Org: "a", Verb: "scan"}, {Org: "b", Verb: "scan"}}); err != nil {
			t.Fatal(err)
		}
		if f.syncs != int(tick)+1 {
			t.Fatalf("after the batch of tick %d: %d syncs, want %d", tick, f.syncs, tick+1)
		}
		if !strings.Contains(f.String(), fmt.Sprintf(`"tick":%d,"org":"b"`, tick)) {
			t.Fatalf("batch of tick %d not written when acknowledged", tick)
		}
	}
	if err := w.AppendCommands(5, nil); err != nil || f.syncs != 5 {
		t.Fatalf("an empty batch synced: %v %d", err, f.syncs)
	}
}

// TestCreateFileSyncsAndRefuses: CreateFile makes a new file only.
func TestCreateFileRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	f, err := CreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := CreateFile(path); !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("existing journal: %v", err)
	}
}
