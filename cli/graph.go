package cli

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/scenario"
)

func newGraphCmd(e *env) *cobra.Command {
	var out, format string
	var set []string
	c := &cobra.Command{
		Use:   "graph SCENARIO",
		Short: "Draw a scenario's network: segments, links, assets, infrastructure, jurisdictions",
		Long: `Draw the world of a scenario as a designer checks it before running
anything: one column per jurisdiction; in it the segments (owner, ISP,
generated hosts) with their named assets coloured by criticality; links
between segments with their weight (a firewall says which services cross);
infrastructure with its dependencies and their delays, and the SCADA or PLC
that controls it. Hosts are not generated to draw it.

--format svg (default) or dot (Graphviz). Without -o, the drawing goes to
stdout.`,
		Example: `  cyberex graph scenarios/grid-hybrid -o net.svg
  cyberex graph scenarios/botnet-crossborder --format dot | dot -Tpng > net.png`,
		Args: rangeArgs(1, 1, "one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "svg" && format != "dot" {
				return inputErrorf("graph: --format %q: want svg or dot", format)
			}
			if err := checkSet(set); err != nil {
				return err
			}
			l, err := loadSpec(args[0], set)
			if err != nil {
				return err
			}
			g := buildGraph(l.s.Spec)
			write := func(w io.Writer) error {
				if format == "dot" {
					return g.dot(w)
				}
				return g.svg(w)
			}
			if out == "" {
				return write(e.stdout)
			}
			if err := writeFileAtomic(out, write); err != nil {
				return failure(fmt.Errorf("graph: %w", err))
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "write the drawing to `FILE`")
	c.Flags().StringVar(&format, "format", "svg", "svg or dot")
	c.Flags().StringArrayVar(&set, "set", nil, "override a scenario value, `key=value` (repeatable)")
	return c
}

// The picture's model, read from scenario.yaml with its defaults resolved.
type graph struct {
	name  string
	jurs  []*gJur
	links []gLink
	infra []*gInfra
	byJur map[string]*gJur
}

type gJur struct {
	id, name string
	segs     []*gSeg
	infra    []*gInfra
	x, w     float64
}

type gSeg struct {
	id, owner, isp, hosts string
	assets                []gAsset
	x, y, w, h            float64
}

type gAsset struct {
	id, kind string
	crit     int
	controls string
}

type gLink struct {
	a, b, label string
}

type gInfra struct {
	id, kind, owner, jur string
	priority             bool
	deps                 []gDep
	x, y, w, h           float64
}

type gDep struct {
	to, delay string
	asset     bool
}

// graphSegmentsMax bounds the segments drawn one by one; a generated
// series is one box whatever its size.
const graphSegmentsMax = 500

func buildGraph(f *scenario.File) *graph {
	g := &graph{name: f.Name, byJur: map[string]*gJur{}}
	jurOfOrg := map[string]string{}
	for _, j := range f.Jurisdictions {
		gj := &gJur{id: j.ID, name: j.Name}
		g.jurs = append(g.jurs, gj)
		g.byJur[j.ID] = gj
	}
	for _, o := range f.Organisations {
		jurOfOrg[o.ID] = o.Jurisdiction
	}
	segs := map[string]*gSeg{}
	addSeg := func(id, owner, jur, isp, hosts string) *gSeg {
		if jur == "" {
			jur = jurOfOrg[owner]
		}
		gj := g.byJur[jur]
		if gj == nil {
			return nil
		}
		s := &gSeg{id: id, owner: owner, isp: isp, hosts: hosts}
		if len(gj.segs) < graphSegmentsMax {
			gj.segs = append(gj.segs, s)
		}
		segs[id] = s
		return s
	}
	for _, s := range f.Segments {
		hosts := ""
		if s.Generate != nil && s.Generate.Count > 0 {
			hosts = fmt.Sprintf("%d hosts", s.Generate.Count)
		}
		addSeg(s.ID, s.Owner, s.Jurisdiction, s.ISP, hosts)
	}
	for _, gen := range f.Generate {
		hosts := fmt.Sprintf("%d segments × %d hosts", gen.Segments, gen.HostsPerSegment)
		if topo := gen.Topology; topo != "none" && gen.LinkWeight > 0 {
			if topo == "" {
				topo = "chain"
			}
			hosts += fmt.Sprintf(", %s at %s", topo, pct(int32(gen.LinkWeight)))
		}
		s := addSeg(fmt.Sprintf("%s-1..%d", gen.Prefix, gen.Segments), gen.Owner, gen.Jurisdiction, gen.ISP, hosts)
		if s == nil {
			continue
		}
		for i := int32(1); i <= gen.Segments && i <= graphSegmentsMax; i++ {
			segs[fmt.Sprintf("%s-%d", gen.Prefix, i)] = s
		}
		for _, to := range gen.LinkTo {
			g.links = append(g.links, gLink{a: s.id, b: to, label: pct(int32(gen.LinkWeight))})
		}
	}
	for _, a := range f.Assets {
		s := segs[a.Segment]
		if s == nil {
			continue
		}
		crit := 0
		if a.Criticality != nil {
			crit = int(*a.Criticality)
		}
		kind := a.Kind
		if kind == "" {
			kind = "host"
		}
		s.assets = append(s.assets, gAsset{id: a.ID, kind: kind, crit: crit, controls: a.Controls})
	}
	for _, l := range f.Links {
		if len(l.Between) != 2 {
			continue
		}
		w := int32(100)
		if l.Weight != nil {
			w = int32(*l.Weight)
		}
		label := pct(w)
		if l.Firewall != nil {
			label += " firewall: " + strings.Join(l.Firewall.Forward, ",") + " → / ← " + strings.Join(l.Firewall.Back, ",")
		}
		a, b := l.Between[0], l.Between[1]
		if s := segs[a]; s != nil {
			a = s.id
		}
		if s := segs[b]; s != nil {
			b = s.id
		}
		g.links = append(g.links, gLink{a: a, b: b, label: label})
	}
	for _, in := range f.Infrastructure {
		gi := &gInfra{id: in.ID, kind: in.Kind, owner: in.Owner, jur: jurOfOrg[in.Owner], priority: in.Priority}
		for _, d := range in.DependsOn {
			delay := "0"
			if d.Delay != nil {
				delay = d.Delay.Text
			}
			if d.Asset != "" {
				gi.deps = append(gi.deps, gDep{to: d.Asset, delay: delay, asset: true})
			} else {
				gi.deps = append(gi.deps, gDep{to: d.Infra, delay: delay})
			}
		}
		g.infra = append(g.infra, gi)
		if gj := g.byJur[gi.jur]; gj != nil {
			gj.infra = append(gj.infra, gi)
		}
	}
	return g
}

func pct(permille int32) string {
	if permille%10 == 0 {
		return fmt.Sprintf("%d%%", permille/10)
	}
	return fmt.Sprintf("%d‰", permille)
}

var critNames = []string{"none", "low", "medium", "high", "critical", "vital"}

func critName(c int) string {
	if c < len(critNames) {
		return critNames[c]
	}
	return fmt.Sprintf("criticality %d", c)
}

// critColour fills an asset by criticality: grey, then yellow to red.
func critColour(c int) string {
	return [...]string{"#e8e8e8", "#fff3b0", "#ffd27f", "#ff9f5a", "#f0593e", "#b8002e"}[min(c, 5)]
}

func (g *graph) dot(w io.Writer) error {
	q := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR; compound=true; node [fontname=\"Helvetica\" fontsize=10]; edge [fontname=\"Helvetica\" fontsize=9];\n", q(g.name))
	for _, j := range g.jurs {
		title := j.id
		if j.name != "" {
			title += " — " + j.name
		}
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s; style=rounded; color=\"#4a6fa5\";\n", q("cluster_jur_"+j.id), q("jurisdiction "+title))
		for _, s := range j.segs {
			label := s.id + "\nowner " + s.owner
			if s.isp != "" {
				label += ", ISP " + s.isp
			}
			if s.hosts != "" {
				label += "\n" + s.hosts
			}
			fmt.Fprintf(&b, "    subgraph %s {\n      label=%s; style=\"rounded,filled\"; fillcolor=\"#f4f7fb\"; color=\"#9fb3cc\";\n      %s [shape=point style=invis];\n",
				q("cluster_seg_"+s.id), q(label), q("seg:"+s.id))
			for _, a := range s.assets {
				fmt.Fprintf(&b, "      %s [shape=box style=\"rounded,filled\" fillcolor=%s label=%s];\n", q(a.id), q(critColour(a.crit)), q(a.id+"\n"+a.kind+", "+critName(a.crit)))
			}
			b.WriteString("    }\n")
		}
		for _, in := range j.infra {
			label := in.id
			if in.kind != "" {
				label += "\n" + in.kind
			}
			if in.priority {
				label += "\npriority"
			}
			fmt.Fprintf(&b, "    %s [shape=hexagon style=filled fillcolor=%s label=%s];\n", q("infra:"+in.id), q(map[bool]string{true: "#ffd6d6", false: "#dff0d8"}[in.priority]), q(label))
		}
		b.WriteString("  }\n")
	}
	for _, l := range g.links {
		fmt.Fprintf(&b, "  %s -> %s [dir=none ltail=%s lhead=%s label=%s color=\"#4a6fa5\"];\n", q("seg:"+l.a), q("seg:"+l.b), q("cluster_seg_"+l.a), q("cluster_seg_"+l.b), q(l.label))
	}
	for _, in := range g.infra {
		for _, d := range in.deps {
			to := "infra:" + d.to
			if d.asset {
				to = d.to
			}
			fmt.Fprintf(&b, "  %s -> %s [style=dashed label=%s];\n", q("infra:"+in.id), q(to), q("needs, "+d.delay))
		}
	}
	for _, j := range g.jurs {
		for _, s := range j.segs {
			for _, a := range s.assets {
				if a.controls != "" {
					fmt.Fprintf(&b, "  %s -> %s [style=dotted color=\"#a04000\" label=\"controls\"];\n", q(a.id), q("infra:"+a.controls))
				}
			}
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Layout of the SVG: one column per jurisdiction, its segments stacked
// (assets in rows of boxes inside), its infrastructure below; links,
// dependencies and controls drawn between the boxes.
const (
	gMargin     = 24.0
	gColGap     = 90.0
	gAssetW     = 150.0
	gAssetH     = 34.0
	gAssetsRow  = 2
	gSegPad     = 10.0
	gSegHead    = 44.0
	gInfraW     = 150.0
	gInfraRow   = 2
	gInfraH     = 46.0
	gTitleH     = 56.0
	gJurHead    = 30.0
	gLegendH    = 70.0
	gCharWidth  = 6.2
	gMaxLabelCh = 24
)

func (g *graph) layout() (width, height float64) {
	x := gMargin
	colW := func(j *gJur) float64 {
		w := gInfraW + 2*gSegPad
		w = max(w, float64(gAssetsRow)*(gAssetW+gSegPad)+gSegPad)
		return w
	}
	bottom := 0.0
	level := g.infraLevels()
	for _, j := range g.jurs {
		j.x, j.w = x, colW(j)
		y := gTitleH + gJurHead
		for _, s := range j.segs {
			rows := (len(s.assets) + gAssetsRow - 1) / gAssetsRow
			s.x, s.y, s.w = x+gSegPad, y, j.w-2*gSegPad
			s.h = gSegHead + float64(rows)*(gAssetH+gSegPad)
			y += s.h + gSegPad*2
		}
		y += 20
		// Infrastructure in rows by dependency depth: what depends on
		// nothing drawn comes first, its dependants below it.
		rows := map[int][]*gInfra{}
		maxLevel := 0
		for _, in := range j.infra {
			lv := level[in.id]
			rows[lv] = append(rows[lv], in)
			maxLevel = max(maxLevel, lv)
		}
		for lv := 0; lv <= maxLevel; lv++ {
			row := rows[lv]
			for k := 0; k < len(row); k += gInfraRow {
				n := min(gInfraRow, len(row)-k)
				span := float64(n)*gInfraW + float64(n-1)*gSegPad*2
				for m := 0; m < n; m++ {
					in := row[k+m]
					in.x, in.y, in.w, in.h = x+(j.w-span)/2+float64(m)*(gInfraW+gSegPad*2), y, gInfraW, gInfraH
				}
				y += gInfraH + 44
			}
		}
		bottom = max(bottom, y)
		x += j.w + gColGap
	}
	return max(x-gColGap+gMargin+40, 680), bottom + gLegendH
}

// infraLevels gives each infrastructure its depth: 0 when it needs no
// other infrastructure, else one more than the deepest it needs (a cycle,
// which the loader refuses, stops at the number of sites).
func (g *graph) infraLevels() map[string]int {
	level := map[string]int{}
	for range g.infra {
		changed := false
		for _, in := range g.infra {
			lv := 0
			for _, d := range in.deps {
				if !d.asset {
					lv = max(lv, level[d.to]+1)
				}
			}
			if lv != level[in.id] {
				level[in.id], changed = lv, true
			}
		}
		if !changed {
			break
		}
	}
	return level
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > gMaxLabelCh {
		return string(r[:gMaxLabelCh-1]) + "…"
	}
	return s
}

func (g *graph) svg(w io.Writer) error {
	width, height := g.layout()
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%.0f" y="34" font-size="20" font-weight="bold">%s</text>`+"\n", gMargin, esc(g.name))
	assetPos := map[string][2]float64{}
	segPos := map[string]*gSeg{}
	infraPos := map[string]*gInfra{}
	for _, j := range g.jurs {
		title := "jurisdiction " + j.id
		if j.name != "" {
			title += " — " + j.name
		}
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="10" fill="#f7f9fc" stroke="#4a6fa5" stroke-width="1.5"/>`+"\n", j.x-6, gTitleH, j.w+12, height-gTitleH-gLegendH)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="14" font-weight="bold" fill="#23446e">%s</text>`+"\n", j.x+4, gTitleH+20, esc(title))
		for _, s := range j.segs {
			segPos[s.id] = s
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="8" fill="#eaf0f8" stroke="#9fb3cc"/>`+"\n", s.x, s.y, s.w, s.h)
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13" font-weight="bold">%s</text>`+"\n", s.x+8, s.y+17, esc(clip(s.id)))
			sub := "owner " + s.owner
			if s.isp != "" && s.isp != s.owner {
				sub += " · ISP " + s.isp
			}
			if s.hosts != "" {
				sub += " · " + s.hosts
			}
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="#444">%s</text>`+"\n", s.x+8, s.y+33, esc(sub))
			for k, a := range s.assets {
				ax := s.x + gSegPad + float64(k%gAssetsRow)*(gAssetW+gSegPad)
				ay := s.y + gSegHead + float64(k/gAssetsRow)*(gAssetH+gSegPad)
				assetPos[a.id] = [2]float64{ax + gAssetW/2, ay + gAssetH/2}
				fg := "#111"
				if a.crit >= 4 {
					fg = "white"
				}
				fmt.Fprintf(&b, `<g><title>%s (%s, %s)</title><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="5" fill="%s" stroke="#666"/>`, esc(a.id), esc(a.kind), critName(a.crit), ax, ay, gAssetW, gAssetH, critColour(a.crit))
				fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="11" font-weight="bold" fill="%s">%s</text><text x="%.0f" y="%.0f" font-size="9" fill="%s">%s</text></g>`+"\n",
					ax+6, ay+14, fg, esc(clip(a.id)), ax+6, ay+27, fg, esc(a.kind+" · "+critName(a.crit)))
			}
		}
		for _, in := range j.infra {
			infraPos[in.id] = in
			fill := "#dff0d8"
			if in.priority {
				fill = "#ffd6d6"
			}
			fmt.Fprintf(&b, `<g><title>infrastructure %s</title><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="22" fill="%s" stroke="#3c763d" stroke-width="1.5"/>`, esc(in.id), in.x, in.y, in.w, in.h, fill)
			sub := in.kind
			if in.priority {
				sub = strings.TrimPrefix(sub+" · priority", " · ")
			}
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" font-weight="bold" text-anchor="middle">%s</text><text x="%.0f" y="%.0f" font-size="10" text-anchor="middle" fill="#333">%s</text></g>`+"\n",
				in.x+in.w/2, in.y+19, esc(clip(in.id)), in.x+in.w/2, in.y+34, esc(clip(sub)))
		}
	}
	// Links between segments: from the right or left edge of one box to
	// the other, curved when both sit in one column.
	for _, l := range g.links {
		a, b2 := segPos[l.a], segPos[l.b]
		if a == nil || b2 == nil {
			continue
		}
		x1, y1 := a.x+a.w, a.y+a.h/2
		x2, y2 := b2.x, b2.y+b2.h/2
		path := ""
		if a.x == b2.x {
			x1, x2 = a.x+a.w, b2.x+b2.w
			path = fmt.Sprintf("M%.0f,%.0f C%.0f,%.0f %.0f,%.0f %.0f,%.0f", x1, y1, x1+40, y1, x2+40, y2, x2, y2)
		} else {
			if b2.x < a.x {
				x1, x2 = a.x, b2.x+b2.w
			}
			path = fmt.Sprintf("M%.0f,%.0f L%.0f,%.0f", x1, y1, x2, y2)
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#4a6fa5" stroke-width="2"/>`+"\n", path)
		mx, my := (x1+x2)/2, (y1+y2)/2-4
		if a.x == b2.x {
			mx = x1 + 34
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="#23446e" text-anchor="middle" stroke="white" stroke-width="3" paint-order="stroke">%s</text>`+"\n", mx, my, esc(l.label))
	}
	// Dependencies (dashed, with their delay) and controls (dotted).
	// The label sits at a share of the way from the start, so that two
	// edges between one pair (a SCADA that controls a site the site also
	// needs) keep their labels apart.
	edge := func(x1, y1, x2, y2 float64, style, colour, label string, at float64) {
		fmt.Fprintf(&b, `<path d="M%.0f,%.0f L%.0f,%.0f" fill="none" stroke="%s" stroke-width="1.6" %s marker-end="url(#arrow)"/>`+"\n", x1, y1, x2, y2, colour, style)
		if label != "" {
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="%s" text-anchor="start" stroke="white" stroke-width="3" paint-order="stroke">%s</text>`+"\n", x1+(x2-x1)*at+4, y1+(y2-y1)*at, colour, esc(label))
		}
	}
	for _, in := range g.infra {
		if in.w == 0 {
			continue
		}
		for _, d := range in.deps {
			var tx, ty float64
			if d.asset {
				p, ok := assetPos[d.to]
				if !ok {
					continue
				}
				tx, ty = p[0], p[1]+gAssetH/2
			} else {
				t := infraPos[d.to]
				if t == nil {
					continue
				}
				tx, ty = t.x+t.w/2, t.y+t.h
				if t.y > in.y {
					ty = t.y
				}
			}
			edge(in.x+in.w/2, in.y, tx, ty, `stroke-dasharray="6 4"`, "#3c763d", "needs · "+d.delay, 0.3)
		}
	}
	for _, j := range g.jurs {
		for _, s := range j.segs {
			for _, a := range s.assets {
				t := infraPos[a.controls]
				if a.controls == "" || t == nil {
					continue
				}
				p := assetPos[a.id]
				edge(p[0], p[1]+gAssetH/2, t.x+t.w/2, t.y, `stroke-dasharray="2 3"`, "#a04000", "controls", 0.25)
			}
		}
	}
	// Legend.
	ly := height - gLegendH + 24
	lx := gMargin
	b.WriteString(fmt.Sprintf(`<text x="%.0f" y="%.0f" font-size="11" font-weight="bold">criticality</text>`, lx, ly))
	for c := 0; c < len(critNames); c++ {
		x := lx + 70 + float64(c)*70
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="16" height="12" fill="%s" stroke="#666"/><text x="%.0f" y="%.0f" font-size="10">%s</text>`, x, ly-10, critColour(c), x+20, ly, critNames[c])
	}
	ly += 22
	fmt.Fprintf(&b, `<path d="M%.0f,%.0f l40,0" stroke="#4a6fa5" stroke-width="2"/><text x="%.0f" y="%.0f" font-size="10">link (weight)</text>`, lx, ly-4, lx+46, ly)
	fmt.Fprintf(&b, `<path d="M%.0f,%.0f l40,0" stroke="#3c763d" stroke-width="1.6" stroke-dasharray="6 4"/><text x="%.0f" y="%.0f" font-size="10">infrastructure needs (delay)</text>`, lx+150, ly-4, lx+196, ly)
	fmt.Fprintf(&b, `<path d="M%.0f,%.0f l40,0" stroke="#a04000" stroke-width="1.6" stroke-dasharray="2 3"/><text x="%.0f" y="%.0f" font-size="10">controls</text>`, lx+370, ly-4, lx+416, ly)
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="26" height="12" rx="6" fill="#ffd6d6" stroke="#3c763d"/><text x="%.0f" y="%.0f" font-size="10">priority site</text>`, lx+480, ly-10, lx+512, ly)
	b.WriteString("\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
