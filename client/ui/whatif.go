package ui

import (
	"image/color"
	"strconv"

	"cyberex/client/draw"
	"cyberex/client/locale"
	"cyberex/client/model"
)

// whatIf draws the white cell's debrief panel: look back at a tick, fork
// a branch, and the latest branch's outcome beside the exercise's.
func (u *UI) whatIf(p *panel) {
	m := u.M
	th, t := p.th, m.Text
	help := locale.KeyWhatIfHelp
	if m.Form != nil && m.Form.Op == model.OpBranch {
		help = locale.KeyWhatIfForm
	}
	for _, l := range wrap(t.T(help), p.w-16, draw.Small, 6) {
		p.line(l, th.Muted, draw.Small)
	}
	p.cy += 4
	x, y := p.x+8, p.cy
	for _, a := range []model.Action{m.JumpForm(), m.BranchForm()} {
		h := u.button(x, y, t.Op(a.Op), hitKey{Kind: HitAction, I: len(u.actions), S: a.Op}, th.Text, th.PanelAlt, th.Border)
		u.actions = append(u.actions, a)
		x += h.W + 6
	}
	if m.Past != nil {
		u.button(x, y, t.T(locale.KeyBackToLive), hitKey{Kind: HitBackToLive}, th.Background, th.Accent, th.Accent)
		// Step through the past at the white cell's pace.
		x, y = p.x+8, y+30
		for _, d := range []int{-60, -10, 10, 60} {
			label := strconv.Itoa(d) + " " + t.T(locale.KeyTicksShort)
			if d > 0 {
				label = "+" + label
			}
			h := u.button(x, y, label, hitKey{Kind: HitStep, I: d}, th.Text, th.PanelAlt, th.Border)
			x += h.W + 6
		}
	}
	p.cy = y + 32
	if n, ok := m.NoticeAt(model.Place{Tab: model.TabWhatIf}); ok {
		c := th.OK
		if n.Error {
			c = th.Error
		}
		for _, l := range wrap(n.Text, p.w-16, draw.Small, 3) {
			p.line(l, c, draw.Small)
		}
	}
	if m.Past != nil && m.View != nil {
		p.cy += 4
		for _, l := range wrap(t.F(locale.KeyLookingBackAt, m.Past.Tick, m.Clock()), p.w-16, draw.Normal, 2) {
			p.line(l, th.Text, draw.Normal)
		}
		for _, o := range m.View.Objectives {
			for _, l := range wrap("["+o.Status+"] "+o.Description, p.w-16, draw.Small, 2) {
				p.line(l, statusColour(th.OK, th.Error, th.Muted, o.Status), draw.Small)
			}
		}
		u.figureColumns(p, m.Past.Figures, 6, true)
	}
	if len(m.Branches) == 0 {
		return
	}
	b := m.Branches[min(max(m.Shown, 0), len(m.Branches)-1)]
	p.cy += 6
	for _, l := range wrap(t.F(locale.KeyBranchHead, b.Name, b.At, b.Until), p.w-16, draw.Normal, 2) {
		p.line(l, th.Text, draw.Normal)
	}
	how := t.F(locale.KeyBranchReplace, b.Commands)
	if b.Keep {
		how = t.F(locale.KeyBranchKeep, b.Commands)
	}
	for _, l := range wrap(how+"; "+t.F(locale.KeyBranchChecked, b.Checked), p.w-16, draw.Small, 3) {
		p.line(l, th.Muted, draw.Small)
	}
	p.cy += 4
	// Three columns: what, the exercise, the branch.
	col := (p.w - 16) / 3
	head := func() {
		u.Frame.UI.Text(p.x+8+col, p.cy, t.T(locale.KeyThisExercise), th.Accent, draw.Small)
		u.Frame.UI.Text(p.x+8+2*col, p.cy, t.T(locale.KeyThisBranch), th.Accent, draw.Small)
		p.cy += draw.LineH[draw.Small]
	}
	row := func(c model.Compared, rc, bc color.RGBA) {
		if p.cy+draw.LineH[draw.Small] > p.y+p.h {
			return
		}
		u.Frame.UI.Text(p.x+8, p.cy, draw.Fit(c.Name, col-8, draw.Small), th.Text, draw.Small)
		u.Frame.UI.Text(p.x+8+col, p.cy, draw.Fit(c.Run, col-8, draw.Small), rc, draw.Small)
		u.Frame.UI.Text(p.x+8+2*col, p.cy, draw.Fit(c.Branch, col-8, draw.Small), bc, draw.Small)
		p.cy += draw.LineH[draw.Small]
	}
	tone := func(ok int8) color.RGBA {
		switch ok {
		case 1:
			return th.OK
		case -1:
			return th.Error
		}
		return th.Muted
	}
	p.line(t.T(locale.KeyObjectives), th.Text, draw.Normal)
	head()
	for _, c := range b.Objectives {
		row(c, tone(c.RunOK), tone(c.BrOK))
	}
	p.cy += 4
	p.line(t.T(locale.KeyFiguresDiffer), th.Text, draw.Normal)
	if len(b.Figures) == 0 {
		p.line(t.T(locale.KeyNoFigureDiffers), th.Muted, draw.Small)
	} else {
		head()
		for _, c := range b.Figures {
			row(c, th.Text, th.Text)
		}
	}
	if len(m.Branches) > 1 {
		p.cy += 6
		p.line(t.T(locale.KeyEarlierBranches), th.Text, draw.Normal)
		x := p.x + 8
		for i, o := range m.Branches {
			fg, bg, border := th.Text, th.PanelAlt, th.Border
			if i == m.Shown {
				fg, bg, border = th.Background, th.Accent, th.Accent
			}
			label := o.Name + " @" + strconv.Itoa(int(o.At))
			if x+draw.Width(label, draw.Small)+16 > p.x+p.w-8 {
				x, p.cy = p.x+8, p.cy+30
			}
			h := u.button(x, p.cy, label, hitKey{Kind: HitBranch, I: i}, fg, bg, border)
			x += h.W + 6
		}
		p.cy += 30
	}
}

// figureColumns draws key figures in two columns (they are many and
// short): at most rows rows (0: as many as fit), only the non-zero ones
// with nonZero (a past tick's figures are mostly zero).
func (u *UI) figureColumns(p *panel, figs []model.Figure, rows int, nonZero bool) {
	shown := figs
	if nonZero {
		shown = nil
		for _, f := range figs {
			if f.Value != 0 {
				shown = append(shown, f)
			}
		}
	}
	half := (len(shown) + 1) / 2
	if rows > 0 {
		half = min(half, rows)
	}
	colW := (p.w - 16) / 2
	for i := 0; i < half; i++ {
		if p.cy+draw.LineH[draw.Small] > p.y+p.h {
			break
		}
		for c, k := range []int{i, i + half} {
			if k < len(shown) && k < 2*half {
				fg := shown[k]
				s := draw.Fit(fg.Name+" = "+strconv.FormatInt(fg.Value, 10), colW-8, draw.Small)
				u.Frame.UI.Text(p.x+8+float32(c)*colW, p.cy, s, p.th.Muted, draw.Small)
			}
		}
		p.cy += draw.LineH[draw.Small]
	}
}

func statusColour(ok, bad, other color.RGBA, status string) color.RGBA {
	switch status {
	case "met":
		return ok
	case "failed":
		return bad
	}
	return other
}
