package engine

// nameTable finds a named asset's index by its id: open addressing over
// nameHash, built once with the index. A scripted adversary names an asset
// on every action; the table costs about a third of a Go map lookup
// (no seeded hash, no control bytes; a slot keeps its id's hash, so a
// probe compares strings only when the hashes match).
type nameTable struct {
	slots []nameSlot // a power of two, at least twice the names
	mask  uint32
}

type nameSlot struct {
	id   string // "" for an empty slot (ids are never empty)
	hash uint32
	idx  int32
}

// nameHash hashes an id eight bytes at a time (the compiler makes one load
// of each eight bytes written out below): FNV-1a, a byte at a time, was
// about 80 instructions of every scripted action on a 13-byte id. The
// table only needs ids spread over its slots, so any mixing will do that
// is the same at build and at lookup; the last multiply-and-fold brings
// the high bits down to the slot bits.
func nameHash(s string) uint32 {
	const m = 0x9e3779b97f4a7c15
	n := len(s)
	h := uint64(n) * m
	switch {
	case n >= 8:
		for t := s; len(t) > 8; t = t[8:] {
			h = (h ^ load8(t)) * m
			h ^= h >> 32
		}
		// The last eight bytes, overlapping what was mixed already.
		h = (h ^ load8(s[n-8:])) * m
	case n >= 4:
		h = (h ^ (load4(s) | load4(s[n-4:])<<32)) * m
	case n > 0:
		h = (h ^ (uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16)) * m
	}
	h ^= h >> 32
	h *= m
	return uint32(h >> 32)
}

// load8 and load4 read the first 8 or 4 bytes of s, little-endian.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func load4(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

func newNameTable(names []NamedAsset) nameTable {
	n := 4
	for n < 2*len(names) {
		n *= 2
	}
	t := nameTable{slots: make([]nameSlot, n), mask: uint32(n - 1)}
	for _, a := range names {
		h := nameHash(a.ID)
		for j := h & t.mask; ; j = (j + 1) & t.mask {
			if t.slots[j].id == "" {
				t.slots[j] = nameSlot{a.ID, h, a.Index}
				break
			}
		}
	}
	return t
}

func (t *nameTable) find(id string) (int32, bool) {
	if id == "" || len(t.slots) == 0 {
		return 0, false
	}
	h := nameHash(id)
	for j := h & t.mask; ; j = (j + 1) & t.mask {
		s := &t.slots[j]
		if s.hash == h && s.id == id {
			return s.idx, true
		}
		if s.id == "" {
			return 0, false
		}
	}
}
