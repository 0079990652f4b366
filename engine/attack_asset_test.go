package engine

import "testing"

// AttackAsset is Attack for a caller that has found the asset: the same
// reasons, word for word, and the same state, step after step.
func TestAttackAssetMatchesAttack(t *testing.T) {
	build := func() *World {
		b := newBuilder()
		a, bj := b.jur("A", "hacking"), b.jur("B", "hacking")
		op := b.org("op", OrgOperator, a, 3)
		host := b.org("host-b", OrgHosting, bj, 2)
		b.asset("mail", AssetServer, op, a, None, 1)
		b.asset("db", AssetDatabase, op, a, None, 1)
		b.asset("c2", AssetC2, host, bj, None, 0)
		b.asset("cut", AssetServer, op, a, None, 1)
		b.asset("far", AssetServer, op, bj, None, 1)
		b.hosts("pc", op, a, None, 3, 1000)
		b.w.Links = []Link{{A: 0, B: 1, WeightPermille: 100}}
		ci := b.campaign(Campaign{ID: "apt", Kind: CampIntrusion, Offence: "hacking", Actor: None, Exploits: []Exploit{{0, 1000}}})
		w := b.build(t, 7)
		w.Campaigns[ci].C2 = 2
		cut, _ := w.AssetIndex("cut")
		w.Assets[cut].Flags |= FlagIsolated
		return w
	}
	steps := []struct {
		action, target string
		args           []Arg
	}{
		{"exfiltrate", "db", nil}, // does not control it
		{"exploit", "c2", nil},    // none of the campaign's vulnerabilities
		{"exploit", "cut", nil},   // unreachable
		{"lateral", "far", nil},   // no foothold next to it
		{"exploit", "mail", nil},  // taken
		{"lateral", "db", nil},    // taken through the link
		{"destroy", "db", nil},    // no privilege yet
		{"escalate", "db", nil},   // done
		{"exfiltrate", "db", []Arg{{"amount", "x"}}},
		{"exfiltrate", "db", []Arg{{"amount", "5000"}}},
		{"exploit", "pc-1", nil}, // an unnamed host, by its prefix id
		{"deface", "pc-2", nil},
		{"ddos", "mail", nil},
		{"c2", "c2", nil}, // already the C2
		{"c2", "pc-1", nil},
		{"destroy", "db", nil},
		{"exploit", "db", nil}, // destroyed: its own, no change
	}
	wa, wb := build(), build()
	refusals := 0
	for i, s := range steps {
		ea := wa.Attack(0, s.action, s.target, "T1190", s.args)
		ai, ok := wb.AssetIndex(s.target)
		if !ok {
			t.Fatalf("step %d: no asset %q", i, s.target)
		}
		eb := wb.AttackAsset(0, s.action, ai, s.target, s.args)
		if (ea == nil) != (eb == nil) || ea != nil && ea.Error() != eb.Error() {
			t.Fatalf("step %d %s %s: Attack says %v, AttackAsset %v", i, s.action, s.target, ea, eb)
		}
		if ea != nil {
			refusals++
		}
		if wa.HashHex() != wb.HashHex() {
			t.Fatalf("step %d %s %s: the states differ", i, s.action, s.target)
		}
	}
	if refusals < 7 {
		t.Errorf("%d refusals: the steps no longer try what they say", refusals)
	}
	if err := wb.AttackAsset(0, "publish", 0, "mail", nil); err == nil {
		t.Error("a campaign-wide action was taken as one on an asset")
	}
	if err := wb.AttackAsset(0, "exploit", int32(len(wb.Assets)), "ghost", nil); err == nil || err.Error() != `exploit: no asset "ghost"` {
		t.Errorf("an asset out of range: %v", err)
	}
	if err := wb.AttackAsset(5, "exploit", 0, "mail", nil); err == nil {
		t.Error("an unknown campaign was accepted")
	}
}
