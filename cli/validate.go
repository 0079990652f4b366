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
		Long: `Check scenarios: load each one, build its world and start its scripts.
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

func validateOne(e *env, arg string, set []string) error {
	l, err := loadScenario(arg, set)
	if err != nil {
		return err
	}
	w, err := l.s.NewWorld(1)
	if err != nil {
		return inputErrorf("%s: %w", l.source, err)
	}
	fmt.Fprintf(e.stdout, "ok %s (%s, %s, %s, %s, %s, %s, %s)\n", safe(l.s.Name),
		count(len(w.Assets), "asset"), count(len(w.Orgs), "organisation"), count(len(w.Jurisdictions), "jurisdiction"),
		count(len(w.Campaigns), "campaign"), count(len(w.Injects), "inject"), count(len(w.Objectives), "objective"),
		count(len(l.s.Tests), "test"))
	return nil
}

// count writes "1 asset", "2 assets".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
