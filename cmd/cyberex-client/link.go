package main

import (
	"net/url"
	"strings"

	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/wire"
)

// fromLink reads a join link (http(s)://HOST:PORT/?code=CODE) into the
// websocket address of its server and the code.
func fromLink(s string) (ws, code string, ok bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", false
	}
	code = u.Query().Get("code")
	if code == "" {
		return "", "", false
	}
	scheme := "ws"
	if u.Scheme == "https" {
		scheme = "wss"
	}
	return scheme + "://" + u.Host + wire.Path, code, true
}

// pageTitle is the browser tab's title: the exercise, the tick and the
// last answer from the server (which the browser test also reads).
func pageTitle(m *model.Model) string {
	t := m.Text.T(locale.KeyTitle)
	if m.Title != "" {
		t += " · " + m.Title
	}
	if m.View != nil {
		t += " · " + m.Text.F(locale.KeyTick, m.View.Tick)
	}
	if n := len(m.Notices); n > 0 {
		t += " · " + strings.TrimSpace(m.Notices[n-1].Text)
	}
	if m.JoinError != "" {
		t += " · " + m.Text.F(locale.KeyJoinFailed, m.JoinError)
	}
	return t
}
