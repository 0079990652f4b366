package scenario

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"cyberex/engine"

	"go.yaml.in/yaml/v3"
)

// EventKinds are the event kinds the engine emits (engine/event.go).
// Expectations on other kinds are accepted (scripts emit their own) unless
// they look like a typo of one of these.
var EventKinds = engine.EventKinds

func (c *checker) checkEvent(kind, p string) {
	for _, k := range EventKinds {
		if k == kind {
			return
		}
	}
	if s := didYouMean(kind, EventKinds); s != "" {
		c.errAt(p, "unknown event kind %q%s", kind, s)
		return
	}
	if msg := validID(kind); msg != "" {
		c.errAt(p, "event kind %q: use letters, digits, '.', '-' and '_'", kind)
	}
}

func (c *checker) checkTests(f *File, light *engine.World) {
	names := map[string]bool{}
	for i := range f.Tests {
		t := &f.Tests[i]
		p := fmt.Sprintf("tests[%d]", i)
		switch {
		case strings.TrimSpace(t.Name) == "":
			c.errAt(p+".name", "empty test name")
		case len(t.Name) > 200:
			c.errAt(p+".name", "name longer than 200 characters")
		case names[t.Name]:
			c.errAt(p+".name", "duplicate test name %q", t.Name)
		}
		names[t.Name] = true
		if len(t.Seeds) == 0 {
			t.Seeds = Seeds{1}
		}
		// A test's length comes from its ticks or the scenario's duration;
		// when that value is bad (reported once, at its line), every tick
		// of the test is left unchecked rather than reported again as
		// "after the end of the test".
		lengthKnown := true
		if t.Ticks == nil {
			d := D(f.Settings.Duration.Ticks)
			t.Ticks = &d
			lengthKnown = !c.d.silenced("settings.duration")
		} else if t.Ticks.Ticks < 1 {
			c.errAt(p+".ticks", "a test runs at least 1 tick")
			lengthKnown = false
		} else if c.d.silenced(p + ".ticks") {
			lengthKnown = false
		}
		ticks := t.Ticks.Ticks
		c.orgSet(&t.Scripted, p+".scripted")
		declared := sortedKeys(f.Vars)
		for _, k := range sortedKeys(t.Vars) {
			if _, ok := f.Vars[k]; !ok {
				c.d.errKey(p+".vars."+k, "no var %q in the scenario's vars%s", k, suggest(k, declared))
			}
		}
		for k, s := range t.Set {
			if key, _, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(key) == "" {
				c.errAt(fmt.Sprintf("%s.set[%d]", p, k), "want key=value, such as organisations.police-a.staff=2")
			}
		}
		if t.Commands != "" {
			t.CommandList = c.readCommands(f, t.Commands, p+".commands")
		}
		within := func(d *Duration, pp string) {
			if d == nil {
				return
			}
			if d.Ticks < 1 {
				c.errAt(pp, "%s is before the first tick (ticks count from 1)", d.Text)
			} else if lengthKnown && d.Ticks > ticks {
				c.errAt(pp, "tick %d is after the end of the test (tick %d)", d.Ticks, ticks)
			}
		}
		for k := range t.Expect {
			e := &t.Expect[k]
			pp := fmt.Sprintf("%s.expect[%d]", p, k)
			if !c.exactlyOne(pp, e.Objective, e.Metric, e.Event) {
				continue
			}
			switch {
			case e.Objective != "":
				c.ref(c.obj, e.Objective, pp+".objective")
				c.enum(e.Status, pp+".status", "status", []string{"met", "failed", "pending"})
				if e.Status == "" {
					e.Status = "met"
				}
				within(e.By, pp+".by")
				c.unused(pp, "objective", map[string]bool{"min": e.Min != nil, "max": e.Max != nil, "at": e.At != nil, "happened": e.Happened != nil})
			case e.Metric != "":
				c.checkMetric(light, e.Metric, pp+".metric")
				if e.Min == nil && e.Max == nil {
					c.errAt(pp, "give min, max or both for the metric")
				}
				if e.Min != nil && e.Max != nil && *e.Min > *e.Max {
					c.errAt(pp, "min %d is above max %d", *e.Min, *e.Max)
				}
				if e.At != nil && !e.At.End && !e.At.Always {
					within(&e.At.Tick, pp+".at")
				}
				c.unused(pp, "metric", map[string]bool{"status": e.Status != "", "by": e.By != nil, "happened": e.Happened != nil})
			default:
				c.checkEvent(e.Event, pp+".event")
				if e.Happened == nil {
					yes := true
					e.Happened = &yes
				}
				within(e.By, pp+".by")
				c.unused(pp, "event", map[string]bool{"status": e.Status != "", "min": e.Min != nil, "max": e.Max != nil, "at": e.At != nil})
			}
		}
		for k := range t.Across {
			a := &t.Across[k]
			pp := fmt.Sprintf("%s.across[%d]", p, k)
			if !c.exactlyOne(pp, a.Objective, a.Metric, a.Event) {
				continue
			}
			stats := map[string]*Bounds{"mean": a.Mean, "median": a.Median, "p10": a.P10, "p90": a.P90, "p95": a.P95, "p99": a.P99}
			anyStat := false
			for _, st := range sortedKeys(stats) {
				if stats[st] != nil {
					anyStat = true
				}
			}
			switch {
			case a.Objective != "":
				c.ref(c.obj, a.Objective, pp+".objective")
				if a.MetAtLeast == nil && a.MetAtMost == nil {
					c.errAt(pp, "give met_at_least, met_at_most or both")
				}
				c.unused(pp, "objective", map[string]bool{"at": a.At != nil, "statistics": anyStat, "happened_at_least": a.HappenedAtLeast != nil, "happened_at_most": a.HappenedAtMost != nil})
			case a.Metric != "":
				c.checkMetric(light, a.Metric, pp+".metric")
				if !anyStat {
					c.errAt(pp, "give a statistic to bound: mean, median, p10, p90, p95 or p99")
				}
				for _, st := range sortedKeys(stats) {
					b := stats[st]
					if b == nil {
						continue
					}
					if b.Min == nil && b.Max == nil {
						c.errAt(pp+"."+st, "give min, max or both")
					}
					if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
						c.errAt(pp+"."+st, "min %d is above max %d", *b.Min, *b.Max)
					}
				}
				if a.At != nil {
					if a.At.Always {
						c.errAt(pp+".at", "always has no meaning across runs: give end or a tick")
					} else if !a.At.End {
						within(&a.At.Tick, pp+".at")
					}
				}
				c.unused(pp, "metric", map[string]bool{"met_at_least": a.MetAtLeast != nil, "met_at_most": a.MetAtMost != nil, "happened_at_least": a.HappenedAtLeast != nil, "happened_at_most": a.HappenedAtMost != nil})
			default:
				c.checkEvent(a.Event, pp+".event")
				if a.HappenedAtLeast == nil && a.HappenedAtMost == nil {
					c.errAt(pp, "give happened_at_least, happened_at_most or both")
				}
				c.unused(pp, "event", map[string]bool{"at": a.At != nil, "statistics": anyStat, "met_at_least": a.MetAtLeast != nil, "met_at_most": a.MetAtMost != nil})
			}
		}
		if g := t.Golden; g != nil {
			pp := p + ".golden"
			if clean := path.Clean(g.File); g.File == "" || !fs.ValidPath(clean) || clean == "." {
				c.errAt(pp+".file", "%q: want a path inside the scenario folder, such as golden/%s.json", g.File, t.Name)
			}
			if len(g.Ticks) == 0 {
				c.errAt(pp+".ticks", "give at least one tick")
			}
			for k := range g.Ticks {
				within(&g.Ticks[k], fmt.Sprintf("%s.ticks[%d]", pp, k))
			}
			if len(g.Seeds) == 0 {
				g.Seeds = Seeds{t.Seeds[0]}
			}
		}
	}
}

// exactlyOne checks that one of objective, metric and event is given.
func (c *checker) exactlyOne(p string, objective, metric, event string) bool {
	n := 0
	for _, s := range []string{objective, metric, event} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		c.errAt(p, "give exactly one of objective, metric or event")
		return false
	}
	return true
}

func (c *checker) unused(p, what string, given map[string]bool) {
	for _, k := range sortedKeys(given) {
		if given[k] {
			c.errAt(p, "%s does not apply to %s expectations", k, what)
		}
	}
}

// readCommands reads and checks a commands file of a test.
func (c *checker) readCommands(f *File, name, p string) []engine.Command {
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." {
		c.errAt(p, "%q: want a path inside the scenario folder, such as commands.jsonl", name)
		return nil
	}
	data, err := readLimited(c.fsys, path.Join(c.root, clean))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			c.errAt(p, "no file %q in the scenario folder", name)
		} else {
			c.errAt(p, "%q: %s", name, openErrText(err))
		}
		return nil
	}
	file := displayPath(c.dir, clean)
	cmds, err := ReadCommands(bytes.NewReader(data), file)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			for _, e := range es {
				c.errs.add(e)
			}
		} else {
			c.errs.add(Error{File: file, Msg: err.Error()})
		}
		return nil
	}
	// Organisations and verbs must exist; the engine checks the rest when
	// the command is submitted.
	lines := commandLines(data)
	for i, cmd := range cmds {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		if _, ok := c.org.idx[cmd.Org]; !ok {
			c.errs.add(Error{File: file, Line: line, Field: "org", Msg: fmt.Sprintf("no organisation %q%s", cmd.Org, suggest(cmd.Org, c.org.ids))})
		}
		if _, ok := engine.DefaultVerbSpec(cmd.Verb); !ok {
			c.errs.add(Error{File: file, Line: line, Field: "verb", Msg: fmt.Sprintf("unknown verb %q%s", cmd.Verb, suggest(cmd.Verb, engine.VerbNames()))})
		}
		// Words the engine would refuse at once (a planner's typo in a
		// test file should not wait for the run).
		switch cmd.Verb {
		case "share":
			if v := cmd.Args["tlp"]; v != "" {
				if _, ok := engine.ParseTLP(v); !ok {
					c.errs.add(Error{File: file, Line: line, Field: "args.tlp", Msg: fmt.Sprintf("unknown TLP label %q (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", v)})
				}
			}
		case "request":
			if v := cmd.Args["kind"]; v != "" {
				if _, ok := engine.ParseRequestKind(v); !ok {
					kinds := []string{"preserve", "disclose", "takedown", "sinkhole", "block", "assist"}
					c.errs.add(Error{File: file, Line: line, Field: "args.kind", Msg: fmt.Sprintf("unknown request kind %q%s", v, suggest(v, kinds))})
				}
			}
			if v := cmd.Args["channel"]; v != "" {
				if _, ok := engine.ParseChannel(v); !ok {
					c.errs.add(Error{File: file, Line: line, Field: "args.channel", Msg: fmt.Sprintf("unknown channel %q (direct, 24/7, mla, police, csirt)", v)})
				}
			}
		}
	}
	return cmds
}

// commandLines lists the line numbers of the non-blank lines.
func commandLines(data []byte) []int {
	var out []int
	for i, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, i+1)
		}
	}
	return out
}

// ReadCommands reads player commands, one JSON object per line in the
// journal's command format:
//
//	{"tick":10,"org":"police-a","id":1,"verb":"request","target":"hosting-b","args":{"kind":"preserve"}}
//
// Blank lines are skipped. Ticks start at 1 and never go back. The error
// is *Errors naming file and line.
func ReadCommands(r io.Reader, file string) ([]engine.Command, error) {
	errs := &errList{}
	var out []engine.Command
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), commandLineMax)
	line := 0
	var last int32
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(out) >= commandsMax {
			errs.add(Error{File: file, Line: line, Msg: fmt.Sprintf("more than %d commands", commandsMax)})
			break
		}
		var cmd engine.Command
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cmd); err != nil {
			msg := strings.TrimPrefix(err.Error(), "json: ")
			if strings.HasPrefix(msg, "unknown field") {
				msg += " (fields: tick, org, id, verb, target, args)"
			}
			errs.add(Error{File: file, Line: line, Msg: "not a command: " + msg})
			continue
		}
		if dec.More() {
			errs.add(Error{File: file, Line: line, Msg: "one command per line"})
			continue
		}
		switch {
		case cmd.Tick < 1:
			errs.add(Error{File: file, Line: line, Field: "tick", Msg: fmt.Sprintf("tick %d: commands start at tick 1", cmd.Tick)})
		case cmd.Tick < last:
			errs.add(Error{File: file, Line: line, Field: "tick", Msg: fmt.Sprintf("tick %d comes after tick %d: keep the file in tick order", cmd.Tick, last)})
		}
		if cmd.Org == "" || cmd.Verb == "" {
			errs.add(Error{File: file, Line: line, Msg: "a command needs org and verb"})
		}
		last = max(last, cmd.Tick)
		out = append(out, cmd)
	}
	if err := sc.Err(); err != nil {
		errs.add(Error{File: file, Line: line + 1, Msg: err.Error()})
	}
	if err := errs.result(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkTestOverrides loads the scenario once more for every test with
// overrides, so that a test's set is checked like a --set flag.
func (c *checker) checkTestOverrides(f *File, data []byte, base []string) {
	for i, t := range f.Tests {
		if len(t.Set) == 0 {
			continue
		}
		p := fmt.Sprintf("tests[%d].set", i)
		sets := append(append([]string(nil), base...), t.Set...)
		inner := &errList{}
		doc, err := parseYAML(data, c.file)
		if err != nil {
			return
		}
		setOf := map[*yaml.Node]string{}
		applySets(doc, sets, setOf, inner)
		ic := &checker{file: c.file, dir: c.dir, errs: inner, fsys: c.fsys, root: c.root, lua: c.lua, library: c.library, skipTests: true}
		ic.d = newDecoder(c.file, inner, setOf, countNodes(doc))
		var g File
		if len(doc.Content) > 0 {
			ic.d.decode(doc.Content[0], reflectValue(&g), "", 0)
		}
		if inner.empty() {
			ic.check(&g)
		}
		for _, e := range inner.list {
			where := p
			for k, s := range t.Set {
				if e.File == "--set "+s {
					where = fmt.Sprintf("%s[%d]", p, k)
				}
			}
			msg := e.Msg
			if e.Field != "" {
				msg = e.Field + ": " + msg
			}
			if e.Line > 0 {
				msg = fmt.Sprintf("line %d: %s", e.Line, msg)
			}
			c.errAt(where, "with this test's overrides: %s", msg)
		}
	}
}
