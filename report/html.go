package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"cyberex/engine"
)

//go:embed report.css
var css string

//go:embed report.html.tmpl
var page string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"when":    func(r *Run, t int32) string { return r.When(t) },
	"clock":   clock,
	"span":    span,
	"css":     func() template.CSS { return template.CSS(css) },
	"join":    strings.Join,
	"meaning": func(r Rating) string { return r.Meaning() },
	"rating": func(r Rating) string {
		if r == RatingNone {
			return "–"
		}
		return string(r)
	},
	"timeline": TimelineSVG,
	"windows":  TimelineWindows,
	"evidence": EvidenceSVG,
	"timing":   TimingSVG,
	"requests": RequestsSVG,
	"histogram": func(g OutcomeGroup) template.HTML {
		return HistogramSVG(g.Title, g.Groups, g.Samples)
	},
	"infraSeries": func(r *Run) []Series { return seriesOf(r, "infra") },
	"infraChart": func(r *Run, w Window) template.HTML {
		return LineChartSVG("infrastructure availability", w, r.TickSeconds, seriesOf(r, "infra"), 1000, nil, true)
	},
	"evidenceChart": func(r *Run) template.HTML {
		return LineChartSVG("evidence kept and lost", whole(r), r.TickSeconds, seriesOf(r, "evidence"), 0, nil, true)
	},
	"campaigns": func(r *Run) []Series { return seriesOf(r, "campaign") },
	"campaignChart": func(r *Run, s Series, branches []*Run) template.HTML {
		all := []Series{{Name: r.Name, Ticks: s.Ticks, Vals: s.Vals}}
		dashed := []bool{false}
		for _, b := range branches {
			if b.CutOf {
				continue // this run's own line, cut short
			}
			for _, x := range b.Series {
				if x.Group == s.Group && x.Name == s.Name {
					all = append(all, Series{Name: b.Name, Ticks: x.Ticks, Vals: x.Vals})
					dashed = append(dashed, true)
				}
			}
		}
		if len(all) == 1 {
			all[0].Name = s.Name + " (" + s.Unit + ")"
		}
		return LineChartSVG("spread of "+s.Name, whole(r), r.TickSeconds, all, 0, dashed, false)
	},
	"log":         logOf,
	"compare":     compare,
	"injectsMSEL": func(r *Run) []engine.Inject { return r.Injects },
	"orgsOf": func(r *Run, ids []int32) string {
		var out []string
		for _, i := range ids {
			out = append(out, orgAt(r, i))
		}
		return strings.Join(out, ", ")
	},
	"isNote": func(x LogRow) bool { return x.Note != nil },
}).Parse(page))

// WriteHTML writes the report as one self-contained HTML page.
func WriteHTML(w io.Writer, a *AAR) error {
	if err := tmpl.Execute(w, a); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

func whole(r *Run) Window { return Window{From: 0, To: max(r.Ticks, 1)} }

func seriesOf(r *Run, group string) []Series {
	var out []Series
	for _, s := range r.Series {
		if s.Group == group {
			out = append(out, s)
		}
	}
	return out
}

// clock is a tick as a UTC date and time of the exercise.
func clock(r *Run, t int32) string {
	if t < 0 {
		return "—"
	}
	return time.Unix(r.StartUnix+int64(t)*int64(r.TickSeconds), 0).UTC().Format("2006-01-02 15:04 UTC")
}

// span is a number of ticks as a length of exercise time ("1 day 16 h").
func span(r *Run, t int32) string {
	s := int64(t) * int64(max(r.TickSeconds, 1))
	d, h, m := s/86400, s%86400/3600, s%3600/60
	var parts []string
	switch d {
	case 0:
	case 1:
		parts = append(parts, "1 day")
	default:
		parts = append(parts, fmt.Sprintf("%d days", d))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	if len(parts) == 0 {
		return "0 min"
	}
	return strings.Join(parts, " ")
}

// LogRow is one line of the chronological log: an event or a note.
type LogRow struct {
	Tick  int32
	Event *engine.Event
	Note  *Note
}

// logRowsMax bounds the chronological log of the report.
const logRowsMax = 600

// logKinds are left out of the chronological log: the timeline shows them
// as marks and they would drown the rest.
var logSkip = []string{engine.EvCommandAccepted, engine.EvCommandStarted, engine.EvLog, engine.EvBotsRecruited, engine.EvAssetCompromised}

// LogView is the chronological log and how many events it left out.
type LogView struct {
	Rows    []LogRow
	Omitted int
}

func logOf(r *Run, notes []Note) LogView {
	var v LogView
	ni := 0
	for i := range r.Events {
		e := &r.Events[i]
		for ni < len(notes) && notes[ni].Tick <= e.Tick {
			v.Rows = append(v.Rows, LogRow{Tick: notes[ni].Tick, Note: &notes[ni]})
			ni++
		}
		if slices.Contains(logSkip, e.Kind) {
			continue
		}
		if len(v.Rows) >= logRowsMax {
			v.Omitted++
			continue
		}
		v.Rows = append(v.Rows, LogRow{Tick: e.Tick, Event: e})
	}
	for ; ni < len(notes); ni++ {
		v.Rows = append(v.Rows, LogRow{Tick: notes[ni].Tick, Note: &notes[ni]})
	}
	return v
}

// Comparison is the side-by-side view of a run and its branches.
type Comparison struct {
	Runs       []*Run
	Objectives []CompareRow
	Metrics    []CompareRow
}

// CompareRow is one objective or metric across runs.
type CompareRow struct {
	Name   string
	Values []string
}

func compare(a *AAR) Comparison {
	runs := append([]*Run{a.Run}, a.Branches...)
	c := Comparison{Runs: runs}
	for _, o := range a.Run.Objectives {
		row := CompareRow{Name: o.ID}
		for _, r := range runs {
			v := "—"
			for _, x := range r.Objectives {
				if x.ID == o.ID {
					v = x.Status
					if x.Tick >= 0 {
						v += " " + r.When(x.Tick)
					}
				}
			}
			row.Values = append(row.Values, v)
		}
		c.Objectives = append(c.Objectives, row)
	}
	for _, m := range a.Run.Metrics {
		row := CompareRow{Name: m.Name}
		differ := false
		for _, r := range runs {
			v := "—"
			for _, x := range r.Metrics {
				if x.Name == m.Name {
					v = fmt.Sprint(x.Value)
				}
			}
			if len(row.Values) > 0 && row.Values[0] != v {
				differ = true
			}
			row.Values = append(row.Values, v)
		}
		if differ {
			c.Metrics = append(c.Metrics, row)
		}
	}
	return c
}
