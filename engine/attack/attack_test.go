package attack

import (
	"cyberex/engine/suggest"

	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCounts(t *testing.T) {
	all := All()
	domains := map[string]int{}
	for _, tech := range all {
		domains[tech.Domain]++
	}
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"rows", len(all), 774},
		{"enterprise", domains[DomainEnterprise], 691},
		{"ics", domains[DomainICS], 83},
		{"other domains", len(all) - domains[DomainEnterprise] - domains[DomainICS], 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	if Version != "18.1" {
		t.Fatalf("Version = %q, want 18.1", Version)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		id      string
		ok      bool
		domain  string
		name    string
		tactics []string
	}{
		{"T1566.001", true, DomainEnterprise, "Spearphishing Attachment", []string{"initial-access"}},
		{"T1566", true, DomainEnterprise, "Phishing", []string{"initial-access"}},
		{"T1037", true, DomainEnterprise, "Boot or Logon Initialization Scripts", []string{"persistence", "privilege-escalation"}},
		{"T0831", true, DomainICS, "Manipulation of Control", []string{"impact"}},
		{"T0865", true, DomainICS, "Spearphishing Attachment", []string{"initial-access"}},
		{"T1566.009", false, "", "", nil},
		{"t1566.001", false, "", "", nil},
		{" T1566.001", false, "", "", nil},
		{"Phishing", false, "", "", nil},
		{"", false, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := Lookup(tt.id)
			if ok != tt.ok {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.id, ok, tt.ok)
			}
			if !ok {
				if got.ID != "" || got.Tactics != nil {
					t.Errorf("Lookup(%q) = %+v, want zero Technique", tt.id, got)
				}
				return
			}
			if got.ID != tt.id || got.Domain != tt.domain || got.Name != tt.name || !slices.Equal(got.Tactics, tt.tactics) {
				t.Errorf("Lookup(%q) = %+v, want {%s %s %s %v}", tt.id, got, tt.id, tt.domain, tt.name, tt.tactics)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		ok       bool
		suggest  []string // exact expected suggestion IDs, in order
		contains []string // substrings of the error message
	}{
		{name: "known enterprise", id: "T1566.001", ok: true},
		{name: "known enterprise parent", id: "T1566", ok: true},
		{name: "known ics", id: "T0831", ok: true},
		{
			name:    "unknown sub-technique suggests siblings",
			id:      "T1566.009",
			suggest: []string{"T1566.001", "T1566.002", "T1566.003"},
			contains: []string{
				`unknown or deprecated ATT&CK technique "T1566.009"`,
				"ATT&CK v18.1",
				"did you mean T1566.001 (Spearphishing Attachment), T1566.002 (Spearphishing Link) or T1566.003 (Spearphishing via Service)?",
			},
		},
		{
			name:     "revoked technique gets nearest ids",
			id:       "T1086",
			contains: []string{`unknown or deprecated ATT&CK technique "T1086"`, "did you mean T10"},
		},
		{
			name:     "unknown parent technique",
			id:       "T9999.001",
			contains: []string{`"T9999.001"`, "did you mean "},
		},
		{
			name:     "name instead of id",
			id:       "Phishing",
			suggest:  []string{"T1566"},
			contains: []string{`unknown or deprecated ATT&CK technique "Phishing"`, "not a name", "did you mean T1566 (Phishing)?"},
		},
		{
			name:     "name in other case",
			id:       "manipulation of control",
			suggest:  []string{"T0831"},
			contains: []string{"did you mean T0831 (Manipulation of Control)?"},
		},
		{
			name:    "name shared across domains",
			id:      "Spearphishing Attachment",
			suggest: []string{"T0865", "T1566.001", "T1598.002"},
		},
		{
			name:    "misspelt name",
			id:      "Phishng",
			suggest: []string{"T1566"},
		},
		{
			name:    "partial name",
			id:      "powershell",
			suggest: []string{"T1059.001"},
		},
		{
			name:     "lowercase id",
			id:       "t1566.001",
			suggest:  []string{"T1566.001"},
			contains: []string{`"t1566.001"`, "uppercase", "did you mean T1566.001 (Spearphishing Attachment)?"},
		},
		{name: "lowercase ics id", id: "t0831", suggest: []string{"T0831"}},
		{name: "surrounding space", id: " T1566.001\t", suggest: []string{"T1566.001"}},
		{name: "url form", id: "T1566/001", suggest: []string{"T1566.001"}},
		{name: "missing T and padding", id: "1566.1", suggest: []string{"T1566.001"}},
		{
			name:     "empty",
			id:       "",
			suggest:  []string{},
			contains: []string{"empty ATT&CK technique ID", "T1566.001", "v18.1"},
		},
		{name: "whitespace only", id: "   ", suggest: []string{}},
		{name: "gibberish name", id: "xyzzy", suggest: []string{}, contains: []string{`"xyzzy"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.id)
			if tt.ok {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", tt.id, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%q) = nil, want error", tt.id)
			}
			if !errors.Is(err, ErrUnknownTechnique) {
				t.Errorf("errors.Is(%v, ErrUnknownTechnique) = false", err)
			}
			var ute *UnknownTechniqueError
			if !errors.As(err, &ute) {
				t.Fatalf("Validate(%q) error %T is not *UnknownTechniqueError", tt.id, err)
			}
			if ute.Input != tt.id {
				t.Errorf("Input = %q, want %q", ute.Input, tt.id)
			}
			var got []string
			for _, s := range ute.Suggestions {
				got = append(got, s.ID)
			}
			if tt.suggest != nil && !slices.Equal(got, tt.suggest) {
				t.Errorf("Validate(%q) suggestions = %v, want %v (error: %v)", tt.id, got, tt.suggest, err)
			}
			msg := err.Error()
			for _, want := range tt.contains {
				if !strings.Contains(msg, want) {
					t.Errorf("Validate(%q) = %q, want it to contain %q", tt.id, msg, want)
				}
			}
			if again := Validate(tt.id); again.Error() != msg {
				t.Errorf("Validate(%q) not deterministic: %q then %q", tt.id, msg, again.Error())
			}
		})
	}
}

func TestAllSortedAndConsistent(t *testing.T) {
	all := All()
	if !slices.IsSortedFunc(all, func(a, b Technique) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("All() is not sorted by ID")
	}
	for i, tech := range all {
		if i > 0 && all[i-1].ID == tech.ID {
			t.Errorf("duplicate ID %s", tech.ID)
		}
		if !isID(tech.ID) {
			t.Errorf("malformed ID %q", tech.ID)
		}
		if err := Validate(tech.ID); err != nil {
			t.Errorf("Validate(%q) = %v", tech.ID, err)
		}
		got, ok := Lookup(tech.ID)
		if !ok || got.Name != tech.Name || got.Domain != tech.Domain || !slices.Equal(got.Tactics, tech.Tactics) {
			t.Errorf("Lookup(%q) = %+v, %v; All() has %+v", tech.ID, got, ok, tech)
		}
		if tech.Name == "" || len(tech.Tactics) == 0 {
			t.Errorf("%s: empty name or tactics: %+v", tech.ID, tech)
		}
		if want := strings.HasPrefix(tech.ID, "T0"); want != (tech.Domain == DomainICS) {
			t.Errorf("%s: domain %q unexpected for its ID range", tech.ID, tech.Domain)
		}
		if len(tech.ID) == 9 {
			if _, ok := Lookup(tech.ID[:5]); !ok {
				t.Errorf("%s: parent technique %s missing", tech.ID, tech.ID[:5])
			}
		}
	}
}

func TestResultsAreCopies(t *testing.T) {
	all := All()
	all[0].Name = "mutated"
	all[0].Tactics[0] = "mutated"
	tech, _ := Lookup("T1566.001")
	tech.Tactics[0] = "mutated"
	if again := All(); again[0].Name == "mutated" || again[0].Tactics[0] == "mutated" {
		t.Error("All() exposes internal state")
	}
	if again, _ := Lookup("T1566.001"); again.Tactics[0] != "initial-access" {
		t.Error("Lookup() exposes internal state")
	}
	var ute *UnknownTechniqueError
	if errors.As(Validate("t1566.001"), &ute) {
		ute.Suggestions[0].Tactics[0] = "mutated"
	}
	if again, _ := Lookup("T1566.001"); again.Tactics[0] != "initial-access" {
		t.Error("Validate() suggestions expose internal state")
	}
}

func TestParseRejectsBadData(t *testing.T) {
	header := "id,domain,name,tactics\n"
	tests := []struct{ name, data string }{
		{"no header", "T1566,enterprise,Phishing,initial-access\n"},
		{"bad id", header + "T15,enterprise,Phishing,initial-access\n"},
		{"lowercase id", header + "t1566,enterprise,Phishing,initial-access\n"},
		{"bad domain", header + "T1566,mobile,Phishing,initial-access\n"},
		{"empty name", header + "T1566,enterprise,,initial-access\n"},
		{"no tactics", header + "T1566,enterprise,Phishing,\n"},
		{"duplicate", header + "T1566,enterprise,Phishing,initial-access\nT1566,enterprise,Phishing,initial-access\n"},
		{"wrong field count", header + "T1566,enterprise,Phishing\n"},
	}
	for _, tt := range tests {
		if _, err := parse([]byte(tt.data)); err == nil {
			t.Errorf("%s: parse succeeded, want error", tt.name)
		}
	}
	if c, err := parse([]byte(header + "T1566.001,enterprise,Spearphishing Attachment,initial-access\r\nT1566,enterprise,Phishing,initial-access\r\n")); err != nil || len(c.list) != 2 || c.list[0].ID != "T1566" {
		t.Errorf("parse of valid CRLF data: %v, %+v", err, c)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"T1566.009", "T1566.001", 1}, {"T1566.009", "T1566", 4}, {"flaw", "lawn", 2},
	}
	for _, tt := range tests {
		if got := suggest.Distance([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"", "T1566.001", "T1566.009", "t1566.001", "Phishing", "T0831", "T", "T1", "1566/1",
		"T1566.", "T1566..001", "T1566/", " ", "spear phishing", "\xff\xfe", "T1566.001 Spearphishing",
		strings.Repeat("T1", 200), strings.Repeat("phish ", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s)
		_, known := Lookup(s)
		if known != (err == nil) {
			t.Fatalf("Validate(%q) = %v but Lookup ok = %v", s, err, known)
		}
		if err == nil {
			return
		}
		if !errors.Is(err, ErrUnknownTechnique) || err.Error() == "" {
			t.Fatalf("Validate(%q) = %v: not a proper unknown-technique error", s, err)
		}
		var ute *UnknownTechniqueError
		if !errors.As(err, &ute) {
			t.Fatalf("Validate(%q) error type %T", s, err)
		}
		if len(ute.Suggestions) > maxSuggestions {
			t.Fatalf("Validate(%q): %d suggestions", s, len(ute.Suggestions))
		}
		for _, sug := range ute.Suggestions {
			if _, ok := Lookup(sug.ID); !ok {
				t.Fatalf("Validate(%q) suggested non-existent %q", s, sug.ID)
			}
		}
	})
}
