// Package screen is the client's ebiten layer, and the only package of
// the client that imports ebiten: Update reads the keyboard and mouse into
// a ui.Input, lets the link deliver what the server sent, and has package
// ui build the frame; Draw copies that frame to the screen and decides
// nothing; Layout follows the window's size.
package screen

import (
	"bytes"
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/gomono"

	"cyberex/client/draw"
	"cyberex/client/model"
	"cyberex/client/ui"
)

// Link connects the screen to the server: Pump applies what arrived to
// the model (on the game's goroutine), Send hands over what the player
// did.
type Link interface {
	Pump(m *model.Model)
	Send(o model.Out)
}

// Game is the ebiten game of the client.
type Game struct {
	UI   *ui.UI
	Link Link
	// Auto, when set, plays the client from a script instead of (besides)
	// the keyboard and mouse: tests and demonstrations.
	Auto Autoplayer
	// OnFrame, when set, is called after each Update (the browser build
	// keeps the page's title up to date with it).
	OnFrame func(m *model.Model)

	white   *ebiten.Image
	verts   []ebiten.Vertex
	idx     []uint32
	faces   [3]*text.GoTextFace
	textOp  text.DrawOptions
	input   ui.Input
	pressX  float32
	pressY  float32
	lastX   float32
	lastY   float32
	drag    bool
	capture bool
	shot    *image.RGBA
}

// Autoplayer drives the client from a script: Step returns the input of
// this frame and whether to capture the screen after drawing it; Shot
// receives that capture in the next Update; Done ends the program.
type Autoplayer interface {
	Step(u *ui.UI, in ui.Input) (out ui.Input, capture bool)
	Shot(img *image.RGBA)
	Done() bool
}

// New returns the game for a screen and a link.
func New(u *ui.UI, link Link) (*Game, error) {
	src, err := text.NewGoTextFaceSource(bytes.NewReader(gomono.TTF))
	if err != nil {
		return nil, err
	}
	g := &Game{UI: u, Link: link}
	for z := range g.faces {
		g.faces[z] = &text.GoTextFace{Source: src, Size: float64(draw.FontPx[z])}
	}
	g.white = ebiten.NewImage(3, 3)
	g.white.Fill(color.White)
	return g, nil
}

// errQuit ends the game when the autoplay script is done.
type quit struct{}

func (quit) Error() string { return "done" }

// ErrDone is returned by Update once an autoplay script has finished.
var ErrDone error = quit{}

// Update reads input, lets the server's messages in, and builds the frame.
func (g *Game) Update() error {
	if g.shot != nil && g.Auto != nil {
		g.Auto.Shot(g.shot)
		g.shot = nil
	}
	if g.Link != nil {
		g.Link.Pump(g.UI.M)
	}
	in := g.readInput()
	capture := false
	if g.Auto != nil {
		if g.Auto.Done() && !g.capture {
			return ErrDone // after the last screenshot asked for is saved
		}
		in, capture = g.Auto.Step(g.UI, in)
	}
	g.UI.Update(in)
	if g.Link != nil {
		for _, o := range g.UI.M.Outbox() {
			g.Link.Send(o)
		}
	}
	g.capture = g.capture || capture // Update may run twice before a Draw
	if g.OnFrame != nil {
		g.OnFrame(g.UI.M)
	}
	return nil
}

var keyMap = []struct {
	k  ebiten.Key
	to ui.Key
}{
	{ebiten.KeyTab, ui.KeyTab}, {ebiten.KeyEnter, ui.KeyEnter}, {ebiten.KeyNumpadEnter, ui.KeyEnter},
	{ebiten.KeyEscape, ui.KeyEscape}, {ebiten.KeyBackspace, ui.KeyBackspace},
	{ebiten.KeyArrowLeft, ui.KeyLeft}, {ebiten.KeyArrowRight, ui.KeyRight},
	{ebiten.KeyArrowUp, ui.KeyUp}, {ebiten.KeyArrowDown, ui.KeyDown},
	{ebiten.KeyPageUp, ui.KeyPageUp}, {ebiten.KeyPageDown, ui.KeyPageDown},
}

func (g *Game) readInput() ui.Input {
	in := &g.input
	in.Keys, in.Chars = in.Keys[:0], in.Chars[:0]
	in.Click, in.DragX, in.DragY, in.Wheel = false, 0, 0, 0
	cx, cy := ebiten.CursorPosition()
	in.X, in.Y = float32(cx), float32(cy)
	for _, k := range keyMap {
		if inpututil.IsKeyJustPressed(k.k) || inpututil.KeyPressDuration(k.k) > 20 && inpututil.KeyPressDuration(k.k)%4 == 0 {
			in.Keys = append(in.Keys, k.to)
		}
	}
	in.Shift = ebiten.IsKeyPressed(ebiten.KeyShift)
	in.Chars = ebiten.AppendInputChars(in.Chars)
	_, wy := ebiten.Wheel()
	in.Wheel = float32(wy)
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		g.pressX, g.pressY, g.lastX, g.lastY, g.drag = in.X, in.Y, in.X, in.Y, false
	}
	if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		f := &g.UI.Frame
		onMap := g.pressX >= f.MapX && g.pressY >= f.MapY && g.pressX < f.MapX+f.MapW && g.pressY < f.MapY+f.MapH
		if onMap && (g.drag || abs(in.X-g.pressX)+abs(in.Y-g.pressY) > 4) {
			g.drag = true
			in.DragX, in.DragY = in.X-g.lastX, in.Y-g.lastY
		}
		g.lastX, g.lastY = in.X, in.Y
	}
	if inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) && !g.drag {
		in.Click = true
	}
	return *in
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// Draw copies the frame the last Update built to the screen.
func (g *Game) Draw(screen *ebiten.Image) {
	f := &g.UI.Frame
	mapArea := screen.SubImage(image.Rect(int(f.MapX), int(f.MapY), int(f.MapX+f.MapW), int(f.MapY+f.MapH))).(*ebiten.Image)
	g.list(mapArea, &f.Map)
	g.list(screen, &f.UI)
	if g.capture {
		b := screen.Bounds()
		img := image.NewRGBA(b)
		screen.ReadPixels(img.Pix)
		g.shot = img
		g.capture = false
	}
}

// list draws one layer: its triangles in batches ebiten accepts, then its
// text.
func (g *Game) list(dst *ebiten.Image, l *draw.List) {
	const batch = ebiten.MaxVertexCount / 6 * 6
	op := &ebiten.DrawTrianglesOptions{AntiAlias: false}
	verts, idx := l.Verts, l.Idx
	// Indices only point backwards within a shape, so cutting at a shape
	// boundary is enough: shapes never span more than 9 vertices.
	for len(idx) > 0 {
		end := len(idx)
		base := idx[0]
		for i := 0; i < len(idx); i += 3 {
			if idx[i+2]-base >= batch || idx[i]-base >= batch || idx[i+1]-base >= batch {
				end = i
				break
			}
		}
		lo, hi := base, base
		for _, x := range idx[:end] {
			lo, hi = min(lo, x), max(hi, x)
		}
		g.verts = g.verts[:0]
		for _, v := range verts[lo : hi+1] {
			g.verts = append(g.verts, ebiten.Vertex{DstX: v.X, DstY: v.Y, SrcX: 1, SrcY: 1, ColorR: v.R, ColorG: v.G, ColorB: v.B, ColorA: v.A})
		}
		g.idx = g.idx[:0]
		for _, x := range idx[:end] {
			g.idx = append(g.idx, x-lo)
		}
		dst.DrawTriangles32(g.verts, g.idx, g.white, op)
		idx = idx[end:]
	}
	for i := range l.Texts {
		t := &l.Texts[i]
		g.textOp.GeoM.Reset()
		g.textOp.GeoM.Translate(float64(t.X), float64(t.Y))
		g.textOp.ColorScale.Reset()
		g.textOp.ColorScale.ScaleWithColor(t.Color)
		text.Draw(dst, t.S, g.faces[t.Size], &g.textOp)
	}
}

// Layout follows the window: one screen pixel per logical pixel.
func (g *Game) Layout(w, h int) (int, int) {
	g.UI.Resize(w, h)
	return w, h
}
