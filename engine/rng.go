package engine

import (
	"math/bits"
	"math/rand/v2"
)

// Each sub-system draws from its own stream so that adding a draw in one
// (say, detection) does not shift every later draw in another (spreading):
// scenario golden hashes then change only where the rules changed.
const (
	streamSpread = iota
	streamDetect
	streamLegal
	streamAttack
	streamScript
	streamMisc
	streamCount
)

type pcg struct{ src rand.PCG }

// newStream derives stream i from the world seed with splitmix64, so the
// streams are independent yet fully decided by the seed.
func newStream(seed, i uint64) pcg {
	a := splitmix(seed ^ (i * 0x9e3779b97f4a7c15))
	b := splitmix(a ^ 0xd1b54a32d192ed03)
	var p pcg
	p.src.Seed(a, b)
	return p
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (p *pcg) Uint64() uint64 { return p.src.Uint64() }

// below returns a uniform integer in [0, n) (Lemire's method, unbiased).
func (p *pcg) below(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	hi, lo := bits.Mul64(p.src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(p.src.Uint64(), n)
		}
	}
	return hi
}

// chance is true with probability pm/1000.
func (p *pcg) chance(pm Permille) bool {
	if pm <= 0 {
		return false
	}
	if pm >= PermilleMax {
		return true
	}
	return p.below(1000) < uint64(pm)
}

// Rand is the generator scripts draw from (math.random in Lua). It is the
// world's script stream: part of the state, seeded from the scenario seed.
func (w *World) Rand() interface{ Uint64() uint64 } { return &w.rng[streamScript] }

// RandBelow draws an integer in [0, n) from the script stream.
func (w *World) RandBelow(n uint64) uint64 { return w.rng[streamScript].below(n) }
