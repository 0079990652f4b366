package engine

import (
	"os"
	"regexp"
	"sort"
	"testing"
)

func TestEventKindsListed(t *testing.T) {
	if !sort.StringsAreSorted(EventKinds) {
		t.Error("EventKinds not sorted")
	}
	src, err := os.ReadFile("event.go")
	if err != nil {
		t.Fatal(err)
	}
	n := len(regexp.MustCompile(`(?m)^\s+Ev[A-Za-z0-9]+\s+= "`).FindAll(src, -1))
	if n != len(EventKinds) {
		t.Errorf("event.go declares %d kinds, EventKinds lists %d", n, len(EventKinds))
	}
}
