package server

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"cyberex/engine"
	"cyberex/journal"
	"cyberex/session"
	"cyberex/store"
	"cyberex/wire"
)

func readJournal(t *testing.T, path string) *journal.Journal {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	j, err := journal.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// api calls the HTTP API with a token and decodes the answer into out.
func (ts *testServer) api(t *testing.T, method, path, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, ts.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func TestHTTPAPI(t *testing.T) {
	ts := newTestServer(t, "")
	tok := ts.AdminToken()
	var msg map[string]string
	if code := ts.api(t, "GET", "/api/v1/exercises", "", "", &msg); code != http.StatusUnauthorized || !strings.Contains(msg["error"], "admin token") {
		t.Errorf("no token: %d %v", code, msg)
	}
	if code := ts.api(t, "GET", "/api/v1/exercises", tok+"x", "", nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	if code := ts.api(t, "POST", "/api/v1/exercises", tok, `{"scenario":"embedded:nosuch"}`, &msg); code != http.StatusBadRequest {
		t.Errorf("unknown scenario: %d %v", code, msg)
	}
	if code := ts.api(t, "POST", "/api/v1/exercises", tok, `{"scenery":"x"}`, &msg); code != http.StatusBadRequest || !strings.Contains(msg["error"], "scenery") {
		t.Errorf("unknown field: %d %v", code, msg)
	}
	var created Created
	if code := ts.api(t, "POST", "/api/v1/exercises", tok, `{"title":"Tuesday","scenario":"embedded:tutorial","seed":4}`, &created); code != http.StatusCreated {
		t.Fatalf("create: %d", code)
	}
	id := created.Exercise.ID
	var st ExerciseStatus
	ts.api(t, "GET", "/api/v1/exercises/"+id, tok, "", &st)
	if st.Title != "Tuesday" || st.Status == nil || st.Status.State != wire.StateWaiting || len(st.Status.Teams) == 0 {
		t.Errorf("status %+v", st)
	}
	if code := ts.api(t, "POST", "/api/v1/exercises/"+id+"/resume", tok, "", &msg); code != http.StatusBadRequest || !strings.Contains(msg["error"], "not started") {
		t.Errorf("resume before start: %d %v", code, msg)
	}
	if code := ts.api(t, "POST", "/api/v1/exercises/"+id+"/explode", tok, "", &msg); code != http.StatusNotFound {
		t.Errorf("unknown action: %d %v", code, msg)
	}
	ts.api(t, "POST", "/api/v1/exercises/"+id+"/start", tok, "", &st)
	if st.Status.State != wire.StateRunning {
		t.Errorf("after start: %+v", st.Status)
	}
	// Teams nobody joined went to their script, through journaled
	// commands: the engine applies them at the first tick, which the
	// start makes due at once (the answer to start may come before it).
	for deadline := time.Now().Add(60 * time.Second); st.Status.Tick < 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		ts.api(t, "GET", "/api/v1/exercises/"+id, tok, "", &st)
	}
	for _, team := range st.Status.Teams {
		if !team.Scripted {
			t.Errorf("%s is not scripted after a start nobody joined", team.Org)
		}
	}
	var jc JoinCode
	if code := ts.api(t, "POST", "/api/v1/exercises/"+id+"/codes", tok, `{"role":"team","org":"nosuch"}`, &msg); code != http.StatusBadRequest {
		t.Errorf("code for an unknown org: %d", code)
	}
	ts.api(t, "POST", "/api/v1/exercises/"+id+"/codes", tok, `{"role":"observer","label":"evaluator 2"}`, &jc)
	if !strings.HasPrefix(jc.Code, "cx-") || jc.Role != wire.RoleObserver {
		t.Errorf("new code %+v", jc)
	}
	var codes []store.Code
	ts.api(t, "GET", "/api/v1/exercises/"+id+"/codes", tok, "", &codes)
	for _, c := range codes {
		if c.Hash == "" || strings.Contains(string(mustJSON(t, c)), "cx-") {
			t.Errorf("a listed code shows its secret: %+v", c)
		}
	}
	var revoked store.Code
	ts.api(t, "POST", "/api/v1/codes/"+jc.ID+"/revoke", tok, "", &revoked)
	if revoked.Revoked == 0 {
		t.Errorf("revoke %+v", revoked)
	}
	var notes []store.Note
	if code := ts.api(t, "GET", "/api/v1/exercises/"+id+"/notes", tok, "", &notes); code != http.StatusOK || notes == nil {
		t.Errorf("notes %d %v", code, notes)
	}
	ts.api(t, "POST", "/api/v1/exercises/"+id+"/stop", tok, "", &st)
	deadline := time.Now().Add(waitMax)
	for st.Status == nil || st.Status.State != wire.StateEnded {
		if time.Now().After(deadline) {
			t.Fatalf("not ended after stop: %+v", st.Status)
		}
		time.Sleep(10 * time.Millisecond)
		ts.api(t, "GET", "/api/v1/exercises/"+id, tok, "", &st)
	}
	// The journal of the live exercise, its controller commands included,
	// replays exactly.
	j := readJournal(t, ts.journalFile(id))
	if j.End == nil || !j.Header.Live {
		t.Errorf("journal end %v, live %v", j.End, j.Header.Live)
	}
	sc, _, err := testLoad("embedded:tutorial", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := session.Replay(session.FromScenario(sc), j, session.ReplayOptions{})
	if err != nil || !rep.OK() || !rep.Complete {
		t.Errorf("replay: %+v %v", rep, err)
	}
	controls := 0
	for _, c := range j.Commands {
		if c.Org == engine.ControlOrg {
			controls++
		}
	}
	if controls < 3 {
		t.Errorf("%d controller commands journaled", controls)
	}
	var list []ExerciseStatus
	ts.api(t, "POST", "/api/v1/exercises/"+id+"/archive", tok, "", &st)
	ts.api(t, "GET", "/api/v1/exercises", tok, "", &list)
	if len(list) != 0 {
		t.Errorf("archived exercises listed: %+v", list)
	}
	ts.api(t, "GET", "/api/v1/exercises?all=1", tok, "", &list)
	if len(list) != 1 || list[0].State != store.ExerciseArchived {
		t.Errorf("with archived: %+v", list)
	}
	// The archived exercise's codes open nothing.
	h := dialRaw(t, ts.url)
	h.send(&wire.Hello{Protocol: wire.Protocol, Code: created.Codes[0].Code})
	if e, ok := h.closed()[0].(*wire.Error); !ok || e.Code != wire.ErrCode {
		t.Errorf("code of an archived exercise: %+v", e)
	}
	// Health and metrics need no token.
	var health map[string]any
	if code := ts.api(t, "GET", "/healthz", "", "", &health); code != http.StatusOK || health["status"] != "ok" {
		t.Errorf("healthz %d %v", code, health)
	}
	resp, err := http.Get(ts.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"cyberex_connections", "cyberex_ticks_total", "cyberex_tick_seconds", "cyberex_commands_total", "cyberex_journal_sync_seconds", "cyberex_send_queue_drops_total"} {
		if !strings.Contains(string(b), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	// Without a browser client, / says how to build one.
	resp, err = http.Get(ts.http.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "make web") {
		t.Errorf("/ without a client: %s", b)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
