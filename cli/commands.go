package cli

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"cyberex/debrief"
	"cyberex/engine"
	"cyberex/journal"
)

func newCommandsCmd(e *env) *cobra.Command {
	var (
		out, dir string
		scripted bool
	)
	c := &cobra.Command{
		Use:   "commands JOURNAL",
		Short: "Export the commands of a run as a commands file (a played exercise becomes a regression test)",
		Long: `Replay a journal and write its commands as a commands file (JSON lines, the
format of cyberex run --commands and of a test's commands:).

By default the file holds the commands people gave (the journal's): run with
the same scenario, --set overrides and seed, it reproduces the run, scripted
teams included (they play their policies again). Add it to the scenario's
tests (commands: FILE, with the run's seed and overrides, a golden file) and
the played exercise is a regression test.

--scripted adds the commands the scripted teams gave (their accepted
commands, at the tick they start): a file for the same exercise with those
teams played by people (--set organisations.ID.scripted=false), e.g. a class
that takes over a role the scripts played. Commands a scripted team gave that
the engine rejected did nothing and are left out (counted on stderr).`,
		Example: `  cyberex commands exercise.jsonl -o played.jsonl
  cyberex run scenarios/botnet-crossborder --commands played.jsonl   # the same run
  cyberex commands exercise.jsonl --scripted -o all-teams.jsonl`,
		Args: rangeArgs(1, 1, "one JOURNAL file"),
		RunE: func(c *cobra.Command, args []string) error {
			return exportCommands(e, args[0], dir, out, scripted)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "-", "write the commands to `FILE` (- for stdout)")
	c.Flags().StringVar(&dir, "scenario", "", "scenario `DIR` of the journal (default: the one in its header)")
	c.Flags().BoolVar(&scripted, "scripted", false, "add the scripted teams' commands")
	return c
}

func exportCommands(e *env, path, dir, out string, scripted bool) error {
	j, l, err := loadJournal(e, path, dir)
	if err != nil {
		return err
	}
	rc, err := debrief.Commands(l.s, j)
	if err != nil {
		return classify(err)
	}
	cmds := rc.People
	if scripted {
		cmds = debrief.Merge(rc.People, rc.Scripted)
	}
	var buf bytes.Buffer
	if err := journal.WriteCommands(&buf, cmds); err != nil {
		return failure(err)
	}
	if err := e.writeOutput(out, buf.Bytes()); err != nil || out == "-" {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s: %d commands of people", safe(out), len(rc.People))
	if scripted {
		fmt.Fprintf(e.stderr, " and %d of scripted teams", len(rc.Scripted))
	}
	fmt.Fprintln(e.stderr)
	if scripted && rc.ScriptedRejected > 0 {
		fmt.Fprintf(e.stderr, "note: %d commands of scripted teams were rejected by the engine and are left out\n", rc.ScriptedRejected)
	}
	if n := controllerCommands(cmds); n > 0 {
		fmt.Fprintf(e.stderr, "note: %d of them are the controller's (org %s)\n", n, engine.ControlOrg)
	}
	return nil
}

func controllerCommands(cmds []engine.Command) int {
	n := 0
	for _, c := range cmds {
		if c.Org == engine.ControlOrg {
			n++
		}
	}
	return n
}
