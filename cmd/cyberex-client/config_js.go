//go:build js

package main

import (
	"errors"
	"syscall/js"

	"cyberex/client/model"
)

// getConfig reads the page's address: the join link is the page's own
// address with ?code=CODE, and the server is the one that served it.
func getConfig() (config, error) {
	loc := js.Global().Get("location")
	href := loc.Get("href").String()
	u, code, ok := fromLink(href)
	if !ok {
		return config{}, errors.New("the page's address has no join code (?code=...)")
	}
	c := config{url: u, code: code, width: 1280, height: 800}
	params := js.Global().Get("URLSearchParams").New(loc.Get("search"))
	if p := params.Call("get", "play"); !p.IsNull() {
		c.play = p.String()
	}
	if p := params.Call("get", "contrast"); !p.IsNull() {
		c.highContrast = true
	}
	doc := js.Global().Get("document")
	last := ""
	c.onFrame = func(m *model.Model) {
		if t := pageTitle(m); t != last {
			last = t
			doc.Set("title", t)
		}
	}
	return c, nil
}
