package script

import (
	"fmt"

	"github.com/yuin/gopher-lua/ast"
)

// Compile-time bounds beyond bytes and nesting (issue 9, class 4). gopher-
// lua's SETLIST encodes a constructor's batch index in 9 bits, so a table
// constructor of more than 511 × 50 = 25,550 items compiles into wrong
// code (#t of {1, 1, ... 30,000 times} is 25,550); and compile time grows
// faster than linearly with a function's constants (200,000 took seconds).
const (
	// ConstructorItemsMax bounds the fields of one table constructor.
	ConstructorItemsMax = 511 * 50
	// FunctionConstantsMax bounds the distinct literals and names one
	// function (or a file's top level) uses.
	FunctionConstantsMax = 1 << 16
)

// boundError is a compile-time bound exceeded at a line.
type boundError struct {
	line int
	msg  string
}

func (e *boundError) Error() string { return e.msg }

// constants counts the distinct literals and names of the function being
// rewritten.
type constants map[string]bool

func (r *rewriter) constant(kind byte, v string, line int) {
	c := r.consts[len(r.consts)-1]
	key := string(kind) + v
	if c[key] {
		return
	}
	c[key] = true
	if len(c) > FunctionConstantsMax {
		panic(&boundError{line: line, msg: fmt.Sprintf("a function uses more than %d distinct literals and names; split it (data belongs in several functions or files)", FunctionConstantsMax)})
	}
}

func (r *rewriter) enterFunction() { r.consts = append(r.consts, constants{}) }
func (r *rewriter) leaveFunction() { r.consts = r.consts[:len(r.consts)-1] }

func (r *rewriter) constructor(e *ast.TableExpr) {
	if len(e.Fields) > ConstructorItemsMax {
		panic(&boundError{line: e.Line(), msg: fmt.Sprintf("a table constructor has %d items, more than %d (gopher-lua miscompiles longer ones); build the table in a loop or split it", len(e.Fields), ConstructorItemsMax)})
	}
}
