package scenario

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"cyberex/engine"
)

// A handler that reads ev.fields.recods gets nil for ever and silently
// never acts: the payload's names are as much the scenario's vocabulary
// as its inject ids. checkEventFields reads the scripts without running
// them and checks every ev.fields.NAME an event handler reads against the
// payloads (engine.EventRefs) of the kinds that handler can receive.
//
// Which variables hold an event, and of which kinds:
//   - the first parameter of a function given to on("kind", ...): that
//     kind ("*": every kind; a script.NAME kind carries no payload),
//     whether the function is written there or named there and used
//     nowhere else in the file;
//   - the first parameter of a function stored as on_event (a team's
//     policy: every kind the team sees);
//   - any parameter named ev (the library's and the scenarios' habit, as
//     in only = function(ev, id)): every kind.
//
// Inside a handler, the kinds narrow where the code tests ev.kind against
// a literal: in the branch of `if ev.kind == "x"`, in the right operand of
// `ev.kind == "x" and ...` (or `ev.kind ~= "x" or ...`), and after `if
// ev.kind ~= "x" then return end`. A name is an error only when no kind
// left carries it: when nothing narrows, only a name no payload has at all
// is reported, so a guess never turns into a false alarm. A variable the
// code rebinds (a local or a parameter of the same name, an assignment)
// is the code's own from there on; computed keys (ev.fields[k]) are not
// checked. ev.kind compared with a kind that does not exist is an error
// too: that branch never runs.

// eventKinds is what an event variable can be: nil for every kind,
// otherwise the kinds, sorted.
type eventKinds []string

// scope maps the event variables in scope to their kinds.
type scope map[string]eventKinds

func (s scope) with(name string, k eventKinds) scope {
	out := make(scope, len(s)+1)
	for n, v := range s {
		out[n] = v
	}
	out[name] = k
	return out
}

func (s scope) without(names ...string) scope {
	drop := false
	for _, n := range names {
		if _, ok := s[n]; ok {
			drop = true
		}
	}
	if !drop {
		return s
	}
	out := make(scope, len(s))
	for n, v := range s {
		out[n] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

// narrowed applies what a condition says about the variables in scope.
func (s scope) narrowed(facts map[string]eventKinds) scope {
	out := s
	for n, k := range facts {
		cur, ok := s[n]
		if !ok {
			continue
		}
		if k = intersect(cur, k); len(k) == 0 {
			k = nil // a contradiction is dead code: only names no payload has are wrong there
		}
		out = out.with(n, k)
	}
	return out
}

func intersect(a, b eventKinds) eventKinds {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	var out eventKinds
	for _, k := range a {
		if i := sort.SearchStrings(b, k); i < len(b) && b[i] == k {
			out = append(out, k)
		}
	}
	return out
}

func union(a, b eventKinds) eventKinds {
	if a == nil || b == nil {
		return nil
	}
	seen := map[string]bool{}
	var out eventKinds
	for _, k := range append(append(eventKinds{}, a...), b...) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// payloads indexes engine.EventRefs: each kind's field names, in the
// order events carry them, and every name some kind has.
type payloads struct {
	byKind map[string][]string
	all    []string // sorted
	kinds  []string // every engine kind, sorted
}

// known says whether kind is an engine kind or a script's (script.NAME).
func (p *payloads) known(kind string) bool {
	i := sort.SearchStrings(p.kinds, kind)
	return i < len(p.kinds) && p.kinds[i] == kind || strings.HasPrefix(kind, "script.")
}

func newPayloads() *payloads {
	p := &payloads{byKind: map[string][]string{}}
	seen := map[string]bool{}
	for _, r := range engine.EventRefs() {
		p.kinds = append(p.kinds, r.Kind)
		for _, f := range r.Fields {
			p.byKind[r.Kind] = append(p.byKind[r.Kind], f.Name)
			if !seen[f.Name] {
				seen[f.Name] = true
				p.all = append(p.all, f.Name)
			}
		}
	}
	sort.Strings(p.all)
	sort.Strings(p.kinds)
	return p
}

// fieldsCheck walks one file.
type fieldsCheck struct {
	file  string
	p     *payloads
	errs  []Error
	reads int // payload names checked
	depth int
	cut   bool // the walk stopped somewhere at fieldsDepthMax

	// A function given to on() by name is a handler of those kinds when
	// the file uses the name nowhere else (called from another handler, it
	// could receive any event). The first walk counts, the second checks.
	counting bool
	uses     map[string]int        // reads of each name
	byName   map[string]int        // of them, as on(kind, name)
	kindsOf  map[string]eventKinds // the kinds of those calls, joined
	named    map[string]eventKinds // the handlers by name, for the second walk
}

// fieldsDepthMax bounds the walk, as the inspector's; the compiler has
// refused deeper files already.
const fieldsDepthMax = 1000

// fieldErrorsMax bounds what one load reports: a generated file must not
// make the output endless.
const fieldErrorsMax = 1000

// checkEventFields returns the payload names the Lua files (paths inside
// the folder; errors name them prefix/path) read wrongly, in path order,
// and how many it checked. A file that does not parse is skipped: the
// compiler reports it.
func checkEventFields(files map[string][]byte, prefix string) (out []Error, reads int) {
	p := newPayloads()
	for _, n := range sortedKeys(files) {
		if path.Ext(n) != ".lua" {
			continue
		}
		stmts, ok := parseLua(files[n], n)
		if !ok {
			continue
		}
		fc := &fieldsCheck{file: path.Join(prefix, n), p: p, counting: true,
			uses: map[string]int{}, byName: map[string]int{}, kindsOf: map[string]eventKinds{}}
		fc.block(stmts, scope{})
		named := map[string]eventKinds{}
		for name, calls := range fc.byName {
			if calls == fc.uses[name] && !fc.cut {
				named[name] = fc.kindsOf[name]
			}
		}
		fc = &fieldsCheck{file: fc.file, p: p, named: named}
		fc.block(stmts, scope{})
		out = append(out, fc.errs...)
		reads += fc.reads
		if len(out) >= fieldErrorsMax {
			return out[:fieldErrorsMax], reads
		}
	}
	return out, reads
}

func parseLua(src []byte, name string) (stmts []ast.Stmt, ok bool) {
	defer func() {
		if recover() != nil {
			stmts, ok = nil, false
		}
	}()
	stmts, err := parse.Parse(bytes.NewReader(src), name)
	return stmts, err == nil
}

func (fc *fieldsCheck) deeper() bool {
	if fc.depth > fieldsDepthMax || len(fc.errs) >= fieldErrorsMax {
		fc.cut = true
		return false
	}
	fc.depth++
	return true
}

func (fc *fieldsCheck) block(stmts []ast.Stmt, sc scope) {
	for _, s := range stmts {
		sc = fc.stmt(s, sc)
	}
}

// stmt walks a statement and returns the scope of the statements after
// it.
func (fc *fieldsCheck) stmt(s ast.Stmt, sc scope) scope {
	if !fc.deeper() {
		return sc
	}
	defer func() { fc.depth-- }()
	switch s := s.(type) {
	case *ast.LocalAssignStmt:
		for i, e := range s.Exprs {
			if i < len(s.Names) && fc.namedHandler(s.Names[i], e, sc) {
				continue
			}
			fc.expr(e, sc)
		}
		return sc.without(s.Names...)
	case *ast.AssignStmt:
		for i, l := range s.Lhs {
			if a, ok := l.(*ast.AttrGetExpr); ok {
				// Writing ev.fields.x reads nothing.
				fc.expr(a.Object, sc)
				fc.expr(a.Key, sc)
				if i < len(s.Rhs) && isKey(a.Key, "on_event") {
					if f, ok := s.Rhs[i].(*ast.FunctionExpr); ok {
						fc.handler(f, nil, sc)
						continue
					}
				}
			}
			if id, ok := l.(*ast.IdentExpr); ok && i < len(s.Rhs) && fc.namedHandler(id.Value, s.Rhs[i], sc) {
				continue
			}
			if i < len(s.Rhs) {
				fc.expr(s.Rhs[i], sc)
			}
		}
		for _, r := range s.Rhs[min(len(s.Lhs), len(s.Rhs)):] {
			fc.expr(r, sc)
		}
		for _, l := range s.Lhs {
			if id, ok := l.(*ast.IdentExpr); ok {
				sc = sc.without(id.Value)
			}
		}
		return sc
	case *ast.FuncCallStmt:
		fc.expr(s.Expr, sc)
	case *ast.DoBlockStmt:
		fc.block(s.Stmts, sc)
	case *ast.WhileStmt:
		fc.expr(s.Condition, sc)
		fc.block(s.Stmts, sc.narrowed(fc.facts(s.Condition, true, sc)))
	case *ast.RepeatStmt:
		fc.block(s.Stmts, sc)
		fc.expr(s.Condition, sc)
	case *ast.IfStmt:
		fc.expr(s.Condition, sc)
		fc.block(s.Then, sc.narrowed(fc.facts(s.Condition, true, sc)))
		fc.block(s.Else, sc.narrowed(fc.facts(s.Condition, false, sc)))
		// if ev.kind ~= "x" then return end: the rest is of kind x.
		if len(s.Else) == 0 && len(s.Then) > 0 {
			if _, ret := s.Then[len(s.Then)-1].(*ast.ReturnStmt); ret {
				return sc.narrowed(fc.facts(s.Condition, false, sc))
			}
		}
	case *ast.NumberForStmt:
		fc.expr(s.Init, sc)
		fc.expr(s.Limit, sc)
		fc.expr(s.Step, sc)
		fc.block(s.Stmts, sc.without(s.Name))
	case *ast.GenericForStmt:
		fc.exprs(s.Exprs, sc)
		fc.block(s.Stmts, sc.without(s.Names...))
	case *ast.FuncDefStmt:
		if s.Func == nil || s.Name == nil {
			return sc
		}
		// function policy.on_event(ev) or function policy:on_event(ev)
		id, isName := s.Name.Func.(*ast.IdentExpr)
		if a, ok := s.Name.Func.(*ast.AttrGetExpr); s.Name.Method == "on_event" || ok && isKey(a.Key, "on_event") {
			fc.handler(s.Func, nil, sc)
		} else if !isName || s.Name.Receiver != nil || !fc.namedHandler(id.Value, s.Func, sc) {
			fc.function(s.Func, sc)
		}
		if isName && s.Name.Receiver == nil {
			return sc.without(id.Value)
		}
	case *ast.ReturnStmt:
		fc.exprs(s.Exprs, sc)
	}
	return sc
}

func (fc *fieldsCheck) exprs(es []ast.Expr, sc scope) {
	for _, e := range es {
		fc.expr(e, sc)
	}
}

func (fc *fieldsCheck) expr(e ast.Expr, sc scope) {
	if e == nil || !fc.deeper() {
		return
	}
	defer func() { fc.depth-- }()
	switch e := e.(type) {
	case *ast.IdentExpr:
		if fc.counting {
			fc.uses[e.Value]++
		}
	case *ast.AttrGetExpr:
		fc.read(e, sc)
		fc.expr(e.Object, sc)
		fc.expr(e.Key, sc)
	case *ast.FuncCallExpr:
		fc.expr(e.Func, sc)
		fc.expr(e.Receiver, sc)
		if id, ok := e.Func.(*ast.IdentExpr); ok && id.Value == "on" && e.Receiver == nil && len(e.Args) >= 2 {
			if kind, ok := e.Args[0].(*ast.StringExpr); ok {
				// "*" is every kind; so is a kind that does not exist
				// (checkLua names the closest one already).
				var k eventKinds
				if fc.p.known(kind.Value) {
					k = eventKinds{kind.Value}
				}
				switch h := e.Args[1].(type) {
				case *ast.FunctionExpr:
					fc.handler(h, k, sc)
					fc.exprs(e.Args[2:], sc)
					return
				case *ast.IdentExpr:
					if fc.counting {
						if fc.byName[h.Value] > 0 {
							k = union(fc.kindsOf[h.Value], k)
						}
						fc.kindsOf[h.Value] = k
						fc.byName[h.Value]++
					}
				}
			}
		}
		fc.exprs(e.Args, sc)
	case *ast.FunctionExpr:
		fc.function(e, sc)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			fc.expr(f.Key, sc)
			if fn, ok := f.Value.(*ast.FunctionExpr); ok && isKey(f.Key, "on_event") {
				fc.handler(fn, nil, sc)
				continue
			}
			fc.expr(f.Value, sc)
		}
	case *ast.LogicalOpExpr:
		fc.expr(e.Lhs, sc)
		// The right operand runs only when the left one is true (and) or
		// false (or).
		fc.expr(e.Rhs, sc.narrowed(fc.facts(e.Lhs, e.Operator == "and", sc)))
	case *ast.RelationalOpExpr:
		fc.kindCompared(e, sc)
		fc.expr(e.Lhs, sc)
		fc.expr(e.Rhs, sc)
	case *ast.ArithmeticOpExpr:
		fc.expr(e.Lhs, sc)
		fc.expr(e.Rhs, sc)
	case *ast.StringConcatOpExpr:
		fc.expr(e.Lhs, sc)
		fc.expr(e.Rhs, sc)
	case *ast.UnaryMinusOpExpr:
		fc.expr(e.Expr, sc)
	case *ast.UnaryNotOpExpr:
		fc.expr(e.Expr, sc)
	case *ast.UnaryLenOpExpr:
		fc.expr(e.Expr, sc)
	}
}

// function walks a function that is no handler: its parameters shadow
// the event variables of the same name, and a parameter named ev is an
// event of any kind.
func (fc *fieldsCheck) function(f *ast.FunctionExpr, sc scope) {
	var params []string
	if f.ParList != nil {
		params = f.ParList.Names
	}
	inner := sc.without(params...)
	for _, p := range params {
		if p == "ev" {
			inner = inner.with(p, nil)
		}
	}
	fc.block(f.Stmts, inner)
}

// namedHandler walks e as a handler when it is a function and name one
// that on() alone uses; it says whether it did.
func (fc *fieldsCheck) namedHandler(name string, e ast.Expr, sc scope) bool {
	f, ok := e.(*ast.FunctionExpr)
	if !ok {
		return false
	}
	k, ok := fc.named[name]
	if !ok {
		return false
	}
	fc.handler(f, k, sc)
	return true
}

// handler walks an event handler: its first parameter is an event of the
// kinds given (nil: every kind).
func (fc *fieldsCheck) handler(f *ast.FunctionExpr, k eventKinds, sc scope) {
	if f.ParList == nil || len(f.ParList.Names) == 0 {
		fc.function(f, sc)
		return
	}
	params := f.ParList.Names
	inner := sc.without(params...).with(params[0], k)
	for _, p := range params[1:] {
		if p == "ev" {
			inner = inner.with(p, nil)
		}
	}
	fc.block(f.Stmts, inner)
}

// read checks one V.fields.NAME.
func (fc *fieldsCheck) read(e *ast.AttrGetExpr, sc scope) {
	name, ok := e.Key.(*ast.StringExpr)
	if !ok {
		return
	}
	inner, ok := e.Object.(*ast.AttrGetExpr)
	if !ok || !isKey(inner.Key, "fields") {
		return
	}
	v, ok := inner.Object.(*ast.IdentExpr)
	if !ok {
		return
	}
	kinds, ok := sc[v.Value]
	if !ok {
		return
	}
	fc.reads++
	if msg := fc.p.problem(name.Value, kinds); msg != "" {
		fc.errs = append(fc.errs, Error{File: fc.file, Line: e.Line(), Msg: fmt.Sprintf("%s.fields.%s: %s", v.Value, name.Value, msg)})
	}
}

// problem says why no event of the kinds carries the field, or "".
func (p *payloads) problem(name string, kinds eventKinds) string {
	if kinds == nil {
		if i := sort.SearchStrings(p.all, name); i < len(p.all) && p.all[i] == name {
			return ""
		}
		return fmt.Sprintf("no event kind's payload has a field %q%s (`cyberex explain events KIND` lists a kind's payload)", name, didYouMean(name, p.all))
	}
	var fields []string
	var custom []string
	for _, k := range kinds {
		if strings.HasPrefix(k, "script.") {
			custom = append(custom, k)
			continue
		}
		for _, f := range p.byKind[k] {
			if f == name {
				return ""
			}
			if !contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	if len(custom) == len(kinds) {
		return fmt.Sprintf("a %s event carries no payload (emit sets only org, subject, text, value, public and visible): ev.fields is nil", strings.Join(custom, " or "))
	}
	if len(fields) == 0 {
		return fmt.Sprintf("a %s event carries no payload", strings.Join(kinds, " or "))
	}
	// Read in the wrong branch, or a kind too few in the test?
	var elsewhere []string
	for _, k := range engine.EventKinds {
		if contains(p.byKind[k], name) {
			elsewhere = append(elsewhere, k)
		}
	}
	if len(elsewhere) > 3 {
		elsewhere = append(elsewhere[:3], "…")
	}
	if len(elsewhere) > 0 {
		return fmt.Sprintf("%q is in the payload of %s, not of %s%s", name, strings.Join(elsewhere, ", "), strings.Join(kinds, " or "), suggest(name, fields))
	}
	return fmt.Sprintf("no field %q in the payload of %s%s", name, strings.Join(kinds, " or "), suggest(name, fields))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// kindCompared reports ev.kind == "x" (or ~=) where x is no event kind:
// the branch it guards never runs (or always does).
func (fc *fieldsCheck) kindCompared(e *ast.RelationalOpExpr, sc scope) {
	if e.Operator != "==" && e.Operator != "~=" {
		return
	}
	v, kind, ok := kindTest(e.Lhs, e.Rhs)
	if !ok {
		v, kind, ok = kindTest(e.Rhs, e.Lhs)
	}
	if _, event := sc[v]; !ok || !event || fc.p.known(kind) {
		return
	}
	fc.errs = append(fc.errs, Error{File: fc.file, Line: e.Line(), Msg: fmt.Sprintf("%s.kind %s %q: no event kind %q%s", v, e.Operator, kind, kind, didYouMean(kind, fc.p.kinds))})
}

// facts says which kinds a condition being true (or false) leaves to the
// event variables in scope: V.kind == "x", "x" == V.kind, V.kind ~= "x",
// and not, and, or of those.
func (fc *fieldsCheck) facts(e ast.Expr, truth bool, sc scope) map[string]eventKinds {
	if e == nil || fc.depth > fieldsDepthMax {
		return nil
	}
	fc.depth++
	defer func() { fc.depth-- }()
	switch e := e.(type) {
	case *ast.UnaryNotOpExpr:
		return fc.facts(e.Expr, !truth, sc)
	case *ast.RelationalOpExpr:
		if e.Operator != "==" && e.Operator != "~=" {
			return nil
		}
		if (e.Operator == "==") != truth {
			return nil // V.kind is not "x": every other kind, not worth a list
		}
		v, kind, ok := kindTest(e.Lhs, e.Rhs)
		if !ok {
			v, kind, ok = kindTest(e.Rhs, e.Lhs)
		}
		if _, event := sc[v]; !ok || !event || !fc.p.known(kind) {
			return nil // an unknown kind is reported, not believed
		}
		return map[string]eventKinds{v: {kind}}
	case *ast.LogicalOpExpr:
		l, r := fc.facts(e.Lhs, truth, sc), fc.facts(e.Rhs, truth, sc)
		if (e.Operator == "and") == truth {
			// Both hold: each narrows.
			out := map[string]eventKinds{}
			for v, k := range l {
				out[v] = k
			}
			for v, k := range r {
				if cur, ok := out[v]; ok {
					k = intersect(cur, k)
				}
				out[v] = k
			}
			return out
		}
		// One of them holds: only what both say, joined.
		out := map[string]eventKinds{}
		for v, k := range l {
			if k2, ok := r[v]; ok {
				out[v] = union(k, k2)
			}
		}
		return out
	}
	return nil
}

// kindTest recognises V.kind against a literal.
func kindTest(a, b ast.Expr) (string, string, bool) {
	g, ok := a.(*ast.AttrGetExpr)
	if !ok || !isKey(g.Key, "kind") {
		return "", "", false
	}
	v, ok := g.Object.(*ast.IdentExpr)
	if !ok {
		return "", "", false
	}
	s, ok := b.(*ast.StringExpr)
	if !ok {
		return "", "", false
	}
	return v.Value, s.Value, true
}

func isKey(e ast.Expr, key string) bool {
	s, ok := e.(*ast.StringExpr)
	return ok && s.Value == key
}
