package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"cyberex/runner"
)

func newValidateCmd(e *env) *cobra.Command {
	var set []string
	c := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check scenarios and report every problem found",
		Long: `Check scenarios: load each one, build its world and start its scripts. A
world of more than 1,000,000 assets is checked from its description without
generating its hosts, and what it will cost (assets, segments, memory) is
said instead.
A PATH is a scenario folder, its scenario.yaml, or a folder searched for
scenarios as 'cyberex test' searches it: every folder below holding a
scenario.yaml, skipping folders named testdata and hidden folders unless the
PATH names them.

A valid scenario prints "ok NAME (...)" with what it holds; an invalid one
prints every problem, one per line, as file:line:col: message. The exit code
is 2 if any scenario is invalid or a PATH holds none.`,
		Example: `  cyberex validate scenarios/tutorial
  cyberex validate scenarios/`,
		Args: rangeArgs(1, -1, "one or more PATH arguments (scenario folders, or folders holding scenarios)"),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkSet(set); err != nil {
				return err
			}
			bad, total, none := 0, 0, 0
			for _, arg := range args {
				dirs, err := runner.FindScenarios([]string{arg})
				if err != nil {
					report(inputError(err), e.stderr)
					none++
					continue
				}
				for _, dir := range dirs {
					total++
					if err := validateOne(e, dir, set); err != nil {
						report(err, e.stderr)
						bad++
					}
				}
			}
			if bad > 0 || none > 0 {
				if total > 1 || total > 0 && none > 0 {
					msg := fmt.Sprintf("%d of %d scenarios invalid", bad, total)
					if none > 0 {
						msg += fmt.Sprintf("; %s without a scenario", count(none, "path"))
					}
					fmt.Fprintln(e.stderr, msg)
				}
				return exitQuietly(ExitInput)
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&set, "set", nil, "override a scenario value, `key=value` (repeatable)")
	return c
}

// ValidateWorldMax is the largest world validate builds to start the
// scenario's scripts: above it, the world (seconds and gigabytes for tens
// of millions of hosts) is checked from its description only, and its
// cost is said instead.
const ValidateWorldMax = 1_000_000

func validateOne(e *env, arg string, set []string) error {
	l, err := loadSpec(arg, set)
	if err != nil {
		return err
	}
	s := l.s
	cost := s.Cost
	started := ""
	if cost.Assets <= ValidateWorldMax {
		// Small enough: build it and start its story, which may fail at
		// load (a script reading a host that is not there).
		if l, err = loadScenario(arg, set); err != nil {
			return err
		}
		if _, err := l.s.NewWorld(1); err != nil {
			return inputErrorf("%s: %w", l.source, err)
		}
		s = l.s
	} else if s.HasScripts() {
		started = "; its scripts start when a run builds it"
	}
	f := s.Spec
	fmt.Fprintf(e.stdout, "ok %s (%s, %s, %s, %s, %s, %s, %s; a world: %s, about %s%s)\n", safe(s.Name),
		count(int(cost.Assets), "asset"), count(len(f.Organisations), "organisation"), count(len(f.Jurisdictions), "jurisdiction"),
		count(len(f.Campaigns), "campaign"), count(len(f.Injects), "inject"), count(len(f.Objectives), "objective"),
		count(len(s.Tests), "test"), count(int(cost.Segments), "segment"), bytesText(cost.Bytes), started)
	return nil
}

// bytesText writes a size for people: 512 KiB, 1.2 GiB.
func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}

// count writes "1 asset", "2 assets".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
