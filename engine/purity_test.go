package engine

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestPurity holds the engine to the rule of the house (DESIGN.md,
// "Architecture", rule 1): the core does no I/O, reads no clock, starts no
// goroutine, draws randomness only from the world's own seeded generators,
// and never lets map iteration order reach the state.
//
// It reads the source of the engine package and of the subpackages in
// purityPackages (non-test files only) and fails on:
//
//   - an import from forbiddenImports (or below a forbidden prefix);
//
//   - a package-level function of math/rand/v2 other than the constructors
//     (rand.IntN and friends draw from an unseeded global source);
//
//   - a go statement, a select statement, a channel type (make(chan ...),
//     a chan parameter or field), a send or a receive;
//
//   - a range over a value of map type, or over maps.Keys/Values/All, and
//     a call to maps.Keys/Values/All not wrapped in slices.Sorted, unless
//     the line above carries a comment
//
//     // map-order: <why the order cannot reach the state>
//
//     (the usual reason: the keys are collected and sorted before use).
//
// A new engine file is checked without anyone having to remember to add it.
func TestPurity(t *testing.T) {
	for _, dir := range purityPackages {
		t.Run(dir, func(t *testing.T) {
			problems, err := checkPurity(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// purityPackages are the directories (relative to this one) held to the rule.
var purityPackages = []string{".", "attack", "duration", "suggest"}

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
}

// allowedRandV2 are the package-level objects of math/rand/v2 that do not
// touch the global source.
var allowedRandV2 = map[string]bool{
	"PCG": true, "NewPCG": true, "ChaCha8": true, "NewChaCha8": true,
	"Rand": true, "New": true, "Source": true, "Zipf": true, "NewZipf": true,
}

const mapOrderTag = "// map-order:"

// checkPurity returns the violations found in the package in dir.
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
	report := func(pos token.Pos, format string, args ...any) {
		p := fset.Position(pos)
		problems = append(problems, p.String()+": "+fmt.Sprintf(format, args...))
	}

	// Syntax: imports and forbidden constructs.
	for _, f := range all {
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, "`\"")
			if forbiddenImport(path) {
				report(imp.Pos(), "imports %q", path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				report(n.Pos(), "go statement: the engine starts no goroutine")
			case *ast.SelectStmt:
				report(n.Pos(), "select statement")
			case *ast.ChanType:
				report(n.Pos(), "channel type")
			case *ast.SendStmt:
				report(n.Pos(), "channel send")
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					report(n.Pos(), "channel receive")
				}
			}
			return true
		})
	}

	// Types: ranges over maps, and the global random source. Only the files
	// of the current build are type-checked together.
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
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(bp.ImportPath, fset, files, info); err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", dir, err)
	}
	for _, f := range files {
		tagged := mapOrderLines(fset, f)
		annotated := func(pos token.Pos) bool {
			p := fset.Position(pos)
			return tagged[p.Line-1] || tagged[p.Line]
		}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
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
					report(n.Pos(), "range over an expression without a type")
					break
				}
				if _, isMap := tv.Type.Underlying().(*types.Map); isMap && !annotated(n.Pos()) {
					report(n.Pos(), "range over a map (%s) without a %q comment on the line above", types.ExprString(n.X), mapOrderTag)
				}
			case *ast.CallExpr:
				if obj := calledFunc(info, n.Fun); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "maps" &&
					(obj.Name() == "Keys" || obj.Name() == "Values" || obj.Name() == "All") {
					if !sortedBy(info, parent) && !annotated(n.Pos()) && !annotated(stmtPos(stack)) {
						report(n.Pos(), "maps.%s yields map order: wrap it in slices.Sorted or add a %q comment", obj.Name(), mapOrderTag)
					}
				}
			case *ast.SelectorExpr:
				if obj, ok := info.Uses[n.Sel]; ok && obj.Pkg() != nil && obj.Pkg().Path() == "math/rand/v2" &&
					obj.Parent() == obj.Pkg().Scope() && !allowedRandV2[obj.Name()] {
					report(n.Pos(), "rand.%s draws from the global source: use the world's streams", obj.Name())
				}
			}
			return true
		})
	}
	sort.Strings(problems)
	return problems, nil
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
