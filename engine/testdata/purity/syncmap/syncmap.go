// Package syncmap walks a sync.Map.
package syncmap

import "sync"

func F(m *sync.Map) (n int) {
	m.Range(func(k, v any) bool { n++; return true })
	return n
}
