package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/headless"
	"cyberex/journal"
)

func newReplayCmd(e *env) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "replay JOURNAL",
		Short: "Re-run a journal and check that every recorded hash is reproduced",
		Long: `Re-run the commands of a journal against its scenario and compare the state
hash at every checkpoint the journal recorded. Prints "ok HASH" (the final
state hash) and a line saying what was checked when all match, exit 0; or
"hash differs at tick T: journal X, replay Y" at the first checkpoint that
does not, exit 1.

The scenario is the folder recorded in the journal's header (relative to the
journal's folder, or for an older journal to the current folder) unless
--scenario names another. The journal's --set overrides are applied again. A
journal of another scenario version (its digest) or another engine version is
refused, exit 2; so is one a run could not have written (only a header, a
tick after the scenario's end, hashes off the hash_every cadence), naming its
line.

A journal of a run that failed (a scenario script's error) ends in a failed
record: the replay prints "ok: the run fails at tick T as recorded: ERROR"
when it fails at the same tick with the same error, and exit 1 with the
difference otherwise.`,
		Example: `  cyberex run scenarios/tutorial --journal run.jsonl
  cyberex replay run.jsonl
  cyberex replay run.jsonl --scenario ../old-checkout/scenarios/tutorial`,
		Args: rangeArgs(1, 1, "one JOURNAL file"),
		RunE: func(c *cobra.Command, args []string) error {
			return replayJournal(e, args[0], dir)
		},
	}
	c.Flags().StringVar(&dir, "scenario", "", "scenario `DIR` to replay against (default: the one in the journal's header)")
	return c
}

func replayJournal(e *env, path, dir string) error {
	j, l, err := loadJournal(e, path, dir)
	if err != nil {
		return err
	}
	p := &progress{e: e, start: e.now()}
	rr, err := headless.ReplayWith(l.s, j, headless.ReplayOptions{Progress: p.tick})
	p.done()
	if err != nil {
		return classify(err)
	}
	if m := rr.Mismatch; m != nil {
		printMismatch(e, m)
		return exitQuietly(ExitFailure)
	}
	if f := rr.Failed; f != nil {
		fmt.Fprintf(e.stdout, "ok: the run fails at tick %d as recorded: %s\n", f.Tick, safe(f.Error))
		fmt.Fprintln(e.stdout, checkedSummary(j, rr))
		return nil
	}
	if !rr.Complete {
		fmt.Fprintf(e.stderr, "note: the journal has no end record (the run stopped at tick %d); replayed and checked up to there\n", rr.Ticks)
	}
	fmt.Fprintf(e.stdout, "ok %s\n", rr.FinalHash)
	fmt.Fprintln(e.stdout, checkedSummary(j, rr))
	return nil
}

// loadJournal reads a journal (its warnings on stderr) and loads its
// scenario: from dir when given, else from where the header says, with
// the header's --set overrides.
func loadJournal(e *env, path, dir string) (*journal.Journal, *loaded, error) {
	j, err := journal.ReadFile(path)
	if err != nil {
		var je *journal.Error
		if errors.As(err, &je) {
			return nil, nil, inputError(err)
		}
		return nil, nil, inputErrorf("journal: %w", err)
	}
	for _, w := range j.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", safe(w))
	}
	if dir == "" {
		if dir, err = journalScenario(path, j.Header.ScenarioDir); err != nil {
			return nil, nil, err
		}
	}
	l, err := loadForRun(dir, j.Header.Set)
	if err != nil {
		return nil, nil, err
	}
	return j, l, nil
}

// checkedSummary says what a replay that matched checked: "ok" alone
// could hide a journal that recorded next to nothing.
func checkedSummary(j *journal.Journal, rr *headless.ReplayResult) string {
	var b strings.Builder
	n := len(j.Hashes)
	b.WriteString("checked: 1 state hash")
	if n != 1 {
		b.Reset()
		fmt.Fprintf(&b, "checked: %d state hashes", n)
	}
	if n > 0 {
		fmt.Fprintf(&b, " (tick %d to %d)", j.Hashes[0].Tick, j.Hashes[n-1].Tick)
	}
	switch {
	case rr.Complete:
		fmt.Fprintf(&b, ", the end hash at tick %d", j.End.Tick)
	case rr.Failed != nil:
		fmt.Fprintf(&b, ", the failure at tick %d", rr.Failed.Tick)
	default:
		b.WriteString(", no end (the run stopped)")
	}
	fmt.Fprintf(&b, "; %s replayed over %s", count(len(j.Commands), "command"), count(int(rr.Ticks), "tick"))
	return b.String()
}

// journalScenario finds the scenario a journal recorded: built into the
// program, or a folder (relative to the journal's folder, or, for a
// journal written before journals recorded it so, to the current folder).
func journalScenario(path, recorded string) (string, error) {
	if recorded == "" {
		return "", inputErrorf("%s does not say where its scenario is: give it with --scenario DIR", path)
	}
	if strings.HasPrefix(recorded, embeddedPrefix) {
		return recorded, nil
	}
	tried := journal.ScenarioDirCandidates(path, recorded)
	for _, d := range tried {
		if fi, err := os.Stat(filepath.Join(d, "scenario.yaml")); err == nil && !fi.IsDir() {
			return d, nil
		}
	}
	for i, d := range tried {
		tried[i] = safe(d)
	}
	return "", inputErrorf("the scenario of %s, %s, was not found (no scenario.yaml in %s): give its folder with --scenario DIR",
		safe(path), safe(recorded), strings.Join(tried, " or "))
}

// printMismatch says where the replay parted from the journal.
func printMismatch(e *env, m *headless.Mismatch) {
	switch m.Kind {
	case headless.MismatchEnd:
		fmt.Fprintf(e.stdout, "the end hash (after Finish) differs at tick %d: journal %s, replay %s\n", m.Tick, m.Journal, m.Replay)
		switch {
		case m.LastMatch == m.Tick:
			fmt.Fprintf(e.stderr, "the state after the last tick (%d) matched: Finish, which judges the objectives that wait for the end, made the difference\n", m.Tick)
		case m.LastMatch >= 0:
			fmt.Fprintf(e.stderr, "the last checkpoint that matched is tick %d: the states diverged after it, or in Finish (a smaller --hash-every tells which)\n", m.LastMatch)
		default:
			fmt.Fprintf(e.stderr, "no checkpoint matched\n")
		}
		return
	case headless.MismatchFailure:
		switch {
		case m.Journal != "" && m.Replay != "":
			fmt.Fprintf(e.stdout, "the run fails at tick %d as recorded, but with another error: journal: %s; replay: %s\n", m.Tick, safe(m.Journal), safe(m.Replay))
		case m.Journal != "":
			fmt.Fprintf(e.stdout, "the journal records a failure at tick %d, but the replay does not fail there: %s\n", m.Tick, safe(m.Journal))
		default:
			fmt.Fprintf(e.stdout, "the replay fails at tick %d, where the journal records no failure: %s\n", m.Tick, safe(m.Replay))
		}
		if m.LastMatch >= 0 {
			fmt.Fprintf(e.stderr, "the last checkpoint that matched is tick %d\n", m.LastMatch)
		}
		return
	case headless.MismatchStory:
		switch {
		case m.Journal != "" && m.Replay != "":
			fmt.Fprintf(e.stdout, "the story stops at tick %d as recorded, but with another error: journal: %s; replay: %s\n", m.Tick, safe(m.Journal), safe(m.Replay))
		case m.Journal != "":
			fmt.Fprintf(e.stdout, "the journal records that the story stopped at tick %d, but in the replay it goes on: %s\n", m.Tick, safe(m.Journal))
		default:
			fmt.Fprintf(e.stdout, "the story stops at tick %d in the replay, where the journal records no stop: %s\n", m.Tick, safe(m.Replay))
		}
	default:
		fmt.Fprintf(e.stdout, "hash differs at tick %d: journal %s, replay %s\n", m.Tick, m.Journal, m.Replay)
	}
	if m.LastMatch >= 0 {
		fmt.Fprintf(e.stderr, "the states diverged after tick %d, the last checkpoint that matched\n", m.LastMatch)
	} else {
		fmt.Fprintf(e.stderr, "no checkpoint matched: the initial state already differs\n")
	}
}
