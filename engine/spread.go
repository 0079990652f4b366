package engine

import (
	"cmp"
	"fmt"
	"slices"
)

// The spreading model: per tick, a susceptible host in segment s is
// recruited with probability
//
//	p = contacts * pressure(s) / hosts(s) * rate(vuln)/1000 * posture(s)/1000
//
// where pressure(s) counts the bots in s plus the bots of linked segments
// weighted by the link. Probabilities are fixed point over 2^16 and drawn
// per host from the spread stream: one draw per susceptible host-tick keeps
// the hot loop at a few nanoseconds per asset without any float.

// c2Reachable says whether the campaign's bots can be commanded at all.
func (w *World) c2Reachable(c *Campaign) bool {
	if c.C2 == None {
		return true
	}
	f := w.Assets[c.C2].Flags
	return f&(FlagTakenDown|FlagSinkholed|FlagBlocked|FlagIsolated|FlagDestroyed) == 0
}

// scratch holds what one tick's spreading derives from the state: bot
// counts per segment, exploit tables (the links per segment are the
// index's, built once). It is rebuilt at
// the start of every spreadBotnets and never reaches the state.
type scratch struct {
	// ddos holds each DDoS target's availability before this tick's
	// attacks, to tell the owner when it crosses 500‰ either way.
	ddos []ddosMark
	// valid: the tables hold counts; dirty: hosts changed since, recount.
	valid, dirty bool
	tick         int32 // the tick the tables below describe
	ns           int   // segments
	// row is, per campaign, its row in bots (active botnets only), or None.
	row []int32
	// bots[row*ns+s] counts the campaign's bots in segment s (defaced
	// hosts are not bots). Recruitment and clean-up keep it exact until
	// the end of the tick's spreading, so detect need not count again.
	bots []int64
	// cut[row*ns+s] counts those of them that are isolated, wiped or
	// taken down: still bots, but cut off from the network (no pressure,
	// no task).
	cut []int64
	// susceptible counts, per segment, the hosts no campaign holds that
	// carry a vulnerability and can be reached: recruitment skips
	// segments where it is zero (every host there is already taken).
	susceptible []int32
	fresh       []int64    // per segment: bots recruited this tick by the campaign at hand
	tally       []int64    // per campaign+1: bots in the segment being counted
	tallyCut    []int64    // per campaign+1: cut-off bots in the segment being counted
	reach       []bool     // per segment: bots here can reach the C2
	targeted    []bool     // per segment: the campaign targets its jurisdiction
	named       []bool     // per segment: it holds a named asset
	exploits    []rateMask // of the campaign at hand, best rate first
	sites       []int32    // websites a defacement wave draws from this tick
	blocked     []bool     // per organisation: its queue waits for staff this tick
}

// rateMask: hosts with any vulnerability in mask are exploited at rate.
type rateMask struct {
	mask uint64
	rate Permille
}

// unreachable flags keep a host out of recruitment.
const unreachable = FlagIsolated | FlagDestroyed | FlagTakenDown

// defacedShift places FlagDefaced for the branch-free count below.
const defacedShift = 2

var _ = [1]struct{}{}[FlagDefaced-1<<defacedShift] // FlagDefaced == 1<<defacedShift

// prepare sizes the scratch for this world and counts, in one pass over
// the assets, the bots of every active botnet in every segment and the
// susceptible hosts.
func (sc *scratch) prepare(w *World) {
	ns, nc := len(w.Segments), len(w.Campaigns)
	// The counts of last tick are still exact when nothing but recruitment
	// and clean-up (which keep them exact) changed hosts since, and the same
	// botnets are active: then the pass over every asset is skipped.
	if sc.valid && !sc.dirty && sc.ns == ns && sc.tick == w.Tick-1 && len(sc.row) == nc && sc.sameRows(w) {
		sc.tick = w.Tick
		return
	}
	sc.valid, sc.dirty = true, false
	sc.tick, sc.ns = w.Tick, ns
	sc.row = grow(sc.row, nc)
	rows := 0
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		sc.row[ci] = None
		if c.Active && c.Kind == CampBotnet {
			sc.row[ci] = int32(rows)
			rows++
		}
	}
	if rows == 0 {
		return // no botnet: nothing below is read (recruitment and counts are per botnet)
	}
	sc.bots = grow(sc.bots, rows*ns)
	sc.cut = grow(sc.cut, rows*ns)
	sc.susceptible = grow(sc.susceptible, ns)
	sc.fresh = grow(sc.fresh, ns)
	sc.reach = grow(sc.reach, ns)
	sc.targeted = grow(sc.targeted, ns)
	sc.named = grow(sc.named, ns)
	sc.tally = grow(sc.tally, nc+1)
	sc.tallyCut = grow(sc.tallyCut, nc+1)
	clear(sc.named)
	for _, n := range w.AssetNames {
		sc.named[w.Assets[n.Index].Segment] = true
	}
	tally, tallyCut := sc.tally, sc.tallyCut
	for s := range w.Segments {
		seg := &w.Segments[s]
		clear(tally)
		clear(tallyCut)
		sus := int32(0)
		as := w.Assets[seg.First : seg.First+seg.Count]
		for i := range as {
			a := &as[i]
			// tally[0] takes free and defaced hosts, tally[c+1] the bots of c.
			k := (a.Controller + 1) & (int32(a.Flags>>defacedShift&1) - 1)
			tally[k]++
			u := uint32(a.Flags & unreachable)
			tallyCut[k] += int64((u | -u) >> 31) // 1 when cut off
			// Susceptible: no controller, no unreachable flag, a
			// vulnerability. Arithmetic, not branches: which hosts are
			// taken is random, and mispredictions would cost more.
			x := uint32(a.Controller+1) | uint32(a.Flags&unreachable)
			free := ((x | -x) >> 31) ^ 1       // 1 when x == 0
			vuln := (a.Vulns | -a.Vulns) >> 63 // 1 when Vulns != 0
			sus += int32(free & uint32(vuln))
		}
		sc.susceptible[s] = sus
		for ci, r := range sc.row {
			if r != None {
				sc.bots[int(r)*ns+s] = tally[ci+1]
				sc.cut[int(r)*ns+s] = tallyCut[ci+1]
			}
		}
	}
}

// sameRows says whether the active botnets are those the rows were built for.
func (sc *scratch) sameRows(w *World) bool {
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if (c.Active && c.Kind == CampBotnet) != (sc.row[ci] != None) {
			return false
		}
	}
	return true
}

// touched marks the per-segment counts stale: a host changed hands, flags
// or vulnerabilities outside the spreading code that keeps them exact.
func (w *World) touched() {
	w.sc.dirty = true
	w.gen++
}

// grow returns s with length n, reusing its storage when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// botRow is the campaign's bots per segment, counted this tick.
func (sc *scratch) botRow(ci int32) []int64 {
	r := int(sc.row[ci])
	return sc.bots[r*sc.ns : (r+1)*sc.ns]
}

// cutRow is how many of botRow's bots are cut off, per segment.
func (sc *scratch) cutRow(ci int32) []int64 {
	r := int(sc.row[ci])
	return sc.cut[r*sc.ns : (r+1)*sc.ns]
}

func (w *World) spreadBotnets(sc *scratch) {
	sc.prepare(w)
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if sc.row[ci] == None {
			continue
		}
		reachable := w.c2Reachable(c)
		if reachable && c.Stopped != None {
			c.Stopped = None // the C2 is back (reconnected, rebuilt): its bots obey again
		}
		if !reachable && c.Stopped == None {
			c.Stopped = w.Tick
			// Seen by those who watch this botnet (its indicators) and the
			// crew; not by everyone. The C2's host is not told: the event
			// names the campaign, which a hosting company that never
			// investigated cannot name (it learns of a takedown of its
			// server from the takedown itself).
			watchers := []int32{c.Actor}
			for oi := range w.Orgs {
				if containsInt32(w.Orgs[oi].Indicators, int32(ci)) {
					watchers = append(watchers, int32(oi))
				}
			}
			w.emit(Event{Kind: EvC2Disrupted, Subject: c.ID, Text: fmt.Sprintf("botnet %s has lost its command and control", c.ID), Visible: vis(watchers...),
				Fields: fields("how", "lost", "campaign", c.ID)})
		}
		bots, cut := sc.botRow(int32(ci)), sc.cutRow(int32(ci))
		total := int64(0)
		for _, n := range bots {
			total += n
		}
		c.Bots = total
		if c.BotsEver < total {
			c.BotsEver = total // hosts infected before the exercise began
		}
		for s := range w.Segments {
			seg := &w.Segments[s]
			sc.reach[s] = seg.ISP == None || !containsInt32(c.BlockedBy, seg.ISP)
			sc.targeted[s] = len(c.Targets) == 0 || containsInt32(c.Targets, seg.Jurisdiction)
		}
		// The task is run by the bots the tick began with.
		active := int64(0)
		if reachable {
			for s, n := range bots {
				if sc.reach[s] {
					active += n - cut[s] // contained bots are cut off
				}
			}
		}
		if reachable && c.ContactsPerTick > 0 {
			w.recruit(int32(ci), sc)
		}
		if w.Assets[c.C2OrZero()].Flags&FlagSinkholed != 0 && c.C2 != None {
			w.notifyVictims(int32(ci), sc)
		}
		w.runTask(int32(ci), active)
	}
}

// C2OrZero is a safe index for flag checks when there is no C2.
func (c *Campaign) C2OrZero() int32 {
	if c.C2 == None {
		return 0
	}
	return c.C2
}

// exploitTable groups the campaign's exploits by rate, best first: a
// host's rate is that of the first group it has a vulnerability of, which
// is exploitRate without the loop over exploits per host.
func exploitTable(dst []rateMask, c *Campaign) []rateMask {
	dst = dst[:0]
	if len(c.Exploits) == 0 {
		return append(dst, rateMask{mask: ^uint64(0), rate: PermilleMax})
	}
	for _, x := range c.Exploits {
		if x.RatePermille <= 0 || x.Vuln < 0 || x.Vuln >= 64 {
			continue
		}
		bit := uint64(1) << uint(x.Vuln)
		k := 0
		for k < len(dst) && dst[k].rate > x.RatePermille {
			k++
		}
		if k < len(dst) && dst[k].rate == x.RatePermille {
			dst[k].mask |= bit
			continue
		}
		dst = append(dst, rateMask{})
		copy(dst[k+1:], dst[k:])
		dst[k] = rateMask{mask: bit, rate: x.RatePermille}
	}
	return dst
}

func (w *World) recruit(ci int32, sc *scratch) {
	c := &w.Campaigns[ci]
	rng := &w.rng[streamSpread]
	bots, cut := sc.botRow(ci), sc.cutRow(ci)
	sc.exploits = exploitTable(sc.exploits, c)
	table := sc.exploits
	newBots := int64(0)
	fresh := sc.fresh[:len(w.Segments)]
	clear(fresh)
	for s := range w.Segments {
		seg := &w.Segments[s]
		if !sc.targeted[s] || seg.Count == 0 || sc.susceptible[s] == 0 {
			continue
		}
		pressure := int64(0)
		// Contained bots exert no pressure: they are cut off.
		if sc.reach[s] {
			pressure = (bots[s] - cut[s]) * 1000
		}
		for _, li := range w.idx.linksOf(int32(s)) {
			l := &w.Links[li]
			other := l.B
			if other == int32(s) {
				other = l.A
			}
			if sc.reach[other] {
				pressure += (bots[other] - cut[other]) * int64(l.WeightPermille)
			}
		}
		if pressure == 0 {
			continue
		}
		// base16 = contacts * pressure/1000 / hosts * 2^16, then rate and posture.
		// Saturating: many contacts times many bots must not wrap to "none".
		base := mulSat(mulSat(int64(c.ContactsPerTick), pressure), 65536) / 1000 / int64(seg.Count)
		base = mulSat(base, int64(seg.PosturePermille)) / 1000
		if base <= 0 {
			continue
		}
		as := w.Assets[seg.First : seg.First+seg.Count]
		for i := range as {
			a := &as[i]
			// One branch for "taken, unreachable or not vulnerable"
			// (see prepare): which hosts are taken is random.
			x := uint32(a.Controller+1) | uint32(a.Flags&unreachable)
			x |= uint32((a.Vulns|-a.Vulns)>>63) ^ 1
			if x != 0 {
				continue
			}
			var rate Permille
			for _, g := range table {
				if a.Vulns&g.mask != 0 {
					rate = g.rate
					break
				}
			}
			if a.Flags&FlagHardened != 0 {
				rate /= 4
			}
			if rate == 0 {
				continue
			}
			p := mulSat(base, int64(rate)) / 1000
			if p >= 65536 || int64(rng.Uint64()>>48) < p {
				a.Controller = ci
				a.Since = w.Tick
				a.Integrity = 800
				fresh[s]++
				sc.susceptible[s]--
				if sc.named[s] {
					if _, named := w.idx.nameOf[seg.First+int32(i)]; named {
						id := w.AssetID(seg.First + int32(i))
						w.emit(Event{Kind: EvAssetCompromised, Subject: id, Text: fmt.Sprintf("%s recruited into %s", id, c.ID), Visible: vis(c.Actor),
							Fields: fields("asset", id, "campaign", c.ID, "how", "recruited")})
					}
				}
			}
		}
		newBots += fresh[s]
	}
	if newBots > 0 {
		for s, n := range fresh {
			bots[s] += n
		}
		c.Bots += newBots
		c.BotsEver += newBots
		w.emit(Event{Kind: EvBotsRecruited, Subject: c.ID, Value: newBots, Text: fmt.Sprintf("%s recruited %d hosts (%d bots)", c.ID, newBots, c.Bots), Visible: vis(c.Actor),
			Fields: fields("campaign", c.ID, "recruited", itoa64(newBots), "bots", itoa64(c.Bots))})
	}
}

// notifyVictims: a sinkhole sees every bot calling home, so their owners
// are told and clean up at SinkholeCleanPermille per tick. Segments are
// visited in order, hosts in order within them, one draw per bot.
func (w *World) notifyVictims(ci int32, sc *scratch) {
	rng := &w.rng[streamSpread]
	bots, cut := sc.botRow(ci), sc.cutRow(ci)
	cleaned := int64(0)
	for s := range w.Segments {
		if bots[s] == 0 {
			continue
		}
		seg := &w.Segments[s]
		as := w.Assets[seg.First : seg.First+seg.Count]
		for i := range as {
			a := &as[i]
			if uint32(a.Controller^ci)|uint32(a.Flags&FlagDefaced) != 0 {
				continue // not one of the campaign's bots (one branch, as in prepare)
			}
			if rng.chance(SinkholeCleanPermille) {
				a.Controller, a.Since = None, None
				a.Flags &^= FlagDetected | FlagAdmin // as remediate: not counted flags
				a.Integrity = 1000
				cleaned++
				bots[s]--
				if a.Flags&unreachable != 0 {
					cut[s]--
				} else if a.Vulns != 0 {
					sc.susceptible[s]++
				}
			}
		}
	}
	if cleaned > 0 {
		c := &w.Campaigns[ci]
		c.Bots -= cleaned
		w.Counters.HostsCleaned += cleaned
	}
}

// SinkholeCleanPermille is the share of sinkholed bots cleaned per tick
// after their owners are notified.
const SinkholeCleanPermille Permille = 5

// runTask: what the bots do when the C2 commands them. active counts the
// bots that can reach the C2 (zero when it cannot be reached).
func (w *World) runTask(ci int32, active int64) {
	c := &w.Campaigns[ci]
	switch c.Task {
	case "spam":
		c.Spam += active * 10 // junk forwarded, unseen by the owners
	case "ddos":
		w.ddos(ci, active)
	}
}

type ddosMark struct {
	asset int32
	prev  int16
	power int64
}

// beginDDoS puts every DDoS target back to its own availability: an attack
// lasts only while some campaign keeps sending traffic this tick.
func (w *World) beginDDoS() {
	w.sc.ddos = w.sc.ddos[:0]
	for ci := range w.Campaigns {
		t := w.Campaigns[ci].TaskTarget
		if t == None {
			continue
		}
		w.sc.ddos = append(w.sc.ddos, ddosMark{asset: t, prev: w.Assets[t].Availability})
		w.refreshAvailability(t)
	}
}

// endDDoS tells owners (and, when a service falls, the public) about
// targets whose availability crossed 500‰ this tick.
func (w *World) endDDoS() {
	for i, m := range w.sc.ddos {
		dup := false
		for _, x := range w.sc.ddos[:i] {
			dup = dup || x.asset == m.asset
		}
		if dup {
			continue
		}
		var power int64
		for _, x := range w.sc.ddos {
			if x.asset == m.asset && x.power > power {
				power = x.power
			}
		}
		t := &w.Assets[m.asset]
		if (m.prev >= 500) == (t.Availability >= 500) {
			continue
		}
		text := fmt.Sprintf("%s availability %d‰ under %d units of attack", w.AssetID(m.asset), t.Availability, power)
		if t.Availability >= 500 {
			text = fmt.Sprintf("%s back at %d‰: the attack traffic has dropped", w.AssetID(m.asset), t.Availability)
		}
		state := "down"
		if t.Availability >= 500 {
			state = "back"
		}
		w.emit(Event{Kind: EvDDoS, Subject: w.AssetID(m.asset), Value: int64(t.Availability), Text: text, Visible: vis(t.Owner), Public: t.Availability < 500,
			Fields: fields("asset", w.AssetID(m.asset), "owner", w.orgID(t.Owner), "availability", itoa32(int32(t.Availability)), "power", itoa64(power), "state", state)})
	}
}

// ddos degrades the target's availability by attack power against its
// capacity; upstream scrubbing (deny at the ISP) filters 90%. Several
// campaigns on one target: the strongest decides.
func (w *World) ddos(ci int32, bots int64) {
	c := &w.Campaigns[ci]
	if c.TaskTarget == None {
		return
	}
	t := &w.Assets[c.TaskTarget]
	if t.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) != 0 {
		return
	}
	power := bots*int64(c.BotPower) + int64(c.FixedPower)
	if t.Flags&FlagBlocked != 0 {
		power /= 10
	}
	capacity := int64(t.Capacity)
	if capacity <= 0 {
		capacity = 1000
	}
	if power > capacity {
		if v := clampPermille(capacity * 1000 / power); v < t.Availability {
			t.Availability = v
		}
	}
	for i := range w.sc.ddos {
		if w.sc.ddos[i].asset == c.TaskTarget && power > w.sc.ddos[i].power {
			w.sc.ddos[i].power = power
		}
	}
}

// ddosDirect: a DDoS campaign without bots (rented power) hits its target.
func (w *World) runDDoSCampaigns() {
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if c.Active && c.Kind == CampDDoS {
			if !w.c2Reachable(c) {
				continue
			}
			w.ddos(int32(ci), 0)
		}
	}
}

// defacementWaves: each tick a wave tries DefacePerTick websites chosen at
// random among those of its target jurisdictions.
func (w *World) defacementWaves() {
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if !c.Active || c.Kind != CampDefacement || c.DefacePerTick <= 0 {
			continue
		}
		sites := w.idx.websites(w)
		if len(c.Targets) > 0 {
			// Drawn among the sites of the target jurisdictions only, so a
			// wave makes DefacePerTick attempts whatever else is online.
			w.sc.sites = w.sc.sites[:0]
			for _, ai := range sites {
				if containsInt32(c.Targets, w.Segments[w.Assets[ai].Segment].Jurisdiction) {
					w.sc.sites = append(w.sc.sites, ai)
				}
			}
			sites = w.sc.sites
		}
		if len(sites) == 0 {
			continue
		}
		rng := &w.rng[streamAttack]
		// Bounded whatever a snapshot or a script set: a tick never runs
		// away (the loader and set refuse more than DefacePerTickMax).
		for k := int32(0); k < min(c.DefacePerTick, DefacePerTickMax); k++ {
			ai := sites[rng.below(uint64(len(sites)))]
			a := &w.Assets[ai]
			if a.Flags&(FlagDefaced|FlagIsolated|FlagDestroyed|FlagTakenDown) != 0 || a.Controller != None {
				continue
			}
			if rate := w.exploitRate(c, a); rate > 0 && rng.chance(rate) {
				w.compromise(int32(ci), ai)
				w.deface(int32(ci), ai)
			}
		}
	}
}

func (x *index) websites(w *World) []int32 {
	if x.sites == nil {
		x.sites = []int32{}
		for i := range w.Assets {
			if w.Assets[i].Kind == AssetWebsite {
				x.sites = append(x.sites, int32(i))
			}
		}
	}
	return x.sites
}

// detect: owners notice compromises of named assets one by one, and of
// masses of generated hosts as an alert per segment. A shared indicator
// for the campaign triples the owner's chance.
func (w *World) detect(sc *scratch) {
	rng := &w.rng[streamDetect]
	// Named assets in their order (the draws' order), but only those a
	// sensor watches or the public sees: a blind owner's asset that is not
	// defaced takes no draw and raises no alert, so it is not visited.
	x := &w.idx
	if x.sensorsChanged(w) {
		x.buildWatch(w)
	}
	kept := x.defaced[:0]
	for _, p := range x.defaced {
		if w.Assets[w.AssetNames[p].Index].Flags&FlagDefaced != 0 {
			kept = append(kept, p) // restored sites leave the list
		}
	}
	x.defaced = kept
	for i, j := 0, 0; i < len(x.watched) || j < len(x.defaced); {
		var pos int32
		if j >= len(x.defaced) || (i < len(x.watched) && x.watched[i] < x.defaced[j]) {
			pos = x.watched[i]
			i++
		} else {
			pos = x.defaced[j]
			j++
		}
		n := &w.AssetNames[pos]
		a := &w.Assets[n.Index]
		if a.Controller == None || a.Flags&FlagDetected != 0 {
			continue
		}
		o := &w.Orgs[a.Owner]
		p := o.SensorPermille
		if a.Flags&FlagDefaced != 0 {
			p = 1000 // the public sees it
		} else if p == 0 {
			continue // blind: no draw (chance(0) draws nothing either)
		} else if containsInt32(o.Indicators, a.Controller) {
			p *= 3
		}
		if rng.chance(p) {
			a.Flags |= FlagDetected
			w.Counters.Detections++
			o.Indicators = insertSorted(o.Indicators, a.Controller) // the alert's signature
			w.emit(Event{Kind: EvAssetDetected, Org: o.ID, Subject: n.ID,
				Text: fmt.Sprintf("%s: alert on %s (%s)", o.ID, n.ID, w.Campaigns[a.Controller].Kind), Visible: vis(a.Owner),
				Fields: fields("by", "sensor", "asset", n.ID, "campaign", w.Campaigns[a.Controller].ID, "campaign_kind", w.Campaigns[a.Controller].Kind.String())})
		}
	}
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if c.Kind != CampBotnet || !c.Active {
			continue
		}
		bots := w.botCounts(int32(ci), sc)
		for s := range w.Segments {
			if bots[s] < 10 || containsSorted(c.Alerted, int32(s)) {
				continue
			}
			seg := &w.Segments[s]
			o := &w.Orgs[seg.Owner]
			p := o.SensorPermille
			if containsInt32(o.Indicators, int32(ci)) {
				p *= 3
			}
			if rng.chance(p) {
				c.Alerted = insertSorted(c.Alerted, int32(s))
				w.Counters.Detections++
				watchers := vis(seg.Owner, seg.ISP)
				for _, x := range watchers { // the traffic shows the C2 it calls: indicators
					w.Orgs[x].Indicators = insertSorted(w.Orgs[x].Indicators, int32(ci))
					w.learnC2(x, int32(ci))
				}
				w.emit(Event{Kind: EvBotnetAlert, Org: o.ID, Subject: seg.ID, Value: bots[s],
					Text: fmt.Sprintf("%d hosts in %s show botnet traffic", bots[s], seg.ID), Visible: watchers,
					Fields: fields("segment", seg.ID, "isp", w.orgID(seg.ISP), "campaign", c.ID, "c2", assetIDOr(w, c.C2))})
			}
		}
	}
}

// noteDefaced puts a defaced named asset of a blind owner on detect's list.
func (w *World) noteDefaced(ai int32) {
	x := &w.idx
	p, ok := slices.BinarySearchFunc(w.AssetNames, ai, func(n NamedAsset, i int32) int { return cmp.Compare(n.Index, i) })
	if !ok || x.sensorsChanged(w) || w.Orgs[w.Assets[ai].Owner].SensorPermille > 0 {
		return // unnamed (no alert), or watched already
	}
	k, dup := slices.BinarySearch(x.defaced, int32(p))
	if !dup {
		x.defaced = slices.Insert(x.defaced, k, int32(p))
	}
}

// botCounts returns the campaign's bots per segment. spreadBotnets counted
// them this tick and kept them exact through recruitment and clean-up;
// nothing between it and detect changes who controls a host, so they are
// reused rather than counted again (TestBotCountsStayExact checks it).
func (w *World) botCounts(ci int32, sc *scratch) []int64 {
	if sc.tick != w.Tick || sc.ns != len(w.Segments) || int(ci) >= len(sc.row) || sc.row[ci] == None {
		sc.prepare(w) // not counted this tick: count now
	}
	return sc.botRow(ci)
}

// containsSorted reports whether the sorted s holds v.
func containsSorted(s []int32, v int32) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == v
}
