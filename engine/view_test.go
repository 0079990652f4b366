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
	for tick := int32(1); tick <= ticks; tick++ {
		if _, err := w.Step(scriptedCommands(tick)); err != nil {
			t.Fatal(err)
		}
		for k, o := range orgs {
			d := w.UpdateView(server[k])
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
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
