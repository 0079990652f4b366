package ui

import (
	"image/color"
	"sort"
	"strconv"
	"strings"

	"cyberex/client/draw"
	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/client/theme"
	"cyberex/engine"
)

// panel is the region a tab's content is laid into, row by row.
type panel struct {
	u          *UI
	th         *theme.Theme
	x, y, w, h float32
	cy         float32 // the next row's top
	skip       int     // rows scrolled past
}

func (p *panel) full() bool { return p.cy+rowH > p.y+p.h }

// row draws one selectable item: a main line and a line of details.
func (p *panel) row(sel model.Sel, main, sub string, unread bool, badge string) {
	if p.skip > 0 {
		p.skip--
		return
	}
	if p.full() {
		return
	}
	u, th, f := p.u, p.th, &p.u.Frame
	x, y := p.x, p.cy
	selected := u.M.Sel == sel
	if selected {
		f.UI.Rect(x, y, p.w, rowH-2, th.PanelAlt)
		f.UI.Rect(x, y, 3, rowH-2, th.Accent)
	}
	tx := x + 14
	if unread {
		f.UI.Rect(x+5, y+11, 6, 6, th.Unread)
	}
	if badge != "" {
		fg, bg := theme.TLPColors(badge)
		lbl := "TLP:" + badge
		bw := draw.Width(lbl, draw.Small) + 10
		f.UI.Rect(tx, y+5, bw, 18, bg)
		f.UI.Frame(tx, y+5, bw, 18, 1, th.Border)
		f.UI.Text(tx+5, y+6, lbl, fg, draw.Small)
		tx += bw + 8
	}
	mc := th.Muted
	if unread || selected {
		mc = th.Text
	}
	f.UI.Text(tx, y+5, draw.Fit(main, p.x+p.w-tx-6, draw.Normal), mc, draw.Normal)
	f.UI.Text(x+14, y+26, draw.Fit(sub, p.w-20, draw.Small), th.Muted, draw.Small)
	u.hits = append(u.hits, Hit{X: x, Y: y, W: p.w, H: rowH - 2, hitKey: hitKey{Kind: HitRow, S: sel.ID, I: int(sel.Kind)}, Sel: sel})
	p.cy += rowH
}

// line draws a line of text that is not selectable.
func (p *panel) line(s string, c color.RGBA, z draw.Size) {
	if p.cy+draw.LineH[z] > p.y+p.h {
		return
	}
	p.u.Frame.UI.Text(p.x+8, p.cy, draw.Fit(s, p.w-16, z), c, z)
	p.cy += draw.LineH[z]
}

func (p *panel) empty(k locale.Key) {
	p.line(p.u.M.Text.T(k), p.th.Muted, draw.Normal)
}

func (u *UI) buildPanel(th *theme.Theme, x, y, w, h float32) {
	m, f := u.M, &u.Frame
	f.UI.Rect(x, y, w, h, th.Panel)
	f.UI.Rect(x, y, 1, h, th.Border)
	// Tabs: wrapped to a second row if the panel is narrow.
	tx, ty := x+pad, y+8
	for i, tb := range u.Tabs() {
		label := strconv.Itoa(i+1) + " " + m.Text.T(tabKeys[tb])
		if tb == model.TabInbox {
			if n := m.Unread(); n > 0 {
				label += " (" + strconv.Itoa(n) + ")"
			}
		}
		bw := draw.Width(label, draw.Small) + 16
		if tx+bw > x+w-pad {
			tx, ty = x+pad, ty+30
		}
		fg, bg, border := th.Muted, th.PanelAlt, th.Border
		if m.Tab == tb {
			fg, bg, border = th.Background, th.Accent, th.Accent
		}
		u.button(tx, ty, label, hitKey{Kind: HitTab, I: int(tb)}, fg, bg, border)
		tx += bw + 6
	}
	top := ty + 36
	f.UI.Rect(x, top-6, w, 1, th.Border)
	p := &panel{u: u, th: th, x: x + 1, y: top, w: w - 1, h: y + h - top - pad, cy: top, skip: u.scroll[m.Tab]}
	if m.View == nil {
		p.line(m.Text.T(locale.KeyConnecting), th.Muted, draw.Normal)
		return
	}
	switch m.Tab {
	case model.TabInbox:
		u.inbox(p)
	case model.TabRequests:
		u.requests(p)
	case model.TabReports:
		u.reports(p)
	case model.TabQueue:
		u.queue(p)
	case model.TabInfra:
		u.infra(p)
	case model.TabChat:
		u.chat(p)
	case model.TabControl:
		u.control(p)
	case model.TabNotes:
		u.notes(p)
	case model.TabWhatIf:
		u.whatIf(p)
	case model.TabHelp:
		u.help(p)
	}
}

// inboxItem is an inject or a message, for sorting newest first.
type inboxItem struct {
	sel       model.Sel
	tick      int32
	from, sub string
}

func (u *UI) inbox(p *panel) {
	m := u.M
	v := m.View
	var items []inboxItem
	for _, in := range v.Injects {
		if in.Delivered >= 0 {
			items = append(items, inboxItem{model.Sel{Kind: model.SelInject, ID: in.ID}, in.Delivered, in.From, in.Subject})
		}
	}
	for _, ms := range v.Messages {
		if ms.From == m.Org {
			continue
		}
		sub := ms.Subject
		if sub == "" {
			sub = ms.Text
		}
		from := ms.From
		if from == "" {
			from = ms.Kind
		}
		items = append(items, inboxItem{model.Sel{Kind: model.SelMessage, ID: ms.ID}, ms.Tick, from, sub})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].tick > items[j].tick })
	if len(items) == 0 {
		p.empty(locale.KeyInboxEmpty)
	}
	for _, it := range items {
		p.row(it.sel, it.sub, m.Text.F(locale.KeyFrom, it.from)+" · "+u.tickClock(it.tick), !m.Read[it.sel.ID], "")
	}
}

func (u *UI) requests(p *panel) {
	m := u.M
	v := m.View
	if len(v.Requests) == 0 {
		p.empty(locale.KeyRequestsEmpty)
	}
	for i := len(v.Requests) - 1; i >= 0; i-- {
		r := &v.Requests[i]
		main := m.Text.F(locale.KeyRequestLine, r.ID, r.Kind, r.To, r.Target)
		if r.To == m.Org {
			main = m.Text.F(locale.KeyRequestLine, r.ID, r.Kind, r.From+" → "+m.Text.T(locale.KeyYou), r.Target)
		}
		sub := r.Status + " · " + r.Channel
		if r.TimeLeft > 0 {
			sub += " · " + m.Text.F(locale.KeyTimeLeft, m.Ticks(r.TimeLeft))
		}
		if r.Reason != "" {
			sub += " · " + r.Reason
		}
		p.row(model.Sel{Kind: model.SelRequest, ID: r.ID}, main, sub, r.To == m.Org && r.Status == "pending", "")
	}
}

func (u *UI) reports(p *panel) {
	m := u.M
	v := m.View
	if len(v.Reports) == 0 {
		p.empty(locale.KeyReportsEmpty)
	}
	for i := len(v.Reports) - 1; i >= 0; i-- {
		r := &v.Reports[i]
		sub := m.Text.F(locale.KeyFrom, r.From) + " · " + u.tickClock(r.Tick)
		if r.Campaign != "" {
			sub += " · " + r.Campaign
		}
		p.row(model.Sel{Kind: model.SelReport, ID: r.ID}, r.Title, sub, false, r.TLP)
	}
	if len(v.Indicators) > 0 {
		p.cy += 6
		p.line(m.Text.T(locale.KeyIndicators), p.th.Text, draw.Normal)
		for _, in := range v.Indicators {
			p.row(model.Sel{Kind: model.SelIndicator, ID: in.Campaign}, in.Campaign, in.Kind+" · "+in.Offence, false, "")
		}
	}
	if len(v.Evidence) > 0 {
		p.cy += 6
		p.line(m.Text.T(locale.KeyEvidence), p.th.Text, draw.Normal)
		for _, e := range v.Evidence {
			sub := e.Kind + " · " + e.Holder + " · " + e.Custody
			switch {
			case e.Lost:
				sub += " · " + m.Text.T(locale.KeyLost)
			case e.Preserved:
				sub += " · " + m.Text.T(locale.KeyPreserved)
			case e.Expires > v.Tick:
				sub += " · " + m.Text.F(locale.KeyTimeLeft, m.Ticks(e.Expires-v.Tick))
			}
			p.row(model.Sel{Kind: model.SelEvidence, ID: e.ID}, e.ID, sub, false, "")
		}
	}
}

func (u *UI) queue(p *panel) {
	m := u.M
	v := m.View
	if s := v.Self; s != nil {
		p.line(m.Text.F(locale.KeyStaff, s.Busy, s.Staff, s.Waiting), p.th.Text, draw.Normal)
		p.cy += 4
	}
	if len(v.Queue) == 0 {
		p.empty(locale.KeyQueueEmpty)
	}
	for _, a := range v.Queue {
		main := a.ID + " " + m.Text.Verb(a.Verb) + " " + a.Target
		var sub string
		if a.Running {
			sub = m.Text.F(locale.KeyQueueRunning, u.tickClock(a.Done))
		} else {
			sub = m.Text.F(locale.KeyQueueWaiting, a.Ahead)
			if a.Behind != 0 {
				sub += " · " + m.Text.F(locale.KeyBehind, engine.CommandID(a.Behind))
			}
		}
		sub += " · " + m.Text.F(locale.KeyCost, m.Ticks(a.Ticks), a.Staff)
		p.row(model.Sel{Kind: model.SelQueued, ID: a.ID}, main, sub, false, "")
	}
}

func (u *UI) infra(p *panel) {
	m := u.M
	v := m.View
	th, f := p.th, &u.Frame
	if len(v.Infras) == 0 {
		p.empty(locale.KeyInfraEmpty)
	}
	for _, in := range v.Infras {
		var flags []string
		for _, fl := range []struct {
			on bool
			k  locale.Key
		}{{in.Manual, locale.KeyManual}, {in.Islanded, locale.KeyIslanded}, {in.Damaged, locale.KeyDamaged}, {in.Tripped, locale.KeyTripped}, {!in.Operates, locale.KeyDependsOn}} {
			if fl.on {
				flags = append(flags, m.Text.T(fl.k))
			}
		}
		sub := in.Owner
		if len(flags) > 0 {
			sub += " · " + strings.Join(flags, ", ")
		}
		y := p.cy
		p.row(model.Sel{Kind: model.SelInfra, ID: in.ID}, m.Text.F(locale.KeyInfraLine, in.ID, in.Kind, in.Level/10), sub, false, "")
		if p.cy > y { // drawn: add the level bar at the row's right
			bw := float32(90)
			bx := p.x + p.w - bw - 12
			c := th.StateColor[theme.StateClean]
			switch {
			case in.Level < 500:
				c = th.StateColor[theme.StateCompromised]
			case in.Level < 900:
				c = th.StateColor[theme.StateDegraded]
			}
			f.UI.Rect(bx, y+28, bw, 8, th.Background)
			f.UI.Rect(bx, y+28, bw*float32(in.Level)/1000, 8, c)
			f.UI.Frame(bx, y+28, bw, 8, 1, th.Border)
		}
	}
}

func (u *UI) chat(p *panel) {
	m := u.M
	v := m.View
	th := p.th
	if m.ChatTo == "" {
		u.cycleChatTo(1)
	}
	// The compose line sits at the bottom; messages fill the space above,
	// newest last.
	boxY := p.y + p.h - 64
	var msgs []*engine.MessageView
	for i := range v.Messages {
		if v.Messages[i].Kind == "message" {
			msgs = append(msgs, &v.Messages[i])
		}
	}
	if len(msgs) == 0 {
		p.empty(locale.KeyChatEmpty)
	}
	fit := int((boxY - p.cy) / rowH)
	if fit < 0 {
		fit = 0
	}
	start := len(msgs) - fit - p.skip
	if start < 0 {
		start = 0
	}
	p.skip = 0
	for _, ms := range msgs[start:] {
		if p.cy+rowH > boxY {
			break
		}
		who := ms.From + " → " + strings.Join(ms.To, ", ")
		p.row(model.Sel{Kind: model.SelMessage, ID: ms.ID}, ms.Text, who+" · "+u.tickClock(ms.Tick), !m.Read[ms.ID] && ms.From != m.Org, "")
	}
	u.composer(p, boxY, m.Text.F(locale.KeyTo, m.ChatTo), HitChatTo, &m.Chat, HitChat, HitChatSend, locale.KeyChatPrompt, model.Place{Tab: model.TabChat})
	_ = th
}

// composer draws a text box with a send button, and a chooser above it
// when chooser is not empty.
func (u *UI) composer(p *panel, y float32, chooser string, chooserKind HitKind, text *string, boxKind, sendKind HitKind, prompt locale.Key, place model.Place) {
	th, f, m := p.th, &u.Frame, u.M
	if chooser != "" {
		u.button(p.x+8, y, chooser+"  ◄ ►", hitKey{Kind: chooserKind}, th.Text, th.PanelAlt, th.Border)
	}
	if n, ok := m.NoticeAt(place); ok {
		c := th.OK
		if n.Error {
			c = th.Error
		}
		f.UI.Text(p.x+170, y+4, draw.Fit(n.Text, p.w-180, draw.Small), c, draw.Small)
	}
	by := y + 30
	sendLabel := m.Text.T(locale.KeySend)
	sw := draw.Width(sendLabel, draw.Small) + 16
	bw := p.w - 16 - sw - 8
	focused := u.focus.Kind == boxKind
	border := th.Border
	if focused {
		border = th.Accent
	}
	f.UI.Rect(p.x+8, by, bw, 28, th.Background)
	f.UI.Frame(p.x+8, by, bw, 28, 1, border)
	shown, c := *text, th.Text
	if shown == "" && !focused {
		shown, c = m.Text.T(prompt), th.Muted
	}
	if focused {
		shown += "_"
	}
	// Show the end of a long text: what is being typed.
	if max := int((bw - 12) / draw.Advance[draw.Normal]); len([]rune(shown)) > max && max > 1 {
		r := []rune(shown)
		shown = "…" + string(r[len(r)-max+1:])
	}
	f.UI.Text(p.x+14, by+4, shown, c, draw.Normal)
	u.hits = append(u.hits, Hit{X: p.x + 8, Y: by, W: bw, H: 28, hitKey: hitKey{Kind: boxKind}})
	u.button(p.x+8+bw+8, by+2, sendLabel, hitKey{Kind: sendKind}, th.Background, th.Accent, th.Accent)
}

func (u *UI) control(p *panel) {
	m := u.M
	v := m.View
	th := p.th
	t := m.Text
	place := model.Place{Tab: model.TabControl}
	x := p.x + 8
	y := p.cy
	ctl := func(op string, label string, args map[string]string) {
		// The key names the operation and the button (two pace buttons).
		h := u.button(x, y, label, hitKey{Kind: HitControl, S: op + ":" + label}, th.Text, th.PanelAlt, th.Border)
		u.hits[len(u.hits)-1].Args = args
		x += h.W + 6
	}
	if m.Role != model.RoleController {
		p.line(t.T(locale.KeyReadOnly), th.Muted, draw.Normal)
	} else {
		switch {
		case !m.Status.Started:
			ctl("start", t.T(locale.KeyStart), nil)
		case m.Status.Paused:
			ctl("resume", t.T(locale.KeyResume), nil)
		default:
			ctl("pause", t.T(locale.KeyPause), nil)
		}
		ms := m.Status.MillisPerTick
		if ms < 1 {
			ms = 1000
		}
		ctl("pace", t.T(locale.KeyPaceDown), map[string]string{"ms_per_tick": strconv.FormatInt(min(ms*2, 60_000), 10)})
		ctl("pace", t.T(locale.KeyPaceUp), map[string]string{"ms_per_tick": strconv.FormatInt(max(ms/2, 10), 10)})
		x = p.x + 8
		y += 30
		for _, n := range []int{10, 60} {
			ctl("advance", t.F(locale.KeyAdvance, n), map[string]string{"ticks": strconv.Itoa(n)})
		}
		h := u.button(x, y, t.Op("inject"), hitKey{Kind: HitAction, I: len(u.actions), S: "inject"}, th.Text, th.PanelAlt, th.Border)
		u.actions = append(u.actions, m.InjectForm())
		x += h.W + 6
		p.cy = y + 32
		if n, ok := m.NoticeAt(place); ok {
			c := th.OK
			if n.Error {
				c = th.Error
			}
			p.line(n.Text, c, draw.Small)
		}
	}
	p.cy += 4
	p.line(t.T(locale.KeyObjectives), th.Text, draw.Normal)
	for _, o := range v.Objectives {
		c := th.Muted
		switch o.Status {
		case "met":
			c = th.OK
		case "failed":
			c = th.Error
		}
		for _, l := range wrap("["+o.Status+"] "+o.Description, p.w-16, draw.Small, 2) {
			p.line(l, c, draw.Small)
		}
	}
	if len(m.Figures) > 0 {
		p.cy += 4
		p.line(t.T(locale.KeyFigures), th.Text, draw.Normal)
		u.figureColumns(p, m.Figures, 0, false)
	}
	if m.Status.Problem != "" {
		p.line(m.Status.Problem, th.Error, draw.Small)
	}
	p.cy += 4
	p.line(t.T(locale.KeyTeams), th.Text, draw.Normal)
	for _, o := range v.Directory {
		sub := o.ID + " · " + o.Kind + " · " + o.Jurisdiction
		for _, tm := range m.Teams {
			if tm.Org == o.ID {
				if tm.Scripted {
					sub += " · " + t.T(locale.KeyScript)
				} else {
					sub += " · " + t.F(locale.KeyPeopleN, tm.People)
				}
			}
		}
		p.row(model.Sel{Kind: model.SelOrg, ID: o.ID}, o.Name, sub, false, "")
	}
}

func (u *UI) notes(p *panel) {
	m := u.M
	p.line(m.Text.T(locale.KeyNotesHelp), p.th.Muted, draw.Small)
	u.composer(p, p.cy+4, "", 0, &m.Note, HitNote, HitNoteSend, locale.KeyNotesPrompt, model.Place{Tab: model.TabNotes})
}

func (u *UI) help(p *panel) {
	m := u.M
	th := p.th
	for _, l := range wrap(m.Text.T(locale.KeyHelpKeys), p.w-16, draw.Small, 12) {
		p.line(l, th.Text, draw.Small)
	}
	p.cy += 8
	label := m.Text.T(locale.KeyHighContrast) + " (H)"
	u.button(p.x+8, p.cy, label, hitKey{Kind: HitContrast}, th.Text, th.PanelAlt, th.Border)
	p.cy += 34
	u.button(p.x+8, p.cy, m.Text.T(locale.KeyLegend)+" (L)", hitKey{Kind: HitLegend}, th.Text, th.PanelAlt, th.Border)
}
