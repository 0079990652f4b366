package runner

import (
	"strings"
	"testing"
)

func TestParseSeeds(t *testing.T) {
	tests := []struct {
		in    string
		want  []uint64 // nil: an error
		str   string
		err   string
		count int64
	}{
		{in: "7", want: []uint64{7}, str: "7"},
		{in: "1..5", want: []uint64{1, 2, 3, 4, 5}, str: "1..5"},
		{in: " 1..3, 7 ,10..11", want: []uint64{1, 2, 3, 7, 10, 11}, str: "1..3,7,10..11"},
		{in: "1..3,4..5", want: []uint64{1, 2, 3, 4, 5}, str: "1..5"}, // adjacent ranges join
		{in: "3,3", want: []uint64{3, 3}, str: "3,3"},
		{in: "0", want: []uint64{0}, str: "0"},
		{in: "18446744073709551614..18446744073709551615", want: []uint64{18446744073709551614, 18446744073709551615}, str: "18446744073709551614..18446744073709551615"},
		{in: "1..1000000", count: 1_000_000, str: "1..1000000"},
		{in: "", err: "no seeds"},
		{in: "5..1", err: "runs backwards"},
		{in: "x", err: `seed "x"`},
		{in: "-1", err: `seed "-1"`},
		{in: "1..", err: `seed ""`},
		{in: "18446744073709551616", err: "want an integer"},
		{in: "0..18446744073709551615", err: "too many seeds"},
		{in: "1..600000000,1..600000000", err: "too many seeds"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			s, err := ParseSeeds(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tc.str {
				t.Errorf("String() = %q, want %q", s.String(), tc.str)
			}
			if tc.want == nil {
				if s.Len() != tc.count {
					t.Errorf("Len() = %d, want %d", s.Len(), tc.count)
				}
				return
			}
			if s.Len() != int64(len(tc.want)) {
				t.Fatalf("Len() = %d, want %d", s.Len(), len(tc.want))
			}
			for i, w := range tc.want {
				if got := s.At(int64(i)); got != w {
					t.Errorf("At(%d) = %d, want %d", i, got, w)
				}
				if !s.Contains(w) {
					t.Errorf("Contains(%d) is false", w)
				}
			}
		})
	}
}

func TestSeedListContains(t *testing.T) {
	s := SeedList([]uint64{5, 6, 7, 9})
	if s.String() != "5..7,9" || s.Len() != 4 || s.Contains(8) || !s.Contains(9) || s.Contains(4) {
		t.Errorf("SeedList: %s, %d", s, s.Len())
	}
}
