package server

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"cyberex/wire"
)

// The example session of docs/protocol.md is what a real server says: its
// client lines, sent as written (with a real join code), get the server
// lines shown, in that order, each with the fields shown and no others,
// down through every object (values differ: ids, versions, texts). An
// array the example leaves empty is abridged; an item it shows must have
// the fields of some item the server sent.
func TestProtocolDocExampleSession(t *testing.T) {
	lines := exampleSession(t)
	ts := newTestServer(t, "")
	created, err := ts.Exercise(NewExercise{Title: "Tuesday class", Scenario: "embedded:tutorial", Set: []string{"jurisdictions.B.channels.contact_point=none"}})
	if err != nil {
		t.Fatal(err)
	}
	code := codes(created)
	ctl, _, _ := dial(t, ts.url, code["controller"], 0)
	// What the white cell does while the team talks: after the team's
	// command is acknowledged, it starts the exercise.
	after := map[string]func(){wire.TypeAck: func() { ctl.send(&wire.Control{Ref: 1, Action: wire.ControlStart}) }}

	team := dialRaw(t, ts.url)
	team.name = "team"
	seen := 0 // the team's messages matched or skipped so far
	for i, line := range lines {
		var env struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatalf("example line %d: %v", i+1, err)
		}
		if slices.Contains(wire.ClientTypes(), env.Type) {
			b := []byte(line)
			if env.Type == wire.TypeHello {
				b = withCode(t, b, code["csirt-a"])
			}
			if err := team.conn.WriteMessage(websocket.TextMessage, b); err != nil {
				t.Fatalf("example line %d: send: %v", i+1, err)
			}
			continue
		}
		team.expect(env.Type)
		team.mu.Lock()
		k := seen
		for k < len(team.all) && team.all[k].Type() != env.Type {
			k++
		}
		real := team.raw[k]
		seen = k + 1
		team.mu.Unlock()
		var want, got any
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(real, &got); err != nil {
			t.Fatal(err)
		}
		for _, d := range sameShape(want, got, env.Type) {
			t.Errorf("example line %d (%s): %s\nthe server sent: %s", i+1, env.Type, d, real)
		}
		if f := after[env.Type]; f != nil {
			f()
		}
	}
}

// exampleSession is the example session of docs/protocol.md, line by line.
func exampleSession(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "## Example session")
	if !ok {
		t.Fatal("docs/protocol.md: no example session")
	}
	_, block, _ := strings.Cut(after, "```jsonl\n")
	block, _, _ = strings.Cut(block, "```")
	return strings.Split(strings.TrimSpace(block), "\n")
}

// withCode puts a real join code in a hello.
func withCode(t *testing.T, line []byte, code string) []byte {
	t.Helper()
	var m struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	m.Data["code"] = code
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameShape lists where got (what the server sent) differs from want (the
// documented example) in its fields and their JSON kinds, at path.
func sameShape(want, got any, path string) []string {
	if jsonKind(want) != jsonKind(got) {
		return []string{fmt.Sprintf("%s: the example shows %s, the server sends %s", path, jsonKind(want), jsonKind(got))}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedFields(w) {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: the example shows it, the server does not send it", path, k))
				continue
			}
			out = append(out, sameShape(w[k], g[k], path+"."+k)...)
		}
		for _, k := range sortedFields(g) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: the server sends it, the example does not show it", path, k))
			}
		}
	case []any:
		g := got.([]any)
		for i, item := range w {
			p := fmt.Sprintf("%s[%d]", path, i)
			if len(g) == 0 {
				out = append(out, p+": the example shows an item, the server sends none")
				continue
			}
			// The item's shape is that of some item the server sent;
			// when none has it, say how the first differs.
			var first []string
			for j, gi := range g {
				d := sameShape(item, gi, p)
				if len(d) == 0 {
					first = nil
					break
				}
				if j == 0 {
					first = d
				}
			}
			out = append(out, first...)
		}
	}
	return out
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func sortedFields(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
