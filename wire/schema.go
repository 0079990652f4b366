package wire

import (
	"encoding/json"
	"reflect"
	"strconv"

	"cyberex/jsonschema"
)

// enums are the value lists named by enum:"..." tags.
var enums = map[string]func() []string{
	"control": ControlActions,
	"whatif":  WhatIfActions,
	"role":    Roles,
	"state":   States,
	"error":   ErrorCodes,
	"bye":     ByeCodes,
}

// JSONSchema returns the JSON Schema (draft-07) of the protocol: every
// message under "definitions" by its Go name, and ClientMessage and
// ServerMessage, the envelopes each side may send (oneOf by type).
// docs/protocol.schema.json is this (TestSchema checks it).
func JSONSchema() ([]byte, error) {
	g := jsonschema.New(jsonschema.Options{Tag: "json", NullableLists: true, Enums: enums})
	side := func(types map[string]func() Message) []any {
		var forms []any
		for _, t := range sortedKeys(types) {
			m := types[t]()
			data := g.Type(reflect.TypeOf(m).Elem())
			forms = append(forms, jsonschema.Obj{
				"type":                 "object",
				"additionalProperties": false,
				"required":             []string{"type", "data"},
				"properties": jsonschema.Obj{
					"type": jsonschema.Obj{"const": t},
					"data": data,
				},
			})
		}
		return forms
	}
	client, server := side(clientTypes), side(serverTypes)
	g.Defs["ClientMessage"] = jsonschema.Obj{"description": "a message a client sends", "oneOf": client}
	g.Defs["ServerMessage"] = jsonschema.Obj{"description": "a message the server sends", "oneOf": server}
	root := jsonschema.Obj{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"title":       "cyberex websocket protocol",
		"description": "every message of the cyberex exercise protocol, version " + strconv.Itoa(Protocol) + "; see docs/protocol.md",
		"anyOf":       []any{jsonschema.Ref("ClientMessage"), jsonschema.Ref("ServerMessage")},
		"definitions": g.Defs,
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
