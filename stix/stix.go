// Package stix exports what an exercise handled as a STIX 2.1 bundle, so
// that teams can load it into MISP or OpenCTI for training: the exercise's
// organisations (identities), its attack campaigns (campaigns and the
// incidents they caused), the ATT&CK techniques they used (attack
// patterns), indicators of their infrastructure, the organisations'
// sightings of them, and the reports the organisations shared, each with
// its TLP 2.0 marking. Every object is marked as exercise data. Ids are
// UUIDv5 derived from the exercise (scenario, digest, seed, final state),
// so the same run exports the same bundle. Check validates a bundle
// against the STIX 2.1 rules for the object types it emits.
package stix

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"cyberex/engine"
	"cyberex/engine/attack"
	"cyberex/report"
)

// The TLP 2.0 marking definitions (FIRST's TLP 2.0 in STIX 2.1, OASIS's
// extension): fixed ids, never generated.
var TLPMarking = map[engine.TLP]string{
	engine.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	engine.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	engine.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	engine.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	engine.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// namespace is the UUIDv5 namespace of every cyberex exercise
// (uuid5(DNS namespace, "cyberex.exercise.invalid")).
var namespace = uuid5(mustUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "cyberex.exercise.invalid")

// Options of an export.
type Options struct {
	// Digest is the scenario's digest (the journal's header): with the
	// scenario's name, the seed and the final hash, it names the
	// exercise, from which every id is derived.
	Digest string
	// TLP marks the objects that no shared report labels (identities and
	// attack patterns are CLEAR); default AMBER.
	TLP *engine.TLP
}

// Object is one STIX object as JSON members.
type Object = map[string]any

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string   `json:"type"`
	ID      string   `json:"id"`
	Objects []Object `json:"objects"`
}

type builder struct {
	run     *report.Run
	ns      [16]byte
	author  string
	marking string
	tlp     engine.TLP
	objects []Object
	ids     map[string]bool
}

// Export builds the bundle of a collected run.
func Export(r *report.Run, opt Options) (*Bundle, error) {
	b := &builder{run: r, tlp: engine.TLPAmber, ids: map[string]bool{}}
	if opt.TLP != nil {
		b.tlp = *opt.TLP
	}
	b.ns = uuid5(namespace, fmt.Sprintf("%s\x00%s\x00%d\x00%s", r.Scenario, opt.Digest, r.Seed, r.FinalHash))
	start := b.ts(0)
	b.marking = b.id("marking-definition", "exercise")
	b.add(Object{"type": "marking-definition", "spec_version": "2.1", "id": b.marking, "created": start,
		"name": "EXERCISE DATA", "definition_type": "statement",
		"definition": Object{"statement": fmt.Sprintf("EXERCISE DATA: simulated events of the cyberex exercise %q (seed %d). Not real; for training only.", r.Scenario, r.Seed)}})
	b.author = b.id("identity", "exercise")
	b.add(b.common(Object{"type": "identity", "id": b.author, "name": "cyberex exercise " + r.Scenario,
		"identity_class": "system", "description": fmt.Sprintf("The white cell of the simulated exercise %s, seed %d (cyberex).", r.Scenario, r.Seed)}, 0, engine.TLPClear))
	orgID := map[string]string{}
	for _, o := range r.Orgs {
		desc := fmt.Sprintf("%s (%s, jurisdiction %s) in the exercise", o.ID, o.Kind, o.Jurisdiction)
		if o.Kind == "adversary" {
			// The attacker is a threat actor, to which its campaigns are
			// attributed.
			id := b.id("threat-actor", "org:"+o.ID)
			orgID[o.ID] = id
			b.add(b.common(Object{"type": "threat-actor", "id": id, "name": orNone(o.Name), "description": desc,
				"threat_actor_types": []any{"crime-syndicate"}, "x_cyberex_org": o.ID}, 0, b.tlp))
			continue
		}
		id := b.id("identity", "org:"+o.ID)
		orgID[o.ID] = id
		obj := Object{"type": "identity", "id": id, "name": orNone(o.Name), "identity_class": "organization",
			"description": desc, "x_cyberex_org": o.ID}
		if s := sector(o.Kind); s != "" {
			obj["sectors"] = []any{s} // a list must not be empty
		}
		b.add(b.common(obj, 0, engine.TLPClear))
	}
	// Attack patterns, one per technique any campaign uses.
	tech := map[string]string{}
	var techIDs []string
	for _, c := range r.Campaigns {
		for _, t := range c.Techniques {
			if _, ok := tech[t]; !ok {
				tech[t] = b.id("attack-pattern", t)
				techIDs = append(techIDs, t)
			}
		}
	}
	sort.Strings(techIDs)
	for _, t := range techIDs {
		name, source := t, "mitre-attack"
		if tt, ok := attack.Lookup(t); ok {
			name = tt.Name
			if tt.Domain == attack.DomainICS {
				source = "mitre-ics-attack"
			}
		}
		b.add(b.common(Object{"type": "attack-pattern", "id": tech[t], "name": name,
			"external_references": []any{Object{"source_name": source, "external_id": t, "url": techniqueURL(t)}}}, 0, engine.TLPClear))
	}
	// Campaigns, the incidents they caused, and indicators of their C2.
	campID := map[string]string{}
	indicatorOf := map[string]string{}
	for _, c := range r.Campaigns {
		tlp := b.campaignTLP(c.ID)
		cid := b.id("campaign", c.ID)
		campID[c.ID] = cid
		camp := b.common(Object{"type": "campaign", "id": cid, "name": c.ID,
			"description": fmt.Sprintf("%s campaign %s of the exercise (offence: %s)", c.Kind, c.ID, orNone(c.Offence)),
			"first_seen":  b.ts(max(c.Start, 0))}, max(c.Start, 0), tlp)
		if c.Stopped >= 0 && c.Stopped != engine.None {
			camp["last_seen"] = b.ts(c.Stopped)
		}
		b.add(camp)
		if c.Actor != "" {
			b.relate("attributed-to", cid, orgID[c.Actor], c.Start, tlp)
		}
		for _, t := range c.Techniques {
			b.relate("uses", cid, tech[t], c.Start, tlp)
		}
		inc := b.id("incident", c.ID)
		b.add(b.common(Object{"type": "incident", "id": inc, "name": "incident: " + c.ID,
			"description": fmt.Sprintf("The %s campaign %s as the exercise's teams handled it", c.Kind, c.ID)}, max(c.Start, 0), tlp))
		b.relate("related-to", inc, cid, c.Start, tlp)
		if c.C2 != "" {
			ind := b.id("indicator", c.ID+":c2")
			indicatorOf[c.ID] = ind
			b.add(b.common(Object{"type": "indicator", "id": ind, "name": "C2 of " + c.ID,
				"indicator_types": []any{"malicious-activity"}, "pattern_type": "stix",
				"pattern":    fmt.Sprintf("[domain-name:value = '%s']", exerciseDomain(c.C2, r.Scenario)),
				"valid_from": b.ts(max(c.Start, 0))}, max(c.Start, 0), tlp))
			b.relate("indicates", ind, cid, c.Start, tlp)
		}
	}
	// Sightings: who held the indicators of a campaign, and from when (the
	// reports that carried them).
	type seen struct {
		first, last int32
		n           int
	}
	for _, c := range r.Campaigns {
		ind, ok := indicatorOf[c.ID]
		if !ok {
			continue
		}
		by := map[string]*seen{}
		var order []string
		for _, rep := range r.Reports {
			if rep.Campaign < 0 || int(rep.Campaign) >= len(r.Campaigns) || r.Campaigns[rep.Campaign].ID != c.ID {
				continue
			}
			orgs := []int32{rep.From}
			orgs = append(orgs, rep.To...)
			for _, o := range orgs {
				if o < 0 || int(o) >= len(r.Orgs) {
					continue
				}
				id := r.Orgs[o].ID
				s, ok := by[id]
				if !ok {
					s = &seen{first: rep.Tick, last: rep.Tick}
					by[id] = s
					order = append(order, id)
				}
				s.first, s.last = min(s.first, rep.Tick), max(s.last, rep.Tick)
				s.n++
			}
		}
		for _, o := range order {
			s := by[o]
			b.add(b.common(Object{"type": "sighting", "id": b.id("sighting", c.ID+":"+o), "sighting_of_ref": ind,
				"where_sighted_refs": []any{orgID[o]}, "first_seen": b.ts(s.first), "last_seen": b.ts(s.last), "count": s.n},
				s.first, b.campaignTLP(c.ID)))
		}
	}
	// The reports the organisations shared, with their own TLP labels.
	for _, rep := range r.Reports {
		if rep.Author < 0 || int(rep.Author) >= len(r.Orgs) {
			continue
		}
		refs := []any{}
		if rep.Campaign >= 0 && int(rep.Campaign) < len(r.Campaigns) {
			c := r.Campaigns[rep.Campaign].ID
			refs = append(refs, campID[c], b.id("incident", c))
			if ind, ok := indicatorOf[c]; ok {
				refs = append(refs, ind)
			}
		}
		for _, o := range rep.To {
			if o >= 0 && int(o) < len(r.Orgs) {
				refs = append(refs, orgID[r.Orgs[o].ID])
			}
		}
		if len(refs) == 0 {
			refs = append(refs, orgID[r.Orgs[rep.Author].ID])
		}
		obj := b.common(Object{"type": "report", "id": b.id("report", fmt.Sprintf("rep-%d", rep.ID)),
			"name": orNone(rep.Title), "report_types": []any{"threat-report"}, "published": b.ts(rep.Tick),
			"object_refs": refs, "x_cyberex_report": fmt.Sprintf("rep-%d", rep.ID)}, rep.Tick, rep.TLP)
		obj["created_by_ref"] = orgID[r.Orgs[rep.Author].ID]
		b.add(obj)
	}
	bundle := &Bundle{Type: "bundle", ID: b.id("bundle", "bundle"), Objects: b.objects}
	if err := CheckBundle(bundle); err != nil {
		return nil, fmt.Errorf("the bundle is not valid STIX 2.1 (a bug): %w", err)
	}
	return bundle, nil
}

// campaignTLP is the label of the first report that shared a campaign's
// indicators, or the export's default.
func (b *builder) campaignTLP(id string) engine.TLP {
	for _, rep := range b.run.Reports {
		if rep.Campaign >= 0 && int(rep.Campaign) < len(b.run.Campaigns) && b.run.Campaigns[rep.Campaign].ID == id {
			return rep.TLP
		}
	}
	return b.tlp
}

func (b *builder) add(o Object) {
	id := o["id"].(string)
	if b.ids[id] {
		return
	}
	b.ids[id] = true
	b.objects = append(b.objects, o)
}

func (b *builder) relate(kind, from, to string, tick int32, tlp engine.TLP) {
	if from == "" || to == "" {
		return
	}
	b.add(b.common(Object{"type": "relationship", "id": b.id("relationship", kind+"\x00"+from+"\x00"+to),
		"relationship_type": kind, "source_ref": from, "target_ref": to}, max(tick, 0), tlp))
}

// common adds the properties every object of ours has: spec version,
// times (the exercise clock at tick), author, markings (the exercise's and
// the TLP label) and the exercise flag.
func (b *builder) common(o Object, tick int32, tlp engine.TLP) Object {
	o["spec_version"] = "2.1"
	o["created"] = b.ts(tick)
	o["modified"] = b.ts(tick)
	if o["type"] != "identity" || o["id"] != b.author {
		o["created_by_ref"] = b.author
	}
	o["object_marking_refs"] = []any{b.marking, TLPMarking[tlp]}
	o["labels"] = []any{"exercise"}
	o["x_cyberex_exercise"] = true
	return o
}

// ts is a tick on the exercise clock as a STIX timestamp (UTC, millisecond
// precision).
func (b *builder) ts(tick int32) string {
	t := time.Unix(b.run.StartUnix+int64(tick)*int64(b.run.TickSeconds), 0).UTC()
	return t.Format("2006-01-02T15:04:05.000Z")
}

// id is a deterministic STIX id: UUIDv5 of the exercise's namespace and
// the object's type and key.
func (b *builder) id(typ, key string) string {
	return typ + "--" + formatUUID(uuid5(b.ns, typ+"\x00"+key))
}

// exerciseDomain makes an exercise asset a domain name under .invalid
// (RFC 6761: it can never resolve), so that an indicator loaded into a
// real platform never matches real traffic.
func exerciseDomain(asset, scenario string) string {
	clean := func(s string) string {
		var sb strings.Builder
		for _, r := range strings.ToLower(s) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
				sb.WriteRune(r)
			} else {
				sb.WriteByte('-')
			}
		}
		return strings.Trim(sb.String(), "-")
	}
	return clean(asset) + "." + clean(scenario) + ".exercise.invalid"
}

func techniqueURL(t string) string {
	base := "https://attack.mitre.org/techniques/"
	id, sub, ok := strings.Cut(t, ".")
	if ok {
		return base + id + "/" + sub + "/"
	}
	return base + id + "/"
}

// sector is the industry sector (industry-sector-ov) of a kind of
// organisation, "" when none fits.
func sector(kind string) string {
	return map[string]string{"csirt": "government", "police": "government", "prosecutor": "government", "ministry": "government",
		"fiu": "government", "operator": "utilities", "isp": "telecommunications", "hosting": "technology", "platform": "technology",
		"registrar": "technology", "payment": "financial-services"}[kind]
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Marshal writes a bundle as indented JSON with the members of every
// object in a fixed order (type and id first), so the same run gives the
// same bytes.
func Marshal(b *Bundle) ([]byte, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "{\n  \"type\": %q,\n  \"id\": %q,\n  \"objects\": [", b.Type, b.ID)
	for i, o := range b.Objects {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("\n    {")
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			ra, rb := keyRank(a), keyRank(b)
			if ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		for k, key := range keys {
			v, err := json.Marshal(o[key])
			if err != nil {
				return nil, err
			}
			if k > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "\n      %q: %s", key, v)
		}
		sb.WriteString("\n    }")
	}
	sb.WriteString("\n  ]\n}\n")
	return []byte(sb.String()), nil
}

func keyRank(k string) int {
	switch k {
	case "type":
		return 0
	case "spec_version":
		return 1
	case "id":
		return 2
	}
	return 3
}

// ---- UUIDv5 (RFC 4122 §4.3) ----

func uuid5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

func mustUUID(s string) [16]byte {
	var u [16]byte
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 {
		panic("bad uuid " + s)
	}
	for i := range u {
		fmt.Sscanf(h[2*i:2*i+2], "%02x", &u[i])
	}
	return u
}

func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func jsonStrict(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the bundle")
	}
	return nil
}
