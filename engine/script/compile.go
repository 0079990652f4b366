package script

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Sources are the Lua trees one scenario can reach. require searches the
// scenario's folder first, then the shared library, so a scenario can
// override a library module by shipping one of the same name.
type Sources struct {
	Scenario fs.FS // the scenario's folder; nil if it has no Lua
	// ScenarioFiles, when Scenario is nil, holds the scenario's Lua files
	// by slash path inside its folder (what scenario.Scenario.Files holds).
	ScenarioFiles map[string][]byte
	ScenarioName  string // prefix of its files in errors, e.g. "scenarios/botnet"
	Library       fs.FS  // the shared script library; nil if none
	LibraryName   string // prefix of its files in errors, e.g. "scripts"
}

// Program is every .lua file of a scenario and of the library, parsed and
// compiled once. It is immutable, so any number of States, on any
// goroutines, instantiate it.
type Program struct {
	scenario map[string]*chunk // by path inside the tree: "playbooks/botnet.lua"
	library  map[string]*chunk
	names    map[string]bool // every chunk name, to recognise them in messages
}

// chunk is one compiled file.
type chunk struct {
	name  string             // as errors show it: "scenarios/botnet/playbooks/botnet.lua"
	proto *lua.FunctionProto // the wrapper of rewrite.go
}

// Compile parses and compiles every .lua file under src. Only the compile
// limits of limits are used (SourceBytesMax, SyntaxDepthMax); zero fields
// take their defaults. All syntax errors are reported, as *Error values
// (joined when there are several).
func Compile(src Sources, limits Limits) (*Program, error) {
	limits = limits.withDefaults()
	if err := limits.validate(); err != nil {
		return nil, err
	}
	p := &Program{
		scenario: map[string]*chunk{},
		library:  map[string]*chunk{},
		names:    map[string]bool{},
	}
	var errs []error
	names := make([]string, 0, len(src.ScenarioFiles))
	if src.Scenario == nil {
		// map-order: the names are sorted below.
		for rel := range src.ScenarioFiles {
			names = append(names, rel)
		}
		sort.Strings(names) // errors in path order
	}
	for _, rel := range names {
		if !strings.HasSuffix(rel, ".lua") || !fs.ValidPath(rel) {
			continue
		}
		name := path.Join(src.ScenarioName, rel)
		data := src.ScenarioFiles[rel]
		if len(data) > limits.SourceBytesMax {
			errs = append(errs, &Error{File: name, Tick: NoTick, Kind: KindLimit, Limit: "SourceBytesMax",
				Msg: limitMsg("SourceBytesMax", "file is %d bytes, more than %d", len(data), limits.SourceBytesMax)})
			continue
		}
		proto, cerr := compileSource(name, data, limits.SyntaxDepthMax)
		if cerr != nil {
			errs = append(errs, cerr)
			continue
		}
		p.scenario[rel] = &chunk{name: name, proto: proto}
		p.names[name] = true
	}
	for _, tree := range []struct {
		fsys   fs.FS
		prefix string
		into   map[string]*chunk
	}{
		{src.Scenario, src.ScenarioName, p.scenario},
		{src.Library, src.LibraryName, p.library},
	} {
		if tree.fsys == nil {
			continue
		}
		err := fs.WalkDir(tree.fsys, ".", func(rel string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(rel, ".lua") {
				return nil
			}
			if tree.prefix == src.LibraryName && isMeta(tree.fsys, rel) {
				return nil // annotations for editors (types/cyberex.lua), not code
			}
			name := path.Join(tree.prefix, rel)
			c, cerr := compileFile(tree.fsys, rel, name, limits)
			if cerr != nil {
				errs = append(errs, cerr)
				return nil
			}
			tree.into[rel] = c
			p.names[name] = true
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("script: reading %s: %w", tree.prefix, err)
		}
	}
	switch len(errs) {
	case 0:
		return p, nil
	case 1:
		return nil, errs[0]
	}
	return nil, errors.Join(errs...)
}

func compileFile(fsys fs.FS, rel, name string, limits Limits) (*chunk, error) {
	info, err := fs.Stat(fsys, rel)
	if err != nil {
		return nil, fmt.Errorf("script: %s: %w", name, err)
	}
	if info.Size() > int64(limits.SourceBytesMax) {
		return nil, &Error{File: name, Tick: NoTick, Kind: KindLimit, Limit: "SourceBytesMax",
			Msg: limitMsg("SourceBytesMax", "file is %d bytes, more than %d", info.Size(), limits.SourceBytesMax)}
	}
	src, err := fs.ReadFile(fsys, rel)
	if err != nil {
		return nil, fmt.Errorf("script: %s: %w", name, err)
	}
	if len(src) > limits.SourceBytesMax {
		return nil, &Error{File: name, Tick: NoTick, Kind: KindLimit, Limit: "SourceBytesMax",
			Msg: limitMsg("SourceBytesMax", "file is %d bytes, more than %d", len(src), limits.SourceBytesMax)}
	}
	proto, cerr := compileSource(name, src, limits.SyntaxDepthMax)
	if cerr != nil {
		return nil, cerr
	}
	return &chunk{name: name, proto: proto}, nil
}

// compileSource turns one file into the wrapper proto. gopher-lua's parser
// and compiler are not hardened against hostile input, so a panic in them
// is a syntax error too.
func compileSource(name string, src []byte, depthMax int) (proto *lua.FunctionProto, e *Error) {
	defer func() {
		if rec := recover(); rec != nil {
			proto = nil
			e = &Error{File: name, Tick: NoTick, Kind: KindSyntax, Msg: fmt.Sprintf("cannot compile: %v", rec)}
		}
	}()
	stmts, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	wrapped, err := wrapChunk(stmts, depthMax)
	if err != nil {
		var be *boundError
		if errors.As(err, &be) {
			return nil, &Error{File: name, Line: be.line, Tick: NoTick, Kind: KindSyntax, Msg: be.msg}
		}
		var re *rewriteError
		if errors.As(err, &re) {
			return nil, &Error{File: name, Line: re.line, Tick: NoTick, Kind: KindLimit, Limit: "SyntaxDepthMax",
				Msg: limitMsg("SyntaxDepthMax", "%s", re.Error())}
		}
		return nil, syntaxError(name, err)
	}
	proto, err = lua.Compile(wrapped, name)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	return proto, nil
}

// lookup finds a file by its path inside a tree, scenario first.
func (p *Program) lookup(rel string) *chunk {
	if c, ok := p.scenario[rel]; ok {
		return c
	}
	return p.library[rel]
}

// isChunk reports whether name is the name of a compiled file.
func (p *Program) isChunk(name string) bool { return p.names[name] }

// Files lists the compiled files by the names errors use, sorted.
func (p *Program) Files() []string {
	out := make([]string, 0, len(p.names))
	// map-order: the names are sorted below.
	for n := range p.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// isMeta says whether a library file is a LuaLS definition file: its
// first line is "---@meta".
func isMeta(fsys fs.FS, rel string) bool {
	f, err := fsys.Open(rel)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 8)
	n, _ := io.ReadFull(f, buf)
	return string(buf[:n]) == "---@meta"
}
