package hostile

import (
	"fmt"
	"strings"
	"testing"
)

// The largest scenario.yaml accepted (8 MiB: about 130,000 dependency
// entries forming one cycle) is judged within the suite's time and memory
// bounds, and its error names the ends of the cycle, not 130,000 ids; one
// byte more is refused unread.
func TestLargestScenario(t *testing.T) {
	const limit = 8 << 20
	var b strings.Builder
	b.WriteString(MinimalYAML + "infrastructure:\n")
	n := 0
	for ; b.Len() < limit-200; n++ {
		fmt.Fprintf(&b, "- {id: i%d, owner: owner, depends_on: [{infra: i%d}]}\n", n, n+1)
	}
	// Close the cycle at the last entry.
	text := strings.TrimSuffix(b.String(), fmt.Sprintf("{infra: i%d}]}\n", n)) + "{infra: i0}]}\n"
	f := NewFolder(t, text)
	r := Cyberex(t, "validate", f.Dir)
	r.InputError(t, fmt.Sprintf(`scenario.yaml:\d+:\d+: infrastructure\[%d\]\.depends_on\[0\]\.infra: dependency cycle: i0 -> i1 -> i2 -> i3 -> … \(%d more\) … -> i%d -> i%d -> i%d -> i0`, n-1, n+1-8, n-3, n-2, n-1))
	if len(r.Stderr) > 2000 {
		t.Errorf("%d bytes of errors", len(r.Stderr))
	}
	f.File("scenario.yaml", text+strings.Repeat("#", limit-len(text)+1))
	Cyberex(t, "validate", f.Dir).InputError(t, `scenario.yaml: file larger than 8 MiB`)
}
