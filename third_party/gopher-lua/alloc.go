package lua

import (
	"math"
	"unsafe"
)

// iface is an internal representation of the go-interface.
type iface struct {
	itab unsafe.Pointer
	word unsafe.Pointer
}

// cyberex fork: 8,192 instead of 128 (see FORK.md).
const preloadLimit LNumber = 8192

// preloadFloats holds the preboxed whole numbers side by side (cyberex
// fork): the interface of number i is made from its address, without
// reading a table of interfaces (8,192 of them were 128 KB read at random
// when a script draws over thousands of actions).
var preloadFloats [int(preloadLimit)]float64

// numberItab is the itab of LNumber in an LValue.
var numberItab unsafe.Pointer

func init() {
	for i := range preloadFloats {
		preloadFloats[i] = float64(i)
	}
	var lv LValue = LNumber(0)
	numberItab = (*iface)(unsafe.Pointer(&lv)).itab
	if math.Float64bits(float64(preloadLimit)) != preloadLimitBits {
		panic("gopher-lua: preloadLimitBits is not preloadLimit's bits")
	}
}

// allocator is a fast bulk memory allocator for the LValue. (cyberex
// fork: upstream's scratch value and slice header are gone: interfaces
// are made in a local, see numberAt.)
type allocator struct {
	size  int
	fptrs []float64
}

func newAllocator(size int) *allocator {
	return &allocator{size: size, fptrs: make([]float64, 0, size)}
}

// numberAt is the LValue of the number stored at p (cyberex fork): the
// interface is made in a local, with the number type's itab, instead of
// through a scratch value in the heap (a pointer store with its write
// barrier, then a load) or a table of interfaces.
func numberAt(p *float64) LValue {
	var lv LValue
	lvp := (*iface)(unsafe.Pointer(&lv))
	lvp.itab = numberItab
	lvp.word = unsafe.Pointer(p)
	return lv
}

// LNumber2I takes a number value and returns an interface LValue representing the same number.
// Converting an LNumber to a LValue naively, by doing:
// `var val LValue = myLNumber`
// will result in an individual heap alloc of 8 bytes for the float value. LNumber2I amortizes the cost and memory
// overhead of these allocs by allocating blocks of floats instead.
// The downside of this is that all of the floats on a given block have to become eligible for gc before the block
// as a whole can be gc-ed.
func (al *allocator) LNumber2I(v LNumber) LValue {
	// first check for shared preloaded numbers
	if v >= 0 && v < preloadLimit && float64(v) == float64(int64(v)) {
		return numberAt(&preloadFloats[int(v)])
	}

	// check if we need a new alloc page
	if cap(al.fptrs) == len(al.fptrs) {
		al.fptrs = make([]float64, 0, al.size)
	}

	// alloc a new float, and store our value into it
	al.fptrs = append(al.fptrs, float64(v))
	return numberAt(&al.fptrs[len(al.fptrs)-1])
}

// PushNumber pushes n through the state's number cache (cyberex fork):
// Push(LNumber(n)) boxes every number in its own 8-byte allocation, which
// builtins called every tick (math.floor, the host's random) paid each
// time. A negative zero keeps its sign (the cache would make it +0).
//
// A preboxed number is pushed here (the commonest case, a count or an
// index): its bits, as an unsigned integer, are below those of
// preloadLimit exactly when it is from +0 up to below the limit (a
// negative number, -0 included, has the sign bit; NaN's bits are above
// infinity's). Anything else goes through pushNumber.
func (ls *LState) PushNumber(n LNumber) {
	if math.Float64bits(float64(n)) < preloadLimitBits {
		if i := int(n); LNumber(i) == n {
			ls.reg.Push(numberAt(&preloadFloats[i]))
			return
		}
	}
	ls.pushNumber(n)
}

// preloadLimitBits is math.Float64bits(float64(preloadLimit)) (init
// checks it).
const preloadLimitBits = 0x40c0000000000000

func (ls *LState) pushNumber(n LNumber) {
	if n == 0 && math.Signbit(float64(n)) {
		ls.Push(n)
		return
	}
	ls.Push(ls.alloc.LNumber2I(n))
}
