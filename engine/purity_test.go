package engine

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestPurity holds the engine to the rule of the house (DESIGN.md,
// "Architecture", rule 1): the core does no I/O, reads no clock, starts no
// goroutine, draws randomness only from the world's own seeded generators,
// keeps no state outside the World, and never lets map iteration order
// reach the state.
//
// It walks every package under engine/ (testdata aside; non-test files
// only), so a new package or file is checked without anyone having to
// remember to add it, and reports, each under a rule name:
//
//   - import: an import from forbiddenImports (or below a forbidden prefix);
//
//   - global-rand: a package-level function of math/rand/v2 other than the
//     constructors (rand.IntN and friends draw from an unseeded source);
//
//   - goroutine: a go or select statement, a channel type, send or receive;
//
//   - map-range: a range over a value of map type, or of a type parameter
//     whose type set holds a map, and maps.Keys/Values/All outside
//     slices.Sorted, unless the line above carries a comment
//
//     // map-order: <why the order cannot reach the state>
//
//   - reflect-map: reflect's map walks (Value.MapKeys, MapRange, Seq, Seq2);
//
//   - sync-map: sync.Map (its Range walks in no fixed order);
//
//   - print: fmt.Print/Printf/Println and the print/println builtins
//     (standard output is I/O);
//
//   - global-write: an assignment to a package-level variable outside an
//     init function (state outside the World: two worlds in one process
//     would share it, and a replay would not see it);
//
//   - pointer-format: a %p verb in a fmt format (an address differs from
//     run to run), and any other verb (%v, %+v, %x, %d...) or a fmt.Sprint
//     of a value that fmt prints as an address: a pointer (but a pointer
//     to a struct, array, slice or map as the argument itself, which fmt
//     prints as &{...}), a channel, a function, an unsafe.Pointer, or a
//     struct, array, slice or map holding one; a fmt.Stringer or error
//     prints its own text. An argument of interface type is not known
//     until run time and is not reported.
//
// What a package may do anyway is in purityExclusions, each with its
// reason; an exclusion that matches nothing fails the test, so the list
// does not outlive its reasons.
func TestPurity(t *testing.T) {
	dirs, err := purityPackages(".")
	if err != nil {
		t.Fatal(err)
	}
	used := make([]bool, len(purityExclusions))
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			problems, err := checkPurity(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if i := excluded(dir, p); i >= 0 {
					used[i] = true
					continue
				}
				t.Error(p)
			}
		})
	}
	for i, x := range purityExclusions {
		if !used[i] {
			t.Errorf("exclusion %s %s [%s] %s matches nothing: remove it", x.dir, x.file, x.rule, x.what)
		}
	}
}

// purityPackages lists the directories below root (root included) that
// hold non-test Go files, testdata aside.
func purityPackages(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if d.Name() == "testdata" || (p != root && strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		es, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range es {
			if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
				dirs = append(dirs, filepath.ToSlash(p))
				break
			}
		}
		return nil
	})
	return dirs, err
}

// purityExclusion lets one file of one package (relative to engine/) break
// one rule in one way (what: a part of the problem's message, such as
// `imports "time"`), for the reason given. It is that narrow so that a new
// violation in an excluded file is still caught.
type purityExclusion struct {
	dir, file, rule, what, why string
}

// purityExclusions: engine/script holds a Lua VM, and engine/script/host
// links it to the loader; both run beside the world, and their stops and
// caches never decide an outcome (docs/architecture.md, "What is pure").
var purityExclusions = []purityExclusion{
	{"attack", "attack.go", "import", `imports "sync"`, "the embedded ATT&CK catalogue is decoded once (sync.Once) and only read after"},
	{"attack", "attack.go", "global-write", "variable cat:", "the embedded ATT&CK catalogue is decoded once (sync.Once) and only read after"},
	{"script", "api_time.go", "import", `imports "time"`, "the wall-clock crash stop of a runaway script; never an outcome"},
	{"script", "budget.go", "import", `imports "runtime/metrics"`, "the heap crash stop; never an outcome"},
	{"script", "budget.go", "import", `imports "time"`, "the wall-clock crash stop; never an outcome"},
	{"script", "coroutine.go", "import", `imports "runtime"`, "symbolising return addresses to refuse a yield across a Go frame (an error, the same on every run)"},
	{"script", "coroutine.go", "import", `imports "sync"`, "the frame-kind cache below"},
	{"script", "coroutine.go", "sync-map", "sync.Map", "a cache of what a program counter is (the same answer whoever asks first), never walked"},
	{"script", "identity.go", "import", `imports "weak"`, "names Lua values without keeping them alive; the numbers come from a counter, never from the collector"},
	{"script", "limits.go", "import", `imports "time"`, "the crash stops' defaults"},
	{"script", "state.go", "import", `imports "sync"`, "the footprint of a fresh sandbox is computed once (sync.Once) and only read after"},
	{"script", "state.go", "global-write", "variable sandboxFootprint", "the footprint of a fresh sandbox, the same for every state (the same code builds it), computed once and only read after"},
	{"script/host", "host.go", "import", `imports "reflect"`, "copies script_limits fields by name into Limits (no map is walked)"},
	{"script/host", "host.go", "import", `imports "runtime"`, "runtime.AddCleanup drops a compiled program with its scenario"},
	{"script/host", "host.go", "import", `imports "sync"`, "the compiled-program cache below"},
	{"script/host", "host.go", "import", `imports "weak"`, "the cache is keyed by a weak pointer to the scenario"},
	{"script/host", "host.go", "sync-map", "sync.Map", "the compiled-program cache: looked up by key, never walked"},
}

// excluded returns the index of the exclusion that covers problem p of
// the package in dir, or -1.
func excluded(dir, p string) int {
	for i, x := range purityExclusions {
		if x.dir != dir || !(strings.Contains(p, "/"+x.file+":") || strings.HasPrefix(p, x.file+":")) {
			continue
		}
		if strings.Contains(p, ": ["+x.rule+"] ") && strings.Contains(p, x.what) {
			return i
		}
	}
	return -1
}

// forbiddenImports: a path here, or below it when it ends in "/", may not
// be imported by the engine.
var forbiddenImports = []string{
	"os", "os/", // files, environment, processes (os/exec)
	"net", "net/", // network
	"time",              // the clock: the engine's time is w.Tick
	"math/rand",         // v1: a global, unseeded source (v2's PCG is fine)
	"crypto/rand",       // randomness from the operating system
	"hash/maphash",      // seeded at random per process
	"io/ioutil",         // files
	"syscall", "unsafe", // the machine
	"runtime", "runtime/", // the scheduler, GC, goroutines, cgo
	"plugin", "os/signal", // code and signals from outside
	"log", "log/", // writes to stderr, stamped with the clock
	"weak",    // what a weak pointer sees depends on the garbage collector
	"unique",  // handles live as long as the garbage collector decides
	"sync",    // the engine is one goroutine; sync.Map.Range walks in no order
	"sync/",   // atomics: state shared between goroutines
	"reflect", // walks maps (MapKeys, MapRange) and reads addresses
	"expvar",  // global state served over HTTP
}

// allowedRandV2 are the package-level objects of math/rand/v2 that do not
// touch the global source.
var allowedRandV2 = map[string]bool{
	"PCG": true, "NewPCG": true, "ChaCha8": true, "NewChaCha8": true,
	"Rand": true, "New": true, "Source": true, "Zipf": true, "NewZipf": true,
}

const mapOrderTag = "// map-order:"

// checkPurity returns the violations found in the package in dir, each as
// "file:line:col: [rule] message".
func checkPurity(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset, imp := purityLoader()
	var all []*ast.File // every non-test file, whatever its build tags
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		all = append(all, f)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: no Go files", dir)
	}
	var problems []string
	report := func(pos token.Pos, rule, format string, args ...any) {
		p := fset.Position(pos)
		problems = append(problems, p.String()+": ["+rule+"] "+fmt.Sprintf(format, args...))
	}

	// Syntax: imports and forbidden constructs.
	for _, f := range all {
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, "`\"")
			if forbiddenImport(path) {
				report(imp.Pos(), "import", "imports %q", path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				report(n.Pos(), "goroutine", "go statement: the engine starts no goroutine")
			case *ast.SelectStmt:
				report(n.Pos(), "goroutine", "select statement")
			case *ast.ChanType:
				report(n.Pos(), "goroutine", "channel type")
			case *ast.SendStmt:
				report(n.Pos(), "goroutine", "channel send")
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					report(n.Pos(), "goroutine", "channel receive")
				}
			}
			return true
		})
	}

	// Types: what is ranged over, what is called, what is written. Only
	// the files of the current build are type-checked together.
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	inBuild := map[string]bool{}
	for _, n := range bp.GoFiles {
		inBuild[n] = true
	}
	var files []*ast.File
	for _, f := range all {
		if inBuild[filepath.Base(fset.Position(f.Package).Filename)] {
			files = append(files, f)
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check(bp.ImportPath, fset, files, info)
	if err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", dir, err)
	}
	global := func(obj types.Object) bool {
		v, ok := obj.(*types.Var)
		return ok && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	}
	_ = pkg
	for _, f := range files {
		tagged := mapOrderLines(fset, f)
		annotated := func(pos token.Pos) bool {
			p := fset.Position(pos)
			return tagged[p.Line-1] || tagged[p.Line]
		}
		for _, decl := range f.Decls {
			inInit := false
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
				inInit = true
			}
			writes := func(lhs ast.Expr) {
				if id := rootIdent(info, lhs); id != nil && !inInit {
					if obj := info.Uses[id]; obj != nil && global(obj) {
						report(lhs.Pos(), "global-write", "writes the package-level variable %s: state belongs in the World", obj.Name())
					}
				}
			}
			var stack []ast.Node
			ast.Inspect(decl, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				var parent ast.Node
				if len(stack) > 0 {
					parent = stack[len(stack)-1]
				}
				stack = append(stack, n)
				switch n := n.(type) {
				case *ast.RangeStmt:
					tv, ok := info.Types[n.X]
					if !ok {
						report(n.Pos(), "map-range", "range over an expression without a type")
						break
					}
					if holdsMap(tv.Type, 0) && !annotated(n.Pos()) {
						report(n.Pos(), "map-range", "range over a map (%s) without a %q comment on the line above", types.ExprString(n.X), mapOrderTag)
					}
					if n.Tok == token.ASSIGN {
						for _, e := range []ast.Expr{n.Key, n.Value} {
							if e != nil {
								writes(e)
							}
						}
					}
				case *ast.AssignStmt:
					if n.Tok != token.DEFINE {
						for _, e := range n.Lhs {
							writes(e)
						}
					}
				case *ast.IncDecStmt:
					writes(n.X)
				case *ast.UnaryExpr:
					// &global hands out a pointer to write through.
					if n.Op == token.AND {
						writes(n.X)
					}
				case *ast.CallExpr:
					checkCall(info, n, parent, stack, annotated, report)
				case *ast.SelectorExpr:
					obj, ok := info.Uses[n.Sel]
					if !ok || obj.Pkg() == nil {
						break
					}
					switch {
					case obj.Pkg().Path() == "math/rand/v2" && obj.Parent() == obj.Pkg().Scope() && !allowedRandV2[obj.Name()]:
						report(n.Pos(), "global-rand", "rand.%s draws from the global source: use the world's streams", obj.Name())
					case obj.Pkg().Path() == "sync" && obj.Name() == "Map":
						report(n.Pos(), "sync-map", "sync.Map: its Range walks in no fixed order")
					}
				}
				return true
			})
		}
	}
	sort.Strings(problems)
	return problems, nil
}

// checkCall reports the calls the rules forbid.
func checkCall(info *types.Info, n *ast.CallExpr, parent ast.Node, stack []ast.Node, annotated func(token.Pos) bool, report func(token.Pos, string, string, ...any)) {
	obj := calledFunc(info, n.Fun)
	if obj == nil {
		return
	}
	if b, ok := obj.(*types.Builtin); ok && (b.Name() == "print" || b.Name() == "println") {
		report(n.Pos(), "print", "%s writes to standard error", b.Name())
		return
	}
	if obj.Pkg() == nil {
		return
	}
	name := obj.Name()
	switch obj.Pkg().Path() {
	case "maps":
		if (name == "Keys" || name == "Values" || name == "All") && !sortedBy(info, parent) && !annotated(n.Pos()) && !annotated(stmtPos(stack)) {
			report(n.Pos(), "map-range", "maps.%s yields map order: wrap it in slices.Sorted or add a %q comment", name, mapOrderTag)
		}
	case "reflect":
		if fn, ok := obj.(*types.Func); ok && fn.Signature().Recv() != nil {
			switch name {
			case "MapKeys", "MapRange", "Seq", "Seq2":
				report(n.Pos(), "reflect-map", "reflect.Value.%s walks a map in no fixed order", name)
			}
		}
	case "fmt":
		switch name {
		case "Print", "Printf", "Println":
			report(n.Pos(), "print", "fmt.%s writes to standard output", name)
		}
		at := -1
		switch name {
		case "Printf", "Sprintf", "Errorf":
			at = 0
		case "Fprintf", "Appendf":
			at = 1
		}
		if at >= 0 && at < len(n.Args) {
			if tv, ok := info.Types[n.Args[at]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				format := constant.StringVal(tv.Value)
				if hasVerb(format, 'p') {
					report(n.Pos(), "pointer-format", "%%p formats an address, which differs from run to run")
				}
				if !n.Ellipsis.IsValid() {
					args := n.Args[at+1:]
					for _, d := range formatDirectives(format) {
						if d.verb != 'p' && d.verb != 'T' && d.arg < len(args) {
							reportAddress(info, args[d.arg], "%"+d.flags+string(d.verb), report)
						}
					}
				}
			}
		}
		switch name {
		case "Sprint", "Sprintln", "Print", "Println", "Fprint", "Fprintln", "Append", "Appendln", "Errorf":
			if name == "Errorf" || n.Ellipsis.IsValid() {
				break
			}
			first := 0
			if strings.HasPrefix(name, "F") || strings.HasPrefix(name, "Append") {
				first = 1
			}
			for _, a := range n.Args[min(first, len(n.Args)):] {
				reportAddress(info, a, "fmt."+name, report)
			}
		}
	}
}

// reportAddress reports an argument fmt would print as an address.
func reportAddress(info *types.Info, arg ast.Expr, how string, report func(token.Pos, string, string, ...any)) {
	tv, ok := info.Types[arg]
	if !ok || tv.Type == nil {
		return
	}
	if what := printsAddress(tv.Type, 0, map[types.Type]bool{}); what != "" {
		report(arg.Pos(), "pointer-format", "%s of %s prints %s, an address that differs from run to run", how, types.ExprString(arg), what)
	}
}

// printsAddress says what in a value of type t fmt prints as an address
// ("" when nothing), following fmt's printValue: methods first, a pointer
// to a composite as the argument itself printed as &{...}, the elements
// of composites one level down.
func printsAddress(t types.Type, depth int, seen map[types.Type]bool) string {
	if depth > 8 || seen[t] {
		return ""
	}
	if implementsText(t) {
		return ""
	}
	seen[t] = true
	defer delete(seen, t)
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		if depth == 0 {
			switch u.Elem().Underlying().(type) {
			case *types.Struct, *types.Array, *types.Slice, *types.Map:
				return printsAddress(u.Elem(), depth+1, seen)
			}
		}
		return "a pointer (" + types.TypeString(t, func(p *types.Package) string { return p.Name() }) + ")"
	case *types.Chan:
		return "a channel"
	case *types.Signature:
		return "a function"
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return "an unsafe.Pointer"
		}
	case *types.Slice:
		return printsAddress(u.Elem(), depth+1, seen)
	case *types.Array:
		return printsAddress(u.Elem(), depth+1, seen)
	case *types.Map:
		if w := printsAddress(u.Key(), depth+1, seen); w != "" {
			return w
		}
		return printsAddress(u.Elem(), depth+1, seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if w := printsAddress(u.Field(i).Type(), depth+1, seen); w != "" {
				return w + " in field " + u.Field(i).Name()
			}
		}
	}
	return ""
}

// implementsText says whether fmt prints a value of type t by its own
// String or Error method.
func implementsText(t types.Type) bool {
	for _, m := range []string{"String", "Error"} {
		obj, _, _ := types.LookupFieldOrMethod(t, true, nil, m)
		if f, ok := obj.(*types.Func); ok {
			sig := f.Signature()
			if sig.Params().Len() == 0 && sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Typ[types.String]) {
				return true
			}
		}
	}
	return false
}

// fmtDirective is one verb of a fmt format and the argument it formats.
type fmtDirective struct {
	verb  byte
	flags string
	arg   int
}

// formatDirectives lists a format's verbs with their argument indexes
// (explicit [n] indexes and * widths followed as fmt does; %% is none).
func formatDirectives(format string) []fmtDirective {
	var out []fmtDirective
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		flags := ""
		for i < len(format) {
			c := format[i]
			switch {
			case c == '[':
				j := strings.IndexByte(format[i:], ']')
				if j < 0 {
					return out
				}
				if n, err := strconv.Atoi(format[i+1 : i+j]); err == nil && n > 0 {
					arg = n - 1
				}
				i += j + 1
				continue
			case c == '*':
				arg++
			case strings.IndexByte("+-# ", c) >= 0:
				flags += string(c)
			case c >= '0' && c <= '9' || c == '.':
			default:
				goto verb
			}
			i++
		}
	verb:
		if i >= len(format) || format[i] == '%' {
			continue
		}
		out = append(out, fmtDirective{verb: format[i], flags: flags, arg: arg})
		arg++
	}
	return out
}

// hasVerb says whether a fmt format uses verb v (flags, width, precision
// and argument indexes skipped; %% is no verb).
func hasVerb(format string, v byte) bool {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.*[]", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == v {
			return true
		}
	}
	return false
}

// holdsMap says whether ranging over a value of type t walks a map: a map
// type, or a type parameter whose type set holds one.
func holdsMap(t types.Type, depth int) bool {
	if depth > 10 {
		return false
	}
	if tp, ok := t.(*types.TypeParam); ok {
		return holdsMap(tp.Constraint(), depth+1)
	}
	switch u := t.Underlying().(type) {
	case *types.Map:
		return true
	case *types.Interface:
		for i := 0; i < u.NumEmbeddeds(); i++ {
			if holdsMap(u.EmbeddedType(i), depth+1) {
				return true
			}
		}
	case *types.Union:
		for i := 0; i < u.Len(); i++ {
			if holdsMap(u.Term(i).Type(), depth+1) {
				return true
			}
		}
	}
	return false
}

// rootIdent is the variable an assignment to e writes: x in x, x.f, x[i],
// *x, (x); for pkg.V, V.
func rootIdent(info *types.Info, e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if _, isPkg := info.Uses[id].(*types.PkgName); isPkg {
					return x.Sel
				}
			}
			e = x.X
		default:
			return nil
		}
	}
}

var (
	purityFset     *token.FileSet
	purityImporter types.Importer
)

// purityLoader returns one file set and one importer for every check, so
// the standard library is type-checked from source once per test run.
func purityLoader() (*token.FileSet, types.Importer) {
	if purityFset == nil {
		purityFset = token.NewFileSet()
		purityImporter = importer.ForCompiler(purityFset, "source", nil)
	}
	return purityFset, purityImporter
}

func forbiddenImport(path string) bool {
	for _, f := range forbiddenImports {
		if strings.HasSuffix(f, "/") {
			if strings.HasPrefix(path, f) {
				return true
			}
		} else if path == f {
			return true
		}
	}
	return false
}

// mapOrderLines returns the lines holding a map-order comment with a reason.
func mapOrderLines(fset *token.FileSet, f *ast.File) map[int]bool {
	lines := map[int]bool{}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, mapOrderTag) && strings.TrimSpace(c.Text[len(mapOrderTag):]) != "" {
				lines[fset.Position(c.Pos()).Line] = true
			}
		}
	}
	return lines
}

func calledFunc(info *types.Info, fun ast.Expr) types.Object {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return info.Uses[f]
	case *ast.SelectorExpr:
		return info.Uses[f.Sel]
	case *ast.IndexExpr: // generic instantiation
		return calledFunc(info, f.X)
	case *ast.IndexListExpr:
		return calledFunc(info, f.X)
	}
	return nil
}

// sortedBy says whether n is a call to slices.Sorted or slices.SortedFunc.
func sortedBy(info *types.Info, n ast.Node) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	obj := calledFunc(info, call.Fun)
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "slices" &&
		(obj.Name() == "Sorted" || obj.Name() == "SortedFunc" || obj.Name() == "SortedStableFunc")
}

// stmtPos is the position of the innermost statement on the stack.
func stmtPos(stack []ast.Node) token.Pos {
	for i := len(stack) - 1; i >= 0; i-- {
		if s, ok := stack[i].(ast.Stmt); ok {
			return s.Pos()
		}
	}
	return token.NoPos
}

// TestPurityCatchesViolations proves the checker is not vacuous: a package
// that breaks every rule must be reported on every count.
func TestPurityCatchesViolations(t *testing.T) {
	dir := t.TempDir()
	src := `package bad

import (
	"maps"
	"math/rand/v2"
	"os"
	"time"
)

var m = map[string]int{"a": 1}

func F() int {
	go func() {}()
	c := make(chan int, 1)
	c <- 1
	<-c
	n := rand.IntN(3) + int(time.Now().Unix()) + len(os.Args)
	for k := range m {
		n += len(k)
	}
	// map-order: summing is commutative
	for _, v := range m {
		n += v
	}
	for k := range maps.Keys(m) {
		n += len(k)
	}
	p := rand.New(rand.NewPCG(1, 2))
	return n + p.IntN(2)
}
`
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bad\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err := checkPurity(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`imports "os"`, `imports "time"`, "go statement", "channel type", "channel send", "channel receive",
		"range over a map (m)", "maps.Keys yields map order", "rand.IntN draws from the global source"}
	got := strings.Join(problems, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("checker missed %q; it reported:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "range over a map"); n != 1 {
		t.Errorf("want exactly the unannotated map range reported, got %d:\n%s", n, got)
	}
	if strings.Contains(got, "rand.New ") || strings.Contains(got, "rand.NewPCG") {
		t.Errorf("seeded generators must be allowed:\n%s", got)
	}
}

// TestPurityFixtures: each package in testdata/purity breaks one rule in
// every way the checker must catch (and clean breaks none); the checker
// must report exactly those, by rule.
func TestPurityFixtures(t *testing.T) {
	cases := []struct {
		dir  string
		want map[string]int // rule → problems
	}{
		{"print", map[string]int{"print": 5}},
		{"globalwrite", map[string]int{"global-write": 7}},
		{"reflectmap", map[string]int{"import": 1, "reflect-map": 3}},
		{"syncmap", map[string]int{"import": 1, "sync-map": 1}},
		{"typeparam", map[string]int{"map-range": 3}},
		{"weak", map[string]int{"import": 1}},
		{"pointerformat", map[string]int{"pointer-format": 12, "import": 1, "goroutine": 1}}, // unsafe and a chan parameter for the cases
		{"clean", map[string]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			problems, err := checkPurity(filepath.Join("testdata", "purity", tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, p := range problems {
				i := strings.Index(p, ": [")
				j := strings.Index(p[i+3:], "] ")
				if i < 0 || j < 0 {
					t.Fatalf("problem without a rule: %s", p)
				}
				got[p[i+3:i+3+j]]++
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rules %v, want %v:\n%s", got, tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}

// The checker walks every package below engine/, testdata aside.
func TestPurityWalksEveryPackage(t *testing.T) {
	dirs, err := purityPackages(".")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(dirs, " ")
	for _, want := range []string{".", "attack", "duration", "suggest", "script", "script/host"} {
		if !slices.Contains(dirs, want) {
			t.Errorf("%s not walked (walked: %s)", want, got)
		}
	}
	if strings.Contains(got, "testdata") {
		t.Errorf("testdata walked: %s", got)
	}
}

// An exclusion covers its one problem, not another in the same file.
func TestPurityExclusionsAreNarrow(t *testing.T) {
	for _, tc := range []struct {
		dir, p string
		want   bool
	}{
		{"script", `script/budget.go:6:2: [import] imports "time"`, true},
		{"script", `script/budget.go:7:2: [import] imports "os"`, false},
		{"script", `script/budget.go:80:2: [global-write] writes the package-level variable x: state belongs in the World`, false},
		{"script", `script/api_time.go:5:2: [import] imports "time"`, true},
		{"script", `script/other.go:5:2: [import] imports "time"`, false},
		{".", `world.go:5:2: [import] imports "time"`, false},
		{"script/host", `script/host/host.go:110:14: [sync-map] sync.Map: its Range walks in no fixed order`, true},
	} {
		if got := excluded(tc.dir, tc.p) >= 0; got != tc.want {
			t.Errorf("%s %s: excluded %v, want %v", tc.dir, tc.p, got, tc.want)
		}
	}
}
