package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/jsonschema"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/protocol.schema.json")

const schemaFile = "../docs/protocol.schema.json"

// TestSchema checks that docs/protocol.schema.json is what the Go types
// generate (go test ./wire -run TestSchema -rewrite rewrites it).
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
		t.Fatalf("%v (go test ./wire -run TestSchema -rewrite)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/protocol.schema.json is stale: go test ./wire -run TestSchema -rewrite")
	}
}

func loadSchema(t *testing.T) jsonschema.Obj {
	t.Helper()
	b, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Obj
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// examples are one full message of each type, as the docs show them.
func examples() []Message {
	return []Message{
		&Hello{Protocol: Protocol, Code: "cx1-team-8Kq3", Client: "cyberex-client/0.1", Since: 40},
		&Command{Ref: 7, Verb: "request", Target: "c2-1", Args: map[string]string{"kind": "preserve", "channel": "24/7"}},
		&Control{Ref: 2, Action: ControlInject, Inject: &Inject{To: []string{"csirt-a"}, Subject: "Call from CERT-B", Body: "They see the C2 too", Expect: "share indicators"}},
		&Control{Ref: 3, Action: ControlPace, MillisPerTick: 100},
		&Chat{Ref: 8, To: "police-a", Text: "we hold the logs"},
		&Note{Ref: 1, Text: "CSIRT waited 2 h before asking for preservation"},
		&Welcome{Protocol: Protocol, Server: "0.1.0", Exercise: "ex-1", Title: "Tuesday class", Scenario: "tutorial", Role: RoleTeam, Org: "csirt-a", Person: "p-3", TickSeconds: 60, StartUnix: 1772438400,
			Status: Status{Tick: 12, State: StatePaused, MillisPerTick: 1000}},
		&Ack{Ref: 7, ID: 31, Tick: 13, Paused: true},
		&Result{Ref: 7, ID: 31, Tick: 13, Accepted: true, Text: "csirt-a request c2-1 accepted: 15 ticks, 1 staff", Ahead: 2},
		&Status{Tick: 12, State: StateRunning, MillisPerTick: 100, MoveLeft: 5, Story: "story.lua:3: boom at tick 9", Teams: []Team{{Org: "csirt-a", People: 2}, {Org: "police-a", Scripted: true}}},
		&Noted{Ref: 1, ID: 4, Tick: 12, Unix: 1772438400, Author: "p-1", Text: "good call"},
		&Error{Ref: 7, Code: ErrForbidden, Message: "an observer gives no commands"},
		&Bye{Code: ByeShutdown, Message: "the server stops", Reconnect: true},
		&View{View: &engine.View{Org: "csirt-a", Tick: 12, Clock: 1772439120,
			Self:   &engine.SelfView{SelfCore: engine.SelfCore{ID: "csirt-a", Name: "Arland national CSIRT", Kind: "csirt", Jurisdiction: "A", Staff: 3}},
			Assets: []engine.AssetView{{AssetCore: engine.AssetCore{N: 4, ID: "web-1", Kind: "website", Owner: "ministry-a", Integrity: 1000, Availability: 1000}}}},
			Missed: []engine.Event{{Tick: 11, Kind: engine.EvAssetDetected, Subject: "web-1", Text: "web-1 defaced"}}, Complete: true},
		&Delta{ViewDelta: engine.ViewDelta{Org: "csirt-a", From: 12, Tick: 13, Clock: 1772439180, Complete: true,
			Queue:  &engine.Changes[engine.ActionView]{Upsert: []engine.ActionView{{ActionCore: engine.ActionCore{N: 31, ID: "cmd-31", Org: "csirt-a", Verb: "request", Target: "c2-1", Staff: 1, Ticks: 15, Queued: 13, Running: true, Start: 13, Done: 28}}}},
			Events: []engine.Event{{Tick: 13, Kind: engine.EvCommandAccepted, Org: "csirt-a", Subject: "c2-1", Command: 31, Text: "csirt-a request c2-1 accepted: 15 ticks, 1 staff"}}},
			Metrics: []engine.Metric{{Name: "website_integrity", Value: 1000}}},
		&WhatIf{Ref: 9, Action: WhatIfBranch, Tick: 300, Until: 900, Keep: true, Name: "early-preservation",
			Commands: []BranchCommand{{Tick: 301, Org: "police-a", Verb: "request", Target: "logs-b", Args: map[string]string{"kind": "preserve"}}}},
		&Past{Ref: 10, Tick: 300, View: &engine.View{Tick: 300, Clock: 1772456400, Controller: true}, Metrics: []engine.Metric{{Name: "bots", Value: 40}}},
		&Branched{Ref: 9, Name: "early-preservation", At: 300, Until: 900, Commands: 1, Keep: true, Checked: 301,
			Run:    Outcome{Tick: 900, Hash: "5f0c", Objectives: []engine.ObjectiveView{{N: 0, ID: "logs-preserved", Description: "the logs are preserved", Status: "failed", Tick: 610}}, Metrics: []engine.Metric{{Name: "evidence_lost", Value: 1}}},
			Branch: Outcome{Tick: 900, Hash: "a11e", Objectives: []engine.ObjectiveView{{N: 0, ID: "logs-preserved", Description: "the logs are preserved", Status: "met", Tick: 340}}, Metrics: []engine.Metric{{Name: "evidence_lost", Value: 0}}}},
	}
}

// TestExamplesMatchSchema: every message the types can make validates,
// and decodes back to itself.
func TestExamplesMatchSchema(t *testing.T) {
	s := loadSchema(t)
	seen := map[string]bool{}
	for _, m := range examples() {
		seen[m.Type()] = true
		b, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range jsonschema.Validate(s, doc) {
			t.Errorf("%s: %s", b, e)
		}
		decode := DecodeServer
		if _, ok := clientTypes[m.Type()]; ok {
			decode = DecodeClient
		}
		back, err := decode(b)
		if err != nil {
			t.Errorf("%s: %v", b, err)
			continue
		}
		b2, _ := Encode(back)
		if !bytes.Equal(b, b2) {
			t.Errorf("round trip:\n%s\n%s", b, b2)
		}
	}
	for _, typ := range append(ClientTypes(), ServerTypes()...) {
		if !seen[typ] {
			t.Errorf("no example of %s", typ)
		}
	}
	// And the schema refuses what the decoder refuses.
	for _, bad := range []string{
		`{"type":"hello","data":{"protocol":1}}`,
		`{"type":"command","data":{"verb":"x","extra":1}}`,
		`{"type":"nosuch","data":{}}`,
		`{"type":"control","data":{"action":"explode"}}`,
	} {
		var doc any
		if err := json.Unmarshal([]byte(bad), &doc); err != nil {
			t.Fatal(err)
		}
		if len(jsonschema.Validate(s, doc)) == 0 {
			t.Errorf("schema accepts %s", bad)
		}
		if _, err := DecodeClient([]byte(bad)); err == nil {
			t.Errorf("decoder accepts %s", bad)
		}
	}
}

func TestDecodeClientRefuses(t *testing.T) {
	long := strings.Repeat("x", TextBytesMax+1)
	for _, tc := range []struct {
		name, msg, code, want string
	}{
		{"not json", `hello`, ErrMalformed, "want {\"type\""},
		{"array", `[1]`, ErrMalformed, "message:"},
		{"two values", `{"type":"note","data":{"text":"a"}} {}`, ErrMalformed, "more than one"},
		{"no type", `{"data":{}}`, ErrMalformed, "no type"},
		{"unknown envelope field", `{"type":"note","data":{"text":"a"},"x":1}`, ErrMalformed, "unknown field"},
		{"unknown type", `{"type":"welcome","data":{}}`, ErrUnknownType, "unknown message type \"welcome\""},
		{"long unknown type", `{"type":"` + strings.Repeat("y", 500) + `","data":{}}`, ErrUnknownType, "…"},
		{"no data", `{"type":"note"}`, ErrMalformed, "no data"},
		{"null data", `{"type":"note","data":null}`, ErrMalformed, "no data"},
		{"wrong field type", `{"type":"hello","data":{"protocol":"1","code":"c"}}`, ErrMalformed, "protocol"},
		{"unknown field", `{"type":"command","data":{"verb":"scan","org":"other"}}`, ErrMalformed, "unknown field \"org\""},
		{"no protocol", `{"type":"hello","data":{"code":"c"}}`, ErrMalformed, "protocol: missing"},
		{"no code", `{"type":"hello","data":{"protocol":1}}`, ErrMalformed, "code: missing"},
		{"long code", `{"type":"hello","data":{"protocol":1,"code":"` + strings.Repeat("c", CodeBytesMax+1) + `"}}`, ErrMalformed, "code: 129 bytes"},
		{"negative since", `{"type":"hello","data":{"protocol":1,"code":"c","since":-1}}`, ErrMalformed, "negative"},
		{"no verb", `{"type":"command","data":{"target":"x"}}`, ErrMalformed, "verb: missing"},
		{"control char", `{"type":"command","data":{"verb":"scan\u0000"}}`, ErrMalformed, "control character"},
		{"long arg", `{"type":"command","data":{"verb":"message","args":{"text":"` + long + `"}}}`, ErrMalformed, "args.text"},
		{"empty arg key", `{"type":"command","data":{"verb":"message","args":{"":"x"}}}`, ErrMalformed, "empty key"},
		{"bad action", `{"type":"control","data":{"action":"explode"}}`, ErrMalformed, "not one of"},
		{"negative ticks", `{"type":"control","data":{"action":"advance","ticks":-3}}`, ErrMalformed, "negative"},
		{"inject without to", `{"type":"control","data":{"action":"inject","inject":{"subject":"s"}}}`, ErrMalformed, "inject.to"},
		{"bad whatif action", `{"type":"whatif","data":{"action":"rewind"}}`, ErrMalformed, "not one of"},
		{"negative fork", `{"type":"whatif","data":{"action":"branch","tick":-1}}`, ErrMalformed, "negative"},
		{"branch command without org", `{"type":"whatif","data":{"action":"branch","tick":1,"commands":[{"tick":2,"verb":"scan"}]}}`, ErrMalformed, "commands[0].org: missing"},
		{"branch command without verb", `{"type":"whatif","data":{"action":"branch","tick":1,"commands":[{"tick":2,"org":"a","verb":""}]}}`, ErrMalformed, "commands[0].verb: missing"},
		{"branch command long arg", `{"type":"whatif","data":{"action":"branch","tick":1,"commands":[{"tick":2,"org":"a","verb":"message","args":{"text":"` + long + `"}}]}}`, ErrMalformed, "commands[0].args.text"},
		{"chat without text", `{"type":"chat","data":{"to":"a"}}`, ErrMalformed, "text: empty"},
		{"long note", `{"type":"note","data":{"text":"` + long + `"}}`, ErrMalformed, "at most"},
		{"bad utf8", "{\"type\":\"note\",\"data\":{\"text\":\"\xff\"}}", ErrMalformed, "UTF-8"},
		{"too big", `{"type":"note","data":{"text":"` + strings.Repeat("x", MessageBytesMax) + `"}}`, ErrMalformed, "bytes: at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeClient([]byte(tc.msg))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a DecodeError", err)
			}
			if de.Code != tc.code || !strings.Contains(de.Error(), tc.want) {
				t.Errorf("got %s %q, want %s containing %q", de.Code, de.Error(), tc.code, tc.want)
			}
		})
	}
}

func FuzzDecodeClient(f *testing.F) {
	for _, m := range examples() {
		b, _ := Encode(m)
		f.Add(b)
	}
	f.Add([]byte(`{"type":"command","data":{"verb":"x","args":{"a":"b"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeClient(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Code == "" {
				t.Fatalf("error %v is not a DecodeError with a code", err)
			}
			return
		}
		// What decodes re-encodes and decodes to the same.
		b2, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeClient(b2)
		if err != nil {
			t.Fatalf("re-encoded %s: %v", b2, err)
		}
		b3, _ := Encode(m2)
		if !bytes.Equal(b2, b3) {
			t.Fatalf("not stable:\n%s\n%s", b2, b3)
		}
	})
}

// TestBrowserSafe: the package builds for the browser and pulls in
// nothing that needs the network or cgo.
func TestBrowserSafe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for js/wasm")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list for js/wasm: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "net" || strings.HasPrefix(p, "net/") || p == "runtime/cgo" || p == "os/exec" {
			t.Errorf("wire depends on %s under js/wasm", p)
		}
	}
	build := exec.Command("go", "build", "-o", os.DevNull, ".")
	build.Env = cmd.Env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for js/wasm: %v\n%s", err, out)
	}
}

// TestProtocolDoc: docs/protocol.md names every message type, and its
// example session is made of messages the decoders accept and the schema
// validates.
func TestProtocolDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, typ := range append(ClientTypes(), ServerTypes()...) {
		if !strings.Contains(doc, "`"+typ+"`") && !strings.Contains(doc, "### "+typ) {
			t.Errorf("docs/protocol.md does not describe %s", typ)
		}
	}
	_, after, ok := strings.Cut(doc, "## Example session")
	if !ok {
		t.Fatal("no example session")
	}
	_, block, _ := strings.Cut(after, "```jsonl\n")
	block, _, _ = strings.Cut(block, "```")
	s := loadSchema(t)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		n++
		var env struct{ Type string }
		json.Unmarshal([]byte(line), &env)
		decode := DecodeServer
		if _, ok := clientTypes[env.Type]; ok {
			decode = DecodeClient
		}
		if _, err := decode([]byte(line)); err != nil {
			t.Errorf("example line %d: %v", n, err)
		}
		var v any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		for _, e := range jsonschema.Validate(s, v) {
			t.Errorf("example line %d: %s", n, e)
		}
	}
	if n < 8 {
		t.Errorf("example session of %d lines", n)
	}
	// What the server sends for a line of the example is compared in
	// server (TestProtocolDocExampleSession): it needs a running server.
}

// A value of the view with a meaning of its own (the engine's comment says
// "// -1: ...") is explained in docs/protocol.md: a client reading -1 as a
// delay shows nonsense.
func TestProtocolDocSpecialValues(t *testing.T) {
	doc, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../engine/view.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	special := regexp.MustCompile(`(^|\s)(-1):`)
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		fl, ok := node.(*ast.Field)
		if !ok || fl.Tag == nil {
			return true
		}
		m := special.FindStringSubmatch(fl.Doc.Text() + " " + fl.Comment.Text())
		if m == nil {
			return true
		}
		tag, _ := strconv.Unquote(fl.Tag.Value)
		name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
		n++
		for _, para := range strings.Split(string(doc), "\n\n") {
			if strings.Contains(para, "`"+name+"`") && strings.Contains(para, m[2]) {
				return true
			}
		}
		t.Errorf("%s: %s is %s at times (%s), docs/protocol.md does not say so", fset.Position(fl.Pos()), name, m[2], strings.TrimSpace(fl.Comment.Text()+fl.Doc.Text()))
		return true
	})
	if n == 0 {
		t.Error("no special value in engine/view.go: the test reads nothing")
	}
}
