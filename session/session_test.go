package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cyberex/engine"
	_ "cyberex/engine/script/host" // the Lua host, for stories
	"cyberex/journal"
	"cyberex/scenario"
	"cyberex/scripts"
)

func load(t *testing.T, dir string) Source {
	t.Helper()
	sc, err := scenario.Load(dir, scenario.Options{Library: scripts.FS})
	if err != nil {
		t.Fatal(err)
	}
	return FromScenario(sc)
}

func tiny(t *testing.T) Source { return load(t, "../runner/testdata/tiny") }

func readJournal(t *testing.T, b []byte) *journal.Journal {
	t.Helper()
	j, err := journal.Read(bytes.NewReader(b), "j.jsonl")
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return j
}

func eventsOf(evs []engine.Event, kind string) []engine.Event {
	var out []engine.Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func TestSubmitAssignsIDsAndChecksTheSender(t *testing.T) {
	var jb bytes.Buffer
	s, err := New(tiny(t), Options{Seed: 1, Journal: &jb, HashEvery: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	inv := engine.Command{Org: "csirt", Verb: "investigate", Target: "homes-1"}
	if id, err := s.Submit("csirt", inv); err != nil || id != 1 {
		t.Fatalf("first command: id %d, %v", id, err)
	}
	refused := []struct {
		name, sender string
		c            engine.Command
		want         string
	}{
		{"another org", "csirt", engine.Command{Org: "police", Verb: "investigate", Target: "homes-1"}, "csirt cannot act as police"},
		{"as the controller", "csirt", engine.Command{Org: engine.ControlOrg, Verb: engine.ControlPause}, "csirt cannot act as control"},
		{"own id", "csirt", engine.Command{ID: 9, Org: "csirt", Verb: "investigate", Target: "homes-1"}, "assigned by the engine"},
		{"no sender", "", inv, "needs a sender"},
		{"unknown sender", "ghost", engine.Command{Org: "ghost", Verb: "investigate"}, `sender "ghost" is not an organisation`},
		{"says another sender", "csirt", engine.Command{Org: "csirt", Sender: "police", Verb: "investigate"}, "sent by police"},
		{"another tick", "csirt", engine.Command{Tick: 5, Org: "csirt", Verb: "investigate"}, "goes to the next tick, 1"},
		{"no verb", "csirt", engine.Command{Org: "csirt"}, "verb missing"},
	}
	for _, tc := range refused {
		if _, err := s.Submit(tc.sender, tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// The controller may act for any organisation.
	if id, err := s.Submit(engine.ControlOrg, engine.Command{Org: "police", Verb: "investigate", Target: "homes-1"}); err != nil || id != 2 {
		t.Fatalf("controller's command: id %d, %v", id, err)
	}
	// A batch is all or nothing.
	if _, err := s.SubmitBatch("csirt", []engine.Command{inv, {Org: "police", Verb: "investigate"}}); err == nil {
		t.Error("a batch with a bad command was accepted")
	}
	if s.Pending() != 2 {
		t.Errorf("%d pending, want 2", s.Pending())
	}
	evs, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	acc := eventsOf(evs, engine.EvCommandAccepted)
	if len(acc) != 2 || acc[0].Command != 1 || acc[1].Command != 2 {
		t.Errorf("accepted %+v", acc)
	}
	// The next ids follow whatever the engine numbered meanwhile.
	if id, err := s.Submit("csirt", inv); err != nil || id != s.World().NextCommandID+1 {
		t.Errorf("next id %d (engine at %d), %v", id, s.World().NextCommandID, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	j := readJournal(t, jb.Bytes())
	if len(j.Commands) != 3 || j.Commands[0].ID != 1 || j.Commands[0].Sender != "" || j.Commands[1].Sender != engine.ControlOrg {
		t.Errorf("journaled %+v", j.Commands)
	}
}

// The engine checks what arrives by another path than Submit (a journal,
// a commands file, a caller of World.Step): ids from outside must be new,
// and a sender acts only as itself.
func TestStepRejectsReusedIDsAndSpoofedSenders(t *testing.T) {
	w, err := tiny(t).NewWorld(1)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := w.Step([]engine.Command{
		{ID: 4, Org: "csirt", Verb: "investigate", Target: "homes-1"},
		{ID: 4, Org: "csirt", Verb: "investigate", Target: "homes-1"},
		{ID: 3, Org: "csirt", Verb: "investigate", Target: "homes-1"},
		{ID: 7, Org: "police", Sender: "csirt", Verb: "investigate", Target: "homes-1"},
		{ID: 8, Org: engine.ControlOrg, Sender: "csirt", Verb: engine.ControlEnd},
		{ID: 9, Org: "police", Sender: engine.ControlOrg, Verb: "investigate", Target: "homes-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rej := eventsOf(evs, engine.EvCommandRejected)
	wants := []string{"command id 4 is not after the last id 4", "command id 3 is not after the last id 4", "csirt cannot act as police", "csirt cannot act as control"}
	if len(rej) != len(wants) {
		t.Fatalf("rejected %+v", rej)
	}
	csirt, _ := w.OrgIndex("csirt")
	for i, want := range wants {
		if !strings.Contains(rej[i].Text, want) || !rej[i].VisibleTo(csirt) {
			t.Errorf("rejection %d: %+v, want %q to csirt", i, rej[i], want)
		}
	}
	if acc := eventsOf(evs, engine.EvCommandAccepted); len(acc) != 2 || acc[0].Command != 4 || acc[1].Command != 9 {
		t.Errorf("accepted %+v", acc)
	}
	if w.Ended {
		t.Error("a team ended the exercise")
	}
}

// controllerRun plays a live exercise in which the controller does
// everything it can, and returns its journal.
func controllerRun(t *testing.T, src Source) ([]byte, *Session) {
	t.Helper()
	var jb bytes.Buffer
	s, err := New(src, Options{Seed: 3, Journal: &jb, HashEvery: 5, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	ctl := func(verb, target string, args map[string]string) {
		t.Helper()
		if _, err := s.Submit(engine.ControlOrg, engine.Command{Org: engine.ControlOrg, Verb: verb, Target: target, Args: args}); err != nil {
			t.Fatalf("%s: %v", verb, err)
		}
	}
	byTick := map[int32]func(){
		1: func() { ctl(engine.ControlPace, "", map[string]string{"ms_per_tick": "500"}) },
		2: func() { ctl(engine.ControlPause, "", nil) },
		3: func() {
			ctl(engine.ControlAdvance, "", map[string]string{"ticks": "4"})
			if _, err := s.Submit(engine.ControlOrg, engine.Command{Org: engine.ControlOrg, Verb: engine.ControlPace, Args: map[string]string{"ms_per_tick": "0"}}); err == nil {
				t.Error("a pace of 0 was accepted")
			}
		},
		7: func() {
			ctl(engine.ControlResume, "", nil)
			ctl(engine.ControlPeople, "isp", nil)
		},
		8: func() {
			ctl(engine.ControlInject, "", map[string]string{"to": "csirt,police", "subject": "Call from the ISP", "from": "isp", "body": "Our customers are infected."})
			ctl(engine.ControlInject, "news-1", map[string]string{"to": "all", "subject": "Botnet in the news"})
			ctl(engine.ControlInject, "", map[string]string{"to": "nobody", "subject": "lost"}) // rejected
		},
		9:  func() { ctl(engine.ControlScript, "isp", nil) },
		20: func() { ctl(engine.ControlEnd, "", nil) },
	}
	for !s.Done() {
		if f := byTick[s.Tick()+1]; f != nil {
			f()
		}
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
		switch s.Tick() {
		case 2:
			if c := s.Control(); !c.Paused || c.MillisPerTick != 500 {
				t.Errorf("after tick 2: %+v", c)
			}
		case 7:
			if s.World().Orgs[2].Scripted {
				t.Error("isp still scripted after control.people")
			}
		case 9:
			if !s.World().Orgs[2].Scripted {
				t.Error("isp not scripted after control.script")
			}
		}
	}
	if _, _, err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	return jb.Bytes(), s
}

func TestControllerCommandsAreJournaledAndReplayed(t *testing.T) {
	src := tiny(t)
	jb, s := controllerRun(t, src)
	w := s.World()
	if w.Tick != 20 || !w.Ended || w.EndTick != 20 {
		t.Errorf("control.end at tick 20: tick %d, ended %v at %d", w.Tick, w.Ended, w.EndTick)
	}
	if c := s.Control(); c.Paused || c.MillisPerTick != 500 {
		t.Errorf("control at the end: %+v", c)
	}
	var ids []string
	for _, in := range w.Injects {
		ids = append(ids, in.ID)
	}
	if got := strings.Join(ids, " "); got != "adhoc-1 news-1" {
		t.Errorf("injects %q", got)
	}
	if w.Counters.CommandsRejected != 1 {
		t.Errorf("%d commands rejected, want 1 (an inject to nobody)", w.Counters.CommandsRejected)
	}
	j := readJournal(t, jb)
	if !j.Header.Live || j.End == nil || j.End.Tick != 20 {
		t.Errorf("header %+v, end %+v", j.Header, j.End)
	}
	verbs := 0
	for _, c := range j.Commands {
		if c.Org == engine.ControlOrg && strings.HasPrefix(c.Verb, "control.") {
			verbs++
		}
	}
	if verbs != 10 {
		t.Errorf("%d controller commands journaled, want 10", verbs)
	}
	rr, err := Replay(src, j, ReplayOptions{})
	if err != nil || !rr.OK() || !rr.Complete || rr.FinalHash != j.End.Hash {
		t.Fatalf("replay: %v %+v", err, rr)
	}
	// The same exercise again writes the same bytes.
	if again, _ := controllerRun(t, src); !bytes.Equal(again, jb) {
		t.Error("two runs of one live exercise wrote different journals")
	}
}

func TestLiveSessionSurvivesAStoryBug(t *testing.T) {
	src := load(t, "testdata/storybug")
	run := func() ([]byte, *Session, []engine.Event) {
		var jb bytes.Buffer
		s, err := New(src, Options{Seed: 1, Journal: &jb, HashEvery: 10, Live: true})
		if err != nil {
			t.Fatal(err)
		}
		var stopped []engine.Event
		for !s.Done() {
			if s.Tick() == 15 {
				if _, err := s.Submit("csirt", engine.Command{Org: "csirt", Verb: "investigate", Target: "homes-1"}); err != nil {
					t.Fatal(err)
				}
			}
			evs, err := s.Step()
			if err != nil {
				t.Fatalf("tick %d: %v", s.Tick(), err)
			}
			stopped = append(stopped, eventsOf(evs, engine.EvStoryStopped)...)
		}
		if _, _, err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		return jb.Bytes(), s, stopped
	}
	jb, s, stopped := run()
	w := s.World()
	if w.Tick != 40 {
		t.Errorf("the world stopped at tick %d", w.Tick)
	}
	if len(stopped) != 1 || stopped[0].Tick != 12 || !strings.Contains(stopped[0].Text, "story.lua:8: tick 12:") || len(stopped[0].Visible) != 0 || stopped[0].Public ||
		!strings.Contains(stopped[0].Field("error"), "story.lua:8: tick 12:") {
		t.Errorf("story.stopped events %+v, want one at tick 12 naming story.lua:8 (text and error field), for the controller only", stopped)
	}
	if st := s.StoryStopped(); st == nil || st.Tick != 12 {
		t.Errorf("StoryStopped %+v", st)
	}
	if v, _ := w.Metric("script.story_ticks"); v != 12 {
		t.Errorf("story_ticks %d: the story ran after it failed", v)
	}
	j := readJournal(t, jb)
	if j.StoryStopped == nil || j.StoryStopped.Tick != 12 || !strings.HasPrefix(j.StoryStopped.Error, "story.lua:8: tick 12:") || j.End == nil {
		t.Fatalf("journal: story %+v end %+v", j.StoryStopped, j.End)
	}
	rr, err := Replay(src, j, ReplayOptions{})
	if err != nil || !rr.OK() || !rr.Complete {
		t.Fatalf("replay: %v %+v", err, rr)
	}
	if again, _, _ := run(); !bytes.Equal(again, jb) {
		t.Error("two live runs of one story bug wrote different journals")
	}
	// A journal that says the story stopped elsewhere does not replay.
	j.StoryStopped.Tick = 13
	if rr, _ := Replay(src, j, ReplayOptions{}); rr.OK() || rr.Mismatch.Kind != MismatchStory || rr.Mismatch.Tick != 12 {
		t.Errorf("moved story_stopped: %+v", rr.Mismatch)
	}

	// A headless session fails there, as runs always did.
	var hb bytes.Buffer
	h, err := New(src, Options{Seed: 1, Journal: &hb})
	if err != nil {
		t.Fatal(err)
	}
	for err == nil && !h.Done() {
		_, err = h.Step()
	}
	var ie *InputError
	if !errors.As(err, &ie) || h.Tick() != 12 || !strings.Contains(err.Error(), "story.lua:8: tick 12") {
		t.Fatalf("headless: tick %d, %v", h.Tick(), err)
	}
	if hj := readJournal(t, hb.Bytes()); hj.Failed == nil || hj.Failed.Tick != 12 || hj.StoryStopped != nil {
		t.Errorf("headless journal: failed %+v story %+v", hj.Failed, hj.StoryStopped)
	}
}

func TestResumeContinuesTheJournal(t *testing.T) {
	src := tiny(t)
	path := filepath.Join(t.TempDir(), "live.jsonl")
	cmds := map[int32]engine.Command{
		4:  {Org: "csirt", Verb: "investigate", Target: "homes-1"},
		13: {Org: engine.ControlOrg, Verb: engine.ControlPause},
		14: {Org: "police", Verb: "investigate", Target: "homes-1"},
		30: {Org: "csirt", Verb: "investigate", Target: "homes-3"},
	}
	play := func(s *Session, stopAt int32) {
		t.Helper()
		for !s.Done() && s.Tick() < stopAt {
			if c, ok := cmds[s.Tick()+1]; ok && s.Pending() == 0 {
				sender := c.Org
				if _, err := s.Submit(sender, c); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Uninterrupted.
	var whole bytes.Buffer
	s, err := New(src, Options{Seed: 9, Journal: &whole, HashEvery: 10, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	play(s, 1000)
	_, want, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	// Stopped after tick 13 with tick 14's command acknowledged, resumed.
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err = New(src, Options{Seed: 9, Journal: f, HashEvery: 10, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	play(s, 13)
	if _, err := s.Submit("police", cmds[14]); err != nil {
		t.Fatal(err)
	}
	s.Close() // a crash: no end record
	f.Close()
	r, err := Resume(src, path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Tick() != 13 || r.Pending() != 1 || !r.Control().Paused {
		t.Errorf("resumed at tick %d with %d pending, control %+v", r.Tick(), r.Pending(), r.Control())
	}
	play(r, 1000)
	_, got, err := r.Finish()
	if err != nil || got != want {
		t.Fatalf("resumed run ends %s (%v), uninterrupted %s", got, err, want)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, whole.Bytes()) {
		t.Errorf("the resumed journal differs from the uninterrupted one:\n%s\nwant\n%s", b, whole.Bytes())
	}
	if _, err := Resume(src, path); err == nil || !strings.Contains(err.Error(), "cannot continue after its end") {
		t.Errorf("resume of an ended journal: %v", err)
	}
}

func TestReplayNamesAnotherEngineOrLibrary(t *testing.T) {
	src := load(t, "testdata/storybug")
	var jb bytes.Buffer
	s, err := New(src, Options{Seed: 1, Journal: &jb, Ticks: 5})
	if err != nil {
		t.Fatal(err)
	}
	for !s.Done() {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	s.Finish()
	j := readJournal(t, jb.Bytes())
	if j.Header.Library == "" || j.Header.Library != src.Library {
		t.Fatalf("header library %q, scenario's %q", j.Header.Library, src.Library)
	}
	var ie *InputError
	lib := *j
	lib.Header.Library = strings.Repeat("0", 64)
	if _, err := Replay(src, &lib, ReplayOptions{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "shared Lua library (scripts/) of digest 0000") {
		t.Errorf("another library: %v", err)
	}
	eng := *j
	eng.Header.Engine = "0.0.1"
	if _, err := Replay(src, &eng, ReplayOptions{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "recorded by engine 0.0.1, this is engine "+engine.Version) {
		t.Errorf("another engine: %v", err)
	}
	// A journal from before libraries were recorded is replayed as it is.
	old := *j
	old.Header.Library = ""
	if rr, err := Replay(src, &old, ReplayOptions{}); err != nil || !rr.OK() {
		t.Errorf("journal without a library: %v %+v", err, rr)
	}
}

// What a session refuses, by every path: after its end, a journal that
// does not replay, controller commands out of their bounds.
func TestSessionRefuses(t *testing.T) {
	src := tiny(t)
	s, err := New(src, Options{Seed: 1, Ticks: 3})
	if err != nil {
		t.Fatal(err)
	}
	for !s.Done() {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Step(); err == nil || !strings.Contains(err.Error(), "ended at tick 3") {
		t.Errorf("Step after the end: %v", err)
	}
	if _, err := s.Submit("csirt", engine.Command{Org: "csirt", Verb: "scan"}); err == nil || !strings.Contains(err.Error(), "ended at tick 3") {
		t.Errorf("Submit after the end: %v", err)
	}
	s.Finish()
	s.Close()
	if _, err := s.Step(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Step after Close: %v", err)
	}

	// Options out of range.
	for _, o := range []Options{{Ticks: -1}, {HashEvery: -2}} {
		if _, err := New(src, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}

	// Controller commands out of their bounds are rejected by Step, to the
	// controller, and change nothing.
	s, _ = New(src, Options{Seed: 1, Live: true})
	defer s.Close()
	bad := []engine.Command{
		{Verb: engine.ControlPace, Args: map[string]string{"ms_per_tick": "3600001"}},
		{Verb: engine.ControlPace, Args: map[string]string{"ms_per_tick": "fast"}},
		{Verb: engine.ControlPace},
		{Verb: engine.ControlAdvance, Args: map[string]string{"ticks": "0"}},
		{Verb: engine.ControlAdvance, Args: map[string]string{"ticks": "100001"}},
		{Verb: engine.ControlPause, Target: "csirt"},
		{Verb: engine.ControlResume, Args: map[string]string{"now": "yes"}},
		{Verb: engine.ControlScript, Target: "nobody"},
		{Verb: engine.ControlPeople},
		{Verb: engine.ControlInject, Args: map[string]string{"to": "all"}},
		{Verb: engine.ControlInject, Target: "adhoc-9", Args: map[string]string{"to": "all", "subject": "x"}},
		{Verb: engine.ControlInject, Args: map[string]string{"to": "", "subject": "x"}},
		{Verb: engine.ControlInject, Args: map[string]string{"to": "all", "subject": "x", "colour": "red"}},
		{Verb: "control.dance"},
		{Verb: "pause"},
	}
	for i := range bad {
		bad[i].Org = engine.ControlOrg
	}
	// Submit refuses each at once (what does not depend on the world)...
	for i, c := range bad {
		if _, err := s.Submit(engine.ControlOrg, c); (err == nil) != (c.Verb == engine.ControlScript) {
			t.Errorf("bad controller command %d (%s): %v", i+1, c.Verb, err)
		}
	}
	// ... and Step rejects them all when they come by another path (a
	// journal), to the controller.
	for i := range bad {
		bad[i].Sender = engine.ControlOrg
	}
	s.Step() // the one Submit let through: control.script of an unknown organisation
	evs, err := s.World().Step(bad)
	if err != nil {
		t.Fatal(err)
	}
	if rej := eventsOf(evs, engine.EvCommandRejected); len(rej) != len(bad) {
		t.Errorf("%d of %d rejected: %+v", len(rej), len(bad), rej)
	}
	if c := s.Control(); c != (Control{}) {
		t.Errorf("bad pace changed the control: %+v", c)
	}
	if n := len(s.World().Injects); n != 0 {
		t.Errorf("%d injects delivered", n)
	}
}

func TestResumeRefusesAJournalThatDoesNotReplay(t *testing.T) {
	src := tiny(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	f, _ := os.Create(path)
	s, err := New(src, Options{Seed: 2, Journal: f, HashEvery: 5, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	for s.Tick() < 12 {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	f.Close()
	b, _ := os.ReadFile(path)
	// Another seed in the header: the tick-0 hash differs.
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, bytes.Replace(b, []byte(`"seed":2`), []byte(`"seed":3`), 1), 0o644)
	var ie *InputError
	if _, err := Resume(src, bad); !errors.As(err, &ie) || !strings.Contains(err.Error(), "does not replay: hash at tick 0") {
		t.Errorf("another seed: %v", err)
	}
	// Another engine.
	os.WriteFile(bad, bytes.Replace(b, []byte(`"engine":"`+engine.Version+`"`), []byte(`"engine":"0.0.1"`), 1), 0o644)
	if _, err := Resume(src, bad); !errors.As(err, &ie) || !strings.Contains(err.Error(), "recorded by engine 0.0.1") {
		t.Errorf("another engine: %v", err)
	}
	// Another scenario.
	if _, err := Resume(load(t, "testdata/storybug"), path); !errors.As(err, &ie) || !strings.Contains(err.Error(), "digest") {
		t.Errorf("another scenario: %v", err)
	}
	// The real one resumes at its last checkpoint.
	r, err := Resume(src, path)
	if err != nil || r.Tick() != 10 {
		t.Fatalf("resume: tick %d, %v", r.Tick(), err)
	}
	r.Close()
}
