package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var now = time.Unix(1772438400, 0)

func TestCodes(t *testing.T) {
	s, _ := open(t)
	ex, err := s.CreateExercise(Exercise{Title: "class", Scenario: "embedded:tutorial", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateExercise(Exercise{Title: "other", Scenario: "embedded:tutorial"})
	secret, c, err := s.CreateCode(ex.ID, "team", "csirt", "CSIRT table", now)
	if err != nil {
		t.Fatal(err)
	}
	// At least 128 bits of randomness, in a recognisable form.
	if !strings.HasPrefix(secret, codePrefix) || len(secret)-len(codePrefix) < 26 {
		t.Errorf("code %q", secret)
	}
	// The catalogue holds the hash only.
	if c.Hash == secret || strings.Contains(c.Hash, secret[len(codePrefix):]) {
		t.Error("the code is stored")
	}
	got, err := s.LookUpCode("  " + strings.ToUpper(secret) + "\n")
	if err != nil || got.ID != c.ID || got.Exercise != ex.ID || got.Role != "team" || got.Org != "csirt" {
		t.Fatalf("look up: %+v %v", got, err)
	}
	secret2, _, _ := s.CreateCode(other.ID, "controller", "", "", now)
	if got, _ := s.LookUpCode(secret2); got.Exercise != other.ID {
		t.Errorf("a code is scoped to its exercise: %+v", got)
	}
	// Wrong codes, by every path: near misses, empty, the hash itself.
	for _, bad := range []string{"", secret[:len(secret)-1], secret + "a", c.Hash, c.ID, "cx-"} {
		if _, err := s.LookUpCode(bad); !errors.Is(err, ErrCodeUnknown) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := s.RevokeCode(c.ID, now); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LookUpCode(secret); !errors.Is(err, ErrCodeRevoked) || got.ID != "" {
		t.Errorf("revoked: %+v %v", got, err)
	}
	if _, err := s.RevokeCode("code-99", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	if _, _, err := s.CreateCode("ex-99", "team", "x", "", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("code for no exercise: %v", err)
	}
	codes, _ := s.Codes(ex.ID)
	if len(codes) != 1 || codes[0].Revoked == 0 {
		t.Errorf("codes %+v", codes)
	}
	// Two codes never collide.
	a, _, _ := s.CreateCode(ex.ID, "observer", "", "", now)
	b, _, _ := s.CreateCode(ex.ID, "observer", "", "", now)
	if a == b {
		t.Error("two codes are the same")
	}
}

func TestNotesChatAndReopen(t *testing.T) {
	s, path := open(t)
	for i := 0; i < 12; i++ {
		if _, err := s.CreateExercise(Exercise{Title: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := s.Exercises()
	if len(list) != 12 || list[1].ID != "ex-2" || list[11].ID != "ex-12" {
		t.Fatalf("exercises in creation order: %v", list)
	}
	if err := s.SetExerciseState("ex-3", ExerciseArchived); err != nil {
		t.Fatal(err)
	}
	if err := s.SetExerciseState("ex-99", ExerciseArchived); !errors.Is(err, ErrNotFound) {
		t.Errorf("state of no exercise: %v", err)
	}
	for i, tick := range []int32{3, 3, 9} {
		n, err := s.AddNote(Note{Exercise: "ex-1", Tick: tick, Unix: now.Unix() + int64(i), Author: "p-1", Role: "observer", Text: "note"})
		if err != nil || n.ID != int64(i+1) {
			t.Fatalf("note %d: %+v %v", i, n, err)
		}
	}
	if _, err := s.AddChat(Chat{Exercise: "ex-2", Tick: 4, Command: 7, From: "csirt", To: "police", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A reader opens it beside no writer, and reads what was written.
	r, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	notes, err := r.Notes("ex-1")
	if err != nil || len(notes) != 3 || notes[2].Tick != 9 || notes[0].ID != 1 {
		t.Errorf("notes %+v %v", notes, err)
	}
	chat, err := r.ChatLog("ex-2")
	if err != nil || len(chat) != 1 || chat[0].Command != 7 || chat[0].To != "police" {
		t.Errorf("chat %+v %v", chat, err)
	}
	if n, _ := r.Notes("ex-2"); len(n) != 0 {
		t.Errorf("notes of another exercise: %v", n)
	}
	if e, _ := r.Exercise("ex-3"); e.State != ExerciseArchived {
		t.Errorf("state %v", e)
	}
}

func TestOpenWhileInUse(t *testing.T) {
	_, path := open(t)
	_, err := Open(path, false)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second writer: %v", err)
	}
}

// classWithCode makes an exercise of the tutorial and a code for its
// CSIRT team.
func classWithCode(t *testing.T, s *Store) (Exercise, string, Code) {
	t.Helper()
	ex, err := s.CreateExercise(Exercise{Title: "class", Scenario: "embedded:tutorial", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	secret, c, err := s.CreateCode(ex.ID, "team", "csirt", "CSIRT table", now)
	if err != nil {
		t.Fatal(err)
	}
	return ex, secret, c
}

// People who join at once share transactions (Batch): each still gets an
// id of their own, and every one is kept.
func TestPeopleJoinAtOnce(t *testing.T) {
	s, _ := open(t)
	ex, _, c := classWithCode(t, s)
	const n = 64
	ids := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			p, err := s.AddPerson(c, now)
			if err != nil {
				t.Error(err)
			}
			ids <- p.ID
		}()
	}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		id := <-ids
		if seen[id] || id == "" {
			t.Errorf("id %q twice", id)
		}
		seen[id] = true
	}
	people, err := s.People(ex.ID)
	if err != nil || len(people) != n {
		t.Fatalf("%d people kept of %d: %v", len(people), n, err)
	}
	for _, p := range people {
		if !seen[p.ID] {
			t.Errorf("%s kept, never given", p.ID)
		}
	}
}

// A code revoked after it was looked up records nobody; a participant the
// server did not let in after all is forgotten, and only that one.
func TestPersonOfARevokedCode(t *testing.T) {
	s, _ := open(t)
	ex, secret, c := classWithCode(t, s)
	looked, err := s.LookUpCode(secret)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := s.AddPerson(looked, now)
	if err != nil {
		t.Fatal(err)
	}
	refused, err := s.AddPerson(looked, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePerson(refused.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePerson(refused.ID); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), refused.ID) {
		t.Errorf("removed twice: %v", err)
	}
	if _, err := s.RevokeCode(c.ID, now); err != nil {
		t.Fatal(err)
	}
	if p, err := s.AddPerson(looked, now); err != ErrCodeRevoked {
		t.Errorf("a revoked code recorded %+v (%v)", p, err)
	}
	people, err := s.People(ex.ID)
	if err != nil || len(people) != 1 || people[0].ID != kept.ID {
		t.Errorf("people %+v (%v), want only %s", people, err, kept.ID)
	}
}
