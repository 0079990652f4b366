package scenario

import (
	"fmt"
	"testing"
	"testing/fstest"
)

// nationalYAML is a scenario whose world is generated: segments × hosts.
func nationalYAML(segments, hosts int) []byte {
	return []byte(fmt.Sprintf(`name: national
settings: {tick: 1m, duration: 1d}
jurisdictions:
  - {id: A, crimes: [botnet]}
organisations:
  - {id: isp-a, kind: isp, jurisdiction: A, staff: 10}
vulnerabilities: [{id: smb}, {id: weak-pass}]
generate:
  - {prefix: home, segments: %d, hosts_per_segment: %d, owner: isp-a, isp: isp-a,
     link_weight: 5%%, vulns: {smb: 30%%, weak-pass: 20%%}, backup: 10%%}
`, segments, hosts))
}

// BenchmarkLoad1M measures loading a scenario that generates one million
// hosts, and building a world from it, as a run does (target: under 3 s).
func BenchmarkLoad1M(b *testing.B) {
	fsys := fstest.MapFS{"national/scenario.yaml": {Data: nationalYAML(500, 2000)}}
	for i := 0; i < b.N; i++ {
		s, err := LoadFS(fsys, "national", Options{})
		if err != nil {
			b.Fatal(err)
		}
		w, err := s.NewWorld(1)
		if err != nil {
			b.Fatal(err)
		}
		if len(w.Assets) != 1_000_000 {
			b.Fatalf("%d assets", len(w.Assets))
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/load")
}
