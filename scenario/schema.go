package scenario

import (
	"encoding/json"
	"reflect"

	"cyberex/engine"
	"cyberex/jsonschema"
)

// The JSON Schema of scenario.yaml is generated from the types of this
// package, so it cannot drift from what the loader accepts:
// docs/scenario.schema.json is checked against JSONSchema() by TestSchema
// (go test ./scenario -run TestSchema -rewrite writes it).

// enums are the value lists named by enum:"..." tags.
var enums = map[string]func() []string{
	"orgkind":       engine.OrgKindNames,
	"assetkind":     engine.AssetKindNames,
	"campaignkind":  engine.CampaignKindNames,
	"agentstrategy": engine.AgentStrategyNames,
	"attackaction":  attackActions,
	"dualcrim":      func() []string { return []string{"refuse", "slow"} },
	"policy":        func() []string { return []string{"cooperative", "slow", "refuse"} },
	"topology":      func() []string { return []string{"chain", "ring", "none"} },
	"task":          func() []string { return []string{"ddos", "spam", "proxy", "none"} },
	"op":            func() []string { return append([]string(nil), engine.ObjectiveOps...) },
	"mode":          func() []string { return append([]string(nil), engine.ObjectiveModes...) },
	"objstatus":     func() []string { return []string{"met", "failed", "pending"} },
}

// schemaer is implemented by types with their own schema.
type schemaer interface{ jsonSchema() map[string]any }

var schemaerType = reflect.TypeFor[schemaer]()

type obj = jsonschema.Obj

// JSONSchema returns the JSON Schema (draft-07) of scenario.yaml.
func JSONSchema() ([]byte, error) {
	g := jsonschema.New(jsonschema.Options{
		Tag: "yaml",
		// The loader reads any single value as text (id: 7 is the id "7").
		StringTypes: []string{"string", "number", "boolean"},
		Enums:       enums,
		Custom:      customSchema,
	})
	g.Type(reflect.TypeFor[GenerateSpec]()) // referenced by Generates
	root := g.Struct(reflect.TypeFor[File]())
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["title"] = "cyberex scenario"
	root["description"] = "scenario.yaml of a cyberex exercise scenario; see docs/scenario-format.md"
	root["definitions"] = g.Defs
	root["patternProperties"] = obj{"^x-": obj{"description": "extension keys: ignored, a place for anchors to reuse with <<: *name"}}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// customSchema gives the schema of the types that have their own (a
// duration written "6h" or as ticks).
func customSchema(t reflect.Type) (obj, bool) {
	if t.Kind() == reflect.Pointer {
		return nil, false // the generator looks at what it points to
	}
	if t.Implements(schemaerType) {
		return reflect.Zero(t).Interface().(schemaer).jsonSchema(), true
	}
	if reflect.PointerTo(t).Implements(schemaerType) {
		return reflect.New(t).Interface().(schemaer).jsonSchema(), true
	}
	return nil, false
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

func (ContactPoint) jsonSchema() obj {
	return obj{"anyOf": []any{
		Duration{}.jsonSchema(),
		obj{"const": "none", "description": "no 24/7 contact point: preservation goes by MLA"},
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
