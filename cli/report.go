package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/debrief"
	aar "cyberex/report"
	"cyberex/server"
	"cyberex/store"
)

func newReportCmd(e *env) *cobra.Command {
	var (
		out, format, dir string
		notes, branches  []string
		data             string
		sweeps           []string
		tests            []string
	)
	c := &cobra.Command{
		Use:   "report JOURNAL|EXERCISE",
		Short: "Write the after-action report (HSEEP AAR/IP) of a run from its journal",
		Long: `Replay a journal and write its after-action report: exercise overview,
objectives and the capabilities they test rated P/S/M/U with the events that
show them, a timeline with one lane per organisation, infrastructure
availability, campaign spread, evidence kept and lost, time to detect,
contain and notify, requests and their answers, strengths and areas for
improvement, and an improvement plan to fill in (docs/report.md).

The report is one self-contained HTML file: inline CSS and SVG, nothing is
fetched when it is opened, and it prints cleanly to PDF. --format pdf prints
it through a headless Chromium (chromium, chromium-browser or google-chrome
on the PATH).

EXERCISE is the id of an exercise of cyberex serve's data folder (--data,
default cyberex-data): its journal, and the evaluators' notes and the teams'
chat from the server's catalogue (opened read-only: stop the server first, or
export them from its HTTP API as notes), and every what-if branch the white
cell forked from the controller console, side by side. --notes adds evaluators' notes and
chat (JSON lines) at their tick;
--branch adds what-if branches (journals written by cyberex branch) side by
side; --sweep LABEL=FILE (JSON lines of cyberex sweep) and --tests FILE
(cyberex test --json) add the distribution of outcomes over seeds.`,
		Example: `  cyberex run scenarios/botnet-crossborder --journal run.jsonl
  cyberex report run.jsonl -o report.html
  cyberex report run.jsonl --notes notes.jsonl --branch preserve.jsonl -o aar.html
  cyberex report run.jsonl --format pdf -o aar.pdf
  cyberex report run.jsonl --sweep fast=fast.jsonl --sweep slow=slow.jsonl`,
		Args: rangeArgs(1, 1, "one JOURNAL file"),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "html" && format != "pdf" {
				return inputErrorf("--format %q: html or pdf", format)
			}
			if out == "" {
				out = "report." + format
			}
			path, stored, kept, err := exerciseInput(e, args[0], data, c.Flags().Changed("data"))
			if err != nil {
				return err
			}
			a, err := buildReport(e, path, dir, notes, append(kept, branches...), sweeps, tests, stored)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := aar.WriteHTML(&buf, a); err != nil {
				return failure(err)
			}
			if format == "pdf" {
				if err := aar.PrintPDF(buf.Bytes(), out); err != nil {
					return failure(err)
				}
			} else if err := e.writeOutput(out, buf.Bytes()); err != nil || out == "-" {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s\n", safe(out))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "write the report to `FILE` (default report.html or report.pdf; - for stdout, html only)")
	c.Flags().StringVar(&format, "format", "html", "html, or pdf (through headless Chromium)")
	c.Flags().StringVar(&dir, "scenario", "", "scenario `DIR` of the journal (default: the one in its header)")
	c.Flags().StringVar(&data, "data", "cyberex-data", "the server's data `FOLDER`, for an EXERCISE id")
	c.Flags().StringArrayVar(&notes, "notes", nil, "evaluators' notes and chat, JSON lines `FILE` (repeatable)")
	c.Flags().StringArrayVar(&branches, "branch", nil, "journal `FILE` of a what-if branch to compare (repeatable)")
	c.Flags().StringArrayVar(&sweeps, "sweep", nil, "`LABEL=FILE`: a sweep's JSON lines, drawn beside the other sweeps and variations (repeatable)")
	c.Flags().StringArrayVar(&tests, "tests", nil, "`FILE` of cyberex test --json: its across samples drawn test beside test (repeatable)")
	return c
}

func buildReport(e *env, path, dir string, notePaths, branchPaths, sweeps, tests []string, stored []aar.Note) (*aar.AAR, error) {
	j, l, err := loadJournal(e, path, dir)
	if err != nil {
		return nil, err
	}
	run, err := aar.Collect(l.s, j, "this run")
	if err != nil {
		return nil, classify(err)
	}
	notes := stored
	for _, p := range notePaths {
		f, err := os.Open(p)
		if err != nil {
			return nil, inputErrorf("notes: %v", err)
		}
		ns, err := aar.ReadNotes(f, p)
		f.Close()
		if err != nil {
			return nil, inputError(err)
		}
		notes = append(notes, ns...)
	}
	notes = aar.SortNotes(notes)
	a := aar.Build(run, l.s, notes)
	var cuts []int32
	for _, bp := range branchPaths {
		bj, bl, err := loadJournal(e, bp, "")
		if err != nil {
			return nil, err
		}
		if bj.Header.Scenario != j.Header.Scenario {
			return nil, inputErrorf("branch %s is of scenario %q, the journal of %q", safe(bp), bj.Header.Scenario, j.Header.Scenario)
		}
		br, err := aar.Collect(bl.s, bj, strings.TrimSuffix(filepath.Base(bp), filepath.Ext(bp)))
		if err != nil {
			return nil, classify(fmt.Errorf("branch %s: %w", bp, err))
		}
		// A branch forked from the controller console stops at the tick
		// it was compared at, often before this run's end: it is compared
		// with this run at that tick too, not only at its end.
		if br.Ticks < run.Ticks && !slices.Contains(cuts, br.Ticks) {
			cuts = append(cuts, br.Ticks)
			cut, err := aar.Collect(l.s, debrief.Cut(j, br.Ticks), "this run to "+run.When(br.Ticks))
			if err != nil {
				return nil, classify(fmt.Errorf("this run up to tick %d: %w", br.Ticks, err))
			}
			cut.CreatedBy, cut.CutOf = fmt.Sprintf("this run up to tick %d", br.Ticks), true
			a.Branches = append(a.Branches, cut)
		}
		a.Branches = append(a.Branches, br)
	}
	var sets []*aar.OutcomeSet
	for _, sw := range sweeps {
		label, p, ok := strings.Cut(sw, "=")
		if !ok || label == "" || p == "" {
			return nil, inputErrorf("--sweep %q: want LABEL=FILE", sw)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, inputErrorf("sweep: %v", err)
		}
		ss, err := aar.ReadSweep(f, p, label)
		f.Close()
		if err != nil {
			return nil, inputError(err)
		}
		sets = append(sets, ss...)
	}
	if len(sets) > 0 {
		var prefer []string
		for _, o := range run.Objectives {
			prefer = append(prefer, o.Metric)
		}
		shares, groups := aar.SweepOutcomes(sets, prefer)
		a.Shares = shares
		a.Outcomes = append(a.Outcomes, groups...)
	}
	for _, p := range tests {
		f, err := os.Open(p)
		if err != nil {
			return nil, inputErrorf("tests: %v", err)
		}
		gs, err := aar.ReadTestReport(f, p)
		f.Close()
		if err != nil {
			return nil, inputError(err)
		}
		a.Outcomes = append(a.Outcomes, gs...)
	}
	return a, nil
}

// exerciseInput resolves the report's argument: a journal file, or the id
// of an exercise in the server's data folder, whose journal it names,
// whose notes and chat it reads from the catalogue, and whose what-if
// branches (forked from the controller console) it lists.
func exerciseInput(e *env, arg, data string, dataGiven bool) (string, []aar.Note, []string, error) {
	if fi, err := os.Stat(arg); err == nil && !fi.IsDir() {
		return arg, nil, nil, nil
	}
	if !dataGiven {
		if _, err := os.Stat(filepath.Join(data, store.FileName)); err != nil {
			return "", nil, nil, inputErrorf("%s: no such journal file (nor an exercise: no server data folder %s; give it with --data)", safe(arg), safe(data))
		}
	}
	st, err := store.Open(filepath.Join(data, store.FileName), true)
	if err != nil {
		return "", nil, nil, inputError(err)
	}
	defer st.Close()
	ex, err := st.Exercise(arg)
	if err != nil {
		return "", nil, nil, inputErrorf("%s: neither a journal file nor an exercise of %s: %v", safe(arg), safe(data), err)
	}
	notes, err := st.Notes(ex.ID)
	if err != nil {
		return "", nil, nil, failure(err)
	}
	chat, err := st.ChatLog(ex.ID)
	if err != nil {
		return "", nil, nil, failure(err)
	}
	// The what-if branches the white cell forked from the console.
	kept, err := filepath.Glob(filepath.Join(server.BranchesDir(data, ex.ID), "*.jsonl"))
	if err != nil {
		return "", nil, nil, failure(err)
	}
	return server.JournalFile(data, ex.ID), storedNotes(notes, chat), kept, nil
}

// storedNotes turns the catalogue's notes and chat into the report's.
func storedNotes(notes []store.Note, chat []store.Chat) []aar.Note {
	var out []aar.Note
	for _, n := range notes {
		out = append(out, aar.Note{Tick: n.Tick, Author: strings.TrimSpace(n.Author + " (" + n.Role + ")"), Kind: aar.NoteObservation, Text: n.Text})
	}
	for _, c := range chat {
		out = append(out, aar.Note{Tick: c.Tick, Author: c.Author, Org: c.From, Kind: aar.NoteChat, Text: c.From + " → " + c.To + ": " + c.Text})
	}
	return aar.SortNotes(out)
}
