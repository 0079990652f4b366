package scenario

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The decoder walks the yaml.Node tree into the Go types of types.go by
// reflection. It is strict like yaml.v3's KnownFields, but it reports every
// problem (not only the first) with its line and column, suggests the
// closest field name, words type errors for planners, and bounds the work
// an input can cause (aliases, depth).

// nodeDecoder is implemented (on the pointer) by types that read
// themselves from a node: durations, shares, seeds... The node is never an
// alias. The error is reported at the node.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string) error
}

var nodeDecoderType = reflect.TypeFor[nodeDecoder]()

type pos struct{ line, col int }

type decoder struct {
	file string
	errs *errList
	// pos holds where each decoded value is: key = field path.
	pos map[string]pos
	// keyPos holds where the key of a mapping entry is.
	keyPos map[string]pos
	// setOf names the --set override a node came from (nodes it created).
	setOf map[*yaml.Node]string
	// nodeSet maps a path to the override that produced its node.
	nodeSet map[string]string
	budget  int // node visits left (alias expansion bound)
	over    bool
	// bad holds paths whose value could not be read (or is missing):
	// later checks stay silent there rather than repeat the problem.
	bad map[string]bool
}

// Limits of the decoder.
const (
	depthMax       = 64      // nesting of values
	visitsMin      = 200_000 // node visits allowed for any document
	visitsPerNode  = 2       // and per node of the document (aliases may repeat a node once more)
	stringBytesMax = 1 << 20 // one scalar
)

func newDecoder(file string, errs *errList, setOf map[*yaml.Node]string, nodes int) *decoder {
	return &decoder{file: file, errs: errs, pos: map[string]pos{}, keyPos: map[string]pos{}, setOf: setOf,
		nodeSet: map[string]string{}, budget: max(visitsMin, nodes*visitsPerNode), bad: map[string]bool{}}
}

// errAt reports a problem with the value at path (or the closest
// recorded parent when the value was not given).
func (d *decoder) errAt(path, format string, args ...any) {
	d.errs.add(d.makeErr(path, false, fmt.Sprintf(format, args...)))
}

// errValue reports a value that could not be read, and marks its path.
func (d *decoder) errValue(path, format string, args ...any) {
	d.bad[path] = true
	d.errAt(path, format, args...)
}

// silenced says whether path or a parent could not be read.
func (d *decoder) silenced(path string) bool {
	for p := path; p != ""; p = parentPath(p) {
		if d.bad[p] {
			return true
		}
	}
	return false
}

// errKey reports a problem with the key of path.
func (d *decoder) errKey(path, format string, args ...any) {
	d.errs.add(d.makeErr(path, true, fmt.Sprintf(format, args...)))
}

func (d *decoder) makeErr(path string, key bool, msg string) Error {
	e := Error{File: d.file, Field: path, Msg: msg}
	for p := path; ; p = parentPath(p) {
		if s, ok := d.nodeSet[p]; ok {
			e.File = "--set " + s
			return e
		}
		var at pos
		var ok bool
		if key {
			at, ok = d.keyPos[p]
		}
		if !ok {
			at, ok = d.pos[p]
		}
		if ok {
			e.Line, e.Col = at.line, at.col
			return e
		}
		if p == "" {
			e.Line, e.Col = 1, 1
			return e
		}
	}
}

// parentPath strips the last element of a field path.
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(parent, field string) string {
	if parent == "" {
		return field
	}
	return parent + "." + field
}

func (d *decoder) record(path string, n *yaml.Node) {
	if s, ok := d.setOf[n]; ok {
		d.nodeSet[path] = s
	}
	d.pos[path] = pos{n.Line, n.Column}
}

// resolve follows aliases (bounded: an alias of an alias of... is counted).
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > depthMax {
			return nil
		}
		n = n.Alias
	}
	return n
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return strconv.Quote(v)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// decode reads node n into v (addressable), recording positions under path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if d.over {
		return
	}
	d.budget--
	if d.budget < 0 {
		d.over = true
		d.errAt(path, "the document expands to too many values (aliases repeating aliases?); write it out plainly")
		return
	}
	if depth > depthMax {
		d.errAt(path, "nested too deeply")
		return
	}
	orig := n
	n = d.resolve(n)
	if n == nil {
		d.errAt(path, "alias chain too long")
		return
	}
	d.record(path, orig)
	if s, ok := d.setOf[orig]; ok {
		d.nodeSet[path] = s
	}
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecoderType) {
		if isNull(n) {
			return
		}
		if err := v.Addr().Interface().(nodeDecoder).decodeNode(d, n, path); err != nil {
			d.errValue(path, "%s", err.Error())
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path, depth+1)
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errValue(path, "want a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errValue(path, "want a mapping (name: value lines), got %s", describe(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := d.resolve(n.Content[i]), n.Content[i+1]
			if k == nil || k.Kind != yaml.ScalarNode {
				d.errAt(path, "a key here must be a plain name")
				continue
			}
			p := joinPath(path, k.Value)
			d.keyPos[p] = pos{k.Line, k.Column}
			if line, dup := seen[k.Value]; dup {
				d.errKey(p, "given twice (first on line %d)", line)
				continue
			}
			seen[k.Value] = k.Line
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, e, p, depth+1)
			m.SetMapIndex(reflect.ValueOf(k.Value), e)
		}
		v.Set(m)
	case reflect.Interface:
		d.decodeAny(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

// structFields lists the yaml fields of a struct type, following inline
// embedded structs. index is the reflect field index path.
type structField struct {
	name     string
	index    []int
	required bool
}

// structFields lists the yaml fields of a struct type (cached: a big
// scenario decodes hundreds of thousands of structs of a few types).
func structFields(t reflect.Type) []structField { return typeInfoOf(t).fields }

// typeInfo is what the decoder needs of a struct type, computed once.
type typeInfo struct {
	fields []structField
	byName map[string]int // index in fields
	names  []string       // fieldNames(fields)
}

var typeInfos sync.Map // reflect.Type → *typeInfo

func typeInfoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	fs := computeStructFields(t)
	ti := &typeInfo{fields: fs, byName: make(map[string]int, len(fs)), names: fieldNames(fs)}
	for i, f := range fs {
		ti.byName[f.name] = i
	}
	v, _ := typeInfos.LoadOrStore(t, ti)
	return v.(*typeInfo)
}

var durationHolders sync.Map // reflect.Type → bool

// holdsDuration says whether a value of type t can hold a Duration, so
// that resolveDurations skips the rest of a big scenario (its ids, its
// dependency lists) without building a path for each of its values.
func holdsDuration(t reflect.Type) bool {
	if v, ok := durationHolders.Load(t); ok {
		return v.(bool)
	}
	v, _ := durationHolders.LoadOrStore(t, computeHoldsDuration(t, map[reflect.Type]bool{}))
	return v.(bool)
}

func computeHoldsDuration(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if t == reflect.TypeFor[Duration]() {
		return true
	}
	if visiting[t] {
		return false // a recursive type: its other paths decide
	}
	visiting[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return computeHoldsDuration(t.Elem(), visiting)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if computeHoldsDuration(t.Field(i).Type, visiting) {
				return true
			}
		}
	}
	return false
}

func computeStructFields(t reflect.Type) []structField {
	var out []structField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			for _, sf := range computeStructFields(f.Type) {
				sf.index = append([]int{i}, sf.index...)
				out = append(out, sf)
			}
			continue
		}
		if name == "" {
			continue
		}
		out = append(out, structField{name: name, index: []int{i}, required: f.Tag.Get("required") == "true"})
	}
	return out
}

func fieldNames(fs []structField) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// noun names what a struct is for "missing" messages.
func noun(t reflect.Type) string {
	n := t.Name()
	n = strings.TrimSuffix(n, "Spec")
	switch n {
	case "Org":
		return "organisation"
	case "Infra":
		return "infrastructure"
	case "Vuln":
		return "vulnerability"
	case "File":
		return "scenario"
	case "Test":
		return "test"
	case "SegmentGenerate":
		return "generate block"
	case "Generate":
		return "generate entry"
	}
	var b strings.Builder
	for i, r := range n {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r | 0x20)
	}
	return b.String()
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if isNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.MappingNode {
		d.errValue(path, "want a mapping (key: value lines), got %s", describe(n))
		return
	}
	ti := typeInfoOf(v.Type())
	fields := ti.fields
	// seen holds the line each field was given on, 0 if not given: a
	// slice, not a map, since a big scenario decodes many structs.
	seen := make([]int, len(fields))
	entries := d.mappingEntries(n, path, 0)
	for _, e := range entries {
		k := e.key
		fi, ok := ti.byName[k.Value]
		if e.fromMerge && ok && seen[fi] != 0 {
			continue // explicit keys win over merged ones
		}
		p := joinPath(path, k.Value)
		d.keyPos[p] = pos{k.Line, k.Column}
		if s, ok := d.setOf[k]; ok {
			d.nodeSet[p] = s
		}
		if path == "" && strings.HasPrefix(k.Value, "x-") {
			continue // extension keys hold anchors for reuse (<<: *name)
		}
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if c := closest(k.Value, ti.names); c != "" {
				msg += fmt.Sprintf("; did you mean %q?", c)
			} else {
				msg += " (fields here: " + strings.Join(ti.names, ", ") + ")"
			}
			d.errKey(p, "%s", msg)
			continue
		}
		if line := seen[fi]; line != 0 {
			d.errKey(p, "given twice (first on line %d)", line)
			continue
		}
		seen[fi] = max(k.Line, 1)
		d.decode(e.value, v.FieldByIndex(fields[fi].index), p, depth+1)
	}
	for i, f := range fields {
		if f.required && seen[i] == 0 {
			d.errAt(path, "missing %q (every %s needs one)", f.name, noun(v.Type()))
			d.bad[joinPath(path, f.name)] = true
		}
	}
}

type mapEntry struct {
	key, value *yaml.Node
	fromMerge  bool
}

// mappingEntries lists a mapping's entries, expanding YAML merge keys
// (<<: *anchor) after the explicit ones.
func (d *decoder) mappingEntries(n *yaml.Node, path string, depth int) []mapEntry {
	var out, merged []mapEntry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			d.errAt(path, "a key here must be a plain name, got %s", describe(n.Content[i]))
			continue
		}
		if k.Tag == "!!merge" && depth < depthMax {
			d.budget--
			src := d.resolve(n.Content[i+1])
			var srcs []*yaml.Node
			switch {
			case src != nil && src.Kind == yaml.MappingNode:
				srcs = []*yaml.Node{src}
			case src != nil && src.Kind == yaml.SequenceNode:
				for _, s := range src.Content {
					srcs = append(srcs, d.resolve(s))
				}
			}
			for _, s := range srcs {
				if s == nil || s.Kind != yaml.MappingNode {
					d.errAt(path, "<< merges mappings only")
					continue
				}
				for _, e := range d.mappingEntries(s, path, depth+1) {
					e.fromMerge = true
					merged = append(merged, e)
				}
			}
			if len(srcs) == 0 {
				d.errAt(path, "<< merges mappings only")
			}
			continue
		}
		out = append(out, mapEntry{key: k, value: n.Content[i+1]})
	}
	return append(out, merged...)
}

// scalarText returns the text of a scalar node or an error message.
func scalarText(n *yaml.Node, want string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("want %s, got %s", want, describe(n))
	}
	if len(n.Value) > stringBytesMax {
		return "", fmt.Errorf("value too long (%d bytes, at most %d)", len(n.Value), stringBytesMax)
	}
	return n.Value, nil
}

// parseWhole parses a whole number as YAML writes it (underscores allowed).
func parseWhole(n *yaml.Node) (int64, error) {
	s, err := scalarText(n, "a whole number")
	if err != nil {
		return 0, err
	}
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	if t == "" || n.Tag == "!!null" {
		return 0, fmt.Errorf("want a whole number, got nothing")
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%s is too large", s)
		}
		return 0, fmt.Errorf("want a whole number, got %q", s)
	}
	return v, nil
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	fail := func(err error) { d.errValue(path, "%s", err.Error()) }
	switch v.Kind() {
	case reflect.String:
		if isNull(n) {
			return
		}
		s, err := scalarText(n, "text")
		if err != nil {
			fail(err)
			return
		}
		v.SetString(s)
	case reflect.Bool:
		s, err := scalarText(n, "true or false")
		if err != nil {
			fail(err)
			return
		}
		switch strings.ToLower(s) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			fail(fmt.Errorf("want true or false, got %q", s))
		}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		x, err := parseWhole(n)
		if err != nil {
			fail(err)
			return
		}
		bits := v.Type().Bits()
		lo, hi := int64(math.MinInt64)>>(64-bits), int64(math.MaxInt64)>>(64-bits)
		if x < lo || x > hi {
			fail(fmt.Errorf("%d is out of range (at most %d)", x, hi))
			return
		}
		v.SetInt(x)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		s, err := scalarText(n, "a whole number ≥ 0")
		if err != nil {
			fail(err)
			return
		}
		x, err := strconv.ParseUint(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, v.Type().Bits())
		if err != nil {
			fail(fmt.Errorf("want a whole number ≥ 0 that fits %d bits, got %q", v.Type().Bits(), s))
			return
		}
		v.SetUint(x)
	default:
		fail(fmt.Errorf("cannot read into %s", v.Type()))
	}
}

// decodeAny reads a single value (vars): text, a whole number, a decimal
// number or true/false. Lists and mappings are refused: scripts read
// plain values.
func (d *decoder) decodeAny(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.errValue(path, "want a single value (text, number, true/false), got %s", describe(n))
		return
	}
	var out any
	switch n.Tag {
	case "!!null":
		return
	case "!!bool":
		out = strings.ToLower(n.Value) == "true"
	case "!!int":
		x, err := parseWhole(n)
		if err != nil {
			d.errValue(path, "%s", err.Error())
			return
		}
		out = x
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			out = n.Value
		} else {
			out = f
		}
	default:
		out = n.Value
	}
	v.Set(reflect.ValueOf(out))
}

// countNodes counts the nodes of a document without following aliases.
func countNodes(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	c := 1
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

// sortedKeys returns the keys of a string map in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
