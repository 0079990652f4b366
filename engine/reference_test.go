package engine

import (
	"strings"
	"testing"
)

// Every verb, event kind, metric, channel and kind has its reference, and
// the reference names nothing the engine lacks: `cyberex explain` and
// docs/reference.md cannot fall behind the engine.
func TestReferenceComplete(t *testing.T) {
	if p := referenceProblems(); len(p) > 0 {
		t.Errorf("the reference tables (engine/reference.go) are incomplete or stale:\n%s", strings.Join(p, "\n"))
	}
	for _, v := range VerbRefs() {
		spec, _ := DefaultVerbSpec(v.Name)
		if v.Ticks != spec.Ticks || v.Staff != spec.Staff || v.Doc == "" {
			t.Errorf("verb %s: reference %d ticks %d staff, engine %d %d", v.Name, v.Ticks, v.Staff, spec.Ticks, spec.Staff)
		}
	}
	if n := len(EventRefs()); n != len(EventKinds) {
		t.Errorf("%d event references for %d kinds", n, len(EventKinds))
	}
}

// The check itself finds a missing entry (it is not a test that cannot fail).
func TestReferenceProblemsFindsGaps(t *testing.T) {
	saved := verbRefs["scan"]
	delete(verbRefs, "scan")
	defer func() { verbRefs["scan"] = saved }()
	p := referenceProblems()
	if len(p) != 1 || !strings.Contains(p[0], "verb scan") {
		t.Errorf("problems %q", p)
	}
}
