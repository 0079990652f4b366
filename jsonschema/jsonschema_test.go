package jsonschema

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type inner struct {
	N int32 `json:"n" required:"true"`
}

type sample struct {
	inner
	Name  string            `json:"name" required:"true" doc:"who"`
	Kind  string            `json:"kind" enum:"kind"`
	Tags  []string          `json:"tags,omitempty"`
	Args  map[string]string `json:"args,omitempty"`
	Next  *inner            `json:"next,omitempty"`
	Raw   []byte            `json:"raw,omitempty"`
	Plain int
	skip  int
	Gone  int `json:"-"`
}

func schemaOf(t *testing.T) Obj {
	g := New(Options{Tag: "json", NullableLists: true, Enums: map[string]func() []string{"kind": func() []string { return []string{"a", "b"} }}})
	root := g.Struct(reflect.TypeFor[sample]())
	root["definitions"] = g.Defs
	// Round trip through JSON: Validate reads schemas as decoded JSON.
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	var s Obj
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestValidate(t *testing.T) {
	s := schemaOf(t)
	for _, tc := range []struct {
		doc  string
		errs []string // substrings, in order
	}{
		{`{"n":1,"name":"x"}`, nil},
		{`{"n":1,"name":"x","kind":"b","tags":null,"args":{"k":"v"},"next":{"n":2},"raw":"AAE=","Plain":3}`, nil},
		{`{"name":"x"}`, []string{": missing n"}},
		{`{"n":1.5,"name":"x"}`, []string{".n: want [integer]"}},
		{`{"n":1,"name":"x","kind":"c"}`, []string{".kind: c not in"}},
		{`{"n":1,"name":"x","skip":1,"Gone":2}`, []string{"unknown property Gone", "unknown property skip"}},
		{`{"n":1,"name":"x","next":{}}`, []string{".next: missing n"}},
		{`{"n":1,"name":"x","tags":[1]}`, []string{".tags[0]: want [string]"}},
	} {
		var doc any
		if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
			t.Fatal(err)
		}
		got := Validate(s, doc)
		if len(got) != len(tc.errs) {
			t.Errorf("%s: errors %q, want %q", tc.doc, got, tc.errs)
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tc.errs[i]) {
				t.Errorf("%s: error %q, want %q", tc.doc, got[i], tc.errs[i])
			}
		}
	}
}

func TestOneOfAndConst(t *testing.T) {
	s := Obj{"oneOf": []any{
		Obj{"type": "object", "properties": Obj{"type": Obj{"const": "a"}}, "required": []any{"type"}},
		Obj{"type": "object", "properties": Obj{"type": Obj{"const": "b"}}, "required": []any{"type"}},
		Obj{"type": "object"},
	}}
	if errs := Validate(s, map[string]any{"type": "c"}); len(errs) != 0 {
		t.Errorf("c matches the plain object only: %v", errs)
	}
	if errs := Validate(s, map[string]any{"type": "a"}); len(errs) != 1 || !strings.Contains(errs[0], "exactly one") {
		t.Errorf("a matches two forms: %v", errs)
	}
	if errs := Validate(Obj{"$ref": "#/definitions/x"}, 1.0); len(errs) != 1 {
		t.Errorf("unknown definition: %v", errs)
	}
}

type pair[A, B any] struct {
	X A `json:"x"`
	Y B `json:"y"`
}

func TestGenericNames(t *testing.T) {
	g := New(Options{})
	ref := g.Type(reflect.TypeFor[pair[inner, []*sample]]())
	if ref["$ref"] != "#/definitions/pairOfinnerAndsample" {
		t.Errorf("ref %v, definitions %v", ref, g.Defs)
	}
}

func TestSameNameTwoTypes(t *testing.T) {
	// A type declared in a function has the name of the package's own
	// inner but is another type (as engine.View is to wire.View).
	type inner struct {
		Other string `json:"other"`
	}
	g := New(Options{})
	first := g.Type(reflect.TypeFor[sample]()) // refers to the package's inner
	second := g.Type(reflect.TypeFor[inner]())
	if first["$ref"] != "#/definitions/sample" || second["$ref"] != "#/definitions/Jsonschemainner" {
		t.Errorf("%v %v", first, second)
	}
	if g.Type(reflect.TypeFor[inner]())["$ref"] != second["$ref"] {
		t.Error("the same type twice has two names")
	}
	if _, ok := g.Defs["inner"].(Obj)["properties"].(Obj)["n"]; !ok {
		t.Errorf("the first inner lost its definition: %v", g.Defs["inner"])
	}
}
