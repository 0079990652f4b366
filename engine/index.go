package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// index holds lookup tables derived from the state. It is rebuilt after
// Init and Restore and is never hashed or iterated into the state.
type index struct {
	org, segment, jur, campaign, infra, evidence, content, payment, vuln, objective, inject map[string]int32
	named                                                                                   nameTable
	nameOf                                                                                  map[int32]string
	prefix                                                                                  map[string]int32 // generated prefix -> segment
	sites                                                                                   []int32          // website assets, built on first use
	owned                                                                                   [][]int32        // assets by owner, built on first use
	// links of segment s are linkIdx[linkStart[s]:linkStart[s+1]] (indexes
	// into World.Links): a lateral move checks its segment's links only.
	linkStart, linkIdx []int32
	// watched lists the positions in World.AssetNames of named assets
	// whose owner has a sensor (detect's draws); defaced those of blind
	// owners that were defaced (the public sees them): detect walks these
	// two sorted lists, not every named asset. sensors is what the lists
	// were built for: a change of any organisation's sensor rebuilds them.
	watched, defaced []int32
	sensors          []Permille
	news             map[string]bool // kind and subject of every news item
}

func (w *World) rebuildIndex() error {
	x := index{
		org: map[string]int32{}, segment: map[string]int32{}, jur: map[string]int32{},
		campaign: map[string]int32{}, infra: map[string]int32{}, evidence: map[string]int32{},
		content: map[string]int32{}, payment: map[string]int32{}, vuln: map[string]int32{},
		objective: map[string]int32{}, inject: map[string]int32{},
		nameOf: map[int32]string{}, prefix: map[string]int32{},
	}
	add := func(kind string, m map[string]int32, id string, i int) error {
		if _, dup := m[id]; dup {
			return fmt.Errorf("duplicate %s id %q", kind, id)
		}
		m[id] = int32(i)
		return nil
	}
	for i, v := range w.Orgs {
		if err := add("organisation", x.org, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Segments {
		if err := add("segment", x.segment, v.ID, i); err != nil {
			return err
		}
		if v.Prefix != "" {
			if err := add("generated prefix", x.prefix, v.Prefix, i); err != nil {
				return err
			}
		}
	}
	for i, v := range w.Jurisdictions {
		if err := add("jurisdiction", x.jur, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Campaigns {
		if err := add("campaign", x.campaign, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Infras {
		if err := add("infrastructure", x.infra, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Evidence {
		if err := add("evidence", x.evidence, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Contents {
		if err := add("content", x.content, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Payments {
		if err := add("payment", x.payment, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Vulns {
		if err := add("vulnerability", x.vuln, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Objectives {
		if err := add("objective", x.objective, v.ID, i); err != nil {
			return err
		}
	}
	for i, v := range w.Injects {
		if err := add("inject", x.inject, v.ID, i); err != nil {
			return err
		}
	}
	named := make(map[string]int32, len(w.AssetNames)) // duplicates refused here
	for _, n := range w.AssetNames {
		if n.Index < 0 || int(n.Index) >= len(w.Assets) {
			return fmt.Errorf("asset %q: index out of range", n.ID)
		}
		if err := add("asset", named, n.ID, int(n.Index)); err != nil {
			return err
		}
		x.nameOf[n.Index] = n.ID
	}
	x.named = newNameTable(w.AssetNames)
	x.buildLinks(w)
	x.buildWatch(w)
	x.news = map[string]bool{}
	for i := range w.Messages {
		if m := &w.Messages[i]; m.Kind == MsgNews {
			x.news[m.Event+"\x00"+m.Subject] = true
		}
	}
	w.idx = x
	w.decayNext = math.MaxInt64
	w.decayFrom = 0
	for i := range w.Evidence {
		w.scheduleDecay(&w.Evidence[i])
	}
	return nil
}

// buildLinks lays the links out per segment (compressed rows).
func (x *index) buildLinks(w *World) {
	ns := len(w.Segments)
	x.linkStart = make([]int32, ns+1)
	ok := func(l *Link) bool { return uint(l.A) < uint(ns) && uint(l.B) < uint(ns) }
	for i := range w.Links {
		l := &w.Links[i]
		if !ok(l) {
			continue // checkRefs rejects these; never panic mid-exercise
		}
		x.linkStart[l.A+1]++
		if l.B != l.A {
			x.linkStart[l.B+1]++
		}
	}
	for s := 0; s < ns; s++ {
		x.linkStart[s+1] += x.linkStart[s]
	}
	x.linkIdx = make([]int32, x.linkStart[ns])
	next := append([]int32(nil), x.linkStart[:ns]...)
	for i := range w.Links {
		l := &w.Links[i]
		if !ok(l) {
			continue
		}
		x.linkIdx[next[l.A]] = int32(i)
		next[l.A]++
		if l.B != l.A {
			x.linkIdx[next[l.B]] = int32(i)
			next[l.B]++
		}
	}
}

// linksOf lists the indexes of the links that touch segment s.
func (x *index) linksOf(s int32) []int32 {
	if s < 0 || int(s)+1 >= len(x.linkStart) {
		return nil
	}
	return x.linkIdx[x.linkStart[s]:x.linkStart[s+1]]
}

func (x *index) asset(w *World, id string) (int32, bool) {
	if i, ok := x.named.find(id); ok {
		return i, true
	}
	dash := strings.LastIndexByte(id, '-')
	if dash <= 0 {
		return 0, false
	}
	seg, ok := x.prefix[id[:dash]]
	if !ok {
		return 0, false
	}
	n, ok, _ := canonicalNumber(id[dash+1:])
	if !ok || n >= int(w.Segments[seg].Count) {
		return 0, false
	}
	i := w.Segments[seg].First + int32(n)
	if _, named := x.nameOf[i]; named {
		return 0, false // a named asset placed in the segment answers to its name only
	}
	return i, true
}

func (x *index) assetID(w *World, i int32) string {
	if i < 0 || int(i) >= len(w.Assets) {
		return ""
	}
	if n, ok := x.nameOf[i]; ok {
		return n
	}
	s := &w.Segments[w.Assets[i].Segment]
	return s.Prefix + "-" + strconv.Itoa(int(i-s.First))
}

// buildWatch lists the named assets detect must look at (see watched).
func (x *index) buildWatch(w *World) {
	x.watched, x.defaced = x.watched[:0], x.defaced[:0]
	x.sensors = x.sensors[:0]
	for i := range w.Orgs {
		x.sensors = append(x.sensors, w.Orgs[i].SensorPermille)
	}
	for p, n := range w.AssetNames {
		a := &w.Assets[n.Index]
		if uint(a.Owner) >= uint(len(w.Orgs)) {
			continue // checkRefs rejects these
		}
		switch {
		case w.Orgs[a.Owner].SensorPermille > 0:
			x.watched = append(x.watched, int32(p))
		case a.Flags&FlagDefaced != 0:
			x.defaced = append(x.defaced, int32(p))
		}
	}
}

// sensorsChanged says whether an organisation's sensor differs from what
// the watch lists were built for (O(organisations), once a tick).
func (x *index) sensorsChanged(w *World) bool {
	if len(x.sensors) != len(w.Orgs) {
		return true
	}
	for i := range w.Orgs {
		if w.Orgs[i].SensorPermille != x.sensors[i] {
			return true
		}
	}
	return false
}
