package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"cyberex/client/model"
)

// HitKind is what a clickable region does.
type HitKind uint8

const (
	HitNone HitKind = iota // no control: the zero focus
	HitTab
	HitRow
	HitAction
	HitChoice
	HitTextField
	HitSubmit
	HitCancel
	HitChat
	HitChatTo
	HitChatSend
	HitNote
	HitNoteSend
	HitControl
	HitContrast
	HitLegend
	HitBackToLive // what-if: leave the past tick
	HitBranch     // what-if: compare branch I
	HitStep       // what-if: look I ticks later (earlier if negative)
	HitMap        // the map itself: clicks select assets; not a focus stop
)

// hitKey identifies a control across frames, so focus survives a rebuild.
type hitKey struct {
	Kind HitKind
	I, J int
	S    string
}

// Hit is a clickable region of the last frame.
type Hit struct {
	X, Y, W, H float32
	hitKey
	Sel  model.Sel
	Args map[string]string // a control button's arguments
}

func (h *Hit) contains(x, y float32) bool {
	return x >= h.X && y >= h.Y && x < h.X+h.W && y < h.Y+h.H
}

// Hits returns the clickable regions of the last frame (for tests and
// for the drawing layer's cursor).
func (u *UI) Hits() []Hit { return u.hits }

// Focused returns the focused control's region, if any.
func (u *UI) Focused() (Hit, bool) {
	for _, h := range u.hits {
		if h.hitKey == u.focus && h.Kind != HitMap {
			return h, true
		}
	}
	return Hit{}, false
}

// textLimit bounds what a player can type in one field.
const textLimit = 1000

func (u *UI) handle(in Input) {
	m := u.M
	for _, k := range in.Keys {
		u.key(k, in.Shift)
	}
	for _, r := range in.Chars {
		if u.editing {
			if p := u.textTarget(); p != nil && unicode.IsPrint(r) && utf8.RuneCountInString(*p) < textLimit {
				*p += string(r)
			}
			continue
		}
		u.hotkey(r)
	}
	mapHit := in.X >= u.Frame.MapX && in.Y >= u.Frame.MapY && in.X < u.Frame.MapX+u.Frame.MapW && in.Y < u.Frame.MapY+u.Frame.MapH
	if in.Wheel != 0 {
		if mapHit {
			u.zoomAt(in.X, in.Y, in.Wheel)
		} else {
			u.scroll[m.Tab] -= int(in.Wheel)
			if u.scroll[m.Tab] < 0 {
				u.scroll[m.Tab] = 0
			}
		}
	}
	if in.DragX != 0 || in.DragY != 0 {
		u.Cam.X -= in.DragX / u.Cam.Zoom
		u.Cam.Y -= in.DragY / u.Cam.Zoom
	}
	if in.Click {
		for i := len(u.hits) - 1; i >= 0; i-- {
			h := &u.hits[i]
			if h.contains(in.X, in.Y) {
				if h.Kind == HitMap {
					u.clickMap(in.X, in.Y)
				} else {
					u.setFocus(h.hitKey)
					u.activate(h)
				}
				break
			}
		}
	}
}

func (u *UI) setFocus(k hitKey) {
	u.focus = k
	u.editing = k.Kind == HitTextField || k.Kind == HitChat || k.Kind == HitNote
}

// textTarget is the string the focused text control edits.
func (u *UI) textTarget() *string {
	m := u.M
	switch u.focus.Kind {
	case HitChat:
		return &m.Chat
	case HitNote:
		return &m.Note
	case HitTextField:
		if m.Form != nil && u.focus.I < len(m.Form.Fields) {
			return &m.Form.Fields[u.focus.I].Text
		}
	}
	return nil
}

func (u *UI) key(k Key, shift bool) {
	m := u.M
	switch k {
	case KeyTab:
		u.moveFocus(shift)
	case KeyEnter:
		switch {
		case u.focus.Kind == HitChat:
			m.SendChat()
		case u.focus.Kind == HitNote:
			m.SendNote()
		case u.focus.Kind == HitTextField:
			m.SubmitForm()
			u.setFocus(hitKey{})
		default:
			if h, ok := u.Focused(); ok {
				u.activate(&h)
			}
		}
	case KeyEscape:
		switch {
		case m.Form != nil:
			m.CancelForm()
			u.setFocus(hitKey{})
		case u.editing:
			u.setFocus(hitKey{})
		default:
			m.Select(model.Sel{})
		}
	case KeyBackspace:
		if p := u.textTarget(); p != nil && *p != "" {
			_, n := utf8.DecodeLastRuneInString(*p)
			*p = (*p)[:len(*p)-n]
		}
	case KeyLeft, KeyRight:
		d := 1
		if k == KeyLeft {
			d = -1
		}
		switch u.focus.Kind {
		case HitChatTo:
			u.cycleChatTo(d)
		default:
			u.Cam.X += float32(d) * 80 / u.Cam.Zoom
		}
	case KeyUp, KeyDown:
		d := 1
		if k == KeyUp {
			d = -1
		}
		if u.focus.Kind == HitRow {
			u.moveRow(d)
		} else {
			u.Cam.Y += float32(d) * 80 / u.Cam.Zoom
		}
	case KeyPageUp:
		u.scroll[m.Tab] -= 5
		if u.scroll[m.Tab] < 0 {
			u.scroll[m.Tab] = 0
		}
	case KeyPageDown:
		u.scroll[m.Tab] += 5
	}
}

// hotkey handles a typed character while no text field has the focus.
func (u *UI) hotkey(r rune) {
	m := u.M
	switch {
	case r >= '1' && r <= '9':
		tabs := u.Tabs()
		if i := int(r - '1'); i < len(tabs) {
			m.Tab = tabs[i]
		}
	case r == '+' || r == '=':
		u.zoomAt(u.Frame.MapX+u.Frame.MapW/2, u.Frame.MapY+u.Frame.MapH/2, 1)
	case r == '-':
		u.zoomAt(u.Frame.MapX+u.Frame.MapW/2, u.Frame.MapY+u.Frame.MapH/2, -1)
	case r == '0':
		u.fitted = false
	case r == 'h' || r == 'H':
		m.ToggleContrast()
	case r == 'l' || r == 'L':
		u.Legend = !u.Legend
	case r == 'n' || r == ']':
		u.stepAsset(1)
	case r == 'p' || r == '[':
		u.stepAsset(-1)
	}
}

// moveFocus moves the focus to the next (or previous) control.
func (u *UI) moveFocus(back bool) {
	var stops []hitKey
	cur := -1
	for _, h := range u.hits {
		if h.Kind == HitMap {
			continue
		}
		if h.hitKey == u.focus {
			cur = len(stops)
		}
		stops = append(stops, h.hitKey)
	}
	if len(stops) == 0 {
		return
	}
	switch {
	case cur < 0 && back:
		cur = len(stops) - 1
	case cur < 0:
		cur = 0
	case back:
		cur = (cur - 1 + len(stops)) % len(stops)
	default:
		cur = (cur + 1) % len(stops)
	}
	u.setFocus(stops[cur])
}

// moveRow selects the row above or below the focused one.
func (u *UI) moveRow(d int) {
	var rows []*Hit
	cur := -1
	for i := range u.hits {
		if u.hits[i].Kind == HitRow {
			if u.hits[i].hitKey == u.focus {
				cur = len(rows)
			}
			rows = append(rows, &u.hits[i])
		}
	}
	if cur < 0 {
		return
	}
	n := cur + d
	if n < 0 {
		if u.scroll[u.M.Tab] > 0 {
			u.scroll[u.M.Tab]--
		}
		return
	}
	if n >= len(rows) {
		u.scroll[u.M.Tab]++
		return
	}
	u.setFocus(rows[n].hitKey)
	u.activate(rows[n])
}

func (u *UI) activate(h *Hit) {
	m := u.M
	switch h.Kind {
	case HitTab:
		m.Tab = model.Tab(h.I)
	case HitRow:
		m.Select(h.Sel)
		if h.Sel.Kind == model.SelAsset {
			u.centreOn(h.Sel.ID)
		}
	case HitAction:
		if h.I < len(u.actions) {
			m.Do(u.actions[h.I])
			if m.Form != nil && len(m.Form.Fields) > 0 {
				u.setFocus(u.firstFieldKey())
			}
		}
	case HitChoice:
		if f := m.Form; f != nil && h.I < len(f.Fields) {
			fl := &f.Fields[h.I]
			if fl.Kind == model.FieldMulti && h.J < len(fl.Set) {
				fl.Set[h.J] = !fl.Set[h.J]
			} else {
				fl.Chosen = h.J
			}
		}
	case HitSubmit:
		m.SubmitForm()
		u.setFocus(hitKey{})
	case HitCancel:
		m.CancelForm()
		u.setFocus(hitKey{})
	case HitChatTo:
		u.cycleChatTo(1)
	case HitChatSend:
		m.SendChat()
	case HitNoteSend:
		m.SendNote()
	case HitControl:
		op, _, _ := strings.Cut(h.S, ":")
		m.Control(op, h.Args)
	case HitContrast:
		m.ToggleContrast()
	case HitLegend:
		u.Legend = !u.Legend
	case HitBackToLive:
		m.BackToLive()
	case HitBranch:
		if h.I < len(m.Branches) {
			m.Shown = h.I
		}
	case HitStep:
		m.Jump(int32(h.I))
	}
}

func (u *UI) firstFieldKey() hitKey {
	f := u.M.Form
	if f == nil || len(f.Fields) == 0 {
		return hitKey{}
	}
	if f.Fields[0].Kind == model.FieldText {
		return hitKey{Kind: HitTextField}
	}
	return hitKey{Kind: HitChoice, I: 0, J: max(f.Fields[0].Chosen, 0)}
}

func (u *UI) cycleChatTo(d int) {
	m := u.M
	if m.View == nil {
		return
	}
	var ids []string
	for _, o := range m.View.Directory {
		if o.ID != m.Org {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	cur := -1
	for i, id := range ids {
		if id == m.ChatTo {
			cur = i
		}
	}
	m.ChatTo = ids[((cur+d)%len(ids)+len(ids))%len(ids)]
}

// clickMap selects the asset (or the segment) under a click on the map.
func (u *UI) clickMap(x, y float32) {
	wx, wy := u.toWorld(x, y)
	m := u.M
	if p := u.layout.AssetAt(wx, wy); p >= 0 && int(p) < len(m.Map.Asset) {
		m.Select(model.Sel{Kind: model.SelAsset, ID: m.View.Assets[m.Map.Asset[p]].ID})
		return
	}
	if s := u.layout.SegAt(wx, wy); s >= 0 && s < len(m.Map.Segs) {
		m.Select(model.Sel{Kind: model.SelSegment, ID: m.Map.Segs[s].ID})
		return
	}
	m.Select(model.Sel{})
}

// stepAsset selects the next (or previous) asset on the map, in map
// order, and brings it into view: the keyboard's way round the map.
func (u *UI) stepAsset(d int) {
	m := u.M
	n := len(m.Map.Asset)
	if n == 0 || m.View == nil {
		return
	}
	p := -1
	if m.Sel.Kind == model.SelAsset {
		p = int(m.Map.Pos(m.Sel.ID))
	}
	if p < 0 && d < 0 {
		p = 0
	}
	p = ((p+d)%n + n) % n
	id := m.View.Assets[m.Map.Asset[p]].ID
	m.Select(model.Sel{Kind: model.SelAsset, ID: id})
	u.centreOn(id)
}

func (u *UI) toWorld(x, y float32) (float32, float32) {
	return (x-u.Frame.MapX)/u.Cam.Zoom + u.Cam.X, (y-u.Frame.MapY)/u.Cam.Zoom + u.Cam.Y
}

const (
	zoomMin = 0.1
	zoomMax = 6
)

// zoomAt zooms in (d > 0) or out around the screen point x, y.
func (u *UI) zoomAt(x, y, d float32) {
	wx, wy := u.toWorld(x, y)
	z := u.Cam.Zoom * 1.25
	if d < 0 {
		z = u.Cam.Zoom / 1.25
	}
	z = min(max(z, zoomMin), zoomMax)
	u.Cam.Zoom = z
	u.Cam.X = wx - (x-u.Frame.MapX)/z
	u.Cam.Y = wy - (y-u.Frame.MapY)/z
}

// centreOn pans the map so the asset is in the middle, keeping the zoom.
func (u *UI) centreOn(id string) {
	p := u.M.Map.Pos(id)
	if p < 0 || int(p) >= len(u.layout.AX) {
		return
	}
	u.Cam.X = u.layout.AX[p] - u.Frame.MapW/2/u.Cam.Zoom
	u.Cam.Y = u.layout.AY[p] - u.Frame.MapH/2/u.Cam.Zoom
}

// fit zooms and pans so the whole map is in view.
func (u *UI) fit() {
	l := &u.layout
	if l.W <= 0 || l.H <= 0 || u.Frame.MapW <= 0 {
		u.Cam = Camera{X: -20, Y: -20, Zoom: 1}
		return
	}
	pad := float32(40)
	z := min((u.Frame.MapW-pad)/l.W, (u.Frame.MapH-pad)/l.H)
	z = min(max(z, zoomMin), 1.25)
	u.Cam = Camera{Zoom: z, X: l.W/2 - u.Frame.MapW/2/z, Y: l.H/2 - u.Frame.MapH/2/z}
}

// AssetOnScreen brings the asset into view and returns the screen point
// of its centre (for scripted play: a click there selects it).
func (u *UI) AssetOnScreen(id string) (x, y float32, ok bool) {
	p := u.M.Map.Pos(id)
	if p < 0 || int(p) >= len(u.layout.AX) {
		return 0, 0, false
	}
	u.centreOn(id)
	return u.Frame.MapX + (u.layout.AX[p]-u.Cam.X)*u.Cam.Zoom, u.Frame.MapY + (u.layout.AY[p]-u.Cam.Y)*u.Cam.Zoom, true
}

// ActionHit returns the region of the action button for a verb (and the
// decision, for answers), if the last frame has one.
func (u *UI) ActionHit(verb string) (Hit, bool) {
	for _, h := range u.hits {
		if h.Kind == HitAction && h.I < len(u.actions) && (u.actions[h.I].Verb == verb || u.actions[h.I].Op == verb) {
			return h, true
		}
		if h.Kind == HitBackToLive && verb == "live" {
			return h, true
		}
		if h.Kind == HitControl && strings.HasPrefix(h.S, verb+":") {
			return h, true
		}
	}
	return Hit{}, false
}

// TabHit returns the region of a panel's tab.
func (u *UI) TabHit(t model.Tab) (Hit, bool) {
	for _, h := range u.hits {
		if h.Kind == HitTab && h.I == int(t) {
			return h, true
		}
	}
	return Hit{}, false
}

// HitOf returns the first region of a kind in the last frame.
func (u *UI) HitOf(k HitKind) (Hit, bool) {
	for _, h := range u.hits {
		if h.Kind == k {
			return h, true
		}
	}
	return Hit{}, false
}
