package scenario

import (
	"encoding/json"
	"reflect"
	"strings"

	"cyberex/engine"
)

// The JSON Schema of scenario.yaml is generated from the types of this
// package, so it cannot drift from what the loader accepts:
// docs/scenario.schema.json is checked against JSONSchema() by TestSchema
// (go test ./scenario -run TestSchema -rewrite writes it).

// enums are the value lists named by enum:"..." tags.
var enums = map[string]func() []string{
	"orgkind":      engine.OrgKindNames,
	"assetkind":    engine.AssetKindNames,
	"campaignkind": engine.CampaignKindNames,
	"attackaction": attackActions,
	"dualcrim":     func() []string { return []string{"refuse", "slow"} },
	"policy":       func() []string { return []string{"cooperative", "slow", "refuse"} },
	"topology":     func() []string { return []string{"chain", "ring", "none"} },
	"task":         func() []string { return []string{"ddos", "spam", "proxy", "none"} },
	"op":           func() []string { return append([]string(nil), engine.ObjectiveOps...) },
	"mode":         func() []string { return append([]string(nil), engine.ObjectiveModes...) },
	"objstatus":    func() []string { return []string{"met", "failed", "pending"} },
}

// schemaer is implemented by types with their own schema.
type schemaer interface{ jsonSchema() map[string]any }

var schemaerType = reflect.TypeFor[schemaer]()

type obj = map[string]any

// JSONSchema returns the JSON Schema (draft-07) of scenario.yaml.
func JSONSchema() ([]byte, error) {
	g := &schemaGen{defs: obj{}}
	g.typeSchema(reflect.TypeFor[GenerateSpec]()) // referenced by Generates
	root := g.structSchema(reflect.TypeFor[File]())
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["title"] = "cyberex scenario"
	root["description"] = "scenario.yaml of a cyberex exercise scenario; see docs/scenario-format.md"
	root["definitions"] = g.defs
	root["patternProperties"] = obj{"^x-": obj{"description": "extension keys: ignored, a place for anchors to reuse with <<: *name"}}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

type schemaGen struct{ defs obj }

func (g *schemaGen) typeSchema(t reflect.Type) obj {
	if t.Kind() == reflect.Pointer {
		return g.typeSchema(t.Elem())
	}
	if t.Implements(schemaerType) {
		return reflect.Zero(t).Interface().(schemaer).jsonSchema()
	}
	if reflect.PointerTo(t).Implements(schemaerType) {
		return reflect.New(t).Interface().(schemaer).jsonSchema()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.typeSchema(t.Elem())
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = obj{} // placeholder against recursion
			g.defs[name] = g.structSchema(t)
		}
		return obj{"$ref": "#/definitions/" + name}
	case reflect.Slice:
		return obj{"type": "array", "items": g.typeSchema(t.Elem())}
	case reflect.Map:
		return obj{"type": "object", "additionalProperties": g.typeSchema(t.Elem())}
	case reflect.String:
		// The loader reads any single value as text (id: 7 is the id "7").
		return obj{"type": []string{"string", "number", "boolean"}}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return obj{"type": "integer"}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return obj{"type": "integer", "minimum": 0}
	case reflect.Interface:
		return obj{"type": []string{"string", "number", "boolean", "null"}}
	}
	return obj{}
}

func (g *schemaGen) structSchema(t reflect.Type) obj {
	props := obj{}
	var required []string
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if opts == "inline" {
				add(f.Type)
				continue
			}
			if tag == "-" || name == "" || !f.IsExported() {
				continue
			}
			s := g.typeSchema(f.Type)
			if e := f.Tag.Get("enum"); e != "" {
				s = obj{"type": "string", "enum": enums[e]()}
			}
			if doc := f.Tag.Get("doc"); doc != "" {
				if _, ref := s["$ref"]; ref {
					s = obj{"allOf": []any{s}}
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
	s := obj{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

const durationPattern = `^\s*(\d[\d_]*\s*|(\d+\s*[a-zA-Z]+\s*)+)$`

func (Duration) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0, "description": "ticks"},
		obj{"type": "string", "pattern": durationPattern, "description": "90m, 6h, 180d, 1d12h, or 10t for ticks"},
	}}
}

func (TickLength) jsonSchema() obj {
	return obj{"type": "string", "pattern": `^\s*(\d+\s*[a-zA-Z]+\s*)+$`, "description": "1m, 30s, 1h"}
}

func shareSchema(maxPm int, maxF float64) obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0, "maximum": maxPm, "description": "permille"},
		obj{"type": "number", "minimum": 0, "maximum": maxF, "description": "a fraction: 0.3"},
		obj{"type": "string", "pattern": `^\s*\d*(\.\d+)?\s*[%‰]\s*$`, "description": "30% or 300‰"},
	}}
}

func (Fraction) jsonSchema() obj { return shareSchema(1000, 1) }
func (Factor) jsonSchema() obj   { return shareSchema(10000, 10) }

func (UTCOffset) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": -12, "maximum": 14, "description": "hours"},
		obj{"type": "string", "pattern": `^\s*(UTC|GMT)?\s*([+-]?\d{1,2}(:?\d{2})?|Z)?\s*$`, "description": "+02:00"},
	}}
}

func (Time) jsonSchema() obj {
	return obj{"type": "string", "description": "RFC 3339: 2026-03-02T08:00:00Z (or 2026-03-02 08:00, 2026-03-02)"}
}

func (Criticality) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0, "maximum": 255},
		obj{"type": "string", "enum": criticalityWords},
	}}
}

func (Seeds) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 0},
		obj{"type": "string", "pattern": `^\s*\d+(\s*\.\.\s*\d+)?(\s*,\s*\d+(\s*\.\.\s*\d+)?)*\s*$`, "description": "1..100 or 1..3,7"},
		obj{"type": "array", "items": obj{"type": "integer", "minimum": 0}},
	}}
}

func (OrgSet) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "string", "description": "all, none or one organisation id"},
		obj{"type": "array", "items": obj{"type": "string"}},
	}}
}

func (When) jsonSchema() obj {
	return obj{"anyOf": []any{
		obj{"type": "integer", "minimum": 1},
		obj{"type": "string", "description": "end, always, tick N or a duration such as 6h"},
	}}
}

func (Generates) jsonSchema() obj {
	ref := obj{"$ref": "#/definitions/GenerateSpec"}
	return obj{"anyOf": []any{ref, obj{"type": "array", "items": ref}}}
}
