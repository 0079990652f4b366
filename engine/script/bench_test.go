package script

import (
	"strings"
	"testing"
)

const benchStory = `
local botnet = require "playbooks.botnet"
local hosts = {}
for i = 1, 20 do hosts[i] = "host-" .. i end
spawn(function() wait(10) print(botnet.name, #hosts) end)
`

func benchProgram(b *testing.B) *Program {
	b.Helper()
	prog, err := Compile(Sources{
		Scenario: files(map[string]string{"story.lua": benchStory}), ScenarioName: "scenarios/bench",
		Library: files(map[string]string{"playbooks/botnet.lua": `return {name = "botnet", step = function(n) return n + 1 end}`}), LibraryName: "scripts",
	}, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	return prog
}

// BenchmarkNew is the cost of one run's state: instantiate the compiled
// program, run its story (which requires a module and spawns a task), close.
func BenchmarkNew(b *testing.B) {
	prog := benchProgram(b)
	b.ReportAllocs()
	for b.Loop() {
		st, err := New(Options{Program: prog, Rand: newRand(1)})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.SetTick(0); err != nil {
			b.Fatal(err)
		}
		if err := st.Run("story.lua"); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkNewEmpty is New and Close alone: the sandbox set-up.
func BenchmarkNewEmpty(b *testing.B) {
	prog := benchProgram(b)
	b.ReportAllocs()
	for b.Loop() {
		st, err := New(Options{Program: prog, Rand: newRand(1)})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchProgram(b)
	}
}

// BenchmarkInstructions measures the VM under the budget: ns/op is per
// iteration of a loop of about 4 instructions.
func BenchmarkInstructions(b *testing.B) {
	const n = 200_000
	h := newHarness(b, "local s = 0 for i = 1, 200000 do s = s + i end", 1, Limits{InstructionsPerRunMax: 1 << 50}, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := h.SetTick(int64(i)); err != nil {
			b.Fatal(err)
		}
		if err := h.Run("story.lua"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/iteration")
}

// BenchmarkConcat: `..` goes through the bounded builtin.
func BenchmarkConcat(b *testing.B) {
	const n = 20_000
	h := newHarness(b, "local s for i = 1, 20000 do s = 'host-' .. i .. '.example' end", 1, Limits{InstructionsPerRunMax: 1 << 50}, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := h.SetTick(int64(i)); err != nil {
			b.Fatal(err)
		}
		if err := h.Run("story.lua"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/concat")
}

// BenchmarkTasks: resuming 100 sleeping playbooks per tick.
func BenchmarkTasks(b *testing.B) {
	h := newHarness(b, strings.Repeat("spawn(function() while true do wait(1) end end)\n", 100), 1, Limits{InstructionsPerRunMax: 1 << 50}, nil)
	if err := h.SetTick(0); err != nil {
		b.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := h.SetTick(int64(i)); err != nil {
			b.Fatal(err)
		}
		if err := h.RunTasks(); err != nil {
			b.Fatal(err)
		}
	}
}
