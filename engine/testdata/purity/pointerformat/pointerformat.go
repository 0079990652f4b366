// Package pointerformat formats addresses.
package pointerformat

import (
	"fmt"
	"io"
)

type T struct{ n int }

func F(w io.Writer, t *T) error {
	s := fmt.Sprintf("at %p", t)
	fmt.Fprintf(w, "%-12p|%s", t, s)
	_ = fmt.Sprintf("100%%p is not a verb %d", 1)
	return fmt.Errorf("item %[1]p", t)
}
