package scenario

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// --set key=value overrides change the YAML tree before it is decoded, so
// an override is checked exactly like the same value written in the file.
//
// The key is a path of names separated by dots. A name after a list picks
// the element whose id (or name, or prefix) it is; a number picks the
// element at that position (from 0). Ids may contain dots: the longest
// matching id wins. Missing mapping keys are created. The value is read
// as YAML: 2000, 90d, 30%, true, [A, B], "quoted text".
//
//	settings.duration=3d
//	jurisdictions.B.channels.mla=90d
//	organisations.police-a.staff=2
//	campaigns.bot.exploits.smb=40%
//	tests.fast-response.seeds=1..10

// Limits of overrides.
const (
	setsMax      = 1000
	setKeyMax    = 1000
	setValueMax  = 1 << 16
	setFieldsMax = 64
)

// applySets applies the overrides to the document node. Every node an
// override creates is remembered in setOf with the override's text.
func applySets(doc *yaml.Node, sets []string, setOf map[*yaml.Node]string, errs *errList) {
	if len(sets) > setsMax {
		errs.add(Error{File: "--set", Msg: fmt.Sprintf("%d overrides, at most %d", len(sets), setsMax)})
		return
	}
	for _, s := range sets {
		if err := applySet(doc, s, setOf); err != nil {
			errs.add(Error{File: "--set " + s, Msg: err.Error()})
		}
	}
}

func applySet(doc *yaml.Node, s string, setOf map[*yaml.Node]string) error {
	key, val, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return fmt.Errorf("want key=value, such as organisations.police-a.staff=2")
	}
	if len(key) > setKeyMax || len(val) > setValueMax {
		return fmt.Errorf("override too long")
	}
	segs := strings.Split(key, ".")
	if len(segs) > setFieldsMax {
		return fmt.Errorf("key has too many parts")
	}
	for _, sg := range segs {
		if sg == "" {
			return fmt.Errorf("key %q has an empty part", key)
		}
	}
	vn := parseSetValue(val)
	markAll(vn, s, setOf, 0)

	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	cur := doc.Content[0]
	where := "" // path walked so far, for messages
	for i := 0; i < len(segs); {
		for k := 0; cur.Kind == yaml.AliasNode && k < depthMax; k++ {
			cur = cur.Alias
		}
		if cur.Kind == yaml.ScalarNode && cur.Tag == "!!null" {
			cur.Kind, cur.Tag, cur.Value = yaml.MappingNode, "!!map", ""
		}
		switch cur.Kind {
		case yaml.MappingNode:
			// Longest run of parts that names a key.
			for j := len(segs); j > i; j-- {
				name := strings.Join(segs[i:j], ".")
				for k := 0; k+1 < len(cur.Content); k += 2 {
					if cur.Content[k].Kind == yaml.ScalarNode && cur.Content[k].Value == name {
						if j == len(segs) {
							cur.Content[k+1] = vn
							return nil
						}
						cur = cur.Content[k+1]
						where = joinPath(where, name)
						i = j
						goto next
					}
				}
			}
			// Not there: create it. Except a var: scripts read vars by name,
			// so a misspelt one would be silently ignored.
			if where == "vars" || (where == "" && segs[i] == "vars") {
				var declared []string
				if where == "vars" {
					for k := 0; k+1 < len(cur.Content); k += 2 {
						declared = append(declared, cur.Content[k].Value)
					}
				}
				name := strings.Join(segs[i:], ".")
				if where == "" {
					return fmt.Errorf("the scenario declares no vars (add a vars: section to set %s)", key)
				}
				return fmt.Errorf("no var %q in the scenario's vars%s", name, suggest(name, declared))
			}
			{
				kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: segs[i]}
				setOf[kn] = s
				if i == len(segs)-1 {
					cur.Content = append(cur.Content, kn, vn)
					return nil
				}
				m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				setOf[m] = s
				cur.Content = append(cur.Content, kn, m)
				cur = m
				where = joinPath(where, segs[i])
				i++
			}
		case yaml.SequenceNode:
			var ids []string
			for j := len(segs); j > i; j-- {
				name := strings.Join(segs[i:j], ".")
				for k, el := range cur.Content {
					id := elementID(el)
					if j == len(segs) {
						ids = append(ids, id)
					}
					if id != "" && id == name {
						if j == len(segs) {
							cur.Content[k] = vn
							return nil
						}
						cur = el
						where = fmt.Sprintf("%s[%s]", where, name)
						i = j
						goto next
					}
				}
			}
			if n, err := strconv.Atoi(segs[i]); err == nil && n >= 0 && n < len(cur.Content) {
				if i == len(segs)-1 {
					cur.Content[n] = vn
					return nil
				}
				cur = cur.Content[n]
				where = fmt.Sprintf("%s[%d]", where, n)
				i++
				goto next
			}
			{
				var cands []string
				for _, id := range ids {
					if id != "" {
						cands = append(cands, id)
					}
				}
				return fmt.Errorf("%s has no entry %q%s", orRoot(where), segs[i], suggest(segs[i], cands))
			}
		default:
			return fmt.Errorf("%s is a single value (%s): it has no part %q", orRoot(where), describe(cur), segs[i])
		}
	next:
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "the scenario"
	}
	return p
}

// elementID is the id, name or prefix of a list element (a mapping).
func elementID(n *yaml.Node) string {
	for k := 0; n != nil && n.Kind == yaml.AliasNode && k < depthMax; k++ {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for _, key := range []string{"id", "name", "prefix"} {
		for k := 0; k+1 < len(n.Content); k += 2 {
			if n.Content[k].Value == key && n.Content[k+1].Kind == yaml.ScalarNode {
				return n.Content[k+1].Value
			}
		}
	}
	return ""
}

// parseSetValue reads the value as YAML; text that is not valid YAML is
// taken as it is.
func parseSetValue(val string) *yaml.Node {
	var n yaml.Node
	t := strings.TrimSpace(val)
	if t != "" && safeUnmarshal([]byte(val), &n) == nil && len(n.Content) == 1 {
		v := n.Content[0]
		// Only [..] and {..} make lists and mappings: "a: b" is text.
		if v.Kind == yaml.ScalarNode || t[0] == '[' || t[0] == '{' {
			return v
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
}

func markAll(n *yaml.Node, s string, setOf map[*yaml.Node]string, depth int) {
	if n == nil || depth > depthMax {
		return
	}
	setOf[n] = s
	for _, c := range n.Content {
		markAll(c, s, setOf, depth+1)
	}
}

// safeUnmarshal parses YAML into a node and turns a parser panic into an
// error: no input may crash the loader.
func safeUnmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML parser failed: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}
