package report

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"

	"cyberex/engine"
)

// The pictures are drawn as inline SVG by hand: no script, no external
// font, nothing fetched, and the same bytes for the same run (the golden
// tests compare them). Every mark has a <title>, which a browser shows on
// hover and a screen reader reads.

const (
	svgW      = 960 // drawing width; the CSS scales it to the page
	labelW    = 150 // left column of lane and row labels
	plotRight = 16
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"}

type svgBuf struct{ strings.Builder }

func (b *svgBuf) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

// axis maps ticks from..to to x in [labelW, svgW-plotRight].
type axis struct {
	from, to int32
	tickS    int32
}

func newAxis(from, to, tickS int32) axis {
	return axis{from: from, to: max(to, from+1), tickS: max(tickS, 1)}
}

func (a axis) x(t int32) float64 {
	t = min(max(t, a.from), a.to)
	return labelW + float64(t-a.from)*float64(svgW-labelW-plotRight)/float64(a.to-a.from)
}

// timeGrid draws vertical lines between y0 and y1 at round times (15
// minutes to a week, whichever gives a readable number of lines), labelled
// under y1 with the time since the start.
func (a axis) timeGrid(b *svgBuf, y0, y1 float64) {
	span := int64(a.to-a.from) * int64(a.tickS)
	step := int64(7 * 86400)
	for _, s := range []int64{900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400} {
		if span/s <= 10 {
			step = s
			break
		}
	}
	first := (int64(a.from)*int64(a.tickS) + step - 1) / step
	for n := first; n*step <= int64(a.to)*int64(a.tickS) && n-first <= 200; n++ {
		sec := n * step
		x := a.x(int32(sec / int64(a.tickS)))
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`, x, y0, x, y1)
		var lab string
		switch {
		case step >= 86400:
			lab = fmt.Sprintf("d%d", sec/86400)
		case sec%86400 == 0:
			lab = fmt.Sprintf("d%d", sec/86400)
		case sec >= 86400:
			lab = fmt.Sprintf("d%d %dh", sec/86400, sec%86400/3600)
		case step < 3600:
			lab = fmt.Sprintf("%dh%02d", sec/3600, sec%3600/60)
		default:
			lab = fmt.Sprintf("%dh", sec/3600)
		}
		b.f(`<text x="%.1f" y="%.1f" class="axis" text-anchor="middle">%s</text>`, x, y1+12, lab)
	}
}

func svgOpen(b *svgBuf, h int, label string) {
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, svgW, h, svgW, h, esc(label))
}

// lane is one row of the timeline.
type lane struct {
	id, label string
}

// TimelineSVG draws one lane per organisation with the injects delivered,
// the decisions (commands accepted), requests (a line from sender to
// receiver, sent to answered), detections, reports shared and other key
// events, the objectives' decisions in a lane of their own, and the
// evaluators' notes.
func TimelineSVG(r *Run, notes []Note, w Window) template.HTML {
	var lanes []lane
	laneOf := map[string]int{}
	add := func(id, label string) {
		laneOf[id] = len(lanes)
		lanes = append(lanes, lane{id, label})
	}
	add("#objectives", "objectives")
	for _, o := range r.Orgs {
		if o.Kind != "adversary" {
			add(o.ID, o.ID)
		}
	}
	add("#attack", "attack")
	if len(notes) > 0 {
		add("#notes", "evaluators")
	}
	const laneH, top = 26, 8
	h := top + laneH*len(lanes) + 22
	ax := newAxis(w.From, w.To, r.TickSeconds)
	in := func(t int32) bool { return t >= w.From && t <= w.To }
	var b svgBuf
	svgOpen(&b, h, "timeline of "+r.Scenario)
	y := func(l int) float64 { return float64(top + laneH*l + laneH/2) }
	for i, l := range lanes {
		if i%2 == 1 {
			b.f(`<rect x="0" y="%d" width="%d" height="%d" class="band"/>`, top+laneH*i, svgW, laneH)
		}
		b.f(`<text x="%d" y="%.1f" class="lane">%s</text>`, labelW-6, y(i)+4, esc(cut(l.label, 22)))
	}
	ax.timeGrid(&b, top, float64(top+laneH*len(lanes)))
	isAdversary := map[string]bool{}
	for _, o := range r.Orgs {
		if o.Kind == "adversary" {
			isAdversary[o.ID] = true
		}
	}
	laneFor := func(org string) (int, bool) {
		if isAdversary[org] {
			return laneOf["#attack"], true
		}
		l, ok := laneOf[org]
		return l, ok
	}
	// Requests first, so that the marks sit on top of their lines.
	for _, q := range r.Requests {
		from, okF := laneFor(orgAt(r, q.From))
		to, okT := laneFor(orgAt(r, q.To))
		if !okF || !okT {
			continue
		}
		end, cls := q.Answer, "req-ok"
		switch q.Status {
		case engine.ReqRefused:
			cls = "req-refused"
		case engine.ReqPending, engine.ReqUnanswered:
			end, cls = r.Ticks, "req-open"
		}
		if end == engine.None {
			end = r.Ticks
		}
		if q.Sent > w.To || end < w.From {
			continue
		}
		title := fmt.Sprintf("req-%d %s → %s: %s %s (%s), sent %s, %s", q.ID, esc(orgAt(r, q.From)), esc(orgAt(r, q.To)), q.Kind, esc(q.Target), q.Channel, r.When(q.Sent), esc(requestOutcome(r, q)))
		if len(r.Requests) > requestLinesMax {
			// Too many lines to follow: a tick where it was sent, a dot
			// where (and on whose lane) it was answered.
			if in(q.Sent) {
				b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"><title>%s</title></line>`, ax.x(q.Sent), y(from)+3, ax.x(q.Sent), y(from)+10, cls, title)
			}
			if cls != "req-open" && in(end) {
				b.f(`<circle cx="%.1f" cy="%.1f" r="2.5" class="dot-%s"><title>%s</title></circle>`, ax.x(end), y(to)+7, cls, title)
			}
			continue
		}
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"><title>%s</title></line>`, ax.x(q.Sent), y(from), ax.x(end), y(to), cls, title)
	}
	for _, e := range r.Events {
		if !in(e.Tick) {
			continue
		}
		title := fmt.Sprintf("%s %s: %s", r.When(e.Tick), e.Kind, e.Text)
		x := ax.x(e.Tick)
		switch e.Kind {
		case engine.EvObjectiveChanged:
			cls := "obj-met"
			if e.Value == int64(engine.ObjFailed) {
				cls = "obj-failed"
			}
			b.f(`<circle cx="%.1f" cy="%.1f" r="5" class="%s"><title>%s</title></circle>`, x, y(0), cls, esc(title))
		case engine.EvInjectDelivered:
			for _, v := range e.Visible {
				if l, ok := laneFor(orgAt(r, v)); ok {
					b.f(`<rect x="%.1f" y="%.1f" width="8" height="8" class="inject"><title>%s</title></rect>`, x-4, y(l)-4, esc(title))
				}
			}
		case engine.EvCommandAccepted:
			if l, ok := laneFor(e.Org); ok {
				b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="decision"><title>%s</title></line>`, x, y(l)-8, x, y(l)+8, esc(title))
			}
		case engine.EvCommandRejected:
			if l, ok := laneFor(e.Org); ok {
				b.f(`<path d="M%.1f %.1fl6 6m0 -6l-6 6" class="rejected"><title>%s</title></path>`, x-3, y(l)-3, esc(title))
			}
		case engine.EvAssetDetected, engine.EvBotnetAlert:
			if l, ok := laneFor(e.Org); ok {
				b.f(`<path d="M%.1f %.1fl5 5l-5 5l-5 -5z" class="detect"><title>%s</title></path>`, x, y(l)-5, esc(title))
			}
		case engine.EvReportShared, engine.EvStatement:
			if l, ok := laneFor(e.Org); ok {
				b.f(`<path d="M%.1f %.1fl5 9h-10z" class="share"><title>%s</title></path>`, x, y(l)-5, esc(title))
			}
		case engine.EvC2Disrupted, engine.EvC2Moved, engine.EvCampaignStarted, engine.EvPhysicalAttack, engine.EvAssetDestroyed, engine.EvCaseOpened:
			l := laneOf["#attack"]
			if e.Kind == engine.EvCaseOpened || e.Kind == engine.EvC2Disrupted && e.Org != "" {
				if ll, ok := laneFor(e.Org); ok {
					l = ll
				}
			}
			b.f(`<circle cx="%.1f" cy="%.1f" r="4" class="key-%s"><title>%s</title></circle>`, x, y(l), strings.ReplaceAll(e.Kind, ".", "-"), esc(title))
		case engine.EvEvidenceLost:
			b.f(`<path d="M%.1f %.1fl8 8m0 -8l-8 8" class="lost"><title>%s</title></path>`, x-4, y(laneOf["#attack"])-4, esc(title))
		}
	}
	if l, ok := laneOf["#notes"]; ok {
		for _, n := range notes {
			if !in(n.Tick) {
				continue
			}
			b.f(`<circle cx="%.1f" cy="%.1f" r="5" class="note-%s"><title>%s %s (%s): %s</title></circle>`, ax.x(n.Tick), y(l), n.Kind, r.When(n.Tick), esc(n.Author), n.Kind, esc(n.Text))
		}
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// requestLinesMax is how many requests the timeline draws as lines from
// sender to receiver; beyond it, as marks on both lanes.
const requestLinesMax = 40

// evidenceRowsMax bounds the rows of the evidence picture.
const evidenceRowsMax = 40

// Window is a span of ticks a timeline shows.
type Window struct {
	From, To int32
	Detail   bool // a close-up of the busy start of a long run
}

// TimelineWindows are the timelines to draw: the whole run, preceded by a
// close-up of its start when nine tenths of what happened (commands,
// injects, requests, detections, shares) happened in its first third.
func TimelineWindows(r *Run) []Window {
	whole := Window{From: 0, To: max(r.Ticks, 1)}
	var ticks []int32
	for _, e := range r.Events {
		switch e.Kind {
		case engine.EvCommandAccepted, engine.EvInjectDelivered, engine.EvRequestSent, engine.EvAssetDetected,
			engine.EvBotnetAlert, engine.EvReportShared, engine.EvStatement, engine.EvCommandRejected:
			ticks = append(ticks, e.Tick)
		}
	}
	if len(ticks) < 10 {
		return []Window{whole}
	}
	slices.Sort(ticks)
	t90 := ticks[len(ticks)*9/10]
	if t90*3 > r.Ticks {
		return []Window{whole}
	}
	// From just before the first of it: a quiet start is not worth the
	// width.
	to := roundUp(r, t90+t90/5+1)
	from := roundDown(r, ticks[0]-(to-ticks[0])/10)
	return []Window{{From: from, To: to, Detail: true}, whole}
}

// roundDown is a tick rounded down to a whole hour of exercise time, at
// least 0.
func roundDown(r *Run, t int32) int32 {
	ts := int64(max(r.TickSeconds, 1))
	return max(int32(int64(max(t, 0))*ts/3600*3600/ts), 0)
}

// roundUp is a tick rounded up to a whole hour (a whole day beyond three
// days) of exercise time, at most the run's last tick: where a chart of
// what happened up to t ends.
func roundUp(r *Run, t int32) int32 {
	ts := int64(max(r.TickSeconds, 1))
	unit := int64(3600)
	if int64(t)*ts > 3*86400 {
		unit = 86400
	}
	return max(min(int32((int64(t)*ts+unit-1)/unit*unit/ts), r.Ticks), 1)
}

func requestOutcome(r *Run, q engine.Request) string {
	switch q.Status {
	case engine.ReqPending:
		return "still pending"
	case engine.ReqUnanswered:
		return "never answered"
	case engine.ReqRefused:
		return fmt.Sprintf("refused %s: %s", r.When(q.Answer), q.Reason)
	}
	return fmt.Sprintf("%s %s (due %s)", q.Status, r.When(q.Answer), r.When(q.Due))
}

func cut(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// cutMiddle shortens s to n characters by its middle, keeping the end
// that tells numbered ids apart ("videos-acc…-records-12").
func cutMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// LineChartSVG draws series of one unit on a shared axis, with a legend.
// yMax 0 scales to the largest value.
//
// steps draws each value held until the next sample (levels and counts
// that change at an instant); otherwise points are joined by straight
// lines.
func LineChartSVG(title string, w Window, tickS int32, series []Series, yMax int64, dashed []bool, steps bool) template.HTML {
	const top, plotH = 8, 170
	legendRows := (len(series) + 3) / 4
	h := top + plotH + 24 + 16*legendRows
	ax := newAxis(w.From, w.To, tickS)
	if yMax <= 0 {
		for _, s := range series {
			for _, v := range s.Vals {
				yMax = max(yMax, v)
			}
		}
		yMax = niceCeil(yMax)
	}
	var b svgBuf
	svgOpen(&b, h, title)
	y := func(v int64) float64 { return float64(top) + float64(plotH)*(1-float64(v)/float64(yMax)) }
	for k := int64(0); k <= 4; k++ {
		v := yMax * k / 4
		b.f(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>`, labelW, y(v), svgW-plotRight, y(v))
		b.f(`<text x="%d" y="%.1f" class="axis" text-anchor="end">%s</text>`, labelW-6, y(v)+4, short(v))
	}
	ax.timeGrid(&b, top, top+plotH)
	for i, s := range series {
		if len(s.Ticks) == 0 {
			continue
		}
		var pts strings.Builder
		for k := range s.Ticks {
			// The points inside the window, and one on each side so that
			// the line reaches its edges.
			if k+1 < len(s.Ticks) && s.Ticks[k+1] < w.From || k > 0 && s.Ticks[k-1] > w.To {
				continue
			}
			if steps && k > 0 && pts.Len() > 0 {
				fmt.Fprintf(&pts, "%.1f,%.1f ", ax.x(s.Ticks[k]), y(min(s.Vals[k-1], yMax)))
			}
			fmt.Fprintf(&pts, "%.1f,%.1f ", ax.x(s.Ticks[k]), y(min(s.Vals[k], yMax)))
		}
		dash := ""
		if i < len(dashed) && dashed[i] {
			dash = ` stroke-dasharray="6 3"`
		}
		b.f(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s><title>%s</title></polyline>`, strings.TrimSpace(pts.String()), palette[i%len(palette)], dash, esc(s.Name))
	}
	for i, s := range series {
		lx := labelW + (i%4)*((svgW-labelW)/4)
		ly := top + plotH + 30 + 16*(i/4)
		b.f(`<rect x="%d" y="%d" width="12" height="4" fill="%s"/><text x="%d" y="%d" class="legend">%s</text>`, lx, ly-6, palette[i%len(palette)], lx+16, ly, esc(cut(s.Name, 30)))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds a chart's top up to 4, 1, 2 or 5 times a power of ten,
// so that its four grid lines fall on whole numbers.
func niceCeil(v int64) int64 {
	if v <= 4 {
		return 4
	}
	p := int64(1)
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 4, 5, 8, 10} {
		if m*p >= v && (m*p)%4 == 0 {
			return m * p
		}
	}
	return 10 * p
}

func short(v int64) string {
	switch {
	case v >= 10_000_000:
		return fmt.Sprintf("%dM", v/1_000_000)
	case v >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(v)/1e6)
	case v >= 10_000:
		return fmt.Sprintf("%dk", v/1000)
	}
	return fmt.Sprint(v)
}

// EvidenceSVG draws one bar per evidence item from its creation to its
// loss or the end: green once preserved, red where it was lost, a blue
// mark where someone obtained it lawfully (grey informally).
func EvidenceSVG(r *Run) template.HTML {
	items := evidenceShown(r)
	const rowH, top = 16, 8
	h := top + rowH*len(items) + 22
	ax := newAxis(0, r.Ticks, r.TickSeconds)
	var b svgBuf
	svgOpen(&b, h, "evidence kept and lost")
	ax.timeGrid(&b, top, float64(top+rowH*len(items)))
	for i, e := range items {
		yc := float64(top + rowH*i + rowH/2)
		b.f(`<text x="%d" y="%.1f" class="lane">%s</text>`, labelW-6, yc+4, esc(cutMiddle(e.ID, 24)))
		end := r.Ticks
		if e.Lost >= 0 {
			end = e.Lost
		}
		b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="8" class="ev-held"><title>%s (%s at %s), from %s</title></rect>`,
			ax.x(e.Created), yc-4, max(ax.x(end)-ax.x(e.Created), 1), esc(e.ID), esc(e.Kind), esc(e.Holder), r.When(e.Created))
		if e.Preserved >= 0 {
			b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="8" class="ev-preserved"><title>%s preserved %s</title></rect>`,
				ax.x(e.Preserved), yc-4, max(ax.x(end)-ax.x(e.Preserved), 1), esc(e.ID), r.When(e.Preserved))
		}
		if e.Lost >= 0 {
			b.f(`<path d="M%.1f %.1fl8 8m0 -8l-8 8" class="lost"><title>%s lost %s</title></path>`, ax.x(e.Lost)-4, yc-4, esc(e.ID), r.When(e.Lost))
		}
		for _, o := range e.Obtained {
			cls := "ev-informal"
			how := "informally"
			if o.Lawful {
				cls, how = "ev-lawful", "lawfully"
			}
			b.f(`<path d="M%.1f %.1fv12" class="%s"><title>%s obtained %s %s by %s</title></path>`, ax.x(o.Tick), yc-6, cls, esc(e.ID), how, r.When(o.Tick), esc(o.Org))
		}
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// evidenceShown are the evidence items the picture draws: all of them,
// or at most evidenceRowsMax with the lost ones first, then the preserved,
// each group in the run's order.
func evidenceShown(r *Run) []Evidence {
	if len(r.Evidence) <= evidenceRowsMax {
		return r.Evidence
	}
	rank := func(e Evidence) int {
		switch {
		case e.Lost >= 0:
			return 0
		case e.Preserved >= 0:
			return 1
		}
		return 2
	}
	out := slices.Clone(r.Evidence)
	slices.SortStableFunc(out, func(a, b Evidence) int { return rank(a) - rank(b) })
	return out[:evidenceRowsMax]
}

// TimingSVG draws, per organisation, when it first detected, contained
// and notified, against the times the scenario's tests expect (dashed).
func TimingSVG(r *Run, ts []OrgTiming, ex Expectations) template.HTML {
	const rowH, top = 22, 20
	h := top + rowH*len(ts) + 40
	last := max(ex.Detect, ex.Contain, ex.Notify)
	for _, t := range ts {
		last = max(last, t.Detect, t.Contain, t.Notify)
	}
	ax := newAxis(0, roundUp(r, last+last/10+1), r.TickSeconds)
	var b svgBuf
	svgOpen(&b, h, "time to detect, contain and notify")
	ax.timeGrid(&b, top, float64(top+rowH*len(ts)))
	for _, x := range []struct {
		t   int32
		cls string
		lab string
	}{{ex.Detect, "t-detect", "detect"}, {ex.Contain, "t-contain", "contain"}, {ex.Notify, "t-notify", "notify"}} {
		if x.t >= 0 {
			b.f(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="expect %s"><title>the scenario expects the first %s by %s</title></line>`, ax.x(x.t), top-12, ax.x(x.t), top+rowH*len(ts), x.cls, x.lab, r.When(x.t))
			b.f(`<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s by</text>`, ax.x(x.t), top-14+10, x.lab)
		}
	}
	for i, t := range ts {
		yc := float64(top + rowH*i + rowH/2)
		b.f(`<text x="%d" y="%.1f" class="lane">%s</text>`, labelW-6, yc+4, esc(cut(t.Org, 22)))
		b.f(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>`, labelW, yc, svgW-plotRight, yc)
		mark := func(tk int32, cls, what string, dy float64) {
			if tk < 0 {
				return
			}
			b.f(`<circle cx="%.1f" cy="%.1f" r="5" class="%s"><title>%s first %s %s</title></circle>`, ax.x(tk), yc+dy, cls, esc(t.Org), what, r.When(tk))
		}
		mark(t.Detect, "t-detect", "detected something", -4)
		mark(t.Contain, "t-contain", "completed a containing action", 0)
		mark(t.Notify, "t-notify", "shared, requested or stated", 4)
	}
	ly := top + rowH*len(ts) + 34
	for i, x := range []struct{ cls, lab string }{{"t-detect", "detect"}, {"t-contain", "contain"}, {"t-notify", "notify (share, request, statement)"}} {
		lx := labelW + i*200
		b.f(`<circle cx="%d" cy="%d" r="5" class="%s"/><text x="%d" y="%d" class="legend">%s</text>`, lx, ly-4, x.cls, lx+10, ly, x.lab)
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// RequestsSVG draws one bar per request from sent to answered, coloured by
// outcome, with a mark at the tick its channel was due to answer by.
func RequestsSVG(r *Run) template.HTML {
	reqs := r.Requests
	const rowH, top = 16, 8
	h := top + rowH*len(reqs) + 22
	last := int32(0)
	for _, q := range reqs {
		switch q.Status {
		case engine.ReqPending, engine.ReqUnanswered:
			last = r.Ticks
		default:
			last = max(last, q.Answer, q.Due)
		}
	}
	ax := newAxis(0, roundUp(r, last+last/10+1), r.TickSeconds)
	var b svgBuf
	svgOpen(&b, h, "requests and their answers")
	ax.timeGrid(&b, top, float64(top+rowH*len(reqs)))
	for i, q := range reqs {
		yc := float64(top + rowH*i + rowH/2)
		b.f(`<text x="%d" y="%.1f" class="lane">%s</text>`, labelW-6, yc+4, esc(cut(fmt.Sprintf("req-%d %s", q.ID, orgAt(r, q.From)), 24)))
		end, cls := q.Answer, "req-ok"
		switch q.Status {
		case engine.ReqRefused:
			cls = "req-refused"
		case engine.ReqPending, engine.ReqUnanswered:
			end, cls = r.Ticks, "req-open"
		}
		if end == engine.None {
			end = r.Ticks
		}
		if cls == "req-ok" && q.Answer > q.Due {
			cls = "req-late"
		}
		b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="8" class="bar-%s"><title>req-%d %s → %s: %s %s (%s): %s</title></rect>`,
			ax.x(q.Sent), yc-4, max(ax.x(end)-ax.x(q.Sent), 2), cls, q.ID, esc(orgAt(r, q.From)), esc(orgAt(r, q.To)), q.Kind, esc(q.Target), q.Channel, esc(requestOutcome(r, q)))
		if q.Due > 0 && q.Due != engine.None {
			b.f(`<path d="M%.1f %.1fv12" class="due"><title>due %s</title></path>`, ax.x(q.Due), yc-6, r.When(q.Due))
		}
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// HistogramSVG draws the distribution of one outcome for several groups
// side by side (fast vs slow): one small histogram per group on a shared
// value axis.
func HistogramSVG(title string, groups []string, samples [][]int64) template.HTML {
	lo, hi := int64(0), int64(0)
	first := true
	for _, s := range samples {
		for _, v := range s {
			if first {
				lo, hi, first = v, v, false
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	// Twelve bins, or one per value when there are fewer values.
	bins := int64(12)
	if hi-lo+1 < bins {
		bins = max(hi-lo+1, 1)
	}
	width := max((hi-lo+bins)/bins, 1)
	n := max(len(groups), 1)
	const top, plotH = 22, 110
	panelW := (svgW - 20) / n
	h := top + plotH + 36
	var b svgBuf
	svgOpen(&b, h, title)
	for g, name := range groups {
		counts := make([]int, int(bins))
		maxC := 1
		for _, v := range samples[g] {
			k := min(int((v-lo)/width), int(bins)-1)
			counts[k]++
			maxC = max(maxC, counts[k])
		}
		x0 := 10 + g*panelW + 30
		bw := float64(panelW-50) / float64(bins)
		b.f(`<text x="%d" y="14" class="legend">%s (%d runs)</text>`, x0, esc(cut(name, 40)), len(samples[g]))
		b.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/>`, x0, top+plotH, x0+panelW-50, top+plotH)
		for k, c := range counts {
			bh := float64(plotH) * float64(c) / float64(maxC)
			b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%d–%d: %d runs</title></rect>`,
				float64(x0)+bw*float64(k)+1, float64(top+plotH)-bh, bw-2, bh, palette[g%len(palette)], lo+int64(k)*width, lo+int64(k+1)*width-1, c)
		}
		b.f(`<text x="%d" y="%d" class="axis">%s</text>`, x0, top+plotH+14, short(lo))
		b.f(`<text x="%d" y="%d" class="axis" text-anchor="end">%s</text>`, x0+panelW-50, top+plotH+14, short(lo+width*bins-1))
		if len(samples[g]) > 0 {
			s := slices.Clone(samples[g])
			slices.Sort(s)
			b.f(`<text x="%d" y="%d" class="axis">median %s, min %s, max %s</text>`, x0, top+plotH+30, short(s[len(s)/2]), short(s[0]), short(s[len(s)-1]))
		}
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}
