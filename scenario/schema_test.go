package scenario

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"cyberex/jsonschema"
)

const schemaFile = "../docs/scenario.schema.json"

// TestSchema checks that docs/scenario.schema.json is what the Go types
// generate (go test ./scenario -run TestSchema -rewrite rewrites it).
func TestSchema(t *testing.T) {
	got, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *rewrite {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (go test ./scenario -run TestSchema -rewrite)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/scenario.schema.json is stale: go test ./scenario -run TestSchema -rewrite")
	}
	var s map[string]any
	if err := json.Unmarshal(want, &s); err != nil {
		t.Fatal(err)
	}
	// Every yaml field of every type is a property, and nothing else.
	props := s["properties"].(map[string]any)
	var names []string
	for _, f := range structFields(reflect.TypeFor[File]()) {
		names = append(names, f.name)
	}
	var keys []string
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(names)
	sort.Strings(keys)
	if !slices.Equal(names, keys) {
		t.Errorf("root properties %v, fields %v", keys, names)
	}
	defs := s["definitions"].(map[string]any)
	for _, typ := range []reflect.Type{reflect.TypeFor[OrgSpec](), reflect.TypeFor[TestSpec](), reflect.TypeFor[GenerateSpec](), reflect.TypeFor[SegmentGenerate]()} {
		d := defs[typ.Name()].(map[string]any)["properties"].(map[string]any)
		for _, f := range structFields(typ) {
			if _, ok := d[f.name]; !ok {
				t.Errorf("%s: no property %s", typ.Name(), f.name)
			}
		}
		if len(d) != len(structFields(typ)) {
			t.Errorf("%s: %d properties, %d fields", typ.Name(), len(d), len(structFields(typ)))
		}
	}
}

// TestScenariosMatchSchema validates the scenarios of the repository and
// the loader's good test data against the schema, with a validator of the
// subset of JSON Schema the generator writes.
func TestScenariosMatchSchema(t *testing.T) {
	b, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../scenarios/*/scenario.yaml")
	more, _ := filepath.Glob("testdata/good/*/scenario.yaml")
	files = append(files, more...)
	if len(files) < 2 {
		t.Fatal("no scenarios found")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range jsonschema.Validate(schema, normalise(doc)) {
			t.Errorf("%s: %s", file, e)
		}
	}
	// And the validator does catch problems.
	errs := jsonschema.Validate(schema, normalise(map[string]any{"name": "x", "organisations": []any{map[string]any{"id": "a", "kind": "polise", "jurisdiction": "A", "staf": 1}}}))
	if len(errs) != 2 {
		t.Errorf("validator found %v", errs)
	}
}

// normalise turns YAML values into JSON ones (maps with string keys,
// timestamps as text).
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalise(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalise(e)
		}
		return out
	case time.Time:
		return x.Format(time.RFC3339)
	case int:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}
