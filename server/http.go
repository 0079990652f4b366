package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"cyberex/engine"
	"cyberex/store"
	"cyberex/wire"
)

// apiBodyBytesMax bounds a request body of the HTTP API.
const apiBodyBytesMax = 64 << 10

// Handler is the server's HTTP interface: the websocket at wire.Path, the
// browser client at /, /healthz, /metrics and the controller's API under
// /api/v1/ (docs/protocol.md lists it).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+wire.Path, s.serveWS)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	api := func(pattern string, h func(http.ResponseWriter, *http.Request) (any, error)) {
		mux.HandleFunc(pattern, s.apiHandler(h))
	}
	api("GET /api/v1/exercises", s.apiList)
	api("POST /api/v1/exercises", s.apiCreate)
	api("GET /api/v1/exercises/{id}", s.apiGet)
	api("POST /api/v1/exercises/{id}/{action}", s.apiAct)
	api("GET /api/v1/exercises/{id}/codes", s.apiCodes)
	api("POST /api/v1/exercises/{id}/codes", s.apiNewCode)
	api("POST /api/v1/codes/{code}/revoke", s.apiRevoke)
	api("GET /api/v1/exercises/{id}/notes", s.apiNotes)
	api("GET /api/v1/exercises/{id}/chat", s.apiChat)
	mux.Handle("GET /", s.web())
	return mux
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n, closed := len(s.rooms), s.closed
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if closed {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"stopping"}`)
		return
	}
	fmt.Fprintf(w, "{\"status\":\"ok\",\"exercises\":%d}\n", n)
}

// apiError is an error with its HTTP status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// apiHandler checks the admin token and writes the result as JSON, or the
// error as {"error": "..."}.
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !s.checkToken(strings.TrimSpace(tok)) {
			s.metrics.rejections.WithLabelValues("api_token").Inc()
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "the API wants the server's admin token (Authorization: Bearer TOKEN; it is in the data folder's admin-token file)"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, apiBodyBytesMax)
		out, err := h(w, r)
		if err != nil {
			status := http.StatusInternalServerError
			var ae *apiError
			switch {
			case errors.As(err, &ae):
				status = ae.status
			case errors.Is(err, store.ErrNotFound):
				status = http.StatusNotFound
			}
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	}
}

func decodeBody(r *http.Request, v any) error {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return badRequest("request body: %v", err)
	}
	return nil
}

// ExerciseStatus is an exercise as the API lists it.
type ExerciseStatus struct {
	store.Exercise
	Status *wire.Status `json:"status,omitempty"` // while the server runs it
}

func (s *Server) status(ex store.Exercise) ExerciseStatus {
	out := ExerciseStatus{Exercise: ex}
	if r, ok := s.room(ex.ID); ok {
		var st wire.Status
		if r.call(func() { st = r.status(true) }) {
			out.Status = &st
		}
	}
	return out
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) (any, error) {
	exs, err := s.store.Exercises()
	if err != nil {
		return nil, err
	}
	out := []ExerciseStatus{}
	for _, ex := range exs {
		if ex.State != store.ExerciseArchived || r.URL.Query().Get("all") != "" {
			out = append(out, s.status(ex))
		}
	}
	return out, nil
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request) (any, error) {
	var req NewExercise
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	c, err := s.Exercise(req)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	w.WriteHeader(http.StatusCreated)
	return c, nil
}

func (s *Server) apiGet(w http.ResponseWriter, r *http.Request) (any, error) {
	ex, err := s.store.Exercise(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return s.status(ex), nil
}

// Act does one of the white cell's acts on an exercise: start, pause,
// resume, stop (end it), archive.
func (s *Server) Act(id, action string) (ExerciseStatus, error) {
	ex, err := s.store.Exercise(id)
	if err != nil {
		return ExerciseStatus{}, err
	}
	if action == "archive" {
		if err := s.archive(ex); err != nil {
			return ExerciseStatus{}, err
		}
		ex.State = store.ExerciseArchived
		return s.status(ex), nil
	}
	verbs := map[string]string{"start": wire.ControlStart, "pause": wire.ControlPause, "resume": wire.ControlResume, "stop": wire.ControlEnd}
	ctl, ok := verbs[action]
	if !ok {
		return ExerciseStatus{}, &apiError{http.StatusNotFound, fmt.Sprintf("no action %q: start, pause, resume, stop or archive", action)}
	}
	rm, ok := s.room(id)
	if !ok {
		return ExerciseStatus{}, badRequest("exercise %s is %s: the server does not run it", id, ex.State)
	}
	var refused *wire.Error
	rm.call(func() {
		rm.apiErr = nil
		if cmd, code, why := rm.control(&wire.Control{Action: ctl}); code != "" {
			rm.refuse(nil, 0, code, why)
		} else {
			if ctl == wire.ControlStart {
				rm.startTeams(nil)
			}
			rm.submit(nil, 0, engine.ControlOrg, cmd, nil)
			rm.flush()
		}
		refused = rm.apiErr
	})
	if refused != nil {
		return ExerciseStatus{}, badRequest("%s: %s", action, refused.Message)
	}
	return s.status(ex), nil
}

func (s *Server) apiAct(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.Act(r.PathValue("id"), r.PathValue("action"))
}

// archive stops serving an exercise and keeps it for the report.
func (s *Server) archive(ex store.Exercise) error {
	if rm, ok := s.room(ex.ID); ok {
		rm.call(func() {
			for c := range rm.clients {
				rm.drop(c, &wire.Bye{Code: wire.ByeArchived, Message: "the white cell archived the exercise"})
			}
		})
		rm.stop()
		s.mu.Lock()
		delete(s.rooms, ex.ID)
		s.mu.Unlock()
		s.metrics.exercises.Dec()
	}
	return s.store.SetExerciseState(ex.ID, store.ExerciseArchived)
}

func (s *Server) apiCodes(w http.ResponseWriter, r *http.Request) (any, error) {
	id := r.PathValue("id")
	if _, err := s.store.Exercise(id); err != nil {
		return nil, err
	}
	codes, err := s.store.Codes(id)
	if codes == nil {
		codes = []store.Code{}
	}
	return codes, err
}

// NewCode asks for one more join code.
type NewCode struct {
	Role  string `json:"role"`
	Org   string `json:"org,omitempty"`
	Label string `json:"label,omitempty"`
}

func (s *Server) apiNewCode(w http.ResponseWriter, r *http.Request) (any, error) {
	var req NewCode
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.NewCode(r.PathValue("id"), req)
}

// NewCode makes one more join code for an exercise the server runs.
func (s *Server) NewCode(id string, req NewCode) (JoinCode, error) {
	if !slices.Contains(wire.Roles(), req.Role) {
		return JoinCode{}, badRequest("role %q: one of %v", req.Role, wire.Roles())
	}
	rm, ok := s.room(id)
	if !ok {
		return JoinCode{}, badRequest("exercise %s is not running on this server", id)
	}
	switch {
	case req.Role == wire.RoleTeam && !rm.isTeam(req.Org):
		return JoinCode{}, badRequest("org %q: a team code names an organisation a team plays (one of %s)", req.Org, strings.Join(rm.info.orgs, ", "))
	case req.Role != wire.RoleTeam && req.Org != "":
		return JoinCode{}, badRequest("a %s code names no organisation", req.Role)
	case len(req.Label) > wire.NameBytesMax:
		return JoinCode{}, badRequest("label: at most %d bytes", wire.NameBytesMax)
	}
	secret, c, err := s.store.CreateCode(id, req.Role, req.Org, req.Label, s.now())
	if err != nil {
		return JoinCode{}, err
	}
	return JoinCode{ID: c.ID, Role: c.Role, Org: c.Org, Code: secret}, nil
}

// Revoke revokes a join code: it opens nothing any more, and whoever
// joined with it is disconnected.
func (s *Server) Revoke(codeID string) (store.Code, error) {
	c, err := s.store.RevokeCode(codeID, s.now())
	if err != nil {
		return c, err
	}
	if rm, ok := s.room(c.Exercise); ok {
		rm.call(func() {
			for cl := range rm.clients {
				if cl.code == c.ID {
					rm.drop(cl, &wire.Bye{Code: wire.ByeRevoked, Message: "your join code was revoked by the white cell"})
				}
			}
		})
	}
	s.log.Info("join code revoked", "code", c.ID, "exercise", c.Exercise)
	return c, nil
}

func (s *Server) apiRevoke(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.Revoke(r.PathValue("code"))
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request) (any, error) {
	notes, err := s.store.Notes(r.PathValue("id"))
	if notes == nil {
		notes = []store.Note{}
	}
	return notes, err
}

func (s *Server) apiChat(w http.ResponseWriter, r *http.Request) (any, error) {
	chat, err := s.store.ChatLog(r.PathValue("id"))
	if chat == nil {
		chat = []store.Chat{}
	}
	return chat, err
}

// web serves the browser client's folder, or a page saying how to build
// it.
func (s *Server) web() http.Handler {
	dir := s.opt.WebDir
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
			return newWebFiles(dir)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		noClientPage.Execute(w, struct{ Dir, Path string }{dir, wire.Path})
	})
}

var noClientPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cyberex</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}code,pre{background:#eee;padding:.1em .3em}</style>
</head><body>
<h1>cyberex exercise server</h1>
<p>The server runs, but it has no browser client to serve{{if .Dir}} (no <code>index.html</code> in <code>{{.Dir}}</code>){{end}}.</p>
<p>Build the browser client and start the server with it:</p>
<pre>make web
cyberex serve --web web/</pre>
<p>Or join with the desktop client: <code>cyberex-client --url ws://HOST:PORT{{.Path}} --code CODE</code>.</p>
<p>Programs speak the protocol at <code>{{.Path}}</code> (docs/protocol.md).</p>
</body></html>
`))
