package script

import (
	"strings"
	"testing"
)

func TestRequire(t *testing.T) {
	library := files(map[string]string{
		"playbooks/botnet.lua":   `loads = (loads or 0) + 1; return {name = "library botnet", arg = ...}`,
		"playbooks/deface.lua":   `return {name = "library deface"}`,
		"util/nothing.lua":       `x_from_nothing = 1`,
		"cycle/a.lua":            `require "cycle.b"`,
		"cycle/b.lua":            `require "cycle.a"`,
		"broken/runtime.lua":     `local t = nil; return t.x`,
		"playbooks/concat.lua":   `return function(a, b) return a .. "-" .. b end`,
		"playbooks/requires.lua": `return require("playbooks.deface").name .. "+"`,
	})
	cases := []struct {
		name, src, want, wantErr string
	}{
		{"library module, cached, gets its name", `
			local a = require "playbooks.botnet"
			local b = require("playbooks.botnet")
			print(a.name, a.arg, a == b, loads)`, "library botnet\tplaybooks.botnet\ttrue\t1", ""},
		{"scenario overrides library", `print(require("playbooks.deface").name)`, "scenario deface", ""},
		{"nested require", `print(require "playbooks.requires")`, "scenario deface+", ""},
		{"module returning nothing is true", `print(require "util.nothing", x_from_nothing)`, "true\t1", ""},
		{"concatenation inside a module", `print(require("playbooks.concat")("a", 1))`, "a-1", ""},
		{"missing module", `require "playbooks.nope"`, "", `scenarios/x/story.lua:1: tick 0: require "playbooks.nope": no playbooks/nope.lua in the scenario or the script library`},
		{"cycle", `require "cycle.a"`, "", `scripts/cycle/b.lua:1: tick 0: require "cycle.a": circular require`},
		{"error inside a module names the module", `require "broken.runtime"`, "", `scripts/broken/runtime.lua:1: tick 0: attempt to index`},
		{"failed module can be required again", `
			print(pcall(require, "broken.runtime"))
			print(pcall(require, "broken.runtime"))`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scenario := files(map[string]string{
				"story.lua":            c.src,
				"playbooks/deface.lua": `return {name = "scenario deface"}`,
			})
			prog, err := Compile(Sources{Scenario: scenario, ScenarioName: "scenarios/x", Library: library, LibraryName: "scripts"}, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var log []string
			st, err := New(Options{Program: prog, Rand: newRand(1), Log: func(l string) { log = append(log, l) }})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.SetTick(0); err != nil {
				t.Fatal(err)
			}
			err = st.Run("story.lua")
			if c.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(log, "\n")
			if c.want != "" && got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if c.want == "" && strings.Count(got, "false\tscripts/broken/runtime.lua:1: attempt to index") != 2 {
				t.Errorf("got %q", got)
			}
		})
	}
}
