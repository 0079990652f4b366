package engine

import "fmt"

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

// scratch is reused between ticks; it is derived data, not state.
type scratch struct {
	bots     []int64 // per segment, campaign being processed
	reach    []bool  // per segment: bots here can reach the C2
	targeted []bool  // per segment: the campaign targets its jurisdiction
}

func (w *World) spreadBotnets(sc *scratch) {
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if !c.Active || c.Kind != CampBotnet {
			continue
		}
		reachable := w.c2Reachable(c)
		if !reachable && c.Stopped == None {
			c.Stopped = w.Tick
			w.emit(Event{Kind: EvC2Disrupted, Subject: c.ID, Text: fmt.Sprintf("botnet %s has lost its command and control", c.ID), Public: true})
		}
		w.countBots(int32(ci), sc)
		if reachable && c.ContactsPerTick > 0 {
			w.recruit(int32(ci), sc)
		}
		if w.Assets[c.C2OrZero()].Flags&FlagSinkholed != 0 && c.C2 != None {
			w.notifyVictims(int32(ci))
		}
		w.runTask(int32(ci), sc, reachable)
	}
}

// C2OrZero is a safe index for flag checks when there is no C2.
func (c *Campaign) C2OrZero() int32 {
	if c.C2 == None {
		return 0
	}
	return c.C2
}

func (w *World) countBots(ci int32, sc *scratch) {
	ns := len(w.Segments)
	if cap(sc.bots) < ns {
		sc.bots = make([]int64, ns)
		sc.reach = make([]bool, ns)
		sc.targeted = make([]bool, ns)
	}
	sc.bots, sc.reach, sc.targeted = sc.bots[:ns], sc.reach[:ns], sc.targeted[:ns]
	c := &w.Campaigns[ci]
	var total int64
	for s := range w.Segments {
		seg := &w.Segments[s]
		n := int64(0)
		as := w.Assets[seg.First : seg.First+seg.Count]
		for i := range as {
			if as[i].Controller == ci && as[i].Flags&FlagDefaced == 0 {
				n++
			}
		}
		sc.bots[s] = n
		total += n
		sc.reach[s] = seg.ISP == None || !containsInt32(c.BlockedBy, seg.ISP)
		sc.targeted[s] = len(c.Targets) == 0 || containsInt32(c.Targets, seg.Jurisdiction)
	}
	c.Bots = total
	if c.BotsEver < total {
		c.BotsEver = total // hosts infected before the exercise began
	}
}

func (w *World) recruit(ci int32, sc *scratch) {
	c := &w.Campaigns[ci]
	rng := &w.rng[streamSpread]
	newBots := int64(0)
	for s := range w.Segments {
		seg := &w.Segments[s]
		if !sc.targeted[s] || seg.Count == 0 {
			continue
		}
		pressure := int64(0)
		if sc.reach[s] {
			pressure = sc.bots[s] * 1000
		}
		for _, l := range w.Links {
			var o int32 = None
			if l.A == int32(s) {
				o = l.B
			} else if l.B == int32(s) {
				o = l.A
			}
			if o != None && sc.reach[o] {
				pressure += sc.bots[o] * int64(l.WeightPermille)
			}
		}
		if pressure == 0 {
			continue
		}
		// base16 = contacts * pressure/1000 / hosts * 2^16, then rate and posture.
		base := int64(c.ContactsPerTick) * pressure * 65536 / 1000 / int64(seg.Count)
		base = base * int64(seg.PosturePermille) / 1000
		if base <= 0 {
			continue
		}
		as := w.Assets[seg.First : seg.First+seg.Count]
		for i := range as {
			a := &as[i]
			if a.Controller != None || a.Vulns == 0 || a.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) != 0 {
				continue
			}
			rate := w.exploitRate(c, a)
			if rate == 0 {
				continue
			}
			p := base * int64(rate) / 1000
			if p >= 65536 || int64(rng.Uint64()>>48) < p {
				a.Controller = ci
				a.Since = w.Tick
				a.Integrity = 800
				newBots++
				if _, named := w.idx.nameOf[seg.First+int32(i)]; named {
					w.emit(Event{Kind: EvAssetCompromised, Subject: w.AssetID(seg.First + int32(i)), Text: fmt.Sprintf("%s recruited into %s", w.AssetID(seg.First+int32(i)), c.ID), Visible: vis(c.Actor)})
				}
			}
		}
	}
	if newBots > 0 {
		c.Bots += newBots
		c.BotsEver += newBots
		w.emit(Event{Kind: EvBotsRecruited, Subject: c.ID, Value: newBots, Text: fmt.Sprintf("%s recruited %d hosts (%d bots)", c.ID, newBots, c.Bots), Visible: vis(c.Actor)})
	}
}

// notifyVictims: a sinkhole sees every bot calling home, so their owners
// are told and clean up at SinkholeCleanPermille per tick.
func (w *World) notifyVictims(ci int32) {
	rng := &w.rng[streamSpread]
	cleaned := int64(0)
	for i := range w.Assets {
		a := &w.Assets[i]
		if a.Controller == ci && a.Flags&FlagDefaced == 0 && rng.chance(SinkholeCleanPermille) {
			a.Controller, a.Since = None, None
			a.Integrity = 1000
			cleaned++
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

// runTask: what the bots do when the C2 commands them.
func (w *World) runTask(ci int32, sc *scratch, reachable bool) {
	c := &w.Campaigns[ci]
	active := int64(0)
	if reachable {
		for s := range w.Segments {
			if sc.reach[s] {
				active += sc.bots[s]
			}
		}
	}
	switch c.Task {
	case "spam":
		c.Spam += active * 10 // junk forwarded, unseen by the owners
	case "ddos":
		w.ddos(ci, active)
	}
}

// ddos degrades the target's availability by attack power against its
// capacity; upstream scrubbing (deny at the ISP) filters 90%.
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
	old := t.Availability
	if power <= capacity {
		t.Availability = 1000
	} else {
		t.Availability = clampPermille(capacity * 1000 / power)
	}
	if (old >= 500) != (t.Availability >= 500) {
		w.emit(Event{Kind: EvDDoS, Subject: w.AssetID(c.TaskTarget), Value: int64(t.Availability),
			Text: fmt.Sprintf("%s availability %d‰ under %d units of attack", w.AssetID(c.TaskTarget), t.Availability, power), Visible: vis(t.Owner), Public: t.Availability < 500})
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
		if len(sites) == 0 {
			continue
		}
		rng := &w.rng[streamAttack]
		for k := int32(0); k < c.DefacePerTick; k++ {
			ai := sites[rng.below(uint64(len(sites)))]
			a := &w.Assets[ai]
			if a.Flags&(FlagDefaced|FlagIsolated|FlagDestroyed|FlagTakenDown) != 0 || a.Controller != None {
				continue
			}
			if len(c.Targets) > 0 && !containsInt32(c.Targets, w.Segments[a.Segment].Jurisdiction) {
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
	for _, n := range w.AssetNames {
		a := &w.Assets[n.Index]
		if a.Controller == None || a.Flags&FlagDetected != 0 {
			continue
		}
		o := &w.Orgs[a.Owner]
		p := o.SensorPermille
		if containsInt32(o.Indicators, a.Controller) {
			p *= 3
		}
		if a.Flags&FlagDefaced != 0 {
			p = 1000 // the public sees it
		}
		if rng.chance(p) {
			a.Flags |= FlagDetected
			w.Counters.Detections++
			w.emit(Event{Kind: EvAssetDetected, Org: o.ID, Subject: n.ID,
				Text: fmt.Sprintf("%s: alert on %s (%s)", o.ID, n.ID, w.Campaigns[a.Controller].Kind), Visible: vis(a.Owner)})
		}
	}
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if c.Kind != CampBotnet || !c.Active {
			continue
		}
		w.countBots(int32(ci), sc)
		for s := range w.Segments {
			if sc.bots[s] < 10 || containsInt32(c.Alerted, int32(s)) {
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
				w.emit(Event{Kind: EvBotnetAlert, Org: o.ID, Subject: seg.ID, Value: sc.bots[s],
					Text: fmt.Sprintf("%d hosts in %s show botnet traffic", sc.bots[s], seg.ID), Visible: watchers})
			}
		}
	}
}
