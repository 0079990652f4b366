package script

import (
	"bytes"
	"path"
	"sort"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// A scenario's mistakes should show in `cyberex validate`, not a day into a
// run: a story that delivers an inject the YAML does not declare fails only
// when that line runs. Inspect reads the scripts without running them and
// lists every name they spell as a literal string in a call of the API,
// so that the scenario loader checks each against what the scenario
// declares. Names computed at run time cannot be checked; Refs.Dynamic
// says where they occur, so that a check that needs every name (is this
// script metric ever set?) stays silent rather than wrong.

// Ref kinds: what a literal names.
const (
	RefInject       = "inject"
	RefOrg          = "organisation"
	RefAsset        = "asset"
	RefSegment      = "segment"
	RefInfra        = "infrastructure"
	RefCampaign     = "campaign"
	RefJurisdiction = "jurisdiction"
	RefObjective    = "objective"
	RefMetric       = "metric"
	RefEvent        = "event kind"
	RefVerb         = "verb"
	// RefSetMetric is a metric a script sets (set_metric("x") sets script.x).
	RefSetMetric = "set_metric"
	// RefCheck is an objective a script decides: objective(id, fn) or
	// set_objective(id, ...).
	RefCheck = "objective check"
)

// Ref is one literal name in a call.
type Ref struct {
	Kind string
	ID   string
	File string // as errors name it: the scenario name joined with the path
	Line int
}

// Refs is what Inspect found.
type Refs struct {
	Refs []Ref
	// Dynamic holds the kinds (RefSetMetric, RefCheck) named somewhere by
	// a value computed at run time.
	Dynamic map[string]bool
}

// refsMax bounds the names kept from one scenario: a generated file of a
// million calls must not make validate slow or its output endless.
const refsMax = 100_000

// globalRefs maps an API function to the kind of its first argument.
var globalRefs = map[string]string{
	"deliver":       RefInject,
	"org":           RefOrg,
	"team":          RefOrg,
	"set_scripted":  RefOrg,
	"scripted":      RefOrg,
	"asset":         RefAsset,
	"segment":       RefSegment,
	"infra":         RefInfra,
	"campaign":      RefCampaign,
	"jurisdiction":  RefJurisdiction,
	"metric":        RefMetric,
	"set_metric":    RefSetMetric,
	"set_objective": RefCheck,
	"on":            RefEvent,
	"act":           RefVerb,
}

// campaignMethods maps a campaign handle's method to the kind of its first
// argument (task's target is its second).
var campaignMethods = map[string]string{
	"exploit":    RefAsset,
	"lateral":    RefAsset,
	"deface":     RefAsset,
	"escalate":   RefAsset,
	"exfiltrate": RefAsset,
	"destroy":    RefAsset,
	"ddos":       RefAsset,
	"move_c2":    RefAsset,
	"trip":       RefInfra,
	"physical":   RefInfra,
	"scan":       RefSegment,
}

// Inspect parses the files (paths inside the scenario folder; errors name
// them as prefix/path) and returns their literal names. A file that does
// not parse is skipped: Compile reports it. Files are read in path order.
func Inspect(files map[string][]byte, prefix string) Refs {
	out := Refs{Dynamic: map[string]bool{}}
	names := make([]string, 0, len(files))
	// map-order: the names are sorted below.
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if path.Ext(n) != ".lua" {
			continue
		}
		stmts, err := safeParse(files[n], n)
		if err != nil {
			continue
		}
		in := &inspector{file: path.Join(prefix, n), out: &out, shadowed: map[string]int{}, handles: map[string]bool{}}
		in.declared(stmts)
		in.block(stmts)
	}
	return out
}

func safeParse(src []byte, name string) (stmts []ast.Stmt, err error) {
	defer func() {
		if r := recover(); r != nil {
			stmts, err = nil, errParsePanic
		}
	}()
	return parse.Parse(bytes.NewReader(src), name)
}

var errParsePanic = &Error{Kind: KindSyntax, Msg: "cannot parse"}

type inspector struct {
	file string
	out  *Refs
	// shadowed: API names the file redefines (a local deliver is not
	// ours), from the first line that does so: scopes are not followed,
	// so a name rebound anywhere is skipped for the rest of the file
	// rather than checked wrongly.
	shadowed map[string]int
	// handles: variables assigned campaign("x") somewhere in the file.
	handles map[string]bool
	depth   int
}

// inspectDepthMax bounds the walk; Compile refused deeper files already.
const inspectDepthMax = 1000

func (in *inspector) add(kind, id string, line int) {
	if len(in.out.Refs) >= refsMax {
		return
	}
	in.out.Refs = append(in.out.Refs, Ref{Kind: kind, ID: id, File: in.file, Line: line})
}

// declared collects the names the file binds itself: locals, parameters,
// loop variables and global functions or assignments of an API name.
func (in *inspector) declared(stmts []ast.Stmt) {
	var stmt func(s ast.Stmt)
	var expr func(e ast.Expr)
	block := func(ss []ast.Stmt) {
		for _, s := range ss {
			stmt(s)
		}
	}
	depth := 0
	bind := func(name string, line int) {
		if l, ok := in.shadowed[name]; !ok || line < l {
			in.shadowed[name] = line
		}
	}
	expr = func(e ast.Expr) {
		if e == nil || depth > inspectDepthMax {
			return
		}
		depth++
		defer func() { depth-- }()
		switch e := e.(type) {
		case *ast.FunctionExpr:
			if e.ParList != nil {
				for _, n := range e.ParList.Names {
					bind(n, e.Line())
				}
			}
			block(e.Stmts)
		case *ast.FuncCallExpr:
			expr(e.Func)
			expr(e.Receiver)
			for _, a := range e.Args {
				expr(a)
			}
		case *ast.TableExpr:
			for _, f := range e.Fields {
				expr(f.Key)
				expr(f.Value)
			}
		case *ast.AttrGetExpr:
			expr(e.Object)
			expr(e.Key)
		case *ast.LogicalOpExpr:
			expr(e.Lhs)
			expr(e.Rhs)
		case *ast.RelationalOpExpr:
			expr(e.Lhs)
			expr(e.Rhs)
		case *ast.ArithmeticOpExpr:
			expr(e.Lhs)
			expr(e.Rhs)
		case *ast.StringConcatOpExpr:
			expr(e.Lhs)
			expr(e.Rhs)
		case *ast.UnaryMinusOpExpr:
			expr(e.Expr)
		case *ast.UnaryNotOpExpr:
			expr(e.Expr)
		case *ast.UnaryLenOpExpr:
			expr(e.Expr)
		}
	}
	stmt = func(s ast.Stmt) {
		if depth > inspectDepthMax {
			return
		}
		depth++
		defer func() { depth-- }()
		switch s := s.(type) {
		case *ast.LocalAssignStmt:
			for i, n := range s.Names {
				bind(n, s.Line())
				if i < len(s.Exprs) && isCall(s.Exprs[i], "campaign") {
					in.handles[n] = true
				}
			}
			for _, e := range s.Exprs {
				expr(e)
			}
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				if id, ok := l.(*ast.IdentExpr); ok {
					bind(id.Value, s.Line())
					if i < len(s.Rhs) && isCall(s.Rhs[i], "campaign") {
						in.handles[id.Value] = true
					}
				}
			}
			for _, e := range s.Rhs {
				expr(e)
			}
		case *ast.FuncDefStmt:
			if s.Name != nil && s.Name.Receiver == nil {
				if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
					bind(id.Value, s.Line())
				}
			}
			if s.Func != nil {
				expr(s.Func)
			}
		case *ast.FuncCallStmt:
			expr(s.Expr)
		case *ast.DoBlockStmt:
			block(s.Stmts)
		case *ast.WhileStmt:
			expr(s.Condition)
			block(s.Stmts)
		case *ast.RepeatStmt:
			block(s.Stmts)
			expr(s.Condition)
		case *ast.IfStmt:
			expr(s.Condition)
			block(s.Then)
			block(s.Else)
		case *ast.NumberForStmt:
			bind(s.Name, s.Line())
			block(s.Stmts)
		case *ast.GenericForStmt:
			for _, n := range s.Names {
				bind(n, s.Line())
			}
			for _, e := range s.Exprs {
				expr(e)
			}
			block(s.Stmts)
		case *ast.ReturnStmt:
			for _, e := range s.Exprs {
				expr(e)
			}
		}
	}
	block(stmts)
}

func (in *inspector) isShadowed(name string, line int) bool {
	l, ok := in.shadowed[name]
	return ok && line >= l
}

// isCall says whether e is a call of the global function name.
func isCall(e ast.Expr, name string) bool {
	c, ok := e.(*ast.FuncCallExpr)
	if !ok || c.Receiver != nil {
		return false
	}
	id, ok := c.Func.(*ast.IdentExpr)
	return ok && id.Value == name
}

func literal(e ast.Expr) (string, bool) {
	s, ok := e.(*ast.StringExpr)
	if !ok {
		return "", false
	}
	return s.Value, true
}

// field finds a string-keyed field of a table constructor.
func field(t *ast.TableExpr, key string) ast.Expr {
	for _, f := range t.Fields {
		if k, ok := f.Key.(*ast.StringExpr); ok && k.Value == key {
			return f.Value
		}
	}
	return nil
}

func (in *inspector) block(stmts []ast.Stmt) {
	for _, s := range stmts {
		in.stmt(s)
	}
}

func (in *inspector) exprs(es []ast.Expr) {
	for _, e := range es {
		in.expr(e)
	}
}

func (in *inspector) stmt(s ast.Stmt) {
	if in.depth > inspectDepthMax {
		return
	}
	in.depth++
	defer func() { in.depth-- }()
	switch s := s.(type) {
	case *ast.AssignStmt:
		in.exprs(s.Lhs)
		in.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		in.exprs(s.Exprs)
	case *ast.FuncCallStmt:
		in.expr(s.Expr)
	case *ast.DoBlockStmt:
		in.block(s.Stmts)
	case *ast.WhileStmt:
		in.expr(s.Condition)
		in.block(s.Stmts)
	case *ast.RepeatStmt:
		in.block(s.Stmts)
		in.expr(s.Condition)
	case *ast.IfStmt:
		in.expr(s.Condition)
		in.block(s.Then)
		in.block(s.Else)
	case *ast.NumberForStmt:
		in.expr(s.Init)
		in.expr(s.Limit)
		in.expr(s.Step)
		in.block(s.Stmts)
	case *ast.GenericForStmt:
		in.exprs(s.Exprs)
		in.block(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Func != nil {
			in.block(s.Func.Stmts)
		}
	case *ast.ReturnStmt:
		in.exprs(s.Exprs)
	}
}

func (in *inspector) expr(e ast.Expr) {
	if e == nil || in.depth > inspectDepthMax {
		return
	}
	in.depth++
	defer func() { in.depth-- }()
	switch e := e.(type) {
	case *ast.FuncCallExpr:
		in.call(e)
		in.expr(e.Func)
		in.expr(e.Receiver)
		in.exprs(e.Args)
	case *ast.AttrGetExpr:
		in.expr(e.Object)
		in.expr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			in.expr(f.Key)
			in.expr(f.Value)
		}
	case *ast.LogicalOpExpr:
		in.expr(e.Lhs)
		in.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		in.expr(e.Lhs)
		in.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		in.expr(e.Lhs)
		in.expr(e.Rhs)
	case *ast.StringConcatOpExpr:
		in.expr(e.Lhs)
		in.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		in.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		in.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		in.expr(e.Expr)
	case *ast.FunctionExpr:
		in.block(e.Stmts)
	}
}

// call records the literal names of one call.
func (in *inspector) call(c *ast.FuncCallExpr) {
	line := c.Line()
	if c.Receiver != nil {
		in.method(c, line)
		return
	}
	switch fn := c.Func.(type) {
	case *ast.IdentExpr:
		if in.isShadowed(fn.Value, line) {
			return
		}
		in.global(fn.Value, c.Args, line)
	case *ast.AttrGetExpr:
		// playbooks.X.start{campaign = "id", ...}
		if k, ok := fn.Key.(*ast.StringExpr); ok && k.Value == "start" && len(c.Args) == 1 {
			if t, ok := c.Args[0].(*ast.TableExpr); ok {
				if id, ok := literal(field(t, "campaign")); ok {
					in.add(RefCampaign, id, line)
				}
			}
		}
	}
}

func (in *inspector) global(name string, args []ast.Expr, line int) {
	switch name {
	case "objective":
		// objective(id, fn) registers a check; objective(id) reads one.
		if len(args) == 0 {
			return
		}
		id, ok := literal(args[0])
		switch {
		case !ok && len(args) >= 2:
			in.out.Dynamic[RefCheck] = true
		case ok:
			in.add(RefObjective, id, line)
			if len(args) >= 2 {
				in.add(RefCheck, id, line)
			}
		}
		return
	case "command":
		if len(args) == 1 {
			if t, ok := args[0].(*ast.TableExpr); ok {
				if id, ok := literal(field(t, "org")); ok {
					in.add(RefOrg, id, line)
				}
				if id, ok := literal(field(t, "verb")); ok {
					in.add(RefVerb, id, line)
				}
			}
		}
		return
	case "inject":
		if len(args) == 1 {
			if t, ok := args[0].(*ast.TableExpr); ok {
				in.orgList(field(t, "to"), line)
			}
		}
		return
	}
	kind, ok := globalRefs[name]
	if !ok || len(args) == 0 {
		return
	}
	id, ok := literal(args[0])
	if !ok {
		if kind == RefSetMetric || kind == RefCheck {
			in.out.Dynamic[kind] = true
		}
		return
	}
	if kind == RefEvent && id == "*" {
		return
	}
	if kind == RefSetMetric || kind == RefCheck {
		// set_objective decides the objective, and names it.
		if kind == RefCheck {
			in.add(RefObjective, id, line)
		}
	}
	in.add(kind, id, line)
}

// orgList records an inject's to: one org, "all", or a list.
func (in *inspector) orgList(e ast.Expr, line int) {
	switch v := e.(type) {
	case *ast.StringExpr:
		if v.Value != "all" {
			in.add(RefOrg, v.Value, line)
		}
	case *ast.TableExpr:
		for _, f := range v.Fields {
			if f.Key == nil {
				if id, ok := literal(f.Value); ok {
					in.add(RefOrg, id, line)
				}
			}
		}
	}
}

// method records the target of a campaign handle's method, when the
// receiver is campaign("x") or a variable assigned one.
func (in *inspector) method(c *ast.FuncCallExpr, line int) {
	handle := isCall(c.Receiver, "campaign") && !in.isShadowed("campaign", line)
	if id, ok := c.Receiver.(*ast.IdentExpr); ok && in.handles[id.Value] {
		handle = true
	}
	if !handle {
		return
	}
	arg := 0
	kind, ok := campaignMethods[c.Method]
	if c.Method == "task" {
		kind, ok, arg = RefAsset, true, 1
	}
	if !ok || len(c.Args) <= arg {
		return
	}
	if id, ok := literal(c.Args[arg]); ok {
		in.add(kind, id, line)
	}
}
