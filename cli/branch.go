package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/debrief"
	"cyberex/engine"
	"cyberex/headless"
	"cyberex/journal"
)

func newBranchCmd(e *env) *cobra.Command {
	var (
		at            int32
		commands, out string
		dir           string
		keep, asJSON  bool
	)
	c := &cobra.Command{
		Use:   "branch JOURNAL --at TICK --commands FILE",
		Short: "Fork a what-if branch of a run: replay it to a tick, then go on with other commands",
		Long: `Replay the run of a journal through tick --at with its own commands, then
go on with the commands of --commands (all at later ticks) instead of the
journal's: "what if the police had asked for preservation at tick 300?".
With --keep the journal's later commands are kept and the file's are added.

The branch is the same scenario (with the journal's --set overrides) and seed;
up to the fork tick it is the same run, which the branch checks against the
journal's hashes. It prints the branch's outcome as cyberex run does, and with
-o writes its journal, which cyberex report --branch compares side by side
with the run (docs/report.md).`,
		Example: `  cyberex branch run.jsonl --at 300 --commands preserve.jsonl -o preserve.jsonl
  cyberex report run.jsonl --branch preserve.jsonl -o debrief.html`,
		Args: rangeArgs(1, 1, "one JOURNAL file"),
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("at") {
				return inputErrorf("--at TICK is required: the tick the branch forks after")
			}
			if commands == "" {
				return inputErrorf("--commands FILE is required: the branch's commands")
			}
			return branchRun(e, args[0], dir, at, commands, out, keep, asJSON)
		},
	}
	c.Flags().Int32Var(&at, "at", 0, "fork after `TICK`: the journal's commands up to it, the file's after it")
	c.Flags().StringVar(&commands, "commands", "", "the branch's commands `FILE` (commands-file format), all after --at")
	c.Flags().StringVarP(&out, "output", "o", "", "write the branch's journal to `FILE` (never overwritten)")
	c.Flags().BoolVar(&keep, "keep", false, "keep the journal's commands after --at too, adding the file's")
	c.Flags().StringVar(&dir, "scenario", "", "scenario `DIR` of the journal (default: the one in its header)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the outcome as one JSON object, as cyberex run --json")
	return c
}

func branchRun(e *env, path, dir string, at int32, commandsPath, out string, keep, asJSON bool) error {
	j, l, err := loadJournal(e, path, dir)
	if err != nil {
		return err
	}
	if at < 0 || at > j.LastTick() {
		return inputErrorf("--at %d: the journal %s goes from tick 0 to %d", at, safe(path), j.LastTick())
	}
	cs, err := journal.ReadCommandsFile(commandsPath)
	if err != nil {
		return inputError(err)
	}
	if err := cs.CheckWords(orgIDs(l.s)); err != nil {
		return inputError(err)
	}
	var early []string
	for i, c := range cs.List {
		if c.Tick <= at {
			early = append(early, fmt.Sprintf("%s:%d: tick %d: a branch's commands come after the fork tick %d", commandsPath, cs.Lines[i], c.Tick, at))
		}
	}
	if len(early) > 0 {
		return inputErrorf("%s", strings.Join(early, "\n"))
	}
	created := fmt.Sprintf("cyberex branch --at %d", at)
	if keep {
		created += " --keep"
	}
	opt := headless.RunOptions{CreatedBy: created}
	var jf *os.File
	if out != "" {
		if jf, err = createJournal(out, l, &opt); err != nil {
			return err
		}
		defer jf.Close()
	}
	var rec recorder
	res, err := debrief.Branch(l.s, j, debrief.BranchOptions{At: at, Commands: cs.List, Keep: keep,
		Journal: rec.tee(opt.Journal), CreatedBy: opt.CreatedBy, ScenarioDir: opt.ScenarioDir,
		OnEvents: func(evs []engine.Event) {
			for _, ev := range evs {
				if ev.Kind == engine.EvCommandRejected && ev.Tick > at {
					fmt.Fprintf(e.stderr, "tick %d: %s\n", ev.Tick, safe(ev.Text))
				}
			}
		}})
	if err := closeJournal(jf, err); err != nil {
		return err
	}
	bj, err := journal.Read(&rec.buf, "the branch's journal")
	if err != nil {
		return failure(err)
	}
	if _, err := debrief.SameUntil(j, bj, at); err != nil {
		return failure(fmt.Errorf("the branch does not reproduce the run up to tick %d: %w", at, err))
	}
	if asJSON {
		return printJSON(e.stdout, res)
	}
	printSummary(e.stdout, l, res, runFlags{journal: out})
	if out != "" {
		fmt.Fprintf(e.stderr, "wrote %s (compare: cyberex report %s --branch %s)\n", safe(out), safe(path), safe(out))
	}
	return nil
}
