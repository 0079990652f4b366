// Package jsonschema writes JSON Schemas (draft-07) from Go types by
// reflection, and checks documents against the subset of JSON Schema it
// writes. The scenario format (yaml tags) and the websocket protocol (json
// tags) both generate their published schemas with it, so a schema cannot
// drift from the types the program decodes.
//
// Field tags read besides the encoding's own: doc:"..." (the property's
// description), required:"true" (the property must be present) and
// enum:"NAME" (the value is one of Options.Enums[NAME]()).
package jsonschema

import (
	"reflect"
	"strings"
)

// Obj is one schema or sub-schema.
type Obj = map[string]any

// Options say how Go types map to the document's encoding.
type Options struct {
	// Tag is the struct tag naming properties: "json" or "yaml".
	Tag string
	// StringTypes are the JSON types a string field accepts: YAML reads
	// any scalar as text (id: 7 is the id "7"), JSON only a string. Empty
	// means ["string"].
	StringTypes []string
	// NullableLists lets slices and maps be null, as encoding/json writes
	// a nil one without omitempty.
	NullableLists bool
	// Enums are the value lists named by enum:"..." tags.
	Enums map[string]func() []string
	// Custom, when not nil, gives the schema of a type that has its own
	// (a duration written "6h" or as ticks), or reports false.
	Custom func(t reflect.Type) (Obj, bool)
}

// Generator collects the definitions of the named struct types it met.
type Generator struct {
	opt Options
	// Defs are the definitions: struct name → schema.
	Defs  Obj
	names map[reflect.Type]string
	taken map[string]reflect.Type
}

// New returns a generator with no definitions yet.
func New(opt Options) *Generator {
	if opt.Tag == "" {
		opt.Tag = "json"
	}
	if len(opt.StringTypes) == 0 {
		opt.StringTypes = []string{"string"}
	}
	return &Generator{opt: opt, Defs: Obj{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
}

// Ref is the reference to a definition by name.
func Ref(name string) Obj { return Obj{"$ref": "#/definitions/" + name} }

// Type returns the schema of t: a reference for a named struct (whose
// definition is added to Defs), inline for everything else.
func (g *Generator) Type(t reflect.Type) Obj {
	if g.opt.Custom != nil {
		if s, ok := g.opt.Custom(t); ok {
			return s
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.Type(t.Elem())
	case reflect.Struct:
		name := g.name(t)
		if name == "" {
			return g.Struct(t)
		}
		if _, ok := g.Defs[name]; !ok {
			g.Defs[name] = Obj{} // placeholder against recursion
			g.Defs[name] = g.Struct(t)
		}
		return Ref(name)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && g.opt.Tag == "json" {
			return Obj{"type": "string", "description": "base64"}
		}
		return g.list(Obj{"type": "array", "items": g.Type(t.Elem())})
	case reflect.Map:
		return g.list(Obj{"type": "object", "additionalProperties": g.Type(t.Elem())})
	case reflect.String:
		if len(g.opt.StringTypes) == 1 {
			return Obj{"type": g.opt.StringTypes[0]}
		}
		return Obj{"type": g.opt.StringTypes}
	case reflect.Bool:
		return Obj{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return Obj{"type": "integer"}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return Obj{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return Obj{"type": "number"}
	case reflect.Interface:
		return Obj{"type": []string{"string", "number", "boolean", "null"}}
	}
	return Obj{}
}

// list makes an array or object schema accept null when the options say
// a nil one is written as null.
func (g *Generator) list(s Obj) Obj {
	if g.opt.NullableLists {
		s["type"] = []string{s["type"].(string), "null"}
	}
	return s
}

// Struct returns the schema of a struct type inline: its tagged fields
// (and those of embedded or inline structs) as properties, nothing else.
func (g *Generator) Struct(t reflect.Type) Obj {
	props := Obj{}
	var required []string
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, has := f.Tag.Lookup(g.opt.Tag)
			name, opts, _ := strings.Cut(tag, ",")
			if g.inline(f, name, opts) {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				add(ft)
				continue
			}
			if tag == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				if g.opt.Tag != "json" || (has && opts == "") {
					continue
				}
				name = f.Name // encoding/json's default
			}
			s := g.Type(f.Type)
			if values := g.opt.Enums[f.Tag.Get("enum")]; values != nil {
				s = Obj{"type": "string", "enum": values()}
			}
			if doc := f.Tag.Get("doc"); doc != "" {
				if _, ref := s["$ref"]; ref {
					s = Obj{"allOf": []any{s}}
				}
				s["description"] = doc
			}
			props[name] = s
			if f.Tag.Get("required") == "true" {
				required = append(required, name)
			}
		}
	}
	add(t)
	s := Obj{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// inline says whether a field's properties belong to the enclosing object:
// yaml's ",inline", or an untagged embedded struct under encoding/json.
func (g *Generator) inline(f reflect.StructField, name, opts string) bool {
	if g.opt.Tag == "yaml" {
		return opts == "inline"
	}
	if !f.Anonymous || name != "" {
		return false
	}
	ft := f.Type
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	return ft.Kind() == reflect.Struct
}

// name is the definition name of a named type. Two types of one name in
// two packages (wire.View and engine.View) are told apart: the first met
// keeps the name, the next is prefixed with its package's (EngineView).
func (g *Generator) name(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	n := defName(t)
	if n == "" {
		return ""
	}
	if other, ok := g.taken[n]; ok && other != t {
		pkg := t.PkgPath()
		pkg = pkg[strings.LastIndexByte(pkg, '/')+1:]
		if pkg != "" {
			n = strings.ToUpper(pkg[:1]) + pkg[1:] + n
		}
	}
	g.names[t], g.taken[n] = n, t
	return n
}

// defName is the definition name of a named type: its Go name, with a
// generic type's parameters spelled out (Changes[engine.AssetView] is
// ChangesOfAssetView), so that the name is a plain word in a $ref.
func defName(t reflect.Type) string {
	name := t.Name()
	base, params, ok := strings.Cut(name, "[")
	if !ok {
		return name
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("Of")
	for i, p := range strings.Split(strings.TrimSuffix(params, "]"), ",") {
		if i > 0 {
			b.WriteString("And")
		}
		p = p[strings.LastIndexAny(p, "./")+1:]
		b.WriteString(strings.Map(func(r rune) rune {
			if r == '[' || r == ']' || r == '*' || r == ' ' {
				return -1
			}
			return r
		}, p))
	}
	return b.String()
}
