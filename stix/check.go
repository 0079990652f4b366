package stix

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// The checker below is written from the STIX 2.1 specification (OASIS
// Committee Specification 02 / OASIS Standard, 2021) for the object types
// this package emits: the bundle (§8), the common properties (§3.2), the
// identifier, timestamp and naming rules (§2.9, §2.7, §3.1), identity,
// threat-actor, attack-pattern, campaign, incident, indicator (with the
// patterning subset we write, §9), sighting, relationship, report (§4, §5)
// and marking-definition with the statement type and the TLP 2.0 ids
// (§7.2). It is stricter than the specification where it says SHOULD:
// custom properties must begin with x_. Tests run it on every bundle the
// exporter makes and on broken ones.

var (
	reType      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	reProperty  = regexp.MustCompile(`^[a-z0-9_]{3,250}$`)
	reID        = regexp.MustCompile(`^([a-z0-9]+(?:-[a-z0-9]+)*)--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	reTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
	reMillis    = regexp.MustCompile(`\.\d{3,}Z$`)
	// A comparison expression of STIX patterning (§9) in the forms we
	// write: [object-type:path = 'string'], joined by AND or OR.
	reComparison = `[a-z0-9]+(?:-[a-z0-9]+)*:[a-z0-9_]+(?:\.[a-z0-9_]+|\[(?:\d+|\*)\])* (?:=|!=|LIKE|MATCHES) '(?:[^'\\]|\\['\\])*'`
	rePattern    = regexp.MustCompile(`^\[` + reComparison + `(?: (?:AND|OR) ` + reComparison + `)*\]$`)
)

// common properties of SDOs and SROs (§3.2).
var commonProps = []string{"type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked", "labels",
	"confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions"}

type typeRule struct {
	required []string
	optional []string
}

var rules = map[string]typeRule{
	"identity":       {[]string{"name"}, []string{"description", "roles", "identity_class", "sectors", "contact_information"}},
	"threat-actor":   {[]string{"name"}, []string{"description", "threat_actor_types", "aliases", "first_seen", "last_seen", "roles", "goals", "sophistication", "resource_level", "primary_motivation", "secondary_motivations", "personal_motivations"}},
	"attack-pattern": {[]string{"name"}, []string{"description", "aliases", "kill_chain_phases"}},
	"campaign":       {[]string{"name"}, []string{"description", "aliases", "first_seen", "last_seen", "objective"}},
	"incident":       {[]string{"name"}, []string{"description", "kill_chain_phases"}},
	"indicator":      {[]string{"pattern", "pattern_type", "valid_from"}, []string{"name", "description", "indicator_types", "pattern_version", "valid_until", "kill_chain_phases"}},
	"sighting":       {[]string{"sighting_of_ref"}, []string{"description", "first_seen", "last_seen", "count", "observed_data_refs", "where_sighted_refs", "summary"}},
	"relationship":   {[]string{"relationship_type", "source_ref", "target_ref"}, []string{"description", "start_time", "stop_time"}},
	"report":         {[]string{"name", "published", "object_refs"}, []string{"description", "report_types"}},
}

var tlpIDs = func() []string {
	var out []string
	for _, id := range TLPMarking {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}()

// CheckBundle checks a bundle against the STIX 2.1 rules for the types we
// emit; the error lists every problem found (at most 50), each naming the
// object.
func CheckBundle(b *Bundle) error {
	var errs []string
	fail := func(format string, args ...any) {
		if len(errs) < 50 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	if b.Type != "bundle" {
		fail("bundle: type %q, want bundle", b.Type)
	}
	if m := reID.FindStringSubmatch(b.ID); m == nil || m[1] != "bundle" {
		fail("bundle: id %q is not bundle--UUID", b.ID)
	}
	if len(b.Objects) == 0 {
		fail("bundle: objects is empty (a list MUST NOT be empty)")
	}
	byID := map[string]string{}
	for i, o := range b.Objects {
		id, _ := o["id"].(string)
		typ, _ := o["type"].(string)
		if _, dup := byID[id]; dup && id != "" {
			fail("objects[%d] %s: the id is used twice", i, id)
		}
		byID[id] = typ
	}
	for i, o := range b.Objects {
		checkObject(o, fmt.Sprintf("objects[%d]", i), byID, fail)
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

func checkObject(o Object, where string, byID map[string]string, fail func(string, ...any)) {
	typ, _ := o["type"].(string)
	id, _ := o["id"].(string)
	if id != "" {
		where += " " + id
	}
	if !reType.MatchString(typ) || len(typ) < 3 || len(typ) > 250 {
		fail("%s: type %q is not a STIX type name", where, typ)
		return
	}
	m := reID.FindStringSubmatch(id)
	switch {
	case m == nil:
		fail("%s: id %q is not TYPE--UUID (RFC 4122)", where, id)
	case m[1] != typ:
		fail("%s: the id's type %q is not the object's type %q", where, m[1], typ)
	}
	if v, _ := o["spec_version"].(string); v != "2.1" {
		fail("%s: spec_version %v, want \"2.1\"", where, o["spec_version"])
	}
	for k, v := range o {
		if strings.HasPrefix(k, "x_") && !reProperty.MatchString(k) {
			fail("%s: custom property name %q (lower case, digits and _, 3 to 250 characters)", where, k)
		}
		if l, ok := v.([]any); ok && len(l) == 0 {
			fail("%s: %s is an empty list (a list MUST NOT be empty)", where, k)
		}
	}
	created := timestamp(o, "created", where, true, true, fail)
	if typ == "marking-definition" {
		checkMarking(o, where, fail)
		return
	}
	modified := timestamp(o, "modified", where, true, true, fail)
	if !created.IsZero() && !modified.IsZero() && modified.Before(created) {
		fail("%s: modified is before created", where)
	}
	r, ok := rules[typ]
	if !ok {
		fail("%s: type %s is not one this checker knows", where, typ)
		return
	}
	for _, p := range r.required {
		if _, ok := o[p]; !ok {
			fail("%s: required property %s missing", where, p)
		}
	}
	for k := range o {
		if !slices.Contains(commonProps, k) && !slices.Contains(r.required, k) && !slices.Contains(r.optional, k) && !strings.HasPrefix(k, "x_") {
			fail("%s: property %s is not a %s property (a custom one begins with x_)", where, k, typ)
		}
	}
	for _, p := range []string{"name", "description", "pattern", "pattern_type", "relationship_type", "identity_class"} {
		if v, ok := o[p]; ok {
			if s, isStr := v.(string); !isStr || s == "" {
				fail("%s: %s must be a non-empty string", where, p)
			}
		}
	}
	if v, ok := o["labels"]; ok {
		strList(v, where+": labels", fail)
	}
	if v, ok := o["external_references"]; ok {
		l, _ := v.([]any)
		for k, x := range l {
			ref, _ := x.(map[string]any)
			if s, _ := ref["source_name"].(string); s == "" {
				fail("%s: external_references[%d]: source_name missing", where, k)
			}
		}
	}
	ref(o, "created_by_ref", where, byID, []string{"identity"}, fail)
	refs(o, "object_marking_refs", where, byID, []string{"marking-definition"}, fail)
	switch typ {
	case "indicator":
		if p, _ := o["pattern"].(string); o["pattern_type"] == "stix" && !rePattern.MatchString(p) {
			fail("%s: pattern %q is not a STIX pattern of the forms written here", where, p)
		}
		from := timestamp(o, "valid_from", where, true, false, fail)
		until := timestamp(o, "valid_until", where, false, false, fail)
		if !until.IsZero() && !until.After(from) {
			fail("%s: valid_until must be after valid_from", where)
		}
	case "sighting":
		ref(o, "sighting_of_ref", where, byID, []string{"attack-pattern", "campaign", "incident", "indicator", "threat-actor", "identity", "report"}, fail)
		refs(o, "where_sighted_refs", where, byID, []string{"identity", "location"}, fail)
		first := timestamp(o, "first_seen", where, false, false, fail)
		last := timestamp(o, "last_seen", where, false, false, fail)
		if !first.IsZero() && !last.IsZero() && last.Before(first) {
			fail("%s: last_seen is before first_seen", where)
		}
		if v, ok := o["count"]; ok {
			n, isInt := integer(v)
			if !isInt || n < 0 || n > 999_999_999 {
				fail("%s: count %v: an integer from 0 to 999999999", where, v)
			}
		}
	case "campaign", "threat-actor":
		first := timestamp(o, "first_seen", where, false, false, fail)
		last := timestamp(o, "last_seen", where, false, false, fail)
		if !first.IsZero() && !last.IsZero() && last.Before(first) {
			fail("%s: last_seen is before first_seen", where)
		}
	case "relationship":
		if s, _ := o["relationship_type"].(string); !reType.MatchString(s) {
			fail("%s: relationship_type %q (lower case words joined by -)", where, s)
		}
		ref(o, "source_ref", where, byID, nil, fail)
		ref(o, "target_ref", where, byID, nil, fail)
	case "report":
		timestamp(o, "published", where, true, false, fail)
		refs(o, "object_refs", where, byID, nil, fail)
	}
}

func checkMarking(o Object, where string, fail func(string, ...any)) {
	for k := range o {
		switch k {
		case "type", "spec_version", "id", "created_by_ref", "created", "external_references", "object_marking_refs",
			"granular_markings", "extensions", "name", "definition_type", "definition":
		default:
			if !strings.HasPrefix(k, "x_") {
				fail("%s: property %s is not a marking-definition property (it has no modified: markings do not change)", where, k)
			}
		}
	}
	if slices.Contains(tlpIDs, o["id"].(string)) {
		return // FIRST's own definitions; not to be redefined with other content
	}
	if o["definition_type"] != "statement" {
		fail("%s: definition_type %v: this checker knows statement markings (and the TLP 2.0 ids)", where, o["definition_type"])
		return
	}
	def, _ := o["definition"].(map[string]any)
	if s, _ := def["statement"].(string); s == "" || len(def) != 1 {
		fail("%s: a statement marking's definition is {\"statement\": TEXT}", where)
	}
}

func timestamp(o Object, p, where string, required, millis bool, fail func(string, ...any)) time.Time {
	v, ok := o[p]
	if !ok {
		if required {
			fail("%s: required property %s missing", where, p)
		}
		return time.Time{}
	}
	s, _ := v.(string)
	if !reTimestamp.MatchString(s) {
		fail("%s: %s %v is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)", where, p, v)
		return time.Time{}
	}
	if millis && !reMillis.MatchString(s) {
		fail("%s: %s %s must be precise to the millisecond", where, p, s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		fail("%s: %s %s: %v", where, p, s, err)
	}
	return t
}

func ref(o Object, p, where string, byID map[string]string, types []string, fail func(string, ...any)) {
	v, ok := o[p]
	if !ok {
		return
	}
	s, _ := v.(string)
	checkRef(s, p, where, byID, types, fail)
}

func refs(o Object, p, where string, byID map[string]string, types []string, fail func(string, ...any)) {
	v, ok := o[p]
	if !ok {
		return
	}
	for _, s := range strList(v, where+": "+p, fail) {
		checkRef(s, p, where, byID, types, fail)
	}
}

func checkRef(id, p, where string, byID map[string]string, types []string, fail func(string, ...any)) {
	m := reID.FindStringSubmatch(id)
	if m == nil {
		fail("%s: %s %q is not an identifier", where, p, id)
		return
	}
	if types != nil && !slices.Contains(types, m[1]) {
		fail("%s: %s %s must name one of %s", where, p, id, strings.Join(types, ", "))
	}
	if m[1] == "marking-definition" && slices.Contains(tlpIDs, id) {
		return // the TLP 2.0 definitions are known to every consumer
	}
	if _, ok := byID[id]; !ok {
		fail("%s: %s %s is not in the bundle", where, p, id)
	}
}

func strList(v any, where string, fail func(string, ...any)) []string {
	l, ok := v.([]any)
	if !ok {
		if sl, ok := v.([]string); ok {
			return sl
		}
		fail("%s: not a list", where)
		return nil
	}
	var out []string
	for k, x := range l {
		s, ok := x.(string)
		if !ok || s == "" {
			fail("%s[%d]: not a non-empty string", where, k)
			continue
		}
		out = append(out, s)
	}
	return out
}

func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}

// CheckJSON parses a bundle and checks it: what tests and a user's file go
// through.
func CheckJSON(data []byte) error {
	var b Bundle
	if err := jsonStrict(data, &b); err != nil {
		return fmt.Errorf("not a STIX bundle: %w", err)
	}
	return CheckBundle(&b)
}
