package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"cyberex/msel"
)

func newMselCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "msel",
		Short: "Exchange a scenario's injects (its MSEL) with a spreadsheet as CSV",
		Long: `Export a scenario's injects to CSV with the columns exercise planners use
(number, time offset, move, type, delivery method, from, to, subject,
message, expected action, objective, capability, responsible controller,
status, id), plan them in a spreadsheet, and import the file back into
scenario.yaml. A bad cell is reported with its row and column; the round trip
changes nothing (docs/report.md#msel-csv).`,
	}
	var out string
	export := &cobra.Command{
		Use:     "export SCENARIO",
		Short:   "Write a scenario's injects as CSV",
		Example: `  cyberex msel export scenarios/botnet-crossborder -o msel.csv`,
		Args:    rangeArgs(1, 1, "one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			l, err := load(args[0], nil, true)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := msel.Export(&buf, l.s); err != nil {
				return failure(err)
			}
			if err := e.writeOutput(out, buf.Bytes()); err != nil || out == "-" {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d injects\n", safe(out), len(l.s.Spec.Injects))
			return nil
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "-", "write the CSV to `FILE` (- for stdout)")
	var target string
	imp := &cobra.Command{
		Use:   "import SCENARIO FILE.csv",
		Short: "Replace a scenario's injects with those of a CSV file",
		Long: `Read a CSV MSEL (the columns of msel export, in any order), check every
cell against the scenario (organisations, objectives, durations, ids), and
replace the injects section of its scenario.yaml with the file's injects in
the order of their numbers. The rest of scenario.yaml is kept byte for byte
(comments inside the old injects section are not). The new scenario is
validated before anything is written; -o writes it elsewhere (- for stdout).`,
		Example: `  cyberex msel import scenarios/botnet-crossborder msel.csv`,
		Args:    rangeArgs(2, 2, "a SCENARIO and a CSV FILE"),
		RunE: func(c *cobra.Command, args []string) error {
			dir, err := scenarioArg(args[0])
			if err != nil {
				return err
			}
			l, err := load(dir, nil, true)
			if err != nil {
				return err
			}
			f, err := os.Open(args[1])
			if err != nil {
				return inputErrorf("msel: %v", err)
			}
			defer f.Close()
			data, err := msel.Import(f, args[1], dir, l.s, library(dir))
			if err != nil {
				return inputError(err) // the CSV's cells, or the scenario they make
			}
			dest := target
			if dest == "" {
				dest = filepath.Join(dir, "scenario.yaml")
			}
			if err := e.writeOutput(dest, data); err != nil || dest == "-" {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s\n", safe(dest))
			return nil
		},
	}
	imp.Flags().StringVarP(&target, "output", "o", "", "write the new scenario.yaml to `FILE` (default: replace the scenario's; - for stdout)")
	c.AddCommand(export, imp)
	return c
}
