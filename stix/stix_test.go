package stix

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"cyberex/engine"
	"cyberex/internal/testrun"
	"cyberex/report"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/tutorial.json")

func export(t *testing.T, name, commands string) []byte {
	t.Helper()
	s := testrun.Load(t, name)
	j := testrun.Journal(t, s, 1, testrun.Commands(t, name, commands), 0)
	r, err := report.Collect(s, j, "run")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Export(r, Options{Digest: j.Header.Digest})
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestTLPIds: the TLP 2.0 marking definitions are FIRST's fixed ids.
func TestTLPIds(t *testing.T) {
	want := map[engine.TLP]string{
		engine.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
		engine.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
		engine.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
		engine.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
		engine.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
	}
	if len(TLPMarking) != len(want) {
		t.Fatalf("%d TLP markings, want %d", len(TLPMarking), len(want))
	}
	for k, v := range want {
		if TLPMarking[k] != v {
			t.Errorf("TLP:%s is %s, want %s", k, TLPMarking[k], v)
		}
	}
}

// TestBundlesAreValid exports a run of every scenario and checks the
// bundle: valid STIX 2.1, every object marked as exercise data, TLP
// markings from the fixed ids, ATT&CK ids on the attack patterns, the same
// bytes twice.
func TestBundlesAreValid(t *testing.T) {
	for _, sc := range []struct{ name, commands string }{{"tutorial", "commands.jsonl"}, {"botnet-crossborder", ""}, {"grid-hybrid", ""}, {"propaganda-network", ""}} {
		t.Run(sc.name, func(t *testing.T) {
			if testing.Short() && sc.name == "botnet-crossborder" {
				t.Skip("48,000 hosts: not with -short")
			}
			data := export(t, sc.name, sc.commands)
			if err := CheckJSON(data); err != nil {
				t.Fatal(err)
			}
			if again := export(t, sc.name, sc.commands); !bytes.Equal(data, again) {
				t.Fatal("two exports of the same run differ")
			}
			var b struct {
				Objects []map[string]any `json:"objects"`
			}
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			var exercise string
			types := map[string]int{}
			for _, o := range b.Objects {
				types[o["type"].(string)]++
				if o["type"] == "marking-definition" {
					exercise = o["id"].(string)
				}
			}
			want := []string{"identity", "threat-actor", "campaign", "incident", "report"}
			if sc.name != "propaganda-network" { // its campaigns name no ATT&CK technique
				want = append(want, "attack-pattern")
			}
			for _, typ := range want {
				if types[typ] == 0 {
					t.Errorf("no %s in the bundle: %v", typ, types)
				}
			}
			for _, o := range b.Objects {
				if o["type"] == "marking-definition" {
					continue
				}
				refs, _ := o["object_marking_refs"].([]any)
				tlp := 0
				for _, r := range refs {
					for _, id := range TLPMarking {
						if r == id {
							tlp++
						}
					}
				}
				if len(refs) != 2 || refs[0] != exercise || tlp != 1 || o["x_cyberex_exercise"] != true {
					t.Errorf("%s: markings %v: want the exercise marking and one TLP 2.0 marking", o["id"], refs)
				}
				if o["type"] == "attack-pattern" {
					ext := o["external_references"].([]any)[0].(map[string]any)
					if id, _ := ext["external_id"].(string); !strings.HasPrefix(id, "T") || !strings.HasPrefix(ext["source_name"].(string), "mitre-") {
						t.Errorf("%s: external reference %v: want a MITRE ATT&CK id", o["id"], ext)
					}
				}
			}
		})
	}
}

// TestGoldenBundle pins the tutorial's bundle byte for byte.
func TestGoldenBundle(t *testing.T) {
	data := export(t, "tutorial", "commands.jsonl")
	path := "testdata/tutorial.json"
	if *rewrite {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./stix -run TestGoldenBundle -rewrite writes it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Fatalf("%s differs (go test ./stix -run TestGoldenBundle -rewrite if the change is meant)", path)
	}
}

// TestCheckerCatchesBrokenBundles breaks a valid bundle in the ways the
// specification forbids and expects the checker to name each.
func TestCheckerCatchesBrokenBundles(t *testing.T) {
	good := export(t, "tutorial", "commands.jsonl")
	if err := CheckJSON(good); err != nil {
		t.Fatal(err)
	}
	var b Bundle
	if err := json.Unmarshal(good, &b); err != nil {
		t.Fatal(err)
	}
	find := func(typ string) Object {
		for _, o := range b.Objects {
			if o["type"] == typ {
				return o
			}
		}
		t.Fatalf("no %s", typ)
		return nil
	}
	cases := []struct {
		name    string
		breakIt func(o Object) // on a copy of the first object of typ
		typ     string
		want    string
	}{
		{"no name", func(o Object) { delete(o, "name") }, "campaign", "required property name missing"},
		{"no pattern", func(o Object) { delete(o, "pattern") }, "indicator", "required property pattern missing"},
		{"bad pattern", func(o Object) { o["pattern"] = "domain-name:value = 'x'" }, "indicator", "is not a STIX pattern"},
		{"no valid_from", func(o Object) { delete(o, "valid_from") }, "indicator", "required property valid_from missing"},
		{"no published", func(o Object) { delete(o, "published") }, "report", "required property published missing"},
		{"empty object_refs", func(o Object) { o["object_refs"] = []any{} }, "report", "empty list"},
		{"timestamp without Z", func(o Object) { o["created"] = "2026-03-02T08:00:00.000" }, "identity", "not a STIX timestamp"},
		{"timestamp in seconds", func(o Object) { o["modified"] = "2026-03-02T08:00:00Z" }, "identity", "precise to the millisecond"},
		{"modified before created", func(o Object) { o["modified"] = "2000-01-01T00:00:00.000Z" }, "campaign", "modified is before created"},
		{"wrong spec_version", func(o Object) { o["spec_version"] = "2.0" }, "campaign", "spec_version"},
		{"id of another type", func(o Object) { o["id"] = strings.Replace(o["id"].(string), "campaign--", "incident--", 1) }, "campaign", "is not the object's type"},
		{"not a UUID", func(o Object) { o["id"] = "campaign--1234" }, "campaign", "is not TYPE--UUID"},
		{"dangling ref", func(o Object) {
			o["created_by_ref"] = "identity--00000000-0000-4000-8000-000000000000"
		}, "campaign", "is not in the bundle"},
		{"generated TLP id", func(o Object) {
			o["object_marking_refs"] = []any{"marking-definition--00000000-0000-4000-8000-000000000001"}
		}, "campaign", "is not in the bundle"},
		{"custom property without x_", func(o Object) { o["exercise"] = true }, "campaign", "custom one begins with x_"},
		{"sighting count", func(o Object) { o["count"] = 1_000_000_000 }, "sighting", "count"},
		{"sighting of a relationship", func(o Object) { o["sighting_of_ref"] = find("relationship")["id"] }, "sighting", "must name one of"},
		{"marking with modified", func(o Object) { o["modified"] = o["created"] }, "marking-definition", "no modified"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var bb Bundle
			json.Unmarshal(good, &bb)
			for i, o := range bb.Objects {
				if o["type"] == c.typ {
					c.breakIt(bb.Objects[i])
					break
				}
			}
			err := CheckBundle(&bb)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	if err := CheckJSON([]byte(`{"type":"bundle","id":"bundle--6ba7b810-9dad-51d1-80b4-00c04fd430c8","objects":[],"spec_version":"2.1"}`)); err == nil {
		t.Error("a bundle with spec_version (2.0's) and no objects passed")
	}
}

// FuzzCheckJSON: no input makes the checker panic.
func FuzzCheckJSON(f *testing.F) {
	f.Add([]byte(`{"type":"bundle","id":"bundle--6ba7b810-9dad-51d1-80b4-00c04fd430c8","objects":[{"type":"campaign","id":"campaign--6ba7b810-9dad-51d1-80b4-00c04fd430c8","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"x","object_marking_refs":[7]}]}`))
	if b, err := os.ReadFile("testdata/tutorial.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = CheckJSON(data)
	})
}
