package jsonschema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Validate checks a decoded JSON document (maps, slices, float64, string,
// bool, nil, as encoding/json decodes into any) against schema, which may
// refer to its own "definitions". It knows the subset of JSON Schema the
// generator writes ($ref, allOf, anyOf, oneOf, type, enum, const, pattern,
// minimum, maximum, properties, required, additionalProperties,
// patternProperties, items) and returns every violation found, each as
// "path: what".
func Validate(schema Obj, doc any) []string {
	v := &validator{root: schema}
	v.check(schema, doc, "")
	return v.errs
}

type validator struct {
	root Obj
	errs []string
}

func (v *validator) check(s Obj, x any, path string) bool {
	sub := &validator{root: v.root}
	ok := sub.match(s, x, path)
	v.errs = append(v.errs, sub.errs...)
	return ok
}

func (v *validator) fail(path, format string, args ...any) bool {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
	return false
}

func (v *validator) match(s Obj, x any, path string) bool {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/definitions/")
		defs, _ := v.root["definitions"].(Obj)
		d, ok := defs[name].(Obj)
		if !ok {
			return v.fail(path, "schema refers to an unknown definition %s", ref)
		}
		return v.match(d, x, path)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, a := range all {
			if !v.match(a.(Obj), x, path) {
				return false
			}
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		forms, ok := s[key].([]any)
		if !ok {
			continue
		}
		n := 0
		for _, a := range forms {
			try := &validator{root: v.root}
			if try.match(a.(Obj), x, path) {
				n++
			}
		}
		switch {
		case n == 0:
			return v.fail(path, "matches none of the allowed forms: %v", x)
		case key == "oneOf" && n > 1:
			return v.fail(path, "matches %d of the forms, oneOf wants exactly one", n)
		}
		return true
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
	if c, ok := s["const"]; ok && c != x {
		return v.fail(path, "%v is not %v", x, c)
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, x) {
		return v.fail(path, "%v not in %v", x, e)
	}
	if p, ok := s["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			return v.fail(path, "schema pattern %q: %v", p, err)
		}
		if str, ok := x.(string); ok && !re.MatchString(str) {
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
	case Obj:
		props, _ := s["properties"].(Obj)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := val[r.(string)]; !ok {
				good = v.fail(path, "missing %s", r)
			}
		}
		keys := make([]string, 0, len(val))
		// map-order: the keys are sorted so errors come in a stable order.
		for k := range val {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := val[k]
			if ps, ok := props[k]; ok {
				good = v.check(ps.(Obj), e, path+"."+k) && good
				continue
			}
			if pp, ok := s["patternProperties"].(Obj); ok {
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
			case Obj:
				good = v.check(ap, e, path+"."+k) && good
			}
		}
	case []any:
		if items, ok := s["items"].(Obj); ok {
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
		_, ok := x.(Obj)
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
