// Package server is the exercise server: it runs exercises live for
// people over websockets (`cyberex serve`). Each exercise is a room whose
// single goroutine owns its run session (package session: commands →
// Step → journal) and its clock; each connection has one reader and one
// writer goroutine and a bounded send queue (the pattern of
// gorilla/websocket's chat example), so the tick loop never waits for a
// client. What each team receives is its organisation's engine.View and
// its deltas, nothing else. The catalogue (exercises, join codes, people,
// notes, chat) is package store; each exercise's journal is its truth,
// from which a restarted server resumes it, paused.
package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cyberex/scenario"
	"cyberex/session"
	"cyberex/store"
	"cyberex/wire"
)

// Loader loads the scenario an exercise runs: source is a folder or
// "embedded:NAME"; it returns the source as the catalogue should keep it
// (an absolute folder, so a restart from elsewhere finds it).
type Loader func(source string, set []string) (sc *scenario.Scenario, keep string, err error)

// Options configure a server.
type Options struct {
	// DataDir holds the catalogue and the exercises' journals.
	DataDir string
	// WebDir is the browser client's folder served at /, or "".
	WebDir string
	// Load loads scenarios.
	Load Loader
	// Version is the program's version, told to clients.
	Version string
	// Logger receives the server's structured logs (slog.Default if nil).
	Logger *slog.Logger
	// Registry receives the metrics (a new one if nil).
	Registry *prometheus.Registry
	// Now reads the wall clock for the catalogue (time.Now if nil).
	Now func() time.Time
	// OnTick, when not nil, is called by each exercise after each tick,
	// once every delta is queued, with the time the tick ended (Step and
	// journal done): the load generator measures from it.
	OnTick func(exercise string, tick int32, at time.Time)
}

// Server runs exercises.
type Server struct {
	opt     Options
	store   *store.Store
	log     *slog.Logger
	reg     *prometheus.Registry
	metrics *metrics
	version string
	now     func() time.Time
	onTick  func(string, int32, time.Time)
	token   string
	mu      sync.Mutex
	rooms   map[string]*room
	closed  bool
}

// journalFile is an exercise's journal in the data folder.
func (s *Server) journalFile(id string) string { return JournalFile(s.opt.DataDir, id) }

// JournalFile is where the journal of exercise id is in a data folder
// (cyberex report EXERCISE reads it there).
func JournalFile(dataDir, id string) string {
	return filepath.Join(dataDir, "exercises", id, "journal.jsonl")
}

// tokenFile holds the admin token of the HTTP API.
const tokenFile = "admin-token"

// New opens the data folder and resumes every active exercise from its
// journal, paused at the tick it had reached.
func New(opt Options) (*Server, error) {
	if opt.DataDir == "" {
		return nil, errors.New("server: no data folder")
	}
	if opt.Load == nil {
		return nil, errors.New("server: no scenario loader")
	}
	if err := os.MkdirAll(filepath.Join(opt.DataDir, "exercises"), 0o750); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", opt.DataDir, err)
	}
	st, err := store.Open(filepath.Join(opt.DataDir, store.FileName), false)
	if err != nil {
		return nil, err
	}
	s := &Server{opt: opt, store: st, log: opt.Logger, reg: opt.Registry, version: opt.Version, now: opt.Now,
		onTick: opt.OnTick, rooms: map[string]*room{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.metrics = newMetrics(s.reg)
	if s.token, err = adminToken(opt.DataDir); err != nil {
		st.Close()
		return nil, err
	}
	exs, err := st.Exercises()
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, ex := range exs {
		if ex.State != store.ExerciseActive {
			continue
		}
		if err := s.resume(ex); err != nil {
			// One exercise that cannot resume (its scenario moved, its
			// journal is damaged) must not keep the others down.
			s.log.Error("exercise not resumed", "exercise", ex.ID, "err", err)
		}
	}
	return s, nil
}

// adminToken reads the HTTP API's token from the data folder, making one
// the first time.
func adminToken(dir string) (string, error) {
	path := filepath.Join(dir, tokenFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(b)); len(t) >= 32 {
			return t, nil
		}
		return "", fmt.Errorf("%s: too short to be a token; remove it and a new one is made", path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	var raw [24]byte
	if _, err := io.ReadFull(rand.Reader, raw[:]); err != nil {
		return "", err
	}
	t := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(t+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	return t, nil
}

// AdminToken is the token the HTTP API wants (Authorization: Bearer).
func (s *Server) AdminToken() string { return s.token }

func (s *Server) checkToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// resume reopens an active exercise from its journal.
func (s *Server) resume(ex store.Exercise) error {
	sc, _, err := s.opt.Load(ex.Scenario, ex.Set)
	if err != nil {
		return fmt.Errorf("load scenario %s: %w", ex.Scenario, err)
	}
	start := time.Now()
	src := session.FromScenario(sc)
	sess, err := session.Resume(src, s.journalFile(ex.ID))
	if err != nil {
		return fmt.Errorf("resume %s: %w", ex.ID, err)
	}
	s.log.Info("exercise resumed, paused", "exercise", ex.ID, "tick", sess.Tick(), "hash", sess.World().HashHex(),
		"replay_seconds", time.Since(start).Seconds())
	s.startRoom(ex, sess, src, nil, true)
	return nil
}

// startRoom runs an exercise's room; file, when not nil, is its journal's
// file, closed after the session.
func (s *Server) startRoom(ex store.Exercise, sess *session.Session, src session.Source, file io.Closer, started bool) *room {
	r := newRoom(s, ex, sess, src, started)
	r.file = file
	s.mu.Lock()
	s.rooms[ex.ID] = r
	s.mu.Unlock()
	s.metrics.exercises.Inc()
	go r.run()
	return r
}

// NewExercise is what creating an exercise needs.
type NewExercise struct {
	Title    string   `json:"title"`
	Scenario string   `json:"scenario"` // a folder, or embedded:NAME ("" is the tutorial)
	Set      []string `json:"set,omitempty"`
	Seed     uint64   `json:"seed"`
}

// Created is a new exercise and its join codes (shown once: the catalogue
// keeps only their hashes).
type Created struct {
	Exercise store.Exercise `json:"exercise"`
	Codes    []JoinCode     `json:"codes"`
}

// JoinCode is a code and what it opens.
type JoinCode struct {
	ID   string `json:"id"`
	Role string `json:"role"`
	Org  string `json:"org,omitempty"`
	Code string `json:"code"`
}

// Exercise starts a new exercise, waiting for the white cell to start its
// clock, with a code for the white cell, one for the observers and one for
// each organisation a team may play.
func (s *Server) Exercise(req NewExercise) (*Created, error) {
	if req.Scenario == "" {
		req.Scenario = "embedded:tutorial"
	}
	if len(req.Title) > wire.NameBytesMax {
		return nil, fmt.Errorf("title: %d bytes, at most %d", len(req.Title), wire.NameBytesMax)
	}
	sc, keep, err := s.opt.Load(req.Scenario, req.Set)
	if err != nil {
		return nil, err
	}
	if req.Title == "" {
		req.Title = sc.Name
	}
	ex, err := s.store.CreateExercise(store.Exercise{Title: req.Title, Scenario: keep, Set: req.Set, Seed: req.Seed, Created: s.now().Unix()})
	if err != nil {
		return nil, err
	}
	path := s.journalFile(ex.ID)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("journal of %s: %w", ex.ID, err)
	}
	src := session.FromScenario(sc)
	sess, err := session.New(src, session.Options{Seed: req.Seed, Journal: f, Live: true,
		HashEvery: 1, CreatedBy: "cyberex serve", ScenarioDir: keep})
	if err != nil {
		f.Close()
		s.store.SetExerciseState(ex.ID, store.ExerciseArchived)
		return nil, err
	}
	out := &Created{Exercise: ex}
	add := func(role, org string) error {
		secret, c, err := s.store.CreateCode(ex.ID, role, org, "", s.now())
		if err != nil {
			return err
		}
		out.Codes = append(out.Codes, JoinCode{ID: c.ID, Role: role, Org: org, Code: secret})
		return nil
	}
	r := s.startRoom(ex, sess, src, f, false)
	err = add(wire.RoleController, "")
	if err == nil {
		err = add(wire.RoleObserver, "")
	}
	for _, org := range r.info.orgs {
		if err == nil {
			err = add(wire.RoleTeam, org)
		}
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("exercise created", "exercise", ex.ID, "scenario", keep, "seed", req.Seed)
	return out, nil
}

// room returns the room of a running exercise.
func (s *Server) room(id string) (*room, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rooms[id]
	return r, ok
}

// join finds the exercise a code opens; a wrong code, a revoked one and
// one for an exercise no longer served get the same kind of answer.
func (s *Server) join(code string) (*room, store.Code, error) {
	c, err := s.store.LookUpCode(code)
	if err != nil {
		return nil, store.Code{}, err
	}
	r, ok := s.room(c.Exercise)
	if !ok {
		return nil, store.Code{}, errors.New("this join code's exercise is not running on this server (it was stopped or archived)")
	}
	return r, c, nil
}

// Close stops every exercise (clients are told to come back; journals are
// closed without an end, to resume from) and closes the catalogue: what
// SIGTERM does.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.stop()
		}()
	}
	wg.Wait()
	return s.store.Close()
}

// Summary is a running exercise in a few words.
type Summary struct {
	ID       string
	Title    string
	Scenario string
	Tick     int32
	State    string
}

// Exercises lists the exercises the server runs now, in creation order.
func (s *Server) Exercises() ([]Summary, error) {
	exs, err := s.store.Exercises()
	if err != nil {
		return nil, err
	}
	var out []Summary
	for _, ex := range exs {
		r, ok := s.room(ex.ID)
		if !ok {
			continue
		}
		sum := Summary{ID: ex.ID, Title: ex.Title, Scenario: ex.Scenario}
		if r.call(func() { sum.Tick, sum.State = r.sess.Tick(), r.state }) {
			out = append(out, sum)
		}
	}
	return out, nil
}
