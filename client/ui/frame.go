package ui

import (
	"image/color"
	"strings"

	"cyberex/client/draw"
	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/client/theme"
	"cyberex/engine"
)

// Sizes of the screen's regions, in pixels.
const (
	topBarH     = 50
	panelWMax   = 470
	detailsH    = 210
	formH       = 330 // the details region while a form is open
	rowH        = 46
	pad         = 10
	legendRowH  = 20
	tooltipPadX = 8
)

// Build lays out and fills the frame from the model. Update calls it; a
// test or benchmark may call it directly.
func (u *UI) Build() {
	m, f := u.M, &u.Frame
	th := m.Theme
	f.Map.Reset()
	f.UI.Reset()
	u.hits = u.hits[:0]
	u.actions = u.actions[:0]

	panelW := float32(panelWMax)
	if u.W < 1100 {
		panelW = u.W * 0.42
	}
	dh := float32(detailsH)
	if m.Form != nil {
		dh = formH
	}
	f.MapX, f.MapY = 0, topBarH
	f.MapW, f.MapH = u.W-panelW, u.H-topBarH-dh
	if u.Legend {
		f.MapH -= legendH(f.MapW)
	}

	if m.Map.Version != u.layoutV {
		u.relayout()
	}
	if !u.fitted && f.MapW > 0 {
		u.fit()
		u.fitted = true
	}

	f.Map.Rect(f.MapX, f.MapY, f.MapW, f.MapH, th.Background)
	u.buildMap(th)
	u.hits = append(u.hits, Hit{X: f.MapX, Y: f.MapY, W: f.MapW, H: f.MapH, hitKey: hitKey{Kind: HitMap}})

	if u.Legend {
		u.buildLegend(th)
	}
	u.buildTooltip(th)
	u.buildTopBar(th)
	u.buildPanel(th, u.W-panelW, topBarH, panelW, u.H-topBarH)
	u.buildDetails(th, 0, u.H-dh, u.W-panelW, dh)
	if h, ok := u.Focused(); ok {
		f.UI.Frame(h.X-2, h.Y-2, h.W+4, h.H+4, 2, th.Accent)
	}
}

// relayout places the map's segments and assets again (they changed).
func (u *UI) relayout() {
	m := u.M
	u.layoutV = m.Map.Version
	l := &u.layout
	l.Segs = l.Segs[:0]
	for _, g := range m.Map.Segs {
		l.Segs = append(l.Segs, MapSeg{ID: g.ID, First: g.First, Count: g.Count})
	}
	l.Layout()
	u.labelAt = -1
}

// segLabels writes each segment's head: its id and counts, as the view
// has them. Written once per tick, not per frame.
func (u *UI) segLabels() {
	m := u.M
	if m.View == nil || (u.labelAt == m.View.Tick && u.labelV == m.Map.Version) {
		return
	}
	u.labelAt, u.labelV = m.View.Tick, m.Map.Version
	u.segLabel = u.segLabel[:0]
	for _, g := range m.Map.Segs {
		if g.View < 0 {
			u.segLabel = append(u.segLabel, g.ID)
			continue
		}
		s := &m.View.Segments[g.View]
		u.segLabel = append(u.segLabel, m.Text.F(locale.KeySegmentHosts, s.Hosts, max(s.Detected, s.Compromised), s.Isolated))
	}
}

// buildMap draws the segments and assets in view. It allocates nothing
// per asset: positions, states and shapes are looked up, not built.
func (u *UI) buildMap(th *theme.Theme) {
	m, f := u.M, &u.Frame
	if m.View == nil || len(m.Map.Asset) == 0 && len(m.Map.Segs) == 0 {
		f.Map.Text(f.MapX+pad*2, f.MapY+pad*2, m.Text.T(locale.KeyNoAssets), th.Muted, draw.Normal)
		return
	}
	u.segLabels()
	z := u.Cam.Zoom
	x0, y0, x1, y1 := f.MapX, f.MapY, f.MapX+f.MapW, f.MapY+f.MapH
	l := &u.layout
	selSeg := m.Sel.Kind == model.SelSegment
	for i := range l.Segs {
		s := &l.Segs[i]
		sx, sy := x0+(s.X-u.Cam.X)*z, y0+(s.Y-u.Cam.Y)*z
		sw, sh := s.W*z, s.H*z
		if sx > x1 || sy > y1 || sx+sw < x0 || sy+sh < y0 {
			continue
		}
		f.Map.Rect(sx, sy, sw, sh, th.Segment)
		if g := m.Map.Segs[i]; g.View >= 0 && g.Count == 0 {
			u.hostBar(th, &m.View.Segments[g.View], sx+segPadPx*z, sy+(segHeadPx+segPadPx)*z, sw-2*segPadPx*z, cellPx*z)
		}
		border := th.Border
		if selSeg && m.Sel.ID == s.ID {
			border = th.Accent
		}
		f.Map.Frame(sx, sy, sw, sh, 1.5, border)
		if sw > 40 && i < len(u.segLabel) {
			id := s.ID
			if draw.Width(id, draw.Normal) > sw-12 {
				id = draw.Fit(id, sw-12, draw.Normal)
			}
			f.Map.Text(sx+6, sy+3, id, th.Text, draw.Normal)
			if lbl := u.segLabel[i]; lbl != s.ID && sh > 40 {
				if draw.Width(lbl, draw.Small) > sw-12 {
					lbl = draw.Fit(lbl, sw-12, draw.Small)
				}
				f.Map.Text(sx+6, sy+21, lbl, th.SegmentLbl, draw.Small)
			}
		}
	}
	r := cellPx * 0.42 * z
	if r < 1.5 {
		r = 1.5
	}
	selPos := int32(-1)
	if m.Sel.Kind == model.SelAsset {
		selPos = m.Map.Pos(m.Sel.ID)
	}
	letters := z >= 1.6
	labels := z >= 3
	for p := range l.AX {
		sx, sy := x0+(l.AX[p]-u.Cam.X)*z, y0+(l.AY[p]-u.Cam.Y)*z
		if sx+r < x0 || sy+r < y0 || sx-r > x1 || sy-r > y1 {
			continue
		}
		st := m.Map.State[p]
		f.Map.Shape(th.StateShape[st], sx, sy, r, th.StateColor[st])
		if letters {
			if lt := th.StateLetter[st]; lt != "" {
				f.Map.Text(sx-draw.Advance[draw.Small]/2, sy-r-draw.LineH[draw.Small]-1, lt, th.Text, draw.Small)
			}
		}
		if labels {
			id := m.View.Assets[m.Map.Asset[p]].ID
			w := (cellPx + cellGapPx) * z
			if draw.Width(id, draw.Small) > w {
				id = draw.Fit(id, w, draw.Small)
			}
			f.Map.Text(sx-draw.Width(id, draw.Small)/2, sy+r+2, id, th.Muted, draw.Small)
		}
	}
	if selPos >= 0 && int(selPos) < len(l.AX) {
		sx, sy := x0+(l.AX[selPos]-u.Cam.X)*z, y0+(l.AY[selPos]-u.Cam.Y)*z
		rr := r + 4
		f.Map.Frame(sx-rr, sy-rr, 2*rr, 2*rr, 2, th.Accent)
	}
}

// hostBar shows a segment whose hosts the view counts but does not list
// (the white cell's view lists named assets only): one bar split into
// the known-bad, isolated and other hosts, in the states' colours.
func (u *UI) hostBar(th *theme.Theme, s *engine.SegmentView, x, y, w, h float32) {
	f := &u.Frame
	if s.Hosts <= 0 || w <= 0 {
		return
	}
	bad := max(s.Detected, s.Compromised)
	parts := [...]struct {
		n  int32
		st theme.State
	}{{bad, theme.StateCompromised}, {s.Isolated, theme.StateIsolated}, {max(s.Hosts-bad-s.Isolated, 0), theme.StateClean}}
	cx := x
	for _, p := range parts {
		pw := w * float32(p.n) / float32(s.Hosts)
		if pw > 0 {
			f.Map.Rect(cx, y, pw, h, th.StateColor[p.st])
			cx += pw
		}
	}
	f.Map.Frame(x, y, w, h, 1, th.Border)
}

// stateKeys name the states in the legend and the details.
var stateKeys = [theme.StateCount]locale.Key{
	theme.StateClean:       locale.KeyStateClean,
	theme.StateDegraded:    locale.KeyStateDegraded,
	theme.StateCompromised: locale.KeyStateCompromised,
	theme.StateDefaced:     locale.KeyStateDefaced,
	theme.StateIsolated:    locale.KeyStateIsolated,
	theme.StateSinkholed:   locale.KeyStateSinkholed,
	theme.StateDown:        locale.KeyStateDown,
	theme.StateDestroyed:   locale.KeyStateDestroyed,
	theme.StateForeign:     locale.KeyStateForeign,
}

// legendItemW is the width of one legend entry: a shape and its name.
const legendItemW = 128

// legendH is the height of the legend strip under a map w pixels wide.
func legendH(w float32) float32 {
	per := int((w - 2*pad - 70) / legendItemW)
	if per < 1 {
		per = 1
	}
	rows := (int(theme.StateCount) + per - 1) / per
	return float32(rows)*legendRowH + 12
}

// buildLegend draws the legend as a strip under the map, so it never
// hides an asset.
func (u *UI) buildLegend(th *theme.Theme) {
	f, t := &u.Frame, u.M.Text
	y := f.MapY + f.MapH
	h := legendH(f.MapW)
	f.UI.Rect(f.MapX, y, f.MapW, h, th.Panel)
	f.UI.Rect(f.MapX, y, f.MapW, 1, th.Border)
	f.UI.Text(f.MapX+pad, y+8, t.T(locale.KeyLegend)+":", th.Muted, draw.Small)
	x0 := f.MapX + pad + 70
	x, ry := x0, y+6
	for s := theme.State(0); s < theme.StateCount; s++ {
		if x+legendItemW > f.MapX+f.MapW {
			x, ry = x0, ry+legendRowH
		}
		f.UI.Shape(th.StateShape[s], x+7, ry+legendRowH/2, 6, th.StateColor[s])
		f.UI.Text(x+20, ry+2, t.T(stateKeys[s]), th.Text, draw.Small)
		x += legendItemW
	}
	u.hits = append(u.hits, Hit{X: f.MapX, Y: y, W: f.MapW, H: h, hitKey: hitKey{Kind: HitLegend}})
}

// buildTooltip names the asset under the cursor.
func (u *UI) buildTooltip(th *theme.Theme) {
	m, f := u.M, &u.Frame
	x, y := u.hoverX, u.hoverY
	if m.View == nil || x < f.MapX || y < f.MapY || x >= f.MapX+f.MapW || y >= f.MapY+f.MapH {
		return
	}
	wx, wy := u.toWorld(x, y)
	p := u.layout.AssetAt(wx, wy)
	if p < 0 || int(p) >= len(m.Map.Asset) {
		return
	}
	a := &m.View.Assets[m.Map.Asset[p]]
	s := a.ID + " · " + a.Kind + " · " + m.Text.T(stateKeys[m.Map.State[p]])
	w := draw.Width(s, draw.Small) + 2*tooltipPadX
	tx, ty := x+14, y+14
	if tx+w > f.MapX+f.MapW {
		tx = x - w - 6
	}
	f.UI.Rect(tx, ty, w, 22, th.PanelAlt)
	f.UI.Frame(tx, ty, w, 22, 1, th.Border)
	f.UI.Text(tx+tooltipPadX, ty+3, s, th.Text, draw.Small)
}

func (u *UI) buildTopBar(th *theme.Theme) {
	m, f, t := u.M, &u.Frame, u.M.Text
	f.UI.Rect(0, 0, u.W, topBarH, th.Panel)
	f.UI.Rect(0, topBarH-1, u.W, 1, th.Border)
	title := t.T(locale.KeyTitle)
	if m.Title != "" {
		title += " · " + m.Title
	}
	f.UI.Text(pad, 6, title, th.Text, draw.Large)
	role := ""
	switch m.Role {
	case model.RoleTeam:
		role = t.F(locale.KeyRoleTeam, m.Org)
		if m.View != nil && m.View.Self != nil {
			role = t.F(locale.KeyRoleTeam, m.View.Self.Name)
		}
	case model.RoleController:
		role = t.T(locale.KeyRoleController)
	case model.RoleObserver:
		role = t.T(locale.KeyRoleObserver) + " (" + t.T(locale.KeyReadOnly) + ")"
	}
	f.UI.Text(pad, 31, role, th.Accent, draw.Small)

	if m.View != nil {
		clock := m.Clock()
		cw := draw.Width(clock, draw.Normal)
		cx := (u.W - cw) / 2
		if cx < pad+draw.Width(title, draw.Large)+20 {
			cx = pad + draw.Width(title, draw.Large) + 20
		}
		f.UI.Text(cx, 6, clock, th.Text, draw.Normal)
		sub := t.F(locale.KeyTick, m.View.Tick)
		if m.Past != nil {
			sub += " · " + t.F(locale.KeyLookingBack, m.LiveTick())
		}
		if m.View.Self != nil {
			s := m.View.Self
			sub += " · " + t.F(locale.KeyStaff, s.Busy, s.Staff, s.Waiting)
		}
		f.UI.Text(cx, 30, sub, th.Muted, draw.Small)
	}

	// Right: the exercise's state, then the connection.
	x := u.W - pad
	conn, cc := t.T(locale.KeyConnecting), th.Muted
	switch m.Conn {
	case model.Connected:
		conn, cc = t.T(locale.KeyConnected), th.OK
	case model.Disconnected:
		conn, cc = t.T(locale.KeyDisconnected), th.Error
	}
	if m.JoinError != "" {
		conn, cc = t.F(locale.KeyJoinFailed, m.JoinError), th.Error
	}
	x -= draw.Width(conn, draw.Small)
	f.UI.Text(x, 31, conn, cc, draw.Small)
	st, sc, bg := t.T(locale.KeyRunning), th.OK, th.Panel
	switch {
	case m.Status.Ended:
		st, sc, bg = t.T(locale.KeyEnded), th.Background, th.Muted
	case m.Status.Paused || !m.Status.Started:
		st, sc, bg = t.T(locale.KeyPaused), color.RGBA{0, 0, 0, 255}, th.Unread
	}
	label := st
	if !m.Status.Ended && m.Status.MillisPerTick > 0 {
		label += " · " + t.F(locale.KeyPace, m.Status.TicksPerSecond())
	}
	if m.Status.MoveLeft > 0 {
		label += " · " + t.F(locale.KeyMoveLeft, m.Status.MoveLeft)
	}
	w := draw.Width(label, draw.Normal) + 16
	bx := u.W - pad - w
	f.UI.Rect(bx, 5, w, 22, bg)
	f.UI.Text(bx+8, 6, label, sc, draw.Normal)
}

// Tabs lists the panels this role has, in the order of their hotkeys.
func (u *UI) Tabs() []model.Tab {
	switch u.M.Role {
	case model.RoleController:
		return []model.Tab{model.TabControl, model.TabInbox, model.TabRequests, model.TabReports, model.TabInfra, model.TabChat, model.TabNotes, model.TabWhatIf, model.TabHelp}
	case model.RoleObserver:
		return []model.Tab{model.TabNotes, model.TabInbox, model.TabRequests, model.TabReports, model.TabInfra, model.TabHelp}
	}
	return []model.Tab{model.TabInbox, model.TabRequests, model.TabReports, model.TabQueue, model.TabInfra, model.TabChat, model.TabHelp}
}

var tabKeys = [model.TabCount]locale.Key{
	model.TabInbox:    locale.KeyTabInbox,
	model.TabRequests: locale.KeyTabRequests,
	model.TabReports:  locale.KeyTabReports,
	model.TabQueue:    locale.KeyTabQueue,
	model.TabInfra:    locale.KeyTabInfra,
	model.TabChat:     locale.KeyTabChat,
	model.TabControl:  locale.KeyTabControl,
	model.TabNotes:    locale.KeyTabNotes,
	model.TabWhatIf:   locale.KeyTabWhatIf,
	model.TabHelp:     locale.KeyTabHelp,
}

// button draws a clickable label and records its region.
func (u *UI) button(x, y float32, label string, k hitKey, fg, bg color.RGBA, border color.RGBA) Hit {
	w := draw.Width(label, draw.Small) + 16
	h := float32(24)
	f := &u.Frame
	f.UI.Rect(x, y, w, h, bg)
	f.UI.Frame(x, y, w, h, 1, border)
	f.UI.Text(x+8, y+4, label, fg, draw.Small)
	hit := Hit{X: x, Y: y, W: w, H: h, hitKey: k}
	u.hits = append(u.hits, hit)
	return hit
}

// wrap cuts s into lines of at most w pixels at size z, at spaces where
// it can, keeping at most max lines (the last one ends with "…" if cut).
func wrap(s string, w float32, z draw.Size, max int) []string {
	per := int(w / draw.Advance[z])
	if per < 4 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		line := ""
		for _, wd := range words {
			for len([]rune(wd)) > per {
				if line != "" {
					out = append(out, line)
					line = ""
				}
				r := []rune(wd)
				out = append(out, string(r[:per]))
				wd = string(r[per:])
			}
			switch {
			case line == "":
				line = wd
			case len([]rune(line))+1+len([]rune(wd)) <= per:
				line += " " + wd
			default:
				out = append(out, line)
				line = wd
			}
		}
		out = append(out, line)
	}
	if len(out) > max {
		out = out[:max]
		out[max-1] = draw.Fit(out[max-1]+"  ", w, z)
		if !strings.HasSuffix(out[max-1], "…") {
			out[max-1] += "…"
		}
	}
	return out
}

// tickClock writes the exercise time of a tick, short: "Tue 14:05".
func (u *UI) tickClock(tick int32) string {
	m := u.M
	if m.View == nil {
		return ""
	}
	unix := m.View.Clock - int64(m.View.Tick-tick)*int64(m.TickSeconds)
	return m.Text.Short(unix, m.Zone())
}
