package lua

import (
	"math"
	"reflect"
	"unsafe"
)

// iface is an internal representation of the go-interface.
type iface struct {
	itab unsafe.Pointer
	word unsafe.Pointer
}

// cyberex fork: 8,192 instead of 128 (see FORK.md).
const preloadLimit LNumber = 8192

var _fv float64
var _uv uintptr

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
}

// allocator is a fast bulk memory allocator for the LValue.
type allocator struct {
	size    int
	fptrs   []float64
	fheader *reflect.SliceHeader

	scratchValue  LValue
	scratchValueP *iface
}

func newAllocator(size int) *allocator {
	al := &allocator{
		size:    size,
		fptrs:   make([]float64, 0, size),
		fheader: nil,
	}
	al.fheader = (*reflect.SliceHeader)(unsafe.Pointer(&al.fptrs))
	al.scratchValue = LNumber(0)
	al.scratchValueP = (*iface)(unsafe.Pointer(&al.scratchValue))

	return al
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
		var lv LValue
		lvp := (*iface)(unsafe.Pointer(&lv))
		lvp.itab = numberItab
		lvp.word = unsafe.Pointer(&preloadFloats[int(v)])
		return lv
	}

	// check if we need a new alloc page
	if cap(al.fptrs) == len(al.fptrs) {
		al.fptrs = make([]float64, 0, al.size) // (fheader still points at fptrs)
	}

	// alloc a new float, and store our value into it
	al.fptrs = append(al.fptrs, float64(v))
	fptr := &al.fptrs[len(al.fptrs)-1]

	// cyberex fork: the interface is made in a local, with the number
	// type's itab, instead of through the allocator's scratch value (a
	// pointer store into the heap, with its write barrier, then a load).
	var lv LValue
	lvp := (*iface)(unsafe.Pointer(&lv))
	lvp.itab = numberItab
	lvp.word = unsafe.Pointer(fptr)
	return lv
}

// PushNumber pushes n through the state's number cache (cyberex fork):
// Push(LNumber(n)) boxes every number in its own 8-byte allocation, which
// builtins called every tick (math.floor, the host's random) paid each
// time. A negative zero keeps its sign (the cache would make it +0).
func (ls *LState) PushNumber(n LNumber) {
	if n == 0 && math.Signbit(float64(n)) {
		ls.Push(n)
		return
	}
	ls.Push(ls.alloc.LNumber2I(n))
}
