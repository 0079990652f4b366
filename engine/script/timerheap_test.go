package script

import (
	"container/heap"
	"math/rand/v2"
	"testing"
)

// TestTimerFixFirstIsHeapFix: the repeating timer's in-place fix leaves
// the heap exactly as heap.Fix(&h, 0) does (the order timers fire in
// depends on the layout when due ticks tie, and ties are broken by id).
func TestTimerFixFirstIsHeapFix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 2000; round++ {
		n := 1 + r.IntN(40)
		var a, b timerHeap
		for i := 0; i < n; i++ {
			due := int64(r.IntN(8))
			heap.Push(&a, &timer{id: int64(i), due: due})
			heap.Push(&b, &timer{id: int64(i), due: due})
		}
		grow := int64(r.IntN(10))
		a[0].due += grow
		b[0].due += grow
		heap.Fix(&a, 0)
		b.fixFirst()
		for i := range a {
			if a[i].id != b[i].id || a[i].due != b[i].due {
				t.Fatalf("round %d (n=%d, +%d): position %d holds timer %d (due %d), heap.Fix put %d (due %d)",
					round, n, grow, i, b[i].id, b[i].due, a[i].id, a[i].due)
			}
		}
	}
}
