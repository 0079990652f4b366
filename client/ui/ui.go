// Package ui lays out the client's screen and turns the player's input
// into model calls, in plain Go: it builds each frame as draw lists (see
// package draw) and the clickable regions that go with them. The ebiten
// layer feeds it input in Update and copies its frame to the screen in
// Draw, so everything the player sees and does is tested without a
// window.
package ui

import (
	"cyberex/client/draw"
	"cyberex/client/model"
)

// Key is a key that means something to the client besides typed text.
type Key uint8

const (
	KeyTab Key = iota
	KeyEnter
	KeyEscape
	KeyBackspace
	KeyLeft
	KeyRight
	KeyUp
	KeyDown
	KeyPageUp
	KeyPageDown
)

// Input is what the player did since the last update.
type Input struct {
	X, Y  float32 // the cursor, in screen pixels
	Click bool    // the left button was released without dragging
	// DragX, DragY is how far the cursor moved with the button held over
	// the map.
	DragX, DragY float32
	Wheel        float32
	Keys         []Key
	Shift        bool
	Chars        []rune // typed text
}

// Camera is the map's pan and zoom: a world point x, y is drawn at
// (x-X)*Zoom, (y-Y)*Zoom from the map's corner.
type Camera struct {
	X, Y, Zoom float32
}

// Frame is one frame to draw: the map layer, then the interface over it.
type Frame struct {
	Map, UI draw.List
	// MapX, MapY, MapW, MapH is the map's viewport on the screen; the
	// drawing layer clips the map layer to it.
	MapX, MapY, MapW, MapH float32
}

// UI is the screen of one client.
type UI struct {
	M    *model.Model
	W, H float32
	Cam  Camera
	// Legend shows the map's legend.
	Legend bool

	Frame Frame

	layout   MapLayout
	layoutV  int // the model's map version the layout was made for
	fitted   bool
	hits     []Hit
	focus    hitKey // the focused control
	editing  bool   // the focused control takes typed text
	hoverX   float32
	hoverY   float32
	scroll   [model.TabCount]int
	actions  []model.Action
	segLabel []string
	labelAt  int32 // the tick segLabel was written for
	labelV   int
}

// New returns the screen of m, w × h pixels.
func New(m *model.Model, w, h int) *UI {
	return &UI{M: m, W: float32(w), H: float32(h), Cam: Camera{Zoom: 1}, Legend: true, labelAt: -1}
}

// Resize sets the screen's size.
func (u *UI) Resize(w, h int) {
	if float32(w) != u.W || float32(h) != u.H {
		u.W, u.H = float32(w), float32(h)
		u.fitted = false
	}
}

// Update applies the player's input to the model and builds the next
// frame. It is the only place the client changes state in a frame.
func (u *UI) Update(in Input) {
	u.hoverX, u.hoverY = in.X, in.Y
	u.handle(in)
	u.Build()
}
