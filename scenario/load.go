// Package scenario loads exercise scenarios: a folder with scenario.yaml
// (the world, teams, injects, objectives, settings and tests) and Lua
// files (the story). It checks everything a planner can get wrong and
// reports all of it at once, each problem with file, line and column; no
// input makes it panic or hang. A loaded Scenario builds fresh engine
// worlds cheaply: generated hosts are made once, at load.
//
// The format is documented in docs/scenario-format.md; the JSON Schema
// docs/scenario.schema.json is generated from the types of this package
// (go test ./scenario -run TestSchema -rewrite).
package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"cyberex/engine"

	"go.yaml.in/yaml/v3"
)

// Options change how a scenario is loaded.
type Options struct {
	// Set holds "key=value" overrides applied to scenario.yaml before it
	// is decoded (see set.go and the docs: --set).
	Set []string
	// Library is the shared scripts/ folder; scripts not found in the
	// scenario folder are looked up there. May be nil.
	Library fs.FS
	// Director makes the Lua director of a world; nil uses the package's
	// NewDirector.
	Director DirectorFactory
	// IgnoreTests skips the scenario's tests section: a run or a sweep
	// does not use it, and a test may not fit its --set overrides (a
	// shorter duration than a test's ticks).
	IgnoreTests bool
}

// DirectorFactory makes the director (the Lua story) of a new world.
type DirectorFactory func(s *Scenario, w *engine.World) (engine.Director, error)

// NewDirector is the director factory used when Options.Director is nil.
// The Lua host registers itself here (in its init, or the main does).
var NewDirector DirectorFactory

// ScriptLimitBounds, registered by the Lua host with NewDirector, gives the
// range a settings.script_limits field (by its YAML name) accepts, so the
// loader reports an out-of-range limit at its line even in a scenario
// without Lua yet.
var ScriptLimitBounds func(name string) (lo, hi int64, ok bool)

// Cost is the size of a world of a scenario: what validate says before a
// run builds one (each run holds its own copy, and the loaded scenario a
// template).
type Cost struct {
	Assets   int64 // named and generated
	Segments int64
	Bytes    int64 // about: the assets and segments of one world
}

// Sizes of a world's entries, for Cost.
var (
	assetBytes   = int64(reflect.TypeFor[engine.Asset]().Size())
	segmentBytes = int64(reflect.TypeFor[engine.Segment]().Size())
)

// InspectScripts, registered by the Lua host with NewDirector, compiles a
// scenario's Lua (so that a syntax error is an error of the load, at its
// file:line:col) and lists the names its calls spell as literal strings,
// which the loader checks against what the scenario declares
// (lua_check.go). The error is Errors, or another error for a problem
// that has no place in a file.
var InspectScripts func(s *Scenario) (LuaRefs, error)

// LuaRef is a name a script spells as a literal in a call of the API:
// deliver("news") names the inject news.
type LuaRef struct {
	Kind string // what it names: inject, organisation, asset, ... (engine/script's Ref kinds)
	ID   string
	File string
	Line int
}

// LuaRefs are the literal names of a scenario's scripts.
type LuaRefs struct {
	Refs []LuaRef
	// Dynamic holds the kinds ("set_metric", "objective check") that some
	// call names with a value computed at run time: checks that need
	// every name of that kind are then skipped.
	Dynamic map[string]bool
}

// Scenario is a loaded, checked scenario.
type Scenario struct {
	Name string
	Dir  string // the folder as given to Load (or the name given to LoadFS)
	// Digest is the hex SHA-256 over scenario.yaml and every Lua file in
	// sorted path order (each as path, size and bytes), and over the --set
	// overrides when there are any: journals record it.
	Digest string
	Spec   *File // the decoded YAML, durations resolved and test defaults filled; read only
	// Files holds the scenario's Lua sources by slash path relative to
	// the folder.
	Files map[string][]byte
	// Scripts are the story scripts to run, in order: paths in Files, or
	// in Library when Files has none of that name.
	Scripts []string
	Library fs.FS
	// LibraryDigest is the hex SHA-256 over every .lua file of Library
	// (sorted path order, each as path, size and bytes) when the scenario
	// has scripts, else "": journals record it, so that a replay under
	// another library says so instead of reporting a hash mismatch.
	LibraryDigest string
	Tests         []TestSpec
	// Vars are the values scripts read with var(name).
	Vars map[string]any
	// Overrides are the --set overrides applied.
	Overrides []string
	// TickSeconds is the exercise time of one tick.
	TickSeconds int32
	// Cost is what a world of the scenario holds, known before any is
	// built.
	Cost Cost

	fsys     fs.FS
	root     string
	builder  *checker // holds the initial assets, generated once
	director DirectorFactory
}

// Limits of the files of a scenario.
const (
	fileBytesMax = 16 << 20 // one file
	// yamlBytesMax bounds scenario.yaml, and so the cost of the largest
	// scenario accepted: decoding and checking cost about 1 s and 80 MB
	// per MiB of YAML (a file of 130,000 dependency entries), so that the
	// largest stays within seconds and a GiB. Big worlds are generated
	// (generate:), not listed.
	yamlBytesMax   = 8 << 20
	totalBytesMax  = 64 << 20 // all Lua files
	filesMax       = 10_000   // entries walked in the folder
	idBytesMax     = 128
	commandsMax    = 1_000_000
	commandLineMax = 1 << 20
)

// Load reads dir/scenario.yaml and the Lua files under dir. The error is
// *Errors when the scenario is invalid.
func Load(dir string, opt Options) (*Scenario, error) {
	return load(FolderFS(dir), ".", dir, opt, true)
}

// LoadFS is Load from a file system (an embedded scenario, a fuzzer's).
func LoadFS(fsys fs.FS, name string, opt Options) (*Scenario, error) {
	return load(fsys, name, name, opt, true)
}

// Validate checks a scenario like Load does, without generating hosts.
func Validate(dir string, opt Options) error {
	_, err := load(FolderFS(dir), ".", dir, opt, false)
	return err
}

// LoadSpec checks a scenario like Validate and returns it without its
// generated hosts: its Spec, scripts and tests, for tools that read the
// scenario (a picture of the network, a cost estimate) rather than run it.
// Its NewWorld fails; Load it to run it.
func LoadSpec(dir string, opt Options) (*Scenario, error) {
	return load(FolderFS(dir), ".", dir, opt, false)
}

// LoadSpecFS is LoadSpec from a file system.
func LoadSpecFS(fsys fs.FS, name string, opt Options) (*Scenario, error) {
	return load(fsys, name, name, opt, false)
}

// ValidateFS is Validate from a file system.
func ValidateFS(fsys fs.FS, name string, opt Options) error {
	_, err := load(fsys, name, name, opt, false)
	return err
}

func displayPath(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}

func load(fsys fs.FS, root, dir string, opt Options, full bool) (s *Scenario, err error) {
	errs := &errList{}
	yamlName := displayPath(dir, "scenario.yaml")
	defer func() {
		// A bug of the loader must not take down a server: report it.
		if r := recover(); r != nil {
			s = nil
			err = oneError(Error{File: yamlName, Msg: fmt.Sprintf("internal error of the scenario loader (please report): %v", r)})
		}
	}()
	data, lua, err := readFolder(fsys, root, dir)
	if err != nil {
		return nil, err
	}
	doc, err := parseYAML(data, yamlName)
	if err != nil {
		return nil, err
	}
	setOf := map[*yaml.Node]string{}
	applySets(doc, opt.Set, setOf, errs)

	c := &checker{file: yamlName, dir: dir, errs: errs, full: full, fsys: fsys, root: root, lua: lua, library: opt.Library, skipTests: opt.IgnoreTests}
	c.d = newDecoder(yamlName, errs, setOf, countNodes(doc))
	var f File
	if len(doc.Content) > 0 {
		c.d.decode(doc.Content[0], reflectValue(&f), "", 0)
	} else {
		errs.add(Error{File: yamlName, Line: 1, Col: 1, Msg: "the file is empty"})
	}
	// The node tree is no longer needed (the decoder kept the positions):
	// let the collector have it before the checks, which build the world
	// (for the largest file accepted, 400 MB less at the peak).
	doc = nil
	if c.d.over {
		return nil, errs.result()
	}
	w := c.check(&f)
	s = &Scenario{Name: f.Name, Dir: dir, Spec: &f, Files: lua, Scripts: c.scripts, Library: opt.Library,
		Tests: f.Tests, Vars: f.Vars, Overrides: slices.Clone(opt.Set), TickSeconds: c.tick,
		fsys: fsys, root: root, director: opt.Director}
	s.Cost = Cost{Assets: c.generated + int64(len(f.Assets)), Segments: int64(len(c.segs))}
	s.Cost.Bytes = s.Cost.Assets*assetBytes + s.Cost.Segments*segmentBytes
	c.checkLua(s, &f)
	if !errs.empty() {
		return nil, errs.result()
	}
	if opt.IgnoreTests {
		f.Tests = nil
		s.Tests = nil
	}
	if len(f.Tests) > 0 {
		c.checkTestOverrides(&f, data, opt.Set)
		if !errs.empty() {
			return nil, errs.result()
		}
	}

	if w != nil {
		// The checker keeps its id tables: it builds every new world,
		// reading only (NewWorld may be called from many goroutines).
		c.reuse, c.full, c.d = w.Assets, true, nil
		s.builder = c
	}
	s.Digest = digest(data, lua, opt.Set)
	if s.HasScripts() && opt.Library != nil {
		if s.LibraryDigest, err = LibraryDigest(opt.Library); err != nil {
			return nil, oneError(Error{File: yamlName, Msg: fmt.Sprintf("the shared Lua library: %v", err)})
		}
	}
	return s, nil
}

// LibraryDigest is the digest of a shared Lua library: the hex SHA-256
// over its .lua files in sorted path order, each as path, size and bytes.
// Files that begin with "---@meta" are left out: they are annotations for
// editors (scripts/types), never run, and not built into the program, so
// the library on disk and the one built in have one digest.
func LibraryDigest(lib fs.FS) (string, error) {
	var names []string
	err := fs.WalkDir(lib, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if len(names) >= filesMax {
			return fmt.Errorf("more than %d files", filesMax)
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".lua") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names) // WalkDir's order is lexical already; say so anyway
	h := sha256.New()
	total := 0
	for _, n := range names {
		b, err := readLimited(lib, n)
		if err != nil {
			return "", fmt.Errorf("%s: %w", n, err)
		}
		if total += len(b); total > totalBytesMax {
			return "", fmt.Errorf("more than %d MiB of Lua", totalBytesMax>>20)
		}
		if bytes.HasPrefix(b, []byte("---@meta")) {
			continue
		}
		fmt.Fprintf(h, "%s\n%d\n", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readFolder reads scenario.yaml and every .lua file below root.
func readFolder(fsys fs.FS, root, dir string) ([]byte, map[string][]byte, error) {
	yamlName := displayPath(dir, "scenario.yaml")
	data, err := readMax(fsys, path.Join(root, "scenario.yaml"), yamlBytesMax)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, oneError(Error{File: yamlName, Msg: "no scenario.yaml in the folder"})
		}
		return nil, nil, oneError(Error{File: yamlName, Msg: unwrapPath(err).Error()})
	}
	lua := map[string][]byte{}
	var bad *Error // a file the folder may not hold
	entries, total := 0, 0
	walkErr := fs.WalkDir(fsys, root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable corners are not the scenario's
		}
		entries++
		if entries > filesMax {
			return fmt.Errorf("more than %d files in the folder", filesMax)
		}
		name := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		if root == "." {
			name = p
		}
		if p != root && hidden(p) {
			if de.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !regularOrDir(de.Type()) {
			bad = &Error{File: displayPath(dir, name), Msg: notRegularError{de.Type()}.Error()}
			return fs.SkipAll
		}
		if de.IsDir() {
			return nil
		}
		if !strings.HasSuffix(de.Name(), ".lua") {
			return nil
		}
		b, err := readLimited(fsys, p)
		if err != nil {
			bad = &Error{File: displayPath(dir, name), Msg: unwrapPath(err).Error()}
			return fs.SkipAll
		}
		total += len(b)
		if total > totalBytesMax {
			return fmt.Errorf("the Lua files are larger than %d MiB in all", totalBytesMax>>20)
		}
		lua[name] = b
		return nil
	})
	if bad != nil {
		return nil, nil, oneError(*bad)
	}
	if walkErr != nil {
		return nil, nil, oneError(Error{File: displayPath(dir, ""), Msg: walkErr.Error()})
	}
	return data, lua, nil
}

// readLimited reads a regular file of at most fileBytesMax bytes; never
// more than that is read into memory. A file system other than FolderFS
// (an embedded one) is trusted not to block on Open.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	return readMax(fsys, name, fileBytesMax)
}

// readMax is readLimited with another limit.
func readMax(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		if info.IsDir() {
			return nil, fmt.Errorf("is a folder, not a file")
		}
		return nil, notRegularError{info.Mode()}
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("file larger than %d MiB", limit>>20)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("file larger than %d MiB", limit>>20)
	}
	return b, nil
}

// parseYAML parses the document, turning the parser's errors into Errors.
func parseYAML(data []byte, file string) (*yaml.Node, error) {
	// One parse (a big file costs seconds per parse): the first document,
	// then whether a second follows, which would be silently ignored.
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := safeDecode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.DocumentNode}, nil
		}
		return nil, oneError(yamlSyntaxError(err, file, data))
	}
	if doc.Kind == 0 {
		return &yaml.Node{Kind: yaml.DocumentNode}, nil
	}
	var second yaml.Node
	switch err := safeDecode(dec, &second); {
	case err == nil && second.Kind != 0:
		return nil, oneError(Error{File: file, Line: second.Line, Col: second.Column, Msg: "only one YAML document is allowed (remove the second ---)"})
	case err != nil && !errors.Is(err, io.EOF):
		// yaml.Unmarshal, which read only the first document, saw the
		// whole stream too: an error after the first document is the
		// file's.
		return nil, oneError(yamlSyntaxError(err, file, data))
	}
	if len(doc.Content) == 1 && isNull(doc.Content[0]) {
		doc.Content = nil
	}
	return &doc, nil
}

func safeDecode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return dec.Decode(n)
}

func yamlSyntaxError(err error, file string, data []byte) Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := Error{File: file}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				e.Line = n
				msg = tail
			}
		}
	}
	if e.Line == 0 {
		// The YAML reader says what is wrong with the bytes (invalid
		// UTF-8, a control character) but not where: find it.
		if line, col, what := firstBadChar(data); line > 0 {
			e.Line, e.Col = line, col
			msg += " (" + what + ")"
		}
	}
	e.Msg = "not valid YAML: " + msg
	return e
}

// firstBadChar finds the first byte of data that YAML does not allow in a
// file: invalid UTF-8, or a character outside YAML's printable set (a
// control character but tab, newline and carriage return). It returns its
// 1-based line and column (in characters) and what it is, or line 0.
func firstBadChar(data []byte) (line, col int, what string) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, col, fmt.Sprintf("invalid UTF-8: byte 0x%02X", data[i])
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r' || r == 0x85 || r == 0xFEFF:
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF:
			return line, col, fmt.Sprintf("control character U+%04X", r)
		}
		i += size
		col++
	}
	return 0, 0, ""
}

// digest hashes the inputs that decide the world.
func digest(yamlData []byte, lua map[string][]byte, sets []string) string {
	h := sha256.New()
	put := func(name string, b []byte) {
		fmt.Fprintf(h, "%s\n%d\n", name, len(b))
		h.Write(b)
	}
	put("scenario.yaml", yamlData)
	names := make([]string, 0, len(lua))
	for n := range lua {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		put(n, lua[n])
	}
	for _, s := range sets {
		put("--set", []byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Duration is the length of a run in ticks.
func (s *Scenario) Duration() int32 { return s.Spec.Settings.Duration.Ticks }

// HasScripts says whether the scenario has a Lua story.
func (s *Scenario) HasScripts() bool { return len(s.Scripts) > 0 }

// NewWorld builds a fresh world, initialised with the run seed. Generated
// hosts were made at load (from settings.generation_seed) and are copied.
// When the scenario has scripts, its Director comes from the factory.
func (s *Scenario) NewWorld(seed uint64) (*engine.World, error) {
	if s.builder == nil {
		return nil, errors.New("scenario was only validated: load it to build worlds")
	}
	w := s.builder.build(s.Spec)
	if err := w.Init(seed); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	if s.HasScripts() {
		f := s.director
		if f == nil {
			f = NewDirector
		}
		if f == nil {
			return nil, fmt.Errorf("scenario %s has Lua scripts but no script host is linked in (scenario.NewDirector is nil)", s.Name)
		}
		d, err := f(s, w)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: scripts: %w", s.Name, err)
		}
		w.Director = d
	}
	return w, nil
}

// ReadFile reads a file of the scenario folder (commands, golden files).
func (s *Scenario) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%q: want a path inside the scenario folder", name)
	}
	return readLimited(s.fsys, path.Join(s.root, name))
}

// Script returns the source of a story script: from the scenario folder,
// or from the library.
func (s *Scenario) Script(name string) ([]byte, error) {
	if b, ok := s.Files[name]; ok {
		return b, nil
	}
	if s.Library != nil {
		return readLimited(s.Library, name)
	}
	return nil, fmt.Errorf("script %q not found", name)
}
