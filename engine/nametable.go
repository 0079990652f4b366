package engine

// nameTable finds a named asset's index by its id: open addressing over
// FNV-1a, built once with the index. A scripted adversary names an asset
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

func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func newNameTable(names []NamedAsset) nameTable {
	n := 4
	for n < 2*len(names) {
		n *= 2
	}
	t := nameTable{slots: make([]nameSlot, n), mask: uint32(n - 1)}
	for _, a := range names {
		h := fnv1a(a.ID)
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
	h := fnv1a(id)
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
