package locale

import (
	"cyberex/engine"
	"strings"
	"testing"
	"time"
)

func TestEveryKeyHasEnglish(t *testing.T) {
	for k := Key(0); k < keyCount; k++ {
		if strings.TrimSpace(english[k]) == "" {
			t.Errorf("key %d has no English text", k)
		}
	}
	if got := English.T(keyCount + 3); got != "?" {
		t.Errorf("out-of-range key gave %q, want ?", got)
	}
}

func TestZoneLabel(t *testing.T) {
	for _, c := range []struct {
		min  int32
		want string
	}{{0, "UTC"}, {60, "UTC+1"}, {-180, "UTC-3"}, {330, "UTC+5:30"}, {-210, "UTC-3:30"}} {
		if got := (Zone{OffsetMinutes: c.min}).Label(); got != c.want {
			t.Errorf("%d min: %q, want %q", c.min, got, c.want)
		}
	}
}

func TestClockShowsBothZones(t *testing.T) {
	at := time.Date(2026, 3, 3, 13, 5, 0, 0, time.UTC).Unix()
	cases := []struct {
		name   string
		ex     Zone
		player *time.Location
		want   string
	}{
		{"different zones", Zone{OffsetMinutes: 60}, time.UTC, "Tue 03 Mar 14:05 UTC+1 · 13:05 yours"},
		{"same zone written once", Zone{OffsetMinutes: 60}, time.FixedZone("CET", 3600), "Tue 03 Mar 14:05 UTC+1"},
		{"no player zone", Zone{OffsetMinutes: -300}, nil, "Tue 03 Mar 08:05 UTC-5"},
		{"day boundary", Zone{OffsetMinutes: 660}, time.UTC, "Wed 04 Mar 00:05 UTC+11 · 13:05 yours"},
	}
	for _, c := range cases {
		if got := English.Clock(at, c.ex, c.player); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		s    int64
		want string
	}{{-5, "0 s"}, {45, "45 s"}, {60, "1 min"}, {3599, "59 min"}, {3600, "1 h"}, {12000, "3 h 20 min"}, {86400, "1 d"}, {187200, "2 d 4 h"}} {
		if got := English.Duration(c.s); got != c.want {
			t.Errorf("%d s: %q, want %q", c.s, got, c.want)
		}
	}
}

// Every verb the engine knows has a label, so no raw verb reaches a button.
func TestEveryVerbHasALabel(t *testing.T) {
	for _, v := range engine.VerbNames() {
		if _, ok := verbLabels[v]; !ok {
			t.Errorf("verb %q has no label in the English table", v)
		}
	}
}
