package scenario

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"cyberex/engine"
)

// Ref kinds of LuaRef (engine/script's Ref kinds, by value: the loader
// does not import the Lua host).
const (
	luaSetMetric = "set_metric"
	luaCheck     = "objective check"
)

// checkLua compiles the scenario's scripts and checks the names they spell
// against what the scenario declares: a mistake a run would meet hours in
// (deliver("news-flsh")) is an error of the load, at its file:line, with
// the closest declared name. Names are checked only when the YAML has no
// error, so that one bad declaration is not reported again at every use.
func (c *checker) checkLua(s *Scenario, f *File) {
	if InspectScripts == nil || (len(s.Files) == 0 && len(s.Scripts) == 0) {
		return
	}
	yamlOK := c.errs.empty()
	refs, err := InspectScripts(s)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			for _, e := range es {
				c.errs.add(e)
			}
		} else {
			c.errs.add(Error{File: c.file, Msg: "scripts: " + err.Error()})
		}
		return
	}
	if !yamlOK {
		return
	}
	setMetric := map[string]bool{}
	checked := map[string]bool{}
	for _, r := range refs.Refs {
		switch r.Kind {
		case luaSetMetric:
			setMetric["script."+strings.TrimPrefix(r.ID, "script.")] = true
		case luaCheck:
			checked[r.ID] = true
		}
	}
	for _, r := range refs.Refs {
		if msg := c.luaRefProblem(r, setMetric, refs.Dynamic[luaSetMetric]); msg != "" {
			c.errs.add(Error{File: r.File, Line: r.Line, Msg: msg})
		}
	}
	fieldErrs, _ := checkEventFields(s.Files, filepath.ToSlash(s.Dir))
	for _, e := range fieldErrs {
		c.errs.add(e)
	}
	// Objectives the story must decide, and figures it must set.
	if !refs.Dynamic[luaCheck] {
		for i, o := range f.Objectives {
			if o.Script && !checked[o.ID] {
				c.errAt(fmt.Sprintf("objectives[%d].script", i), "objective %q is judged by the story (script: true) but no script registers its check (objective(%q, fn)) or decides it (set_objective(%q, ...)): it would stay pending and fail at the end", o.ID, o.ID, o.ID)
			}
		}
	}
	if refs.Dynamic[luaSetMetric] {
		return
	}
	never := func(name, p string) {
		if strings.HasPrefix(name, "script.") && !setMetric[name] {
			c.errAt(p, "metric %q is never set by the scripts (no set_metric(%q, ...) in them)%s", name, strings.TrimPrefix(name, "script."), didYouMean(name, sortedKeys(setMetric)))
		}
	}
	for i, o := range f.Objectives {
		never(o.Metric, fmt.Sprintf("objectives[%d].metric", i))
	}
	if c.skipTests {
		return
	}
	for i := range f.Tests {
		for k, e := range f.Tests[i].Expect {
			never(e.Metric, fmt.Sprintf("tests[%d].expect[%d].metric", i, k))
		}
		for k, a := range f.Tests[i].Across {
			never(a.Metric, fmt.Sprintf("tests[%d].across[%d].metric", i, k))
		}
	}
}

// luaRefProblem says what is wrong with one literal name, or "".
func (c *checker) luaRefProblem(r LuaRef, setMetric map[string]bool, dynamicMetrics bool) string {
	call := func(fn string) string { return fmt.Sprintf("%s(%q)", fn, r.ID) }
	in := func(t *table) string {
		if _, ok := t.idx[r.ID]; ok {
			return ""
		}
		return fmt.Sprintf("no %s %q in the scenario%s", t.kind, r.ID, suggest(r.ID, t.ids))
	}
	switch r.Kind {
	case "inject":
		return in(c.inject)
	case "organisation":
		return in(c.org)
	case "segment":
		return in(c.seg)
	case "infrastructure":
		return in(c.infra)
	case "campaign":
		return in(c.camp)
	case "jurisdiction":
		return in(c.jur)
	case "objective":
		return in(c.obj)
	case "asset":
		if _, ok := c.asset.idx[r.ID]; ok || c.generatedID(r.ID) {
			return ""
		}
		return c.noAsset(r.ID)
	case "verb":
		names := engine.VerbNames()
		if i := sort.SearchStrings(names, r.ID); i < len(names) && names[i] == r.ID {
			return ""
		}
		return fmt.Sprintf("unknown verb %q%s", r.ID, suggest(r.ID, names))
	case "event kind":
		for _, k := range EventKinds {
			if k == r.ID {
				return ""
			}
		}
		if strings.HasPrefix(r.ID, "script.") {
			return ""
		}
		return fmt.Sprintf("%s: unknown event kind %q%s", call("on"), r.ID, suggest(r.ID, EventKinds))
	case "metric":
		if c.mw == nil {
			return ""
		}
		if msg := c.metricProblem(c.mw, r.ID); msg != "" {
			return msg
		}
		if strings.HasPrefix(r.ID, "script.") && !dynamicMetrics && !setMetric[r.ID] {
			return fmt.Sprintf("metric %q is never set by the scripts (no set_metric(%q, ...))%s", r.ID, strings.TrimPrefix(r.ID, "script."), didYouMean(r.ID, sortedKeys(setMetric)))
		}
	}
	return ""
}
