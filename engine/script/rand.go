package script

import (
	"math/bits"

	lua "github.com/yuin/gopher-lua"
)

// Rand is the random source scripts draw from through math.random. The
// engine passes its seeded script stream (a *rand.PCG satisfies it), so
// that runs replay; gopher-lua's math.random uses Go's global generator.
type Rand interface{ Uint64() uint64 }

// luaRandom is math.random with Lua 5.1's three forms:
//
//	math.random()     a float in [0, 1)
//	math.random(m)    an integer in [1, m]
//	math.random(m, n) an integer in [m, n]
//
// Integers are drawn without bias (Lemire's method). It is made as a
// closure, not registered as the method value s.luaRandom, whose wrapper
// was one more call on every draw.
func (s *State) luaRandom() lua.LGFunction {
	return func(L *lua.LState) int {
		switch L.GetTop() {
		case 0:
			L.PushNumber(lua.LNumber(float64(s.rand.Uint64()>>11) * 0x1p-53))
			return 1
		case 1:
			m := checkInt(L, 1)
			if m < 1 {
				L.ArgError(1, "interval is empty")
			}
			L.PushNumber(lua.LNumber(1 + int64(s.below(uint64(m)))))
			return 1
		case 2:
			lo, hi := checkInt(L, 1), checkInt(L, 2)
			if lo > hi {
				L.ArgError(2, "interval is empty")
			}
			L.PushNumber(lua.LNumber(lo + int64(s.below(uint64(hi-lo)+1))))
			return 1
		}
		L.RaiseError("wrong number of arguments to 'random'")
		return 0
	}
}

// below is a uniform integer in [0, n), n > 0.
func (s *State) below(n uint64) uint64 {
	hi, lo := bits.Mul64(s.rand.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.rand.Uint64(), n)
		}
	}
	return hi
}

// luaRandomseed refuses: the engine seeds the stream from the scenario's
// seed, and a script that reseeds (classically with os.time()) would make
// its run unreproducible, or silently share a sequence with another run.
// An error says so at the line that tried.
func luaRandomseed(L *lua.LState) int {
	L.RaiseError("math.randomseed is disabled: the engine seeds math.random from the run's seed")
	return 0
}
