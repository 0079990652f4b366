package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"cyberex/engine"
	"cyberex/scripts"
)

type nopDirector struct{ ticks *atomic.Int64 }

func (d nopDirector) Tick(*engine.World) error { d.ticks.Add(1); return nil }

func loadFull(t *testing.T, set ...string) (*Scenario, *atomic.Int64) {
	t.Helper()
	ticks := new(atomic.Int64)
	s, err := Load("testdata/good/full", Options{Set: set, Director: func(s *Scenario, w *engine.World) (engine.Director, error) {
		return nopDirector{ticks}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s, ticks
}

func TestLoadFull(t *testing.T) {
	s, ticks := loadFull(t)
	if s.Name != "full" || s.TickSeconds != 30 || s.Duration() != 2880 {
		t.Errorf("name %q tick %d duration %d", s.Name, s.TickSeconds, s.Duration())
	}
	if !slices.Equal(s.Scripts, []string{"story.lua"}) || len(s.Files) != 2 {
		t.Errorf("scripts %v files %d", s.Scripts, len(s.Files))
	}
	if s.Vars["playbook"] != "slow" || s.Vars["rounds"] != int64(3) || s.Vars["loud"] != true || s.Vars["ratio"] != 0.5 {
		t.Errorf("vars %#v", s.Vars)
	}
	w, err := s.NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	// 300 + 3*100 + 2*10 generated, 4 named.
	if len(w.Assets) != 624 {
		t.Errorf("%d assets", len(w.Assets))
	}
	if len(w.Segments) != 9 || w.Segments[4].ID != "biz-1" || w.Segments[8].ID != "far-2" {
		t.Errorf("segments %v", w.Segments)
	}
	// home: 300 generated then infected-pc.
	if i, ok := w.AssetIndex("infected-pc"); !ok || i != 300 || w.Assets[i].Controller != 0 {
		t.Errorf("infected-pc at %d %v", i, ok)
	}
	if i, ok := w.AssetIndex("biz-2-99"); !ok || w.Assets[i].Segment != 5 {
		t.Errorf("biz-2-99 at %d %v", i, ok)
	}
	if w.Campaigns[0].Bots != 21 { // 20 initial bots + infected-pc
		t.Errorf("bots %d", w.Campaigns[0].Bots)
	}
	j := w.Jurisdictions[1]
	if j.ID != "B.gov" || j.ContactPointTicks != 720 || j.MLATicks != 90*2880 || j.UTCOffsetMinutes != -330 || j.AnswerPermille != 800 || j.NoDualCriminality != "slow" {
		t.Errorf("jurisdiction %+v", j)
	}
	if a := w.Jurisdictions[0]; a.ContactPointTicks != 240 || a.UTCOffsetMinutes != 60 || a.NoDualCriminality != "refuse" {
		t.Errorf("defaults %+v", a)
	}
	if p := w.Orgs[1]; p.ID != "police-a" || p.Kind != engine.OrgPolice || p.Staff != 3 {
		t.Errorf("merged org %+v", p)
	}
	if o := w.Orgs[2]; o.Staff != 1 || o.ResponseDelayTicks != 120 || o.Policy != "cooperative" {
		t.Errorf("org defaults %+v", o)
	}
	if g := w.Orgs[4]; g.SensorPermille != 10 {
		t.Errorf("sensor %d", g.SensorPermille)
	}
	if got := w.Injects[0].To; len(got) != 7 { // all but the adversary
		t.Errorf("inject to %v", got)
	}
	if w.Injects[1].Tick != engine.None || w.Injects[0].Tick != 120 {
		t.Errorf("inject ticks %d %d", w.Injects[0].Tick, w.Injects[1].Tick)
	}
	if w.Settings.Verbs[0] != (engine.VerbSpec{Verb: "restore", Ticks: 120, Staff: 1}) {
		t.Errorf("verbs %v", w.Settings.Verbs)
	}
	if w.Settings.StartUnix != time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("start %d", w.Settings.StartUnix)
	}
	// links: 2 declared + biz ring (3) + link_to (1).
	if len(w.Links) != 6 || w.Links[1].WeightPermille != 100 || w.Links[5] != (engine.Link{A: 4, B: 0, WeightPermille: 50}) {
		t.Errorf("links %v", w.Links)
	}
	h := w.Infras[1]
	if len(h.DependsOn) != 2 || h.DependsOn[1].DelayTicks != 20 || h.BackupPermille != 700 || h.BackupTicks != 480 {
		t.Errorf("hospital %+v", h)
	}
	if w.Steps[1].Tick != 60 || w.Steps[1].Args[0] != (engine.Arg{Key: "contacts", Value: "3"}) {
		t.Errorf("steps %+v", w.Steps)
	}
	if w.Counters.MoneyRaised != 250 {
		t.Errorf("money %d", w.Counters.MoneyRaised)
	}
	ts := s.Tests[0]
	if !slices.Equal(ts.Seeds, Seeds{1, 2, 3, 9}) || ts.Ticks.Ticks != 240 || !ts.Scripted.All || len(ts.CommandList) != 2 ||
		ts.Golden.Ticks[1].Ticks != 120 || ts.Expect[4].Happened == nil || *ts.Expect[4].Happened || !*ts.Expect[5].Happened {
		t.Errorf("test %+v", ts)
	}
	if i := s.Tests[1]; !slices.Equal(i.Seeds, Seeds{1}) || i.Ticks.Ticks != 2880 || i.Scripted.All || !slices.Equal(i.Scripted.Orgs, []string{"isp-a"}) {
		t.Errorf("test defaults %+v", i)
	}
	for i := 0; i < 100; i++ {
		if _, err := w.Step(nil); err != nil {
			t.Fatal(err)
		}
	}
	if ticks.Load() != 100 {
		t.Errorf("director ran %d times", ticks.Load())
	}
}

// Worlds are independent and built the same whatever the run seed.
func TestNewWorldFreshAndDeterministic(t *testing.T) {
	s, _ := loadFull(t)
	a, _ := s.NewWorld(1)
	b, _ := s.NewWorld(2)
	if !slices.Equal(a.Assets, b.Assets) {
		t.Fatal("generated hosts depend on the run seed")
	}
	h0 := a.Hash()
	for i := 0; i < 300; i++ {
		a.Step(nil)
	}
	c, _ := s.NewWorld(1)
	if c.Hash() != h0 {
		t.Fatal("a new world is not fresh after another ran")
	}
	for i := 0; i < 300; i++ {
		c.Step(nil)
	}
	if c.Hash() != a.Hash() {
		t.Fatal("same seed, different hash")
	}
	// Loading again gives the same world.
	s2, _ := loadFull(t)
	d, _ := s2.NewWorld(1)
	if d.Hash() != h0 || s2.Digest != s.Digest {
		t.Fatal("second load differs")
	}
}

func TestSetOverrides(t *testing.T) {
	s, _ := loadFull(t,
		"organisations.police-a.staff=7",
		"jurisdictions.B.gov.channels.mla=30d",
		"campaigns.bot.exploits.smb=40%",
		"settings.verbs.investigate.ticks=5",
		"links.0.weight=50%",
		"generate.biz.segments=5",
		"tests.quick.seeds=1..2",
		"campaigns.bot.steps.1.at=2h",
		"organisations.grid.clients=[csirt-a, police-a]",
		"description=two words: here",
	)
	w, err := s.NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	if w.Orgs[1].Staff != 7 || w.Jurisdictions[1].MLATicks != 30*2880 || w.Campaigns[0].Exploits[0].RatePermille != 400 {
		t.Errorf("%d %d %v", w.Orgs[1].Staff, w.Jurisdictions[1].MLATicks, w.Campaigns[0].Exploits)
	}
	if !slices.Contains(w.Settings.Verbs, engine.VerbSpec{Verb: "investigate", Ticks: 5, Staff: 1}) || w.Links[0].WeightPermille != 500 {
		t.Errorf("verbs %v links %v", w.Settings.Verbs, w.Links)
	}
	if len(w.Segments) != 11 || len(s.Tests[0].Seeds) != 2 || w.Steps[1].Tick != 240 || len(w.Orgs[4].Clients) != 2 {
		t.Errorf("segments %d seeds %v step %d", len(w.Segments), s.Tests[0].Seeds, w.Steps[1].Tick)
	}
	if s.Spec.Description != "two words: here" {
		t.Errorf("description %q", s.Spec.Description)
	}
	base, _ := loadFull(t)
	if base.Digest == s.Digest {
		t.Error("overrides do not change the digest")
	}
}

func loadErr(t *testing.T, fsys fstest.MapFS, opt Options) string {
	t.Helper()
	_, err := LoadFS(fsys, ".", opt)
	if err == nil {
		t.Fatal("no error")
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T", err)
	}
	return err.Error()
}

func fullFS(t *testing.T) fstest.MapFS {
	m := fstest.MapFS{}
	for _, n := range []string{"scenario.yaml", "commands.jsonl", "story.lua", "lib/helpers.lua"} {
		b, err := os.ReadFile("testdata/good/full/" + n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestTestOverridesChecked(t *testing.T) {
	fsys := fullFS(t)
	y := strings.Replace(string(fsys["scenario.yaml"].Data), `"organisations.police-a.staff=4"`, `"organisations.police-a.staff=lots", "organisations.polise-a.staff=1"`, 1)
	fsys["scenario.yaml"] = &fstest.MapFile{Data: []byte(y)}
	got := loadErr(t, fsys, Options{})
	want := `scenario.yaml:131:11: tests[0].set[0]: with this test's overrides: organisations[1].staff: want a whole number, got "lots"
scenario.yaml:131:48: tests[0].set[1]: with this test's overrides: organisations has no entry "polise-a"; did you mean "police-a"?`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCommandsFileChecked(t *testing.T) {
	fsys := fullFS(t)
	fsys["commands.jsonl"] = &fstest.MapFile{Data: []byte(`{"tick":10,"org":"csirt-a","verb":"investigate","target":"gov-site"}
{"tick":5,"org":"csirt-b","verb":"investigat"}
not json
{"tick":12,"org":"csirt-a","verb":"scan","colour":"red"}
`)}
	got := loadErr(t, fsys, Options{})
	want := `commands.jsonl:2: tick: tick 5 comes after tick 10: keep the file in tick order
commands.jsonl:3: not a command: invalid character 'o' in literal null (expecting 'u')
commands.jsonl:4: not a command: unknown field "colour" (fields: tick, org, id, verb, target, args)`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	fsys["commands.jsonl"] = &fstest.MapFile{Data: []byte(`{"tick":10,"org":"csirt-b","verb":"investigat"}`)}
	got = loadErr(t, fsys, Options{})
	want = `commands.jsonl:1: org: no organisation "csirt-b"; did you mean "csirt-a"?
commands.jsonl:1: verb: unknown verb "investigat"; did you mean "investigate"?`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestScripts(t *testing.T) {
	fsys := fullFS(t)
	y := string(fsys["scenario.yaml"].Data) + "scripts: [lib/helpers.lua, story.lua, playbooks/police.lua, storry.lua, ../x.lua, notes.txt]\n"
	fsys["scenario.yaml"] = &fstest.MapFile{Data: []byte(y)}
	got := loadErr(t, fsys, Options{})
	for _, want := range []string{
		`scripts[2]: no script "playbooks/police.lua" in the scenario folder`,
		`scripts[3]: no script "storry.lua" in the scenario folder; did you mean "story.lua"?`,
		`scripts[4]: "../x.lua": want a path inside the scenario folder`,
		`scripts[5]: "notes.txt": a script is a .lua file`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	lib := fstest.MapFS{"playbooks/police.lua": {Data: []byte("--")}}
	y = string(fullFS(t)["scenario.yaml"].Data) + "scripts: [lib/helpers.lua, story.lua, playbooks/police.lua]\n"
	fsys["scenario.yaml"] = &fstest.MapFile{Data: []byte(y)}
	s, err := LoadFS(fsys, ".", Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Scripts, []string{"lib/helpers.lua", "story.lua", "playbooks/police.lua"}) {
		t.Errorf("scripts %v", s.Scripts)
	}
	if b, err := s.Script("playbooks/police.lua"); err != nil || string(b) != "--" {
		t.Errorf("library script %q %v", b, err)
	}
	// No director linked in: NewWorld says so. (The external tests link
	// the Lua host in, which sets NewDirector.)
	linked := NewDirector
	defer func() { NewDirector = linked }()
	NewDirector = nil
	if _, err := s.NewWorld(1); err == nil || !strings.Contains(err.Error(), "no script host") {
		t.Errorf("NewWorld without director: %v", err)
	}
	// The package factory is used when Options has none.
	called := false
	NewDirector = func(*Scenario, *engine.World) (engine.Director, error) { called = true; return nil, nil }
	if _, err := s.NewWorld(1); err != nil || !called {
		t.Errorf("package factory: %v %v", err, called)
	}
}

func TestDigest(t *testing.T) {
	fsys := fullFS(t)
	a, err := LoadFS(fsys, ".", Options{Director: nil})
	if err != nil {
		t.Fatal(err)
	}
	fsys["story.lua"] = &fstest.MapFile{Data: []byte("-- changed\nobjective(\"story\", function() end)\n")}
	b, _ := LoadFS(fsys, ".", Options{})
	fsys["commands.jsonl"] = &fstest.MapFile{Data: []byte("")}
	c, _ := LoadFS(fsys, ".", Options{})
	if a.Digest == b.Digest || b.Digest != c.Digest || len(a.Digest) != 64 {
		t.Errorf("digests %s %s %s", a.Digest, b.Digest, c.Digest)
	}
}

func TestValidateSkipsGeneration(t *testing.T) {
	y := `name: big
jurisdictions: [{id: A}]
organisations: [{id: isp, kind: isp, jurisdiction: A}]
generate: {prefix: n, segments: 10000, hosts_per_segment: 2000, owner: isp, link_weight: 1%}
objectives: [{id: o, metric: "asset:n-9999-1999:compromised", op: "==", value: 0}]
`
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/scenario.yaml", []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := Validate(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > hangGuard {
		t.Errorf("Validate of 20M hosts took %s", d)
	}
	err := Validate(dir, Options{Set: []string{"generate.hosts_per_segment=2001"}})
	if err == nil || !strings.Contains(err.Error(), "is 20010000 hosts, more than 20000000") {
		t.Errorf("limit: %v", err)
	}
}

func TestLoadGeneratesOnce(t *testing.T) {
	y := `name: mid
jurisdictions: [{id: A}]
organisations: [{id: isp, kind: isp, jurisdiction: A}, {id: gang, kind: adversary, jurisdiction: A}]
vulnerabilities: [{id: smb}]
generate: {prefix: n, segments: 100, hosts_per_segment: 2000, owner: isp, link_weight: 1%, vulns: {smb: 30%}}
campaigns: [{id: bot, kind: botnet, actor: gang, exploits: {smb: 50%}, contacts: 2, initial_bots: 1000, active: true}]
`
	s, err := LoadFS(fstest.MapFS{"scenario.yaml": {Data: []byte(y)}}, ".", Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w, err := s.NewWorld(3)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second { // a note: speed is BenchmarkLoad1M's
		t.Logf("note: NewWorld of 200k hosts took %s", d)
	}
	if len(w.Assets) != 200_000 || w.Campaigns[0].Bots != 1000 {
		t.Errorf("%d assets, %d bots", len(w.Assets), w.Campaigns[0].Bots)
	}
	smb := 0
	for _, a := range w.Assets {
		if a.Vulns != 0 {
			smb++
		}
	}
	if smb < 55_000 || smb > 65_000 {
		t.Errorf("%d hosts with smb, want about 60000", smb)
	}
	for i := 0; i < 5; i++ {
		w.Step(nil)
	}
	if w.Campaigns[0].Bots <= 1000 {
		t.Errorf("botnet did not spread: %d", w.Campaigns[0].Bots)
	}
}

// No input may hang the loader: aliases that fan out are cut short.
func TestAliasFanOut(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("name: fan\nx-crimes: &c [")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "c%d, ", i)
	}
	b.WriteString("c]\njurisdictions:\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "  - {id: j%d, crimes: *c}\n", i)
	}
	start := time.Now()
	got := loadErr(t, fstest.MapFS{"scenario.yaml": {Data: b.Bytes()}}, Options{})
	if !strings.Contains(got, "expands to too many values") {
		t.Errorf("got %s", got[:min(len(got), 300)])
	}
	if d := time.Since(start); d > hangGuard {
		t.Errorf("took %s", d)
	}
}

func TestHostileInputs(t *testing.T) {
	cases := map[string][]byte{
		"deep flow":  []byte("name: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000)),
		"deep block": []byte("vars:\n" + strings.Repeat("  ", 1) + strings.Repeat("a: {", 5000) + strings.Repeat("}", 5000)),
		"huge":       bytes.Repeat([]byte("#"), fileBytesMax+1),
		"binary":     {0xff, 0xfe, 0x00, 0x01, 0x02},
		"nul":        []byte("name: \x00"),
		"bad utf8":   []byte("name: \xc3\x28"),
		"long id":    []byte("name: x\njurisdictions: [{id: " + strings.Repeat("a", 5000) + "}]"),
		"alias loop": []byte("name: &a [*a]"),
		"anchor key": []byte("? &k [a]\n: v\n*k : w\n"),
		"merge bad":  []byte("name: x\norganisations: [{<<: 5, id: a}]"),
		"merge list": []byte("x-a: &a {kind: police}\nx-b: &b {staff: 2}\nname: x\njurisdictions: [{id: A}]\norganisations: [{<<: [*a, *b], id: a, jurisdiction: A}]"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := LoadFS(fstest.MapFS{"scenario.yaml": {Data: data}}, ".", Options{})
			if d := time.Since(start); d > hangGuard {
				t.Errorf("took %s", d)
			}
			if name == "merge list" {
				if err != nil {
					t.Errorf("merge list: %v", err)
				}
				return
			}
			if err == nil {
				t.Error("accepted")
			} else if strings.Contains(err.Error(), "internal error") {
				t.Error(err)
			}
		})
	}
}

func TestLoadFSSubfolder(t *testing.T) {
	fsys := fstest.MapFS{
		"sc/x/scenario.yaml": {Data: []byte("name: x\njurisdictions: [{id: A}]\norganisations: [{id: p, kind: police, jurisdiction: A}]\nscripts: [lib/a.lua]\n")},
		"sc/x/story.lua":     {Data: []byte("--")},
		"sc/x/lib/a.lua":     {Data: []byte("--")},
		"sc/x/.git/b.lua":    {Data: []byte("--")},
		"sc/y/scenario.yaml": {Data: []byte("bad")},
	}
	s, err := LoadFS(fsys, "sc/x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Files) != 2 || s.Files["lib/a.lua"] == nil || !slices.Equal(s.Scripts, []string{"lib/a.lua"}) {
		t.Errorf("files %v scripts %v", s.Files, s.Scripts)
	}
	_, err = LoadFS(fsys, "sc/y", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "sc/y/scenario.yaml:1:1: ") {
		t.Errorf("error %v", err)
	}
	_, err = LoadFS(fsys, "sc/z", Options{})
	if err == nil || err.Error() != "sc/z/scenario.yaml: no scenario.yaml in the folder" {
		t.Errorf("error %v", err)
	}
}

func TestApplyScriptedAndVars(t *testing.T) {
	s, _ := loadFull(t)
	w, _ := s.NewWorld(1)
	s.Tests[1].ApplyScripted(w)
	if !w.Orgs[2].Scripted || w.Orgs[0].Scripted || !w.Orgs[3].Scripted {
		t.Errorf("scripted %v %v %v", w.Orgs[0].Scripted, w.Orgs[2].Scripted, w.Orgs[3].Scripted)
	}
	s.Tests[0].ApplyScripted(w)
	if !w.Orgs[0].Scripted || w.Orgs[7].Scripted {
		t.Error("all: teams scripted, adversary not")
	}
	v := s.TestVars(&s.Tests[0])
	if v["playbook"] != "fast" || v["rounds"] != int64(3) {
		t.Errorf("vars %v", v)
	}
}

func TestNewWorldConcurrent(t *testing.T) {
	s, _ := loadFull(t)
	want, _ := s.NewWorld(5)
	for i := 0; i < 50; i++ {
		want.Step(nil)
	}
	done := make(chan uint64Hash, 4)
	for g := 0; g < 4; g++ {
		go func() {
			w, err := s.NewWorld(5)
			if err != nil {
				done <- uint64Hash{}
				return
			}
			for i := 0; i < 50; i++ {
				w.Step(nil)
			}
			done <- uint64Hash{w.Hash()}
		}()
	}
	for g := 0; g < 4; g++ {
		if h := <-done; h.h != want.Hash() {
			t.Error("concurrent worlds differ")
		}
	}
}

type uint64Hash struct{ h [32]byte }

// Scripts read vars by name, so a misspelt var must be an error, not a
// silently ignored value.
func TestUnknownVarsRefused(t *testing.T) {
	cases := []struct{ set, want string }{
		{"vars.playbok=fast", `no var "playbok" in the scenario's vars; did you mean "playbook"?`},
		{"vars.playbook=fast", ""},
	}
	for _, c := range cases {
		_, err := Load("testdata/good/full", Options{Set: []string{c.set}, Director: func(s *Scenario, w *engine.World) (engine.Director, error) {
			return nopDirector{new(atomic.Int64)}, nil
		}})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.set, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want %q", c.set, err, c.want)
		}
	}
}

// hangGuard bounds the wall time of a test that feeds the loader an input
// built to make it explode (aliases that fan out, hostile YAML). It is a
// guard against a hang or a blow-up, not a speed target, so it is far
// above the milliseconds these take: a busy machine (CI beside other
// work) must not fail it. Speed is measured by benchmarks.
const hangGuard = 60 * time.Second

// The library on disk (with the editors' annotations in types/) and the
// one built into the program have one digest; any change of a file that
// runs changes it.
func TestLibraryDigest(t *testing.T) {
	disk, err := LibraryDigest(os.DirFS("../scripts"))
	if err != nil {
		t.Fatal(err)
	}
	built, err := LibraryDigest(scripts.FS)
	if err != nil {
		t.Fatal(err)
	}
	if disk != built || len(disk) != 64 {
		t.Errorf("disk %s, built in %s", disk, built)
	}
	lib := fstest.MapFS{"teams/a.lua": {Data: []byte("return {}")}, "types/x.lua": {Data: []byte("---@meta x\n")}}
	a, _ := LibraryDigest(lib)
	lib["types/x.lua"] = &fstest.MapFile{Data: []byte("---@meta x\n-- more")}
	if b, _ := LibraryDigest(lib); a != b {
		t.Error("an annotation file changed the digest")
	}
	lib["teams/a.lua"] = &fstest.MapFile{Data: []byte("return { }")}
	if c, _ := LibraryDigest(lib); c == a {
		t.Error("a changed policy kept the digest")
	}
}

// contact_point: none is a jurisdiction without a 24/7 contact point (the
// engine's None); anything else must still be a duration.
func TestContactPointNone(t *testing.T) {
	for _, tc := range []struct {
		set  string
		want int32
		err  string
	}{
		{"jurisdictions.B.gov.channels.contact_point=none", engine.None, ""},
		{"jurisdictions.B.gov.channels.contact_point=30", 30, ""},
		{"jurisdictions.B.gov.channels.contact_point=nobody", 0, "contact_point"},
		{"jurisdictions.B.gov.channels.contact_point=0", 0, "a channel takes at least 1 tick"},
	} {
		s, err := Load("testdata/good/full", Options{Set: []string{tc.set}})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one naming %q", tc.set, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.set, err)
		}
		w, err := s.NewWorld(1)
		if err != nil {
			t.Fatal(err)
		}
		if j := w.Jurisdictions[1]; j.ContactPointTicks != tc.want || j.HasContactPoint() != (tc.want != engine.None) {
			t.Errorf("%s: contact point %d (has %v), want %d", tc.set, j.ContactPointTicks, j.HasContactPoint(), tc.want)
		}
	}
}
