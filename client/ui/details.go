package ui

import (
	"strconv"
	"strings"

	"cyberex/client/draw"
	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/client/theme"
)

// buildDetails fills the region under the map: what is selected on the
// left, what can be done with it on the right (or the open form), and the
// server's answer to the last action taken on it.
func (u *UI) buildDetails(th *theme.Theme, x, y, w, h float32) {
	m, f := u.M, &u.Frame
	f.UI.Rect(x, y, w, h, th.Panel)
	f.UI.Rect(x, y, w, 1, th.Border)
	if m.View == nil {
		return
	}
	leftW := w * 0.42
	lines := u.describe(leftW - 2*pad)
	ly := y + pad
	for i, l := range lines {
		z, c := draw.Small, th.Text
		if i == 0 {
			z = draw.Normal
		}
		if m.Sel.Kind == model.SelNone {
			c = th.Muted
		}
		for _, part := range wrap(l, leftW-2*pad, z, 3) {
			if ly+draw.LineH[z] > y+h-38 {
				break
			}
			f.UI.Text(x+pad, ly, part, c, z)
			ly += draw.LineH[z]
		}
	}
	if n, ok := m.NoticeAt(model.Place{Sel: m.Sel}); ok && m.Sel.Kind != model.SelNone {
		c := th.OK
		if n.Error {
			c = th.Error
		}
		lines := wrap(n.Text, w-2*pad, draw.Small, 2)
		for i, l := range lines {
			f.UI.Text(x+pad, y+h-8-float32(len(lines)-i)*draw.LineH[draw.Small], l, c, draw.Small)
		}
	}
	ax := x + leftW
	aw := w - leftW - pad
	if m.Form != nil {
		u.buildForm(th, ax, y+pad, aw, h-2*pad)
		return
	}
	base := len(u.actions)
	u.actions = append(u.actions, m.Actions()...)
	if len(u.actions) == base {
		if m.Sel.Kind != model.SelNone && m.Role == model.RoleTeam {
			f.UI.Text(ax, y+pad, m.Text.T(locale.KeyActionNone), th.Muted, draw.Small)
		}
		return
	}
	f.UI.Text(ax, y+pad, m.Text.T(locale.KeyActions), th.Text, draw.Normal)
	// Each action is a button of two lines: what it does, then what it
	// costs, so the player knows both before sending it.
	const bh = 38
	top := y + pad + 26
	by, bx := top, ax
	colW := aw
	if len(u.actions)-base > 3 {
		colW = (aw - 6) / 2
	}
	for i := base; i < len(u.actions); i++ {
		a := u.actions[i]
		name, cost := u.actionLabel(a)
		if by+bh > y+h-38 {
			if bx == ax && colW < aw {
				bx, by = ax+colW+6, top
			} else {
				break
			}
		}
		f.UI.Rect(bx, by, colW, bh, th.PanelAlt)
		f.UI.Frame(bx, by, colW, bh, 1, th.Border)
		f.UI.Text(bx+8, by+3, draw.Fit(name, colW-16, draw.Normal), th.Text, draw.Normal)
		if cost != "" {
			f.UI.Text(bx+8, by+20, draw.Fit(cost, colW-16, draw.Small), th.Muted, draw.Small)
		}
		u.hits = append(u.hits, Hit{X: bx, Y: by, W: colW, H: bh, hitKey: hitKey{Kind: HitAction, I: i, S: a.Verb + a.Op + mapArg(a.Args)}})
		by += bh + 4
	}
}

func mapArg(a map[string]string) string {
	if a == nil {
		return ""
	}
	return a["decision"] + a["kind"]
}

// actionLabel names an action and its cost ("Investigate", "7 h 30 min,
// 1 staff"), so the player knows what it takes before sending it.
func (u *UI) actionLabel(a model.Action) (name, cost string) {
	t := u.M.Text
	if a.Op != "" {
		return t.Op(a.Op) + " " + a.Target, ""
	}
	name = t.Verb(a.Verb)
	if d := a.Args["decision"]; d != "" {
		name += ": " + t.T(decisionKey(d))
	}
	return name, t.F(locale.KeyCost, u.M.Ticks(a.Ticks), a.Staff)
}

func decisionKey(d string) locale.Key {
	if d == "accept" {
		return locale.KeyAccept
	}
	return locale.KeyRefuse
}

// describe writes the selection's details as lines.
func (u *UI) describe(w float32) []string {
	m := u.M
	t := m.Text
	v := m.View
	s := m.Sel
	switch s.Kind {
	case model.SelNone:
		return []string{t.T(locale.KeySelectSomething), "", t.T(locale.KeyHelpKeys)}
	case model.SelAsset:
		a := m.Asset(s.ID)
		if a == nil {
			break
		}
		out := []string{t.F(locale.KeyAssetLine, a.ID, a.Kind, a.Segment, a.Owner)}
		if !a.Registered {
			out = append(out, t.F(locale.KeyAssetHealth, a.Integrity, a.Availability, a.Criticality))
		}
		var fl []string
		st := model.StateOf(a)
		fl = append(fl, t.T(stateKeys[st]))
		for _, x := range []struct {
			on bool
			k  theme.State
		}{{a.Compromised, theme.StateCompromised}, {a.Isolated, theme.StateIsolated}, {a.Defaced, theme.StateDefaced}, {a.Sinkholed, theme.StateSinkholed}, {a.TakenDown, theme.StateDown}, {a.Destroyed, theme.StateDestroyed}} {
			if x.on && x.k != st {
				fl = append(fl, t.T(stateKeys[x.k]))
			}
		}
		if a.Backup {
			fl = append(fl, t.T(locale.KeyBackup))
		}
		if a.Hardened {
			fl = append(fl, t.T(locale.KeyHardened))
		}
		out = append(out, t.F(locale.KeyAssetFlags, strings.Join(fl, ", ")))
		if a.Campaign != "" {
			out = append(out, t.F(locale.KeyAssetCampaign, a.Campaign, a.Since))
		}
		if a.Controls != "" {
			out = append(out, t.F(locale.KeyAssetControls, a.Controls))
		}
		if len(a.Vulns) > 0 {
			out = append(out, t.F(locale.KeyVulns, strings.Join(a.Vulns, ", ")))
		}
		return out
	case model.SelSegment:
		for i, g := range m.Map.Segs {
			if g.ID == s.ID && i < len(u.segLabel) {
				return []string{g.ID, u.segLabel[i]}
			}
		}
	case model.SelInfra:
		if i := model.Find(v.Infras, s.ID); i >= 0 {
			in := &v.Infras[i]
			return []string{t.F(locale.KeyInfraLine, in.ID, in.Kind, in.Level/10), in.Owner}
		}
	case model.SelRequest:
		if i := model.Find(v.Requests, s.ID); i >= 0 {
			r := &v.Requests[i]
			out := []string{t.F(locale.KeyRequestLine, r.ID, r.Kind, r.To, r.Target),
				t.F(locale.KeyFrom, r.From) + " · " + r.Channel + " · " + u.tickClock(r.Sent),
				r.Status}
			if r.TimeLeft > 0 {
				out = append(out, t.F(locale.KeyTimeLeft, m.Ticks(r.TimeLeft)))
			}
			if r.Reason != "" {
				out = append(out, r.Reason)
			}
			return out
		}
	case model.SelReport:
		if i := model.Find(v.Reports, s.ID); i >= 0 {
			r := &v.Reports[i]
			return []string{"TLP:" + r.TLP + " " + r.Title, t.F(locale.KeyFrom, r.From) + " · " + u.tickClock(r.Tick), t.F(locale.KeyTo, strings.Join(r.To, ", "))}
		}
	case model.SelEvidence:
		if i := model.Find(v.Evidence, s.ID); i >= 0 {
			e := &v.Evidence[i]
			return []string{e.ID + " (" + e.Kind + ")", e.Holder + " · " + e.Custody + " · " + e.Asset + " " + e.Campaign}
		}
	case model.SelInject:
		if i := model.Find(v.Injects, s.ID); i >= 0 {
			in := &v.Injects[i]
			out := []string{in.Subject, t.F(locale.KeyFrom, in.From) + " · " + u.tickClock(in.Delivered)}
			out = append(out, wrap(in.Body, w, draw.Small, 6)...)
			if in.Expect != "" {
				out = append(out, t.F(locale.KeyExpect, in.Expect))
			}
			return out
		}
	case model.SelMessage:
		if i := model.Find(v.Messages, s.ID); i >= 0 {
			ms := &v.Messages[i]
			head := ms.Subject
			if head == "" {
				head = ms.Kind
			}
			out := []string{head, t.F(locale.KeyFrom, ms.From) + " · " + t.F(locale.KeyTo, strings.Join(ms.To, ", ")) + " · " + u.tickClock(ms.Tick)}
			return append(out, wrap(ms.Text, w, draw.Small, 6)...)
		}
	case model.SelContent:
		if i := model.Find(v.Contents, s.ID); i >= 0 {
			c := &v.Contents[i]
			return []string{c.ID + " · " + c.Platform, c.Offence + " · reach " + strconv.FormatInt(c.Reach, 10)}
		}
	case model.SelPayment:
		if i := model.Find(v.Payments, s.ID); i >= 0 {
			p := &v.Payments[i]
			return []string{p.ID + " · " + p.Service, strconv.FormatInt(p.Amount, 10)}
		}
	case model.SelIndicator:
		return []string{s.ID}
	case model.SelOrg:
		if i := model.Find(v.Directory, s.ID); i >= 0 {
			o := &v.Directory[i]
			return []string{o.Name, o.ID + " · " + o.Kind + " · " + o.Jurisdiction}
		}
	case model.SelQueued:
		if i := model.Find(v.Queue, s.ID); i >= 0 {
			a := &v.Queue[i]
			return []string{a.ID + " " + t.Verb(a.Verb) + " " + a.Target}
		}
	}
	return []string{s.ID}
}

// buildForm draws the open form: each field's label and its choices or
// text box, then Send and Cancel.
func (u *UI) buildForm(th *theme.Theme, x, y, w, h float32) {
	m, f := u.M, &u.Frame
	fm := m.Form
	t := m.Text
	title := t.Verb(fm.Verb)
	if fm.Target != "" {
		title += " " + fm.Target
	}
	if fm.Op != "" {
		// The white cell's operations cost the exercise no staff or time.
		f.UI.Text(x, y, strings.TrimSuffix(t.Op(fm.Op), "…"), th.Text, draw.Normal)
	} else {
		f.UI.Text(x, y, title+" · "+t.F(locale.KeyCost, m.Ticks(fm.Ticks), fm.Staff), th.Text, draw.Normal)
	}
	cy := y + 26
	for i := range fm.Fields {
		fl := &fm.Fields[i]
		f.UI.Text(x, cy+4, fl.Label, th.Muted, draw.Small)
		cx := x + 70
		switch fl.Kind {
		case model.FieldText:
			focused := u.focus == hitKey{Kind: HitTextField, I: i}
			border := th.Border
			if focused {
				border = th.Accent
			}
			bw := w - 70
			f.UI.Rect(cx, cy, bw, 24, th.Background)
			f.UI.Frame(cx, cy, bw, 24, 1, border)
			s := fl.Text
			if focused {
				s += "_"
			}
			if max := int((bw - 12) / draw.Advance[draw.Small]); len([]rune(s)) > max && max > 1 {
				r := []rune(s)
				s = "…" + string(r[len(r)-max+1:])
			}
			f.UI.Text(cx+6, cy+4, s, th.Text, draw.Small)
			u.hits = append(u.hits, Hit{X: cx, Y: cy, W: bw, H: 24, hitKey: hitKey{Kind: HitTextField, I: i}})
			cy += 30
		default:
			for j, o := range fl.Options {
				label := o
				if label == "" {
					label = t.T(locale.KeyAuto)
				}
				on := fl.Kind == model.FieldChoice && fl.Chosen == j || fl.Kind == model.FieldMulti && j < len(fl.Set) && fl.Set[j]
				if fl.Kind == model.FieldMulti {
					if on {
						label = "[x] " + label
					} else {
						label = "[ ] " + label
					}
				}
				bw := draw.Width(label, draw.Small) + 16
				if cx+bw > x+w && cx > x+70 {
					cx, cy = x+70, cy+28
				}
				fg, bg, border := th.Text, th.PanelAlt, th.Border
				if on {
					fg, bg, border = th.Background, th.Accent, th.Accent
				}
				u.button(cx, cy, label, hitKey{Kind: HitChoice, I: i, J: j}, fg, bg, border)
				cx += bw + 4
			}
			cy += 30
		}
	}
	cy += 4
	s := u.button(x+70, cy, t.T(locale.KeySend), hitKey{Kind: HitSubmit}, th.Background, th.Accent, th.Accent)
	u.button(s.X+s.W+8, cy, t.T(locale.KeyCancel), hitKey{Kind: HitCancel}, th.Text, th.PanelAlt, th.Border)
}
