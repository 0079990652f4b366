package cli

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// graph draws every jurisdiction, segment, named asset and infrastructure
// of a scenario, with its links, dependencies (and their delays) and
// controls, as well-formed SVG or as Graphviz dot.
func TestGraph(t *testing.T) {
	out := filepath.Join(t.TempDir(), "net.svg")
	if code, so, se := cyberex(t, "graph", "../scenarios/grid-hybrid", "-o", out); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, so, se)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed SVG: %v", err)
		}
	}
	svg := string(b)
	for _, want := range []string{"jurisdiction A — Arland", "jurisdiction N — Nordmark", ">a-ot<", ">a-scada<", "scada · vital",
		">substation-x<", ">hospital<", "hospital · priority", "needs · 10m", "needs · 2m", "controls", ">5%<", "150 hosts"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	code, dot, se := cyberex(t, "graph", "../scenarios/botnet-crossborder", "--format", "dot")
	if code != 0 {
		t.Fatalf("dot: exit %d\n%s", code, se)
	}
	for _, want := range []string{`digraph "botnet-crossborder" {`, `subgraph "cluster_jur_A"`, `label="jurisdiction B — Borduria"`,
		`"cluster_seg_bb-1..24"`, "24 segments × 1500 hosts", `"c2-server" [shape=box`} {
		if !strings.Contains(dot, want) {
			t.Errorf("the dot lacks %q", want)
		}
	}
	if code, _, se := cyberex(t, "graph", "../scenarios/tutorial", "--format", "png"); code != 2 || !strings.Contains(se, "want svg or dot") {
		t.Errorf("bad format: exit %d %s", code, se)
	}
}
