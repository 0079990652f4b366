package script

import (
	"context"
	"runtime/metrics"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

type cnt struct{ n int64 }

func (c *cnt) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *cnt) Done() <-chan struct{}       { c.n++; return nil }
func (c *cnt) Err() error                  { return nil }
func (c *cnt) Value(any) any               { return nil }

var _ context.Context = (*cnt)(nil)

func BenchmarkScratchLoop(b *testing.B) {
	for _, withCtx := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "ctx"}[withCtx], func(b *testing.B) {
			L := lua.NewState()
			c := &cnt{}
			if withCtx {
				L.SetContext(c)
			}
			fn, _ := L.LoadString("local s = 0 for i=1,1000000 do s = s + i end")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				L.Push(fn)
				L.Call(0, 0)
			}
			b.ReportMetric(float64(c.n)/float64(b.N), "instr/op")
		})
	}
}

func BenchmarkScratchMetrics(b *testing.B) {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	for i := 0; i < b.N; i++ {
		metrics.Read(s)
	}
}
func BenchmarkScratchNow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = time.Now()
	}
}
