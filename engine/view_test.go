package engine

import (
	"bytes"
	"encoding/json"
	"testing"
)

func viewJSON(t testing.TB, v *View) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestViewDeltasRebuildTheView: a client that holds a view (decoded from
// JSON) and applies every delta (also through JSON) holds, at every tick,
// exactly the view the world would give afresh; so does one that skips
// ticks and applies the delta of several at once (a reconnect).
func TestViewDeltasRebuildTheView(t *testing.T) {
	w := testWorld(2000, 3)
	ticks := int32(400)
	if testing.Short() {
		ticks = 120
	}
	orgs := []int32{None}
	for i := range w.Orgs {
		orgs = append(orgs, int32(i))
	}
	server := make([]*View, len(orgs))  // brought forward by UpdateView
	client := make([]*View, len(orgs))  // decoded, brought forward by Apply
	laggard := make([]*View, len(orgs)) // reconnects every 37 ticks
	for k, o := range orgs {
		server[k] = w.View(o)
		for _, dst := range []**View{&client[k], &laggard[k]} {
			*dst = new(View)
			if err := json.Unmarshal(viewJSON(t, server[k]), *dst); err != nil {
				t.Fatal(err)
			}
		}
	}
	lagged := make([]*View, len(orgs)) // the laggard's server-side view
	for k, o := range orgs {
		lagged[k] = w.View(o)
	}
	relisted := 0 // updates after the organisation learned of assets
	for tick := int32(1); tick <= ticks; tick++ {
		if _, err := w.Step(scriptedCommands(tick)); err != nil {
			t.Fatal(err)
		}
		for k, o := range orgs {
			before := append([]AssetView(nil), server[k].Assets...)
			learned := w.learnedCount(o) != server[k].facts
			d := w.UpdateView(server[k])
			if learned {
				relisted++
				// The assets' changes are exactly what comparing the two
				// lists by key gives.
				if want := diffSection(before, server[k].Assets, sameAsset); !bytes.Equal(mustJSON(t, d.Assets), mustJSON(t, want)) {
					t.Fatalf("tick %d org %d: asset changes after learning\n got %s\nwant %s", tick, o, mustJSON(t, d.Assets), mustJSON(t, want))
				}
			}
			var wire ViewDelta
			if err := json.Unmarshal(mustJSON(t, d), &wire); err != nil {
				t.Fatal(err)
			}
			if err := client[k].Apply(&wire); err != nil {
				t.Fatal(err)
			}
			fresh := viewJSON(t, w.View(o))
			if got := viewJSON(t, client[k]); !bytes.Equal(got, fresh) {
				t.Fatalf("tick %d org %d: applied view differs from a fresh one\n got %s\nwant %s", tick, o, got, fresh)
			}
			if got := viewJSON(t, server[k]); !bytes.Equal(got, fresh) {
				t.Fatalf("tick %d org %d: updated view differs from a fresh one", tick, o)
			}
			if tick%37 == 0 {
				d := w.UpdateView(lagged[k])
				if !d.Complete {
					t.Fatalf("tick %d: history does not reach back 37 ticks", tick)
				}
				if err := laggard[k].Apply(d); err != nil {
					t.Fatal(err)
				}
				if got := viewJSON(t, laggard[k]); !bytes.Equal(got, fresh) {
					t.Fatalf("tick %d org %d: view after 37 ticks' delta differs from a fresh one", tick, o)
				}
			}
		}
	}
	if relisted == 0 {
		t.Error("no organisation learned of an asset: the relisting path went untested")
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func findAsset(v *View, id string) *AssetView {
	for i := range v.Assets {
		if v.Assets[i].ID == id {
			return &v.Assets[i]
		}
	}
	return nil
}

// TestKnowledgeIsLearned: what an organisation knows grows only by what
// reaches it (its investigation, a report it receives), is part of the
// state (it survives a snapshot), and decides its view.
func TestKnowledgeIsLearned(t *testing.T) {
	w := testWorld(2000, 5)
	isp, _ := w.OrgIndex("isp-a")
	csirt, _ := w.OrgIndex("csirt-a")
	for w.Tick < 5 {
		mustStep(t, w)
	}
	// Bots the ISP has not detected look clean to it.
	v := w.View(isp)
	hidden := 0
	for _, a := range v.Assets {
		i, _ := w.AssetIndex(a.ID)
		if w.Assets[i].Controller != None && w.Assets[i].Flags&FlagDetected == 0 {
			hidden++
			if a.Compromised || a.Integrity != 1000 || a.Campaign != "" {
				t.Fatalf("undetected bot %s shows: %+v", a.ID, a)
			}
		}
	}
	if hidden == 0 {
		t.Fatal("no undetected bot to look at")
	}
	if findAsset(v, "c2") != nil || w.KnowsFact(isp, FactC2, "c2") {
		t.Fatal("the ISP knows the C2 before looking")
	}
	w.Step([]Command{{Org: "isp-a", Verb: "investigate", Target: "seg0"}})
	for w.Tick < 40 {
		mustStep(t, w)
	}
	if !w.KnowsFact(isp, FactC2, "c2") {
		t.Fatalf("the investigation did not show the C2: %+v", w.Orgs[isp].Facts)
	}
	v = w.View(isp)
	if a := findAsset(v, "c2"); a == nil || !a.Registered || a.Owner != "hosting-b" {
		t.Fatalf("the C2 learned of is not in the view as a registration: %+v", a)
	}
	// A report carries the C2 and names a record.
	if w.KnowsFact(csirt, FactC2, "c2") {
		t.Fatal("the CSIRT knows the C2 before being told")
	}
	w.Step([]Command{{Org: "isp-a", Verb: "share", Target: "csirt-a", Args: map[string]string{"tlp": "AMBER", "campaign": "bot", "title": "bots; the host keeps bot-c2-records-1."}}})
	for w.Tick < 50 {
		mustStep(t, w)
	}
	if !w.KnowsFact(csirt, FactC2, "c2") || !w.KnowsFact(csirt, FactNamed, "bot-c2-records-1") {
		t.Fatalf("the report's knowledge did not reach the CSIRT: %+v", w.Orgs[csirt].Facts)
	}
	cv := w.View(csirt)
	var named *EvidenceView
	for i := range cv.Evidence {
		if cv.Evidence[i].ID == "bot-c2-records-1" {
			named = &cv.Evidence[i]
		}
	}
	if named == nil || named.Custody != CustodyKnown || named.Weight != 0 || named.Asset != "c2" || named.Campaign != "bot" || named.Lost {
		t.Fatalf("named record in the CSIRT's view: %+v", named)
	}
	// Knowledge is state: a restored world knows the same.
	r := mustRestore(t, w.Snapshot())
	if !r.KnowsFact(csirt, FactC2, "c2") || !bytes.Equal(viewJSON(t, r.View(csirt)), viewJSON(t, cv)) {
		t.Fatal("a restored world does not know what the original knew")
	}
}
