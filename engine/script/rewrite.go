package script

import (
	"fmt"

	"github.com/yuin/gopher-lua/ast"
)

// The VM's OP_CONCAT builds its string in one instruction, so `s = s .. s`
// reaches a GiB in thirty instructions, before any budget check could see
// it. The only place to bound it is the source: every `..` chain becomes a
// call to a bounded builtin. The builtin reaches each function as an upvalue
// under a name no source can spell, so scripts can neither see, replace nor
// bypass it:
//
//	local (concat) = ...
//	return function(...) <the chunk, with a .. b .. c as (concat)(a, b, c)> end

// concatName is not a valid Lua identifier, on purpose.
const concatName = "(concat)"

// concatArgsMax keeps a long `..` chain within the compiler's register
// limit: longer chains nest, which keeps Lua's right-to-left order.
const concatArgsMax = 48

// rewriteError reports source nested deeper than Limits.SyntaxDepthMax.
type rewriteError struct {
	line int
	max  int
}

func (e *rewriteError) Error() string {
	return fmt.Sprintf("source nested deeper than %d levels", e.max)
}

type rewriter struct {
	depth, depthMax int
	consts          []constants // per function being rewritten, innermost last
}

// wrapChunk checks nesting, rewrites concatenation and wraps the chunk as
// described above.
func wrapChunk(chunk []ast.Stmt, depthMax int) (out []ast.Stmt, err error) {
	r := &rewriter{depthMax: depthMax}
	defer func() {
		if rec := recover(); rec != nil {
			switch re := rec.(type) {
			case *rewriteError:
				err = re
			case *boundError:
				err = re
			default:
				panic(rec)
			}
		}
	}()
	r.enterFunction()
	r.block(chunk)
	r.leaveFunction()
	body := &ast.FunctionExpr{ParList: &ast.ParList{HasVargs: true}, Stmts: chunk}
	if n := len(chunk); n > 0 {
		body.SetLine(chunk[0].Line())
		body.SetLastLine(chunk[n-1].LastLine())
	}
	local := &ast.LocalAssignStmt{Names: []string{concatName}, Exprs: []ast.Expr{&ast.Comma3Expr{}}}
	ret := &ast.ReturnStmt{Exprs: []ast.Expr{body}}
	ret.SetLine(body.LastLine())
	return []ast.Stmt{local, ret}, nil
}

func (r *rewriter) enter(line int) {
	r.depth++
	if r.depth > r.depthMax {
		panic(&rewriteError{line: line, max: r.depthMax})
	}
}

func (r *rewriter) leave() { r.depth-- }

func (r *rewriter) block(stmts []ast.Stmt) {
	for _, s := range stmts {
		r.stmt(s)
	}
}

func (r *rewriter) exprs(es []ast.Expr) {
	for i := range es {
		es[i] = r.expr(es[i])
	}
}

func (r *rewriter) stmt(s ast.Stmt) {
	r.enter(s.Line())
	defer r.leave()
	switch s := s.(type) {
	case *ast.AssignStmt:
		r.exprs(s.Lhs)
		r.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		r.exprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = r.expr(s.Expr)
	case *ast.DoBlockStmt:
		r.block(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = r.expr(s.Condition)
		r.block(s.Stmts)
	case *ast.RepeatStmt:
		r.block(s.Stmts)
		s.Condition = r.expr(s.Condition)
	case *ast.IfStmt:
		s.Condition = r.expr(s.Condition)
		r.block(s.Then)
		r.block(s.Else)
	case *ast.NumberForStmt:
		s.Init = r.expr(s.Init)
		s.Limit = r.expr(s.Limit)
		s.Step = r.expr(s.Step)
		r.block(s.Stmts)
	case *ast.GenericForStmt:
		r.exprs(s.Exprs)
		r.block(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name != nil {
			s.Name.Func = r.expr(s.Name.Func)
			s.Name.Receiver = r.expr(s.Name.Receiver)
		}
		if s.Func != nil {
			r.enterFunction()
			r.block(s.Func.Stmts)
			r.leaveFunction()
		}
	case *ast.ReturnStmt:
		r.exprs(s.Exprs)
	}
}

func (r *rewriter) expr(e ast.Expr) ast.Expr {
	if e == nil {
		return nil
	}
	r.enter(e.Line())
	defer r.leave()
	switch e := e.(type) {
	case *ast.AttrGetExpr:
		e.Object = r.expr(e.Object)
		e.Key = r.expr(e.Key)
	case *ast.TableExpr:
		r.constructor(e)
		for _, f := range e.Fields {
			f.Key = r.expr(f.Key)
			f.Value = r.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		e.Func = r.expr(e.Func)
		e.Receiver = r.expr(e.Receiver)
		r.exprs(e.Args)
	case *ast.LogicalOpExpr:
		e.Lhs = r.expr(e.Lhs)
		e.Rhs = r.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		e.Lhs = r.expr(e.Lhs)
		e.Rhs = r.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		e.Lhs = r.expr(e.Lhs)
		e.Rhs = r.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		e.Expr = r.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		e.Expr = r.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		e.Expr = r.expr(e.Expr)
	case *ast.FunctionExpr:
		r.enterFunction()
		r.block(e.Stmts)
		r.leaveFunction()
	case *ast.StringExpr:
		r.constant('s', e.Value, e.Line())
	case *ast.NumberExpr:
		r.constant('n', e.Value, e.Line())
	case *ast.IdentExpr:
		r.constant('s', e.Value, e.Line())
	case *ast.StringConcatOpExpr:
		return r.concat(e)
	}
	return e
}

// concat flattens a right-nested chain a .. (b .. (c .. d)) without
// recursing on its length, then rewrites every operand.
func (r *rewriter) concat(e *ast.StringConcatOpExpr) ast.Expr {
	var operands []ast.Expr
	var cur ast.Expr = e
	for {
		c, ok := cur.(*ast.StringConcatOpExpr)
		if !ok {
			operands = append(operands, cur)
			break
		}
		operands = append(operands, c.Lhs)
		cur = c.Rhs
	}
	for i := range operands {
		operands[i] = r.expr(operands[i])
	}
	if nested := (len(operands) - 1) / (concatArgsMax - 1); r.depth+nested > r.depthMax {
		panic(&rewriteError{line: e.Line(), max: r.depthMax})
	}
	return concatCall(operands, e.Line())
}

func concatCall(operands []ast.Expr, line int) ast.Expr {
	if len(operands) > concatArgsMax {
		tail := concatCall(operands[concatArgsMax-1:], line)
		operands = append(operands[:concatArgsMax-1:concatArgsMax-1], tail)
	}
	fn := &ast.IdentExpr{Value: concatName}
	fn.SetLine(line)
	call := &ast.FuncCallExpr{Func: fn, Args: operands, AdjustRet: true}
	call.SetLine(line)
	call.SetLastLine(line)
	return call
}
