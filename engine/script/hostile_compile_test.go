package script

import (
	"fmt"
	"strings"
	"testing"
)

// Hostile sources (issue 9, class 4): what is compiled is bounded before
// gopher-lua compiles it, with an error at the file and line, and the
// boundary itself compiles and runs right.

func compileStory(t *testing.T, src string) (*harness, error) {
	t.Helper()
	prog, err := Compile(Sources{Scenario: files(map[string]string{"story.lua": src}), ScenarioName: scenarioName}, Limits{})
	if err != nil {
		return nil, err
	}
	st, err := New(Options{Program: prog, Rand: newRand(1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	h := &harness{State: st}
	st.log = func(l string) { h.log = append(h.log, l) }
	return h, nil
}

func TestHostileConstructorSize(t *testing.T) {
	build := func(n int) string {
		return "local x = 1\n\nt = {" + strings.Repeat("1,", n) + "}\nprint(#t)"
	}
	h, err := compileStory(t, build(ConstructorItemsMax))
	if err != nil {
		t.Fatalf("the largest constructor allowed: %v", err)
	}
	if err := h.SetTick(0); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("story.lua"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.log, ""); got != fmt.Sprint(ConstructorItemsMax) {
		t.Errorf("#t = %s, want %d", got, ConstructorItemsMax)
	}
	_, err = compileStory(t, build(ConstructorItemsMax+1))
	if err == nil {
		t.Fatal("a constructor one item too long compiled")
	}
	e := asError(t, err)
	if e.File != scenarioName+"/story.lua" || e.Line != 3 || !strings.Contains(e.Msg, "table constructor has 25551 items") {
		t.Fatalf("got %v", err)
	}
}

func TestHostileFunctionConstants(t *testing.T) {
	build := func(n int) string {
		var b strings.Builder
		b.WriteString("local x\nfunction f()\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "x=%d\n", 100000+i)
		}
		b.WriteString("end\n")
		return b.String()
	}
	// the top level names x and f; f names x and its numbers.
	if _, err := compileStory(t, build(FunctionConstantsMax-1)); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
	_, err := compileStory(t, build(FunctionConstantsMax))
	if err == nil {
		t.Fatal("one constant too many compiled")
	}
	e := asError(t, err)
	if e.File != scenarioName+"/story.lua" || e.Line != FunctionConstantsMax+2 || !strings.Contains(e.Msg, "more than 65536 distinct literals and names") {
		t.Fatalf("got %v", err)
	}
}

// A file as large as SourceBytesMax of distinct constants spread over many
// functions compiles in well under a second of CPU (the fork looks
// constants up in a map; upstream took minutes for 600 KB).
func TestHostileManyConstantsCompileFast(t *testing.T) {
	var b strings.Builder
	for f := 0; b.Len() < 1<<20-4096; f++ {
		fmt.Fprintf(&b, "function f%d()\nlocal x\n", f)
		for i := 0; i < 20000 && b.Len() < 1<<20-4096; i++ {
			fmt.Fprintf(&b, "x=%d\n", 1000000+f*20000+i)
		}
		b.WriteString("end\n")
	}
	if _, err := compileStory(t, b.String()); err != nil {
		t.Fatal(err)
	}
}
