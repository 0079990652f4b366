// Package weak holds weak pointers: what they see depends on the garbage
// collector.
package weak

import "weak"

type T struct{ n int }

func F(t *T) bool {
	p := weak.Make(t)
	return p.Value() != nil
}
