package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"cyberex/engine"
	"cyberex/engine/suggest"
	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

type runFlags struct {
	seed      uint64
	ticks     int32
	hashEvery int32
	journal   string
	commands  string
	json      bool
	log       bool
	events    string
	set       []string
}

func newRunCmd(e *env) *cobra.Command {
	o := runFlags{seed: 1, hashEvery: headless.DefaultHashEvery}
	c := &cobra.Command{
		Use:   "run [SCENARIO]",
		Short: "Run a scenario once and print its outcome",
		Long: `Run a scenario headless from a seed, with the players' commands from a file
if given, and print the outcome: objectives met or failed and when, and the
figures that moved. Without SCENARIO, run the tutorial built into the program.

The run stops at the scenario's end (its duration, or its end condition) or
after --ticks ticks, whichever comes first. --journal records the run so that
'cyberex replay' can verify it.

--commands is checked against the scenario before the first tick: an unknown
organisation, verb, request kind, channel or TLP label is bad input (exit 2),
each named with its line. Every command the engine rejects during the run, a
player's or a scripted team's, is printed on stderr as "tick T: rejected:
TEXT" (with --json too: stdout stays one JSON object).

With --json, a run that cannot start or fails (an invalid scenario, a script
error) still prints one JSON object on stdout: {"error": {"file", "line",
"col", "tick", "message", "problems"}} (tick is null outside a tick; problems
lists every problem of an invalid scenario), the message on stderr as
without --json, and exit code 2.`,
		Example: `  cyberex run scenarios/tutorial
  cyberex run scenarios/tutorial --seed 7 --ticks 600 --json
  cyberex run scenarios/tutorial --commands moves.jsonl --journal run.jsonl
  cyberex run scenarios/tutorial --set organisations.police-a.staff=4`,
		Args: rangeArgs(0, 1, "at most one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			err := runScenario(e, arg, o)
			if o.json {
				return jsonFailure(e.stdout, err)
			}
			return err
		},
	}
	f := c.Flags()
	f.Var(seedValue{&o.seed}, "seed", "run seed, an integer from 0 to 18446744073709551615")
	f.Var(tickValue{&o.ticks, 0, TicksMax}, "ticks", fmt.Sprintf("ticks to run at most, 0 for the scenario's end (at most %d)", TicksMax))
	f.Var(tickValue{&o.hashEvery, 1, TicksMax}, "hash-every", "ticks between the state hashes written to the journal")
	f.StringVar(&o.journal, "journal", "", "write the run's journal to `FILE` (a new file)")
	f.StringVar(&o.commands, "commands", "", "players' commands from `FILE`, one JSON command per line (the journal's command format)")
	f.BoolVar(&o.json, "json", false, "print the outcome as one JSON object")
	f.BoolVar(&o.log, "log", false, "print the lines the scenario's scripts log (log, print) to stderr")
	f.StringVar(&o.events, "events", "", "print the run's events of these `KINDS` (comma separated, e.g. botnet.c2_disrupted,request.answered; all for every event) to stderr")
	f.StringArrayVar(&o.set, "set", nil, "override a scenario value, `key=value` (repeatable), e.g. settings.duration=3d")
	return c
}

func runScenario(e *env, arg string, o runFlags) error {
	if err := checkSet(o.set); err != nil {
		return err
	}
	l, err := loadForRun(arg, o.set)
	if err != nil {
		return err
	}
	kinds, err := eventKinds(o.events)
	if err != nil {
		return err
	}
	cmds, err := readCommands(e, o.commands, l.s)
	if err != nil {
		return err
	}
	opt := headless.RunOptions{Seed: o.seed, Ticks: o.ticks, Commands: cmds, HashEvery: o.hashEvery,
		CreatedBy: "cyberex run", ScenarioDir: l.source}
	var jf *os.File
	if o.journal != "" {
		if jf, err = createJournal(o.journal, l, &opt); err != nil {
			return err
		}
		defer jf.Close()
	}
	p := &progress{e: e, start: e.now()}
	opt.Progress = p.tick
	// What the run says on stderr as it goes: every rejected command
	// (the players' and the scripted teams': a rejection by a scripted
	// team is a bug of its policy), the script's log lines with --log,
	// the events of --events.
	waits := waitLog{}
	opt.OnEvents = func(evs []engine.Event) {
		for _, ev := range evs {
			waits.add(ev)
			shown := kinds["all"] || kinds[ev.Kind]
			switch {
			case o.log && ev.Kind == engine.EvLog:
				p.clear()
				fmt.Fprintf(e.stderr, "tick %d: %s: %s\n", ev.Tick, safe(ev.Subject), safe(ev.Text))
			case shown:
				p.clear()
				fmt.Fprintf(e.stderr, "tick %d: %s %s: %s\n", ev.Tick, safe(ev.Kind), safe(ev.Subject), safe(ev.Text))
			case ev.Kind == engine.EvCommandRejected:
				p.clear()
				fmt.Fprintf(e.stderr, "tick %d: %s\n", ev.Tick, safe(ev.Text)) // the text says "… rejected: why"
			}
		}
	}
	if o.log || len(kinds) > 0 {
		opt.Progress = nil // the lines go to stderr, where the bar is
	}
	res, err := headless.Run(l.s, opt)
	p.done()
	if err := closeJournal(jf, err); err != nil {
		return err
	}
	if res.CommandsUnused > 0 {
		fmt.Fprintf(e.stderr, "warning: %d commands are for ticks after the run's last (%d) and were not applied\n", res.CommandsUnused, res.Ticks)
	}
	waits.warn(e.stderr, res.Ticks)
	if o.json {
		return printJSON(e.stdout, res)
	}
	printSummary(e.stdout, l, res, o)
	return nil
}

// createJournal creates a new journal file for a run (never overwriting
// one) and points the run's options at it, with the scenario's folder as
// seen from the journal's folder, so that replay finds it from anywhere.
func createJournal(path string, l *loaded, opt *headless.RunOptions) (*os.File, error) {
	jf, err := journal.CreateFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, inputError(err)
		}
		return nil, inputErrorf("journal: %w", err)
	}
	// Each command batch is synced before its tick is stepped, as
	// docs/journal.md promises (one fsync per tick that has commands): a
	// run killed between two batches leaves a journal that replays and
	// continues up to the last one.
	opt.Journal = jf
	if !strings.HasPrefix(l.source, embeddedPrefix) {
		opt.ScenarioDir = journal.ScenarioDirFor(path, l.source)
	}
	return jf, nil
}

// closeJournal syncs and closes a run's journal (nil: none) whether the
// run succeeded or failed (a failed run's journal records the failure,
// for replay to check), and returns the run's error classified, or the
// journal's.
func closeJournal(jf *os.File, runErr error) error {
	if jf != nil {
		if serr := jf.Sync(); serr != nil && runErr == nil {
			return failure(fmt.Errorf("journal %s: %w", jf.Name(), serr))
		}
		if cerr := jf.Close(); cerr != nil && runErr == nil && !errors.Is(cerr, os.ErrClosed) {
			return failure(fmt.Errorf("journal %s: %w", jf.Name(), cerr))
		}
	}
	if runErr != nil {
		return classify(runErr)
	}
	return nil
}

// jsonResult is the --json output: exactly these keys.
type jsonResult struct {
	Scenario   string           `json:"scenario"`
	Seed       uint64           `json:"seed"`
	Ticks      int32            `json:"ticks"`
	StateHash  string           `json:"state_hash"`
	Objectives []jsonObjective  `json:"objectives"`
	Metrics    map[string]int64 `json:"metrics"`
}

type jsonObjective struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Tick   *int32 `json:"tick"` // null while pending
}

func printJSON(out io.Writer, r *headless.Result) error {
	j := jsonResult{Scenario: r.Scenario, Seed: r.Seed, Ticks: r.Ticks, StateHash: r.StateHash,
		Objectives: []jsonObjective{}, Metrics: map[string]int64{}}
	for _, o := range r.Objectives {
		jo := jsonObjective{ID: o.ID, Status: o.Status}
		if o.Tick >= 0 {
			t := o.Tick
			jo.Tick = &t
		}
		j.Objectives = append(j.Objectives, jo)
	}
	for _, m := range r.Metrics {
		j.Metrics[m.Name] = m.Value
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return failure(err)
	}
	return nil
}

func printSummary(out io.Writer, l *loaded, r *headless.Result, o runFlags) {
	clock := func(t int32) string {
		return time.Unix(r.Clock(t), 0).UTC().Format("2006-01-02 15:04 UTC")
	}
	secs := int64(r.Ticks) * int64(r.TickSeconds)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s (%s)\n", safe(r.Scenario), safe(l.source))
	fmt.Fprintf(tw, "seed\t%d\n", r.Seed)
	end := "stopped by --ticks"
	if r.Ended {
		end = "the scenario ended"
	}
	fmt.Fprintf(tw, "ticks\t%d (%s)\n", r.Ticks, end)
	fmt.Fprintf(tw, "exercise time\t%s, %s to %s (one tick is %s)\n", span(secs), clock(0), clock(r.Ticks), span(int64(r.TickSeconds)))
	fmt.Fprintf(tw, "commands\t%d\n", r.Commands)
	fmt.Fprintf(tw, "events\t%d\n", r.Events)
	fmt.Fprintf(tw, "state hash\t%s\n", r.StateHash)
	if o.journal != "" {
		fmt.Fprintf(tw, "journal\t%s\n", safe(o.journal))
	}
	tw.Flush()

	met, failed, pending := 0, 0, 0
	for _, ob := range r.Objectives {
		switch ob.Status {
		case "met":
			met++
		case "failed":
			failed++
		default:
			pending++
		}
	}
	fmt.Fprintf(out, "\nobjectives: %d met, %d failed, %d pending\n", met, failed, pending)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, ob := range r.Objectives {
		tick, at, rel := "-", "", ""
		if ob.Tick >= 0 {
			tick, at, rel = fmt.Sprintf("tick %d", ob.Tick), clock(ob.Tick), "T+"+span(int64(ob.Tick)*int64(r.TickSeconds))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", safe(ob.Status), safe(ob.ID), tick, at, rel, oneLine(ob.Description))
	}
	tw.Flush()

	fmt.Fprintf(out, "\nkey figures (non-zero):\n")
	var shown []engine.Metric
	width := 0
	for _, m := range r.Metrics {
		if m.Value != 0 && m.Name != "tick" {
			shown = append(shown, m)
			width = max(width, len(fmt.Sprint(m.Value)))
		}
	}
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range shown {
		doc := engine.MetricDoc(m.Name)
		if doc == "" && strings.HasPrefix(m.Name, "script.") {
			doc = "set by the scenario's scripts (set_metric)"
		}
		fmt.Fprintf(tw, "  %s\t%*d\t%s\n", safe(m.Name), width, m.Value, oneLine(doc))
	}
	tw.Flush()
	if len(shown) == 0 {
		fmt.Fprintln(out, "  (none)")
	}
}

// oneLine keeps the first line of a description, shortened, fit for a
// terminal.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 72 {
		s = string(r[:71]) + "…"
	}
	return safe(s)
}

// span writes a length of exercise time: 45s, 12m, 5h12m, 2d03h05m.
func span(secs int64) string {
	if secs < 60 {
		return fmt.Sprintf("%ds", secs)
	}
	m := secs / 60
	d, h, mm := m/1440, m/60%24, m%60
	switch {
	case d > 0 && h == 0 && mm == 0:
		return fmt.Sprintf("%dd", d)
	case d > 0:
		return fmt.Sprintf("%dd%02dh%02dm", d, h, mm)
	case h > 0 && mm == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, mm)
	}
	return fmt.Sprintf("%dm", mm)
}

// progress draws a bar on stderr for long runs when it is a terminal:
// from the start for runs of more than progressTicks ticks, otherwise once
// a run has taken progressAfter.
type progress struct {
	e     *env
	start time.Time
	bar   *progressbar.ProgressBar
}

const (
	progressTicks = 20_000
	progressAfter = 500 * time.Millisecond
)

func (p *progress) tick(t, total int32) {
	if !p.e.progress {
		return
	}
	if p.bar == nil {
		if total <= progressTicks && (t%256 != 0 || p.e.now().Sub(p.start) < progressAfter) {
			return
		}
		p.bar = progressbar.NewOptions64(int64(total),
			progressbar.OptionSetWriter(p.e.stderr),
			progressbar.OptionSetDescription("ticks"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if t%64 == 0 || t == total {
		_ = p.bar.Set64(int64(t))
	}
}

// clear takes the bar off the screen before a line is printed.
func (p *progress) clear() {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// eventKinds parses --events: known kinds (or "all"), comma separated.
func eventKinds(list string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if k != "all" && !slices.Contains(engine.EventKinds, k) && !strings.HasPrefix(k, "script.") {
			if c := suggest.Closest(k, engine.EventKinds); c != "" {
				return nil, inputErrorf("--events: unknown event kind %q; did you mean %q? (all for every kind)", k, c)
			}
			return nil, inputErrorf("--events: unknown event kind %q (one of %s, or all)", k, strings.Join(engine.EventKinds, ", "))
		}
		out[k] = true
	}
	return out, nil
}

// readCommands reads a --commands file and checks its words against the
// scenario (organisations, verbs, argument values) as validate and test
// check a test's commands file: a command the engine would reject at once
// is bad input, exit 2, before the first tick. "" reads nothing.
func readCommands(e *env, path string, s *scenario.Scenario) ([]engine.Command, error) {
	if path == "" {
		return nil, nil
	}
	cs, err := journal.ReadCommandsFile(path)
	if err != nil {
		var je *journal.Error
		if errors.As(err, &je) {
			return nil, inputError(err)
		}
		return nil, inputErrorf("commands file: %w", err)
	}
	if cs.Header != nil && cs.Header.Scenario != s.Name {
		fmt.Fprintf(e.stderr, "warning: %s was written for scenario %q, this is %q\n", safe(path), cs.Header.Scenario, s.Name)
	}
	if err := cs.CheckWords(orgIDs(s)); err != nil {
		return nil, inputError(err)
	}
	return cs.List, nil
}

// orgIDs lists a scenario's organisations, in declaration order.
func orgIDs(s *scenario.Scenario) []string {
	ids := make([]string, 0, len(s.Spec.Organisations))
	for _, o := range s.Spec.Organisations {
		ids = append(ids, o.ID)
	}
	return ids
}
