package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"police", "prosecutor", "platform", "organisations", "csirt"}
	cases := []struct{ word, want string }{
		{"polise", "police"},
		{"POLICE", "police"},
		{"org", "organisations"},
		{"platfrom", "platform"},
		{"xyzzy", ""},
		{"", ""},
		{"police", ""}, // the word itself is no suggestion
	}
	for _, c := range cases {
		if got := Closest(c.word, cands); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"flaw", "lawn", 2}}
	for _, c := range cases {
		if got := Distance([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func FuzzClosest(f *testing.F) {
	f.Add("polise", "police")
	f.Fuzz(func(t *testing.T, w, c string) { Closest(w, []string{c, "police"}) })
}
