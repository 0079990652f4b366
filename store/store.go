// Package store is the exercise server's catalogue: the exercises it runs,
// their join codes, the people who joined, and the evaluators' notes and
// the teams' chat that the after-action report reads. It is an embedded
// bbolt database in the server's data folder (no database server to
// install); the journal of each exercise, not the catalogue, is the truth
// of what happened in it.
//
// A Store is safe for use by several goroutines. bbolt locks its file: one
// process at a time opens it for writing, and a reader (cyberex report)
// opens it while no server runs, or asks the server's HTTP API.
package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the catalogue's file in the server's data folder.
const FileName = "catalogue.db"

// openTimeout bounds the wait for the file lock held by another process.
const openTimeout = 2 * time.Second

var (
	bExercises = []byte("exercises")
	bCodes     = []byte("codes")     // code hash → Code
	bCodeIDs   = []byte("code_ids")  // code id → code hash
	bPeople    = []byte("people")    // person id → Person
	bNotes     = []byte("notes")     // exercise → sub-bucket: seq → Note
	bChat      = []byte("chat")      // exercise → sub-bucket: seq → Chat
	bSeq       = []byte("sequences") // name → uint64
	buckets    = [][]byte{bExercises, bCodes, bCodeIDs, bPeople, bNotes, bChat, bSeq}
)

// ErrNotFound is an id the catalogue does not hold.
var ErrNotFound = errors.New("not found")

// Store is an open catalogue.
type Store struct {
	db *bolt.DB
}

// Open opens (creating if need be) the catalogue at path. readOnly opens
// it for reading only, beside no writer.
func Open(path string, readOnly bool) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: openTimeout, ReadOnly: readOnly})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open catalogue %s: it is in use by another process (a running cyberex serve?): stop it, or ask its HTTP API", path)
		}
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	if !readOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, b := range buckets {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open catalogue %s: %w", path, err)
		}
	}
	return &Store{db: db}, nil
}

// Close closes the catalogue.
func (s *Store) Close() error { return s.db.Close() }

// Exercise states in the catalogue.
const (
	// ExerciseActive: the server runs it (its clock may be paused).
	ExerciseActive = "active"
	// ExerciseStopped: the white cell stopped it; its journal has its end.
	ExerciseStopped = "stopped"
	// ExerciseArchived: kept for the report, no longer listed or served.
	ExerciseArchived = "archived"
)

// Exercise is one exercise the server runs or ran.
type Exercise struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Scenario is the scenario's folder as given to the server, or
	// "embedded:NAME" for one built into the program.
	Scenario string   `json:"scenario"`
	Set      []string `json:"set,omitempty"`
	Seed     uint64   `json:"seed"`
	State    string   `json:"state"`
	Created  int64    `json:"created"` // wall time, seconds since 1970 UTC
	// Scripted are the organisations the white cell handed to their
	// script when the exercise was created (every team nobody joins is
	// scripted until people take it).
	Scripted []string `json:"scripted,omitempty"`
}

// Code is a join code as the catalogue keeps it: its hash, never the code.
type Code struct {
	ID       string `json:"id"`
	Exercise string `json:"exercise"`
	Role     string `json:"role"`
	Org      string `json:"org,omitempty"`
	Label    string `json:"label,omitempty"`
	Hash     string `json:"hash"`
	Created  int64  `json:"created"`
	Revoked  int64  `json:"revoked,omitempty"` // wall time it was revoked, 0 if not
}

// Person is someone who joined an exercise with a code.
type Person struct {
	ID       string `json:"id"`
	Exercise string `json:"exercise"`
	Code     string `json:"code"` // the code's id
	Role     string `json:"role"`
	Org      string `json:"org,omitempty"`
	Joined   int64  `json:"joined"`
	Seen     int64  `json:"seen"`
}

// Note is an evaluator's or the white cell's note, at the tick it was
// written.
type Note struct {
	ID       int64  `json:"id"`
	Exercise string `json:"exercise"`
	Tick     int32  `json:"tick"`
	Unix     int64  `json:"unix"` // wall time written, seconds since 1970 UTC
	Author   string `json:"author"`
	Role     string `json:"role"`
	Text     string `json:"text"`
}

// Chat is a message one team sent another during the exercise: the
// engine's message command (Command is its id in the journal), kept here
// with its sender and wall time for the report.
type Chat struct {
	ID       int64  `json:"id"`
	Exercise string `json:"exercise"`
	Tick     int32  `json:"tick"` // the tick it is delivered at
	Unix     int64  `json:"unix"`
	Command  int64  `json:"command"`
	From     string `json:"from"` // organisation
	Author   string `json:"author"`
	To       string `json:"to"`
	Text     string `json:"text"`
}

func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func get(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("catalogue record %q: %w", key, err)
	}
	return nil
}

// next returns the next number of a named sequence (1, 2, ...).
func next(tx *bolt.Tx, name string) (uint64, error) {
	b := tx.Bucket(bSeq)
	n := uint64(0)
	if v := b.Get([]byte(name)); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], n)
	return n, b.Put([]byte(name), v[:])
}

func seqKey(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// CreateExercise adds an exercise and gives it its id (ex-N).
func (s *Store) CreateExercise(e Exercise) (Exercise, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		n, err := next(tx, "exercise")
		if err != nil {
			return err
		}
		e.ID = fmt.Sprintf("ex-%d", n)
		if e.State == "" {
			e.State = ExerciseActive
		}
		return put(tx.Bucket(bExercises), []byte(e.ID), e)
	})
	if err != nil {
		return Exercise{}, fmt.Errorf("create exercise: %w", err)
	}
	return e, nil
}

// Exercise returns one exercise.
func (s *Store) Exercise(id string) (Exercise, error) {
	var e Exercise
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bExercises), []byte(id), &e) })
	if err != nil {
		return Exercise{}, fmt.Errorf("exercise %s: %w", id, err)
	}
	return e, nil
}

// Exercises lists the exercises in the order they were created.
func (s *Store) Exercises() ([]Exercise, error) {
	var out []Exercise
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bExercises).ForEach(func(k, v []byte) error {
			var e Exercise
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("catalogue record %q: %w", k, err)
			}
			out = append(out, e)
			return nil
		})
	})
	sortByNumber(out, func(e Exercise) string { return e.ID })
	return out, err
}

// SetExerciseState changes an exercise's state.
func (s *Store) SetExerciseState(id, state string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bExercises)
		var e Exercise
		if err := get(b, []byte(id), &e); err != nil {
			return fmt.Errorf("exercise %s: %w", id, err)
		}
		e.State = state
		return put(b, []byte(id), e)
	})
}

// sortByNumber sorts records whose ids end in a number (ex-2 before ex-10).
func sortByNumber[T any](xs []T, id func(T) string) {
	num := func(s string) int {
		n := 0
		fmt.Sscanf(s[strings.LastIndexByte(s, '-')+1:], "%d", &n)
		return n
	}
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && num(id(xs[j])) < num(id(xs[j-1])); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// codeBytes is the randomness of a join code: 160 bits, more than the
// 128 an attacker could never guess online.
const codeBytes = 20

// codePrefix marks cyberex join codes (so a code pasted in the wrong place
// is recognised).
const codePrefix = "cx-"

var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func hashCode(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// CreateCode makes a join code for one role (and organisation, for a
// team) in one exercise. It returns the code itself, which is shown once
// and never stored: the catalogue keeps its hash.
func (s *Store) CreateCode(exercise, role, org, label string, now time.Time) (string, Code, error) {
	var raw [codeBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Code{}, fmt.Errorf("join code: %w", err)
	}
	secret := codePrefix + strings.ToLower(codeEncoding.EncodeToString(raw[:]))
	c := Code{Exercise: exercise, Role: role, Org: org, Label: label, Hash: hashCode(secret), Created: now.Unix()}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bExercises).Get([]byte(exercise)) == nil {
			return fmt.Errorf("exercise %s: %w", exercise, ErrNotFound)
		}
		n, err := next(tx, "code")
		if err != nil {
			return err
		}
		c.ID = fmt.Sprintf("code-%d", n)
		if err := tx.Bucket(bCodeIDs).Put([]byte(c.ID), []byte(c.Hash)); err != nil {
			return err
		}
		return put(tx.Bucket(bCodes), []byte(c.Hash), c)
	})
	if err != nil {
		return "", Code{}, fmt.Errorf("create join code: %w", err)
	}
	return secret, c, nil
}

// Code errors: a wrong code and a revoked one say so, and nothing else.
var (
	ErrCodeUnknown = errors.New("this join code is not valid: check it with the person who gave it to you")
	ErrCodeRevoked = errors.New("this join code was revoked: ask the white cell for a new one")
)

// LookUpCode finds the code a person typed. It fails with ErrCodeUnknown
// or ErrCodeRevoked.
func (s *Store) LookUpCode(secret string) (Code, error) {
	h := hashCode(strings.ToLower(strings.TrimSpace(secret)))
	var c Code
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bCodes), []byte(h), &c) })
	switch {
	case errors.Is(err, ErrNotFound):
		return Code{}, ErrCodeUnknown
	case err != nil:
		return Code{}, err
	}
	// The lookup was by hash; compare again in constant time so that the
	// database's own comparisons leak nothing useful either.
	if subtle.ConstantTimeCompare([]byte(c.Hash), []byte(h)) != 1 {
		return Code{}, ErrCodeUnknown
	}
	if c.Revoked != 0 {
		return Code{}, ErrCodeRevoked
	}
	return c, nil
}

// Codes lists an exercise's codes (without the codes themselves).
func (s *Store) Codes(exercise string) ([]Code, error) {
	var out []Code
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bCodes).ForEach(func(k, v []byte) error {
			var c Code
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("catalogue record %q: %w", k, err)
			}
			if c.Exercise == exercise {
				out = append(out, c)
			}
			return nil
		})
	})
	sortByNumber(out, func(c Code) string { return c.ID })
	return out, err
}

// RevokeCode revokes a code by its id: whoever joined with it is
// disconnected by the server, and it opens nothing any more.
func (s *Store) RevokeCode(id string, now time.Time) (Code, error) {
	var c Code
	err := s.db.Update(func(tx *bolt.Tx) error {
		h := tx.Bucket(bCodeIDs).Get([]byte(id))
		if h == nil {
			return fmt.Errorf("join code %s: %w", id, ErrNotFound)
		}
		b := tx.Bucket(bCodes)
		if err := get(b, h, &c); err != nil {
			return err
		}
		if c.Revoked == 0 {
			c.Revoked = now.Unix()
		}
		return put(b, h, c)
	})
	return c, err
}

// AddPerson records that someone joined with a code and gives them an id.
// A code revoked since it was looked up records nobody: it fails with
// ErrCodeRevoked.
func (s *Store) AddPerson(c Code, now time.Time) (Person, error) {
	p := Person{Exercise: c.Exercise, Code: c.ID, Role: c.Role, Org: c.Org, Joined: now.Unix(), Seen: now.Unix()}
	// People join together (a room arriving, everyone reconnecting after
	// a restart): their records share a transaction and its sync. The
	// function may run more than once; it sets the id each time.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var cur Code
		if err := get(tx.Bucket(bCodes), []byte(c.Hash), &cur); err != nil {
			return fmt.Errorf("join code %s: %w", c.ID, err)
		}
		if cur.Revoked != 0 {
			return ErrCodeRevoked
		}
		n, err := next(tx, "person")
		if err != nil {
			return err
		}
		p.ID = fmt.Sprintf("p-%d", n)
		return put(tx.Bucket(bPeople), []byte(p.ID), p)
	})
	return p, err
}

// RemovePerson forgets a participant the server did not let in after
// all (the code was revoked, or the exercise failed or stopped, between
// the record and the welcome).
func (s *Store) RemovePerson(id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bPeople)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("person %s: %w", id, ErrNotFound)
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("remove participant: %w", err)
	}
	return nil
}

// People lists who joined an exercise.
func (s *Store) People(exercise string) ([]Person, error) {
	var out []Person
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bPeople).ForEach(func(k, v []byte) error {
			var p Person
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("catalogue record %q: %w", k, err)
			}
			if p.Exercise == exercise {
				out = append(out, p)
			}
			return nil
		})
	})
	sortByNumber(out, func(p Person) string { return p.ID })
	return out, err
}

// appendTo adds a record to an exercise's list in bucket top and returns
// its number.
func (s *Store) appendTo(top []byte, exercise string, rec func(id int64) any) (int64, error) {
	var id int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(top).CreateBucketIfNotExists([]byte(exercise))
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		id = int64(n)
		return put(b, seqKey(n), rec(id))
	})
	return id, err
}

func list[T any](s *Store, top []byte, exercise string) ([]T, error) {
	var out []T
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(top).Bucket([]byte(exercise))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return fmt.Errorf("catalogue record %x: %w", k, err)
			}
			out = append(out, x)
			return nil
		})
	})
	return out, err
}

// AddNote keeps a note; its ID is set.
func (s *Store) AddNote(n Note) (Note, error) {
	id, err := s.appendTo(bNotes, n.Exercise, func(id int64) any { n.ID = id; return n })
	n.ID = id
	return n, err
}

// Notes lists an exercise's notes in the order written (ticks never
// decrease along it).
func (s *Store) Notes(exercise string) ([]Note, error) { return list[Note](s, bNotes, exercise) }

// AddChat keeps a chat message; its ID is set.
func (s *Store) AddChat(c Chat) (Chat, error) {
	id, err := s.appendTo(bChat, c.Exercise, func(id int64) any { c.ID = id; return c })
	c.ID = id
	return c, err
}

// ChatLog lists an exercise's chat in the order sent.
func (s *Store) ChatLog(exercise string) ([]Chat, error) { return list[Chat](s, bChat, exercise) }
