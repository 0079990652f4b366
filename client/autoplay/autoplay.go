// Package autoplay plays the client from a short script, through the
// same input path as a person (clicks at screen points, keys, typed
// text), and saves screenshots: the screenshot tests and the pictures in
// docs/ are made with it. It is plain Go; the ebiten layer calls it once
// per frame.
//
// A script is one step per line (or separated by ";"):
//
//	wait view            until the first view arrived
//	wait tick N          until the view reaches tick N
//	wait notice          until the server answers the last click
//	wait text S          until an answer from the server contains S
//	wait frames N        N frames
//	select ID            click the asset ID on the map
//	tab N                click panel tab N (1-based, as the hotkeys)
//	action VERB          click the action button for VERB (or a controller op; live: back to live)
//	control OP           click the control panel's button for OP
//	key NAME             press tab, enter, escape, backspace, left, right, up, down
//	type TEXT            type TEXT
//	contrast             switch the high-contrast theme
//	shot FILE            save a PNG of the screen
//	quit                 end the program
//
// Each wait gives up after Timeout frames; the script then fails (Err).
package autoplay

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"strconv"
	"strings"

	"cyberex/client/model"
	"cyberex/client/ui"
)

// Timeout is how many frames a wait step waits (30 s at 60 frames/s).
const Timeout = 1800

// Step is one line of a script.
type Step struct {
	Op  string
	Arg string
	N   int
}

// Player runs a script.
type Player struct {
	steps  []Step
	at     int
	waited int
	shotTo string
	done   bool
	mark   int // answers counted when the last action was taken
	// Err is why the script failed, or nil.
	Err error
	// Log receives one line per step taken (nil: silent).
	Log func(string)
}

// Parse reads a script.
func Parse(src string) (*Player, error) {
	p := &Player{}
	lines := strings.FieldsFunc(src, func(r rune) bool { return r == '\n' || r == ';' })
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		op, arg, _ := strings.Cut(l, " ")
		s := Step{Op: op, Arg: strings.TrimSpace(arg)}
		switch op {
		case "wait":
			kind, rest, _ := strings.Cut(s.Arg, " ")
			switch kind {
			case "view", "notice":
			case "tick", "frames":
				n, err := strconv.Atoi(strings.TrimSpace(rest))
				if err != nil || n < 0 {
					return nil, fmt.Errorf("script step %d %q: wait %s needs a number", i+1, l, kind)
				}
				s.N = n
			case "text":
				if strings.TrimSpace(rest) == "" {
					return nil, fmt.Errorf("script step %d %q: wait text needs the text", i+1, l)
				}
			default:
				return nil, fmt.Errorf("script step %d %q: wait for view, tick N, notice, text S or frames N", i+1, l)
			}
		case "tab":
			n, err := strconv.Atoi(s.Arg)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("script step %d %q: tab needs a number from 1", i+1, l)
			}
			s.N = n
		case "select", "action", "control", "key", "type", "shot":
			if s.Arg == "" {
				return nil, fmt.Errorf("script step %d %q: %s needs an argument", i+1, l, op)
			}
		case "quit", "contrast":
		default:
			return nil, fmt.Errorf("script step %d %q: unknown step %q", i+1, l, op)
		}
		p.steps = append(p.steps, s)
	}
	return p, nil
}

var keys = map[string]ui.Key{
	"tab": ui.KeyTab, "enter": ui.KeyEnter, "escape": ui.KeyEscape, "esc": ui.KeyEscape, "backspace": ui.KeyBackspace,
	"left": ui.KeyLeft, "right": ui.KeyRight, "up": ui.KeyUp, "down": ui.KeyDown,
}

// Done says the script has ended (quit, failed, or ran out of steps).
func (p *Player) Done() bool { return p.done }

func (p *Player) fail(format string, args ...any) {
	p.Err = fmt.Errorf("autoplay step %d (%s %s): %s", p.at+1, p.steps[p.at].Op, p.steps[p.at].Arg, fmt.Sprintf(format, args...))
	p.done = true
}

func (p *Player) next() {
	if p.Log != nil {
		s := p.steps[p.at]
		p.Log(strings.TrimSpace(s.Op + " " + s.Arg))
	}
	p.at++
	p.waited = 0
}

// Step takes the script's next step: it returns the frame's input (the
// player's, with the step's click or keys added) and whether to capture
// the screen after drawing it.
func (p *Player) Step(u *ui.UI, in ui.Input) (ui.Input, bool) {
	if p.done {
		return in, false
	}
	if p.at >= len(p.steps) {
		p.done = true
		return in, false
	}
	m := u.M
	s := p.steps[p.at]
	wait := func(ok bool) {
		if ok {
			p.next()
			return
		}
		p.waited++
		if p.waited > Timeout {
			p.fail("gave up after %d frames", Timeout)
		}
	}
	click := func(x, y float32) {
		in.X, in.Y, in.Click = x, y, true
		p.mark = m.Answered
		p.next()
	}
	switch s.Op {
	case "wait":
		kind, rest, _ := strings.Cut(s.Arg, " ")
		switch kind {
		case "view":
			wait(m.View != nil && len(u.Hits()) > 0)
		case "tick":
			wait(m.View != nil && int(m.View.Tick) >= s.N)
		case "notice":
			wait(m.Answered > p.mark)
		case "text":
			wait(p.seen(m, strings.TrimSpace(rest)))
		case "frames":
			wait(p.waited >= s.N)
		}
		if m.JoinError != "" {
			p.fail("the server refused the join: %s", m.JoinError)
		}
	case "select":
		x, y, ok := u.AssetOnScreen(s.Arg)
		if !ok {
			wait(false)
			return in, false
		}
		u.Build() // the camera moved: place the hits again
		click(x, y)
	case "tab":
		tabs := u.Tabs()
		if s.N > len(tabs) {
			p.fail("this role has %d tabs", len(tabs))
			break
		}
		h, ok := u.TabHit(tabs[s.N-1])
		if !ok {
			wait(false)
			break
		}
		click(h.X+h.W/2, h.Y+h.H/2)
	case "action", "control":
		h, ok := u.ActionHit(s.Arg)
		if !ok {
			wait(false)
			break
		}
		click(h.X+h.W/2, h.Y+h.H/2)
	case "key":
		k, ok := keys[s.Arg]
		if !ok {
			p.fail("unknown key")
			break
		}
		in.Keys = append(in.Keys, k)
		p.next()
	case "type":
		in.Chars = append(in.Chars, []rune(s.Arg)...)
		p.next()
	case "contrast":
		m.ToggleContrast()
		p.next()
	case "shot":
		p.shotTo = s.Arg
		p.next()
		return in, true
	case "quit":
		p.next()
		p.done = true
	}
	return in, false
}

// seen says whether an answer from the server shows text.
func (p *Player) seen(m *model.Model, text string) bool {
	for _, n := range m.Notices {
		if strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}

// Shot saves the capture the last step asked for.
func (p *Player) Shot(img *image.RGBA) {
	if p.shotTo == "" {
		return
	}
	to := p.shotTo
	p.shotTo = ""
	f, err := os.Create(to)
	if err != nil {
		p.Err, p.done = fmt.Errorf("screenshot: %w", err), true
		return
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		p.Err, p.done = fmt.Errorf("screenshot %s: %w", to, err), true
	}
}
