package script

import (
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// identities gives each table, function, coroutine and userdata a number
// the first time tostring sees it. The order of first sight is decided by
// the script, so the numbers replay; addresses do not.
//
// The maps hold weak pointers so that naming a value does not keep it
// alive. Numbers are never reused, and dead entries are swept when a map
// doubles; the sweep depends on the garbage collector but only removes
// entries no live value can be looked up by, so output does not.
type identities struct {
	last  uint64
	tabs  idMap[lua.LTable]
	funcs idMap[lua.LFunction]
	thrs  idMap[lua.LState]
	uds   idMap[lua.LUserData]
}

func (ids *identities) table(p *lua.LTable) uint64       { return ids.tabs.id(p, &ids.last) }
func (ids *identities) function(p *lua.LFunction) uint64 { return ids.funcs.id(p, &ids.last) }
func (ids *identities) thread(p *lua.LState) uint64      { return ids.thrs.id(p, &ids.last) }
func (ids *identities) userdata(p *lua.LUserData) uint64 { return ids.uds.id(p, &ids.last) }

type idMap[T any] struct {
	m       map[weak.Pointer[T]]uint64
	sweepAt int
}

func (im *idMap[T]) id(p *T, last *uint64) uint64 {
	if im.m == nil {
		im.m = map[weak.Pointer[T]]uint64{}
		im.sweepAt = 64
	}
	k := weak.Make(p)
	if id, ok := im.m[k]; ok {
		return id
	}
	if len(im.m) >= im.sweepAt {
		// map-order: dead entries are deleted; which first does not matter.
		for wk := range im.m {
			if wk.Value() == nil {
				delete(im.m, wk)
			}
		}
		im.sweepAt = 2*len(im.m) + 64
	}
	*last++
	im.m[k] = *last
	return *last
}
