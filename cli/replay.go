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
state hash) when all match, exit 0; or "hash differs at tick T: journal X,
replay Y" at the first checkpoint that does not, exit 1.

The scenario is the folder recorded in the journal's header (relative to the
current folder, or else to the journal's folder) unless --scenario names
another. The journal's --set overrides are applied again. A journal of another
scenario version (its digest) or another engine version is refused, exit 2.`,
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
	j, err := journal.ReadFile(path)
	if err != nil {
		var je *journal.Error
		if errors.As(err, &je) {
			return inputError(err)
		}
		return inputErrorf("journal: %w", err)
	}
	for _, w := range j.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if dir == "" {
		dir = j.Header.ScenarioDir
		if dir == "" {
			return inputErrorf("%s does not say where its scenario is: give it with --scenario DIR", path)
		}
		if !strings.HasPrefix(dir, embeddedPrefix) {
			dir = filepath.FromSlash(dir)
			if _, err := os.Stat(dir); err != nil && !filepath.IsAbs(dir) {
				beside := filepath.Join(filepath.Dir(path), dir)
				if _, err := os.Stat(beside); err == nil {
					dir = beside
				}
			}
			if _, err := os.Stat(dir); err != nil {
				return inputErrorf("the scenario of %s, %s, was not found: give it with --scenario DIR", path, j.Header.ScenarioDir)
			}
		}
	}
	l, err := loadForRun(dir, j.Header.Set)
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
		fmt.Fprintf(e.stdout, "hash differs at tick %d: journal %s, replay %s\n", m.Tick, m.Journal, m.Replay)
		if m.LastMatch >= 0 {
			fmt.Fprintf(e.stderr, "the states diverged after tick %d, the last checkpoint that matched\n", m.LastMatch)
		} else {
			fmt.Fprintf(e.stderr, "no checkpoint matched: the initial state already differs\n")
		}
		return exitQuietly(ExitFailure)
	}
	if !rr.Complete {
		fmt.Fprintf(e.stderr, "note: the journal has no end record (the run stopped at tick %d); replayed and checked up to there\n", rr.Ticks)
	}
	fmt.Fprintf(e.stdout, "ok %s\n", rr.FinalHash)
	return nil
}
