package runner

import (
	"reflect"
	"testing"

	"cyberex/scenario"
)

func TestShellJoin(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"cyberex", "run", "scenarios/tutorial", "--seed", "17"}, "cyberex run scenarios/tutorial --seed 17"},
		{[]string{"--set", "organisations.police-a.staff=2"}, "--set organisations.police-a.staff=2"},
		{[]string{"--set", "jurisdictions.B.channels.mla=30d,90d"}, "--set jurisdictions.B.channels.mla=30d,90d"},
		{[]string{"--set", "vars.label=\"30\""}, `--set 'vars.label="30"'`},
		{[]string{"--set", "x=it's"}, `--set 'x=it'\''s'`},
		{[]string{"my scenarios/a b"}, "'my scenarios/a b'"},
		{[]string{""}, "''"},
		{[]string{"a;rm -rf /", "$HOME", "`x`"}, "'a;rm -rf /' '$HOME' '`x`'"},
	}
	for _, tc := range tests {
		if got := ShellJoin(tc.args); got != tc.want {
			t.Errorf("ShellJoin(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestYAMLValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"fast", "fast"},
		{"30", `"30"`},
		{"true", `"true"`},
		{"a: b", `'a: b'`},
		{int64(3), "3"},
		{true, "true"},
		{2.5, "2.5"},
		{float64(2), "2.0"},
		{"two\nlines", `"two\nlines"`},
	}
	for _, tc := range tests {
		got, err := yamlValue(tc.v)
		if err != nil || got != tc.want {
			t.Errorf("yamlValue(%#v) = %s, %v; want %s", tc.v, got, err, tc.want)
		}
	}
	if _, err := yamlValue([]string{"x"}); err == nil {
		t.Error("a list is accepted as a var")
	}
}

// A test's scripted teams and vars become --set overrides. The world they
// build must be the one the scenario package means: the teams that
// TestSpec.ApplyScripted marks are scripted, the vars are TestVars.
func TestRunSpecMatchesTestSpec(t *testing.T) {
	base, err := scenario.Load("testdata/tiny", scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var spec *scenario.TestSpec
	for i := range base.Tests {
		if base.Tests[i].Name == "scripted-police" {
			spec = &base.Tests[i]
		}
	}
	if spec == nil {
		t.Fatal("no test scripted-police in testdata/tiny")
	}
	rs, err := testRunSpec("testdata/tiny", base, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"organisations.csirt.staff=5", "organisations.police.scripted=true", "vars.label=\"30\"", "vars.level=3", "vars.playbook=fast"}
	if !reflect.DeepEqual(rs.Set, want) {
		t.Errorf("sets %q, want %q", rs.Set, want)
	}
	s, err := scenario.Load("testdata/tiny", scenario.Options{Set: rs.Set})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Vars, base.TestVars(spec); !reflect.DeepEqual(got, want) {
		t.Errorf("vars through --set: %#v, want %#v", got, want)
	}
	w1, err := s.NewWorld(3)
	if err != nil {
		t.Fatal(err)
	}
	sWithSet, err := scenario.Load("testdata/tiny", scenario.Options{Set: spec.Set})
	if err != nil {
		t.Fatal(err)
	}
	w2, err := sWithSet.NewWorld(3)
	if err != nil {
		t.Fatal(err)
	}
	spec.ApplyScripted(w2)
	for i := range w1.Orgs {
		if w1.Orgs[i].Scripted != w2.Orgs[i].Scripted || w1.Orgs[i].Staff != w2.Orgs[i].Staff {
			t.Errorf("org %s: scripted %v staff %d through --set, %v %d through ApplyScripted", w1.Orgs[i].ID,
				w1.Orgs[i].Scripted, w1.Orgs[i].Staff, w2.Orgs[i].Scripted, w2.Orgs[i].Staff)
		}
	}
	if w1.HashHex() != w2.HashHex() {
		t.Error("the worlds differ")
	}

	// scripted: all covers every team but adversaries.
	all := *spec
	all.Scripted = scenario.OrgSet{All: true}
	all.Set, all.Vars = nil, nil
	rs, err = testRunSpec("testdata/tiny", base, &all, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"organisations.csirt.scripted=true", "organisations.police.scripted=true", "organisations.isp.scripted=true", "organisations.hoster.scripted=true"}
	if !reflect.DeepEqual(rs.Set, want) {
		t.Errorf("scripted all: sets %q, want %q", rs.Set, want)
	}
}

func TestRunSpecCommand(t *testing.T) {
	r := RunSpec{Dir: "scenarios/x y", Set: []string{"a.b=1", "vars.t=\"2\""}, Commands: "scenarios/x y/c.jsonl", Ticks: 2000}
	want := `cyberex run 'scenarios/x y' --seed 17 --ticks 2000 --set a.b=1 --set 'vars.t="2"' --commands 'scenarios/x y/c.jsonl' --json`
	if got := r.Command(17, 0, "--json"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := r.Command(1, 20); got != `cyberex run 'scenarios/x y' --seed 1 --ticks 20 --set a.b=1 --set 'vars.t="2"' --commands 'scenarios/x y/c.jsonl'` {
		t.Errorf("with ticks: %s", got)
	}
}
