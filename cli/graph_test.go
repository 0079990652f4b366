package cli

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
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

// A world of 20 million hosts validates from its description: no host is
// generated (this takes well under a second and a few MB instead of tens
// of seconds and two GB), and validate says what a world will cost.
func TestValidateBigWorldCheaply(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "big")
	os.Mkdir(dir, 0o755)
	writeFile(t, dir, "scenario.yaml", `name: big
jurisdictions: [{id: A}]
organisations: [{id: isp, kind: isp, jurisdiction: A}]
generate: {prefix: n, segments: 10000, hosts_per_segment: 2000, owner: isp, link_weight: 1%}
objectives: [{id: o, metric: "asset:n-9999-1999:compromised", op: "==", value: 0}]
`)
	writeFile(t, dir, "story.lua", "log(segment(\"n-1\").hosts)\n")
	code, out, errOut := cyberex(t, "validate", dir)
	want := regexp.MustCompile(`^ok big \(20000000 assets, .*; a world: 10000 segments, about \d+ MiB; its scripts start when a run builds it\)\n$`)
	if code != 0 || !want.MatchString(out) {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	// The generated hosts are still checked by name, from the description.
	writeFile(t, dir, "scenario.yaml", strings.Replace(string(mustRead(t, filepath.Join(dir, "scenario.yaml"))), "n-9999-1999", "n-9999-2000", 1))
	if code, _, errOut := cyberex(t, "validate", dir); code != 2 || !strings.Contains(errOut, `no asset "n-9999-2000": n-9999 has generated hosts n-9999-0 to n-9999-1999`) {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
