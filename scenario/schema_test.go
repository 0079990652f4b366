package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
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
		v := &schemaValidator{root: schema}
		v.check(schema, normalise(doc), "")
		for _, e := range v.errs {
			t.Errorf("%s: %s", file, e)
		}
	}
	// And the validator does catch problems.
	v := &schemaValidator{root: schema}
	v.check(schema, normalise(map[string]any{"name": "x", "organisations": []any{map[string]any{"id": "a", "kind": "polise", "jurisdiction": "A", "staf": 1}}}), "")
	if len(v.errs) != 2 {
		t.Errorf("validator found %v", v.errs)
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

type schemaValidator struct {
	root map[string]any
	errs []string
}

func (v *schemaValidator) check(s map[string]any, x any, path string) bool {
	sub := &schemaValidator{root: v.root}
	ok := sub.match(s, x, path)
	v.errs = append(v.errs, sub.errs...)
	return ok
}

func (v *schemaValidator) fail(path, format string, args ...any) bool {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
	return false
}

func (v *schemaValidator) match(s map[string]any, x any, path string) bool {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/definitions/")
		return v.match(v.root["definitions"].(map[string]any)[name].(map[string]any), x, path)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, a := range all {
			if !v.match(a.(map[string]any), x, path) {
				return false
			}
		}
	}
	if anyOf, ok := s["anyOf"].([]any); ok {
		for _, a := range anyOf {
			try := &schemaValidator{root: v.root}
			if try.match(a.(map[string]any), x, path) {
				return true
			}
		}
		return v.fail(path, "matches none of the allowed forms: %v", x)
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch tt := t.(type) {
		case string:
			types = []string{tt}
		case []any:
			for _, e := range tt {
				types = append(types, e.(string))
			}
		}
		if !slices.ContainsFunc(types, func(ty string) bool { return jsonType(x, ty) }) {
			return v.fail(path, "want %v, got %T", types, x)
		}
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, x) {
		return v.fail(path, "%v not in %v", x, e)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := x.(string); ok && !regexp.MustCompile(p).MatchString(str) {
			return v.fail(path, "%q does not match %s", str, p)
		}
	}
	if n, ok := x.(float64); ok {
		if m, ok := s["minimum"].(float64); ok && n < m {
			return v.fail(path, "%v below %v", n, m)
		}
		if m, ok := s["maximum"].(float64); ok && n > m {
			return v.fail(path, "%v above %v", n, m)
		}
	}
	good := true
	switch val := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := val[r.(string)]; !ok {
				good = v.fail(path, "missing %s", r)
			}
		}
		for k, e := range val {
			if ps, ok := props[k]; ok {
				good = v.check(ps.(map[string]any), e, path+"."+k) && good
				continue
			}
			if pp, ok := s["patternProperties"].(map[string]any); ok {
				matched := false
				for pat := range pp {
					matched = matched || regexp.MustCompile(pat).MatchString(k)
				}
				if matched {
					continue
				}
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					good = v.fail(path, "unknown property %s", k)
				}
			case map[string]any:
				good = v.check(ap, e, path+"."+k) && good
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range val {
				good = v.check(items, e, fmt.Sprintf("%s[%d]", path, i)) && good
			}
		}
	}
	return good
}

func jsonType(x any, t string) bool {
	switch t {
	case "object":
		_, ok := x.(map[string]any)
		return ok
	case "array":
		_, ok := x.([]any)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "boolean":
		_, ok := x.(bool)
		return ok
	case "null":
		return x == nil
	case "number":
		_, ok := x.(float64)
		return ok
	case "integer":
		f, ok := x.(float64)
		return ok && f == float64(int64(f))
	}
	return false
}
