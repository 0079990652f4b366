package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/runner"
)

// MergeInputsMax bounds the inputs of a merge (each is open at once).
const MergeInputsMax = 10_000

type mergeFlags struct {
	runs  int64
	junit string
}

func newMergeCmd(e *env) *cobra.Command {
	var o mergeFlags
	c := &cobra.Command{
		Use:   "merge OUT INPUT...",
		Short: "Join the outputs of the shards of a sweep or a test session",
		Long: `Join what the shards of one sweep or one test session wrote (--shard I/N)
into OUT. What is merged is told by OUT's extension:

  .csv    sweep CSV files: rows in run order, the header once
  .jsonl  sweep JSON lines files: rows in run order
  .json   test reports (cyberex test --json): every test judged over the runs
          of all shards; prints the test lines and summary, exits 0 when every
          test passed, 1 when one failed, 2 when a scenario was invalid

A merged sweep file is byte for byte the file an unsharded sweep writes. Every
run must be there once: a missing or cut-short shard is an error (--runs N
also checks the total the sweep printed).`,
		Example: `  cyberex merge sweep.csv part-*.csv
  cyberex merge sweep.jsonl part-*.jsonl --runs 10000
  cyberex merge results.json shard-*.json --junit report.xml`,
		Args: rangeArgs(2, -1, "OUT and one or more INPUT files"),
		RunE: func(c *cobra.Command, args []string) error {
			return mergeFiles(e, args[0], args[1:], o)
		},
	}
	c.Flags().Int64Var(&o.runs, "runs", 0, "check that the sweep had `N` runs in all")
	c.Flags().StringVar(&o.junit, "junit", "", "with test reports: write JUnit XML to `FILE`")
	return c
}

func mergeFiles(e *env, out string, inputs []string, o mergeFlags) error {
	if len(inputs) > MergeInputsMax {
		return inputErrorf("merge: %d inputs, at most %d", len(inputs), MergeInputsMax)
	}
	if o.runs < 0 {
		return inputErrorf("--runs %d: want the number of runs", o.runs)
	}
	absOut, _ := filepath.Abs(out)
	for _, in := range inputs {
		if a, _ := filepath.Abs(in); a == absOut {
			return inputErrorf("merge: %s is both the output and an input", in)
		}
	}
	ext := strings.ToLower(filepath.Ext(out))
	switch ext {
	case ".csv", ".jsonl":
		if o.junit != "" {
			return inputErrorf("--junit goes with test reports (OUT ending in .json)")
		}
		return mergeSweep(e, out, inputs, ext == ".csv", o.runs)
	case ".json":
		if o.runs != 0 {
			return inputErrorf("--runs goes with sweep files (OUT ending in .csv or .jsonl)")
		}
		return mergeReports(e, out, inputs, o.junit)
	}
	return inputErrorf("merge: %s: OUT must end in .csv or .jsonl (sweep rows) or .json (test reports)", out)
}

func mergeSweep(e *env, out string, inputs []string, csv bool, runs int64) error {
	var ins []runner.RowInput
	for _, name := range inputs {
		f, err := os.Open(name)
		if err != nil {
			return inputErrorf("merge: %v", err)
		}
		defer f.Close()
		ins = append(ins, runner.RowInput{Name: name, R: f})
	}
	of, err := createOut(out)
	if err != nil {
		return err
	}
	n, err := runner.MergeRows(of.w, ins, csv, runs)
	if err != nil {
		of.abort()
		return inputErrorf("merge: %w", err)
	}
	if err := of.commit(); err != nil {
		of.abort()
		return failure(err)
	}
	fmt.Fprintf(e.stderr, "merged %d runs from %s into %s\n", n, count(len(inputs), "file"), safe(out))
	return nil
}

func mergeReports(e *env, out string, inputs []string, junit string) error {
	var reps []*runner.Report
	for _, name := range inputs {
		f, err := os.Open(name)
		if err != nil {
			return inputErrorf("merge: %v", err)
		}
		r, err := runner.ReadReport(f, name)
		f.Close()
		if err != nil {
			return inputErrorf("merge: %w", err)
		}
		reps = append(reps, r)
	}
	rep, err := runner.MergeReports(reps, inputs)
	if err != nil {
		return inputErrorf("merge: %w", err)
	}
	if err := writeFileAtomic(out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}); err != nil {
		return failure(err)
	}
	if junit != "" {
		if err := writeFileAtomic(junit, func(w io.Writer) error { return runner.WriteJUnit(w, rep) }); err != nil {
			return failure(fmt.Errorf("--junit: %w", err))
		}
	}
	for i := range rep.Scenarios {
		sc := &rep.Scenarios[i]
		if len(sc.Errors) > 0 {
			printInvalid(e.stderr, e.stdout, sc)
		}
		for j := range sc.Tests {
			printTestLine(e.stdout, sc, &sc.Tests[j])
		}
	}
	printTestSummary(e.stdout, rep, 0)
	if code := rep.ExitCode(); code != 0 {
		return exitQuietly(code)
	}
	return nil
}
