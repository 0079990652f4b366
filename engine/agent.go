package engine

import "fmt"

// Native adversaries. The common behaviours of an intruder (scan,
// exploit by service and vulnerability with a success rate, escalate,
// move laterally, exfiltrate, each with a cost in time) run here in Go,
// configured in scenario.yaml, so that a scenario needs no Lua in its hot
// loop. One decision per tick costs a few hundred nanoseconds and no
// allocation; Lua stays for stories and adversaries that need judgment.
//
// The model follows NASim's (Network Attack Simulator) so that its
// scenarios import faithfully (docs/import-nasim.md):
//   - a segment is discovered (its assets can be targeted) when it is an
//     entry segment or a subnet scan from a held asset next to it found it;
//   - an asset is reachable for a service when its segment is an entry
//     segment that lets the service in from outside, or holds a foothold
//     of the campaign, or is linked to a segment that does and the link
//     (a firewall when filtered) lets the service through that way;
//   - an exploit succeeds with its rate when the asset carries its
//     vulnerability and offers its service; it gives a foothold (user) or
//     administrative privilege (root) at once;
//   - an escalation needs a foothold on the asset and its vulnerability.

// AgentStrategy is how a native adversary picks its next action.
type AgentStrategy uint8

const (
	// AgentGreedy goes for the goals: escalate a held goal, exfiltrate
	// from it, exploit it when reachable, else widen the foothold
	// (exploit what is reachable, scan from held assets).
	AgentGreedy AgentStrategy = iota
	// AgentRandom draws one action uniformly from the whole action space
	// each time, valid or not (NASim's random agent).
	AgentRandom
	// AgentBruteforce walks the action space in order, cycling (NASim's
	// brute-force agent).
	AgentBruteforce
	agentStrategyCount
)

var agentStrategyNames = [...]string{"greedy", "random", "bruteforce"}

func (s AgentStrategy) String() string {
	if int(s) < len(agentStrategyNames) {
		return agentStrategyNames[s]
	}
	return "unknown"
}

// AgentStrategyNames lists the strategies a scenario may name.
func AgentStrategyNames() []string { return append([]string(nil), agentStrategyNames[:]...) }

// ParseAgentStrategy maps a scenario word to a strategy.
func ParseAgentStrategy(s string) (AgentStrategy, bool) {
	for i, n := range agentStrategyNames {
		if n == s {
			return AgentStrategy(i), true
		}
	}
	return 0, false
}

// AgentExploit is an exploit a native adversary can throw at an asset.
type AgentExploit struct {
	Vuln int32 `json:"vuln"`
	// Service is the service it goes through (firewalls filter on it), or
	// None when it needs none.
	Service      int32    `json:"service"`
	RatePermille Permille `json:"rate_permille"`
	// Root: success gives administrative privilege at once.
	Root  bool  `json:"root,omitempty"`
	Ticks int32 `json:"ticks"`
	Cost  int32 `json:"cost"`
}

// AgentEscalation gains administrative privilege on a held asset that
// carries its vulnerability (a vulnerable process, a weak configuration).
type AgentEscalation struct {
	Vuln         int32    `json:"vuln"`
	RatePermille Permille `json:"rate_permille"`
	Ticks        int32    `json:"ticks"`
	Cost         int32    `json:"cost"`
}

// AgentEntry is a segment the adversary reaches from outside, and the
// services it lets in (all of them when Any).
type AgentEntry struct {
	Segment  int32  `json:"segment"`
	Services uint32 `json:"services"`
	Any      bool   `json:"any,omitempty"`
}

// Agent is a campaign's native adversary: its configuration, then its
// state (part of the world's state: hashed and snapshotted).
type Agent struct {
	Strategy    AgentStrategy     `json:"strategy"`
	Exploits    []AgentExploit    `json:"exploits"`
	Escalations []AgentEscalation `json:"escalations,omitempty"`
	Entry       []AgentEntry      `json:"entry"`
	// Scans is how many kinds of scan the action space holds: 1 is the
	// subnet scan alone (the one that discovers); 4 adds NASim's service,
	// OS and process scans, which only cost time here (a native agent
	// reads the asset as it is).
	Scans     int32 `json:"scans"`
	ScanTicks int32 `json:"scan_ticks"`
	ScanCost  int32 `json:"scan_cost"`
	// ExfilAmount records are stolen from a held asset (0: the agent does
	// not exfiltrate).
	ExfilAmount int64 `json:"exfil_amount,omitempty"`
	ExfilTicks  int32 `json:"exfil_ticks,omitempty"`
	ExfilCost   int32 `json:"exfil_cost,omitempty"`
	// Goals are the assets it wants administrative privilege on (sorted).
	Goals []int32 `json:"goals"`

	// BusyUntil is the tick its current action ends; it decides again then.
	BusyUntil int32 `json:"busy_until"`
	// Cursor is where the brute-force walk (or the greedy search) stands.
	Cursor int64 `json:"cursor"`
	// Discovered is a bit set over segments.
	Discovered []uint64 `json:"discovered"`
	// Looted lists the goals already exfiltrated (sorted).
	Looted    []int32 `json:"looted,omitempty"`
	Actions   int64   `json:"actions"`
	Successes int64   `json:"successes"`
	Cost      int64   `json:"cost"`
}

// AgentActionsMax bounds the action space of one agent (assets × kinds of
// action): the brute-force cursor and the random draw stay far from
// overflow, and a scenario cannot ask for an unbounded table.
const AgentActionsMax = 1 << 40

// agentSearchMax bounds the assets the greedy strategy looks at per
// decision, so one tick's work stays bounded on a world of millions.
const agentSearchMax = 256

func (a *Agent) kinds() int64 {
	k := int64(len(a.Exploits) + len(a.Escalations) + int(a.Scans))
	if a.ExfilAmount > 0 {
		k++
	}
	return k
}

func (a *Agent) discovered(seg int32) bool {
	i := int(seg) >> 6
	return i < len(a.Discovered) && a.Discovered[i]&(1<<(uint(seg)&63)) != 0
}

func (a *Agent) discover(seg int32) {
	i := int(seg) >> 6
	if i < len(a.Discovered) {
		a.Discovered[i] |= 1 << (uint(seg) & 63)
	}
}

// InitAgent sizes an agent's state for the world and discovers its entry
// segments. The loader calls it once per agent after filling the world.
func (w *World) InitAgent(a *Agent) {
	a.Discovered = make([]uint64, (len(w.Segments)+63)/64)
	for _, e := range a.Entry {
		if e.Segment >= 0 && int(e.Segment) < len(w.Segments) {
			a.discover(e.Segment)
		}
	}
	a.BusyUntil = 0
}

// agentCache is derived from the state (never hashed): per campaign with
// an agent, its usable footholds per segment, recounted when hosts
// changed outside the agent's own actions.
type agentCache struct {
	gen  uint64
	held []int32
}

func (w *World) footholds(ci int32) []int32 {
	if len(w.agc) != len(w.Campaigns) {
		w.agc = make([]agentCache, len(w.Campaigns))
	}
	c := &w.agc[ci]
	if c.held != nil && c.gen == w.gen && len(c.held) == len(w.Segments) {
		return c.held
	}
	c.held = grow(c.held, len(w.Segments))
	clear(c.held)
	for i := range w.Assets {
		as := &w.Assets[i]
		if as.Controller == ci && as.Flags&unreachable == 0 {
			c.held[as.Segment]++
		}
	}
	c.gen = w.gen
	return c.held
}

// runAgents lets every active campaign with a native adversary act.
func (w *World) runAgents() {
	for ci := range w.Campaigns {
		c := &w.Campaigns[ci]
		if c.Agent == nil || !c.Active || w.Tick < c.Agent.BusyUntil {
			continue
		}
		w.agentAct(int32(ci), c.Agent)
	}
}

// agent action kinds, as decoded from the action space.
const (
	agExploit = iota
	agEscalate
	agScanInfo
	agScanSubnet
	agExfil
	agNone
)

func (w *World) agentAct(ci int32, a *Agent) {
	var kind, k int
	var target int32
	switch a.Strategy {
	case AgentRandom, AgentBruteforce:
		space := int64(len(w.Assets)) * a.kinds()
		if space <= 0 {
			a.BusyUntil = w.Tick + 1
			return
		}
		var x int64
		if a.Strategy == AgentRandom {
			x = int64(w.rng[streamAttack].below(uint64(space)))
		} else {
			x = a.Cursor % space
			a.Cursor = (x + 1) % space
		}
		target = int32(x / a.kinds())
		kind, k = a.decode(int(x % a.kinds()))
	default:
		kind, k, target = w.agentGreedy(ci, a)
	}
	if kind == agNone {
		a.BusyUntil = w.Tick + 1 // nothing worth doing: look again next tick
		return
	}
	ticks, cost := a.price(kind, k)
	a.Actions++
	a.Cost += int64(cost)
	a.BusyUntil = w.Tick + max32(ticks, 1)
	if w.agentDo(ci, a, kind, k, target) {
		a.Successes++
	}
}

// decode maps a position in an asset's row of the action space to a kind
// and the index within it: exploits, escalations, scans (the subnet scan
// last), exfiltration.
func (a *Agent) decode(r int) (kind, k int) {
	if r < len(a.Exploits) {
		return agExploit, r
	}
	r -= len(a.Exploits)
	if r < len(a.Escalations) {
		return agEscalate, r
	}
	r -= len(a.Escalations)
	if r < int(a.Scans) {
		if r == int(a.Scans)-1 {
			return agScanSubnet, r
		}
		return agScanInfo, r
	}
	return agExfil, 0
}

func (a *Agent) price(kind, k int) (ticks, cost int32) {
	switch kind {
	case agExploit:
		return a.Exploits[k].Ticks, a.Exploits[k].Cost
	case agEscalate:
		return a.Escalations[k].Ticks, a.Escalations[k].Cost
	case agExfil:
		return a.ExfilTicks, a.ExfilCost
	}
	return a.ScanTicks, a.ScanCost
}

// reachable says whether the campaign can reach asset ai through service
// svc (None: any route will do).
func (w *World) agentReachable(ci int32, a *Agent, ai, svc int32) bool {
	seg := w.Assets[ai].Segment
	if !a.discovered(seg) {
		return false
	}
	for _, e := range a.Entry {
		if e.Segment == seg && (e.Any || svc == None || e.Services&(1<<uint(svc)) != 0) {
			return true
		}
	}
	held := w.footholds(ci)
	if held[seg] > 0 {
		return true
	}
	for _, li := range w.idx.linksOf(seg) {
		l := &w.Links[li]
		from := l.A
		if from == seg {
			from = l.B
		}
		if held[from] > 0 && l.allows(from, svc) {
			return true
		}
	}
	return false
}

// usable says whether the campaign holds asset ai and can work from it.
func (w *World) usable(ci, ai int32) bool {
	as := &w.Assets[ai]
	return as.Controller == ci && as.Flags&unreachable == 0
}

func (w *World) applies(as *Asset, vuln, svc int32) bool {
	return as.Vulns&(1<<uint(vuln)) != 0 && (svc == None || as.Services&(1<<uint(svc)) != 0)
}

// agentDo performs one action and says whether it succeeded.
func (w *World) agentDo(ci int32, a *Agent, kind, k int, ai int32) bool {
	if ai < 0 || int(ai) >= len(w.Assets) {
		return false
	}
	as := &w.Assets[ai]
	switch kind {
	case agExploit:
		x := &a.Exploits[k]
		if as.Flags&unreachable != 0 || !w.agentReachable(ci, a, ai, x.Service) || !w.applies(as, x.Vuln, x.Service) {
			return false
		}
		held := as.Controller == ci
		if !held && !w.rng[streamAttack].chance(w.hardened(as, x.RatePermille)) {
			return false
		}
		if !held {
			w.agentCompromise(ci, ai)
		}
		if x.Root {
			w.escalate(ci, ai)
		}
		return true
	case agEscalate:
		x := &a.Escalations[k]
		if !w.usable(ci, ai) || as.Vulns&(1<<uint(x.Vuln)) == 0 {
			return false
		}
		if !w.rng[streamAttack].chance(x.RatePermille) {
			return false
		}
		w.escalate(ci, ai)
		return true
	case agScanInfo:
		return w.agentReachable(ci, a, ai, None)
	case agScanSubnet:
		if !w.usable(ci, ai) {
			return false
		}
		seg := as.Segment
		for _, li := range w.idx.linksOf(seg) {
			l := &w.Links[li]
			a.discover(l.A)
			a.discover(l.B)
		}
		return true
	case agExfil:
		if !w.usable(ci, ai) {
			return false
		}
		w.exfiltrate(ci, ai, a.ExfilAmount)
		if !containsSorted(a.Looted, ai) {
			a.Looted = insertSorted(a.Looted, ai)
		}
		return true
	}
	return false
}

// hardened is an exploit's rate against an asset (a hardened host is
// four times harder, as for every other exploit).
func (w *World) hardened(as *Asset, rate Permille) Permille {
	if as.Flags&FlagHardened != 0 {
		return rate / 4
	}
	return rate
}

// agentCompromise takes an asset and keeps the campaign's foothold counts
// exact (they were exact before: only this host changed).
func (w *World) agentCompromise(ci, ai int32) {
	fresh := len(w.agc) == len(w.Campaigns) && w.agc[ci].held != nil && w.agc[ci].gen == w.gen
	w.compromise(ci, ai)
	w.leaveEvidence(ci, "intrusion-logs", w.Assets[ai].Owner, ai, 3)
	if fresh {
		w.agc[ci].held[w.Assets[ai].Segment]++
		w.agc[ci].gen = w.gen
	}
}

// agentGreedy picks the next action for the goals.
func (w *World) agentGreedy(ci int32, a *Agent) (kind, k int, target int32) {
	// The goals first: escalate, loot, or break into one.
	for _, g := range a.Goals {
		as := &w.Assets[g]
		if w.usable(ci, g) {
			if as.Flags&FlagAdmin == 0 {
				if k := a.escalationFor(as); k >= 0 {
					return agEscalate, k, g
				}
				if k := a.exploitFor(as, true); k >= 0 {
					return agExploit, k, g
				}
				continue
			}
			if a.ExfilAmount > 0 && !containsSorted(a.Looted, g) {
				return agExfil, 0, g
			}
			continue
		}
		if as.Controller == ci || as.Flags&unreachable != 0 {
			continue
		}
		if k := w.reachableExploit(ci, a, g); k >= 0 {
			return agExploit, k, g
		}
	}
	// Then widen the foothold: discover what lies next to held segments.
	held := w.footholds(ci)
	for s := range w.Segments {
		if held[s] == 0 {
			continue
		}
		for _, li := range w.idx.linksOf(int32(s)) {
			l := &w.Links[li]
			if !a.discovered(l.A) || !a.discovered(l.B) {
				if h := w.heldIn(ci, int32(s)); h != None {
					return agScanSubnet, int(a.Scans) - 1, h
				}
			}
		}
	}
	// Then take what can be reached, walking on from where it stopped.
	n := int64(len(w.Assets))
	if n == 0 {
		return agNone, 0, None
	}
	for i := 0; i < agentSearchMax && int64(i) < n; i++ {
		ai := int32((a.Cursor + int64(i)) % n)
		as := &w.Assets[ai]
		if as.Controller == ci || as.Flags&unreachable != 0 || !a.discovered(as.Segment) {
			continue
		}
		if k := w.reachableExploit(ci, a, ai); k >= 0 {
			a.Cursor = int64(ai)
			return agExploit, k, ai
		}
	}
	a.Cursor = (a.Cursor + agentSearchMax) % n
	return agNone, 0, None
}

// escalationFor is the best escalation that applies to a held asset, or -1.
func (a *Agent) escalationFor(as *Asset) int {
	best := -1
	for i, x := range a.Escalations {
		if as.Vulns&(1<<uint(x.Vuln)) != 0 && (best < 0 || x.RatePermille > a.Escalations[best].RatePermille) {
			best = i
		}
	}
	return best
}

// exploitFor is the best exploit that applies to an asset (only those
// giving root when root is set), or -1; reachability is not checked.
func (a *Agent) exploitFor(as *Asset, root bool) int {
	best := -1
	for i, x := range a.Exploits {
		if root && !x.Root {
			continue
		}
		if as.Vulns&(1<<uint(x.Vuln)) == 0 || (x.Service != None && as.Services&(1<<uint(x.Service)) == 0) {
			continue
		}
		if best < 0 || x.beats(&a.Exploits[best]) {
			best = i
		}
	}
	return best
}

// beats says whether exploit x is preferred to y: root first, then rate.
func (x *AgentExploit) beats(y *AgentExploit) bool {
	return x.Root && !y.Root || x.Root == y.Root && x.RatePermille > y.RatePermille
}

// reachableExploit is the best exploit that applies to asset ai and can
// reach it, or -1.
func (w *World) reachableExploit(ci int32, a *Agent, ai int32) int {
	as := &w.Assets[ai]
	best := -1
	for i, x := range a.Exploits {
		if !w.applies(as, x.Vuln, x.Service) || !w.agentReachable(ci, a, ai, x.Service) {
			continue
		}
		if best < 0 || x.beats(&a.Exploits[best]) {
			best = i
		}
	}
	return best
}

// heldIn is a usable asset of the campaign in a segment, or None.
func (w *World) heldIn(ci, seg int32) int32 {
	s := &w.Segments[seg]
	for i := s.First; i < s.First+s.Count; i++ {
		if w.usable(ci, i) {
			return i
		}
	}
	for _, n := range w.AssetNames { // named assets may sit outside the generated range
		if w.Assets[n.Index].Segment == seg && w.usable(ci, n.Index) {
			return n.Index
		}
	}
	return None
}

// agentGoals counts the goals held with administrative privilege.
func (w *World) agentGoals(ci int32) int64 {
	a := w.Campaigns[ci].Agent
	if a == nil {
		return 0
	}
	n := int64(0)
	for _, g := range a.Goals {
		if w.usable(ci, g) && w.Assets[g].Flags&FlagAdmin != 0 {
			n++
		}
	}
	return n
}

// checkAgent guards Step against an agent whose references are out of
// range (a loader bug or an edited snapshot).
func (w *World) checkAgent(c *Campaign) error {
	a := c.Agent
	ns, na := int32(len(w.Segments)), int32(len(w.Assets))
	if a.Strategy >= agentStrategyCount {
		return fmt.Errorf("campaign %s: agent strategy %d unknown", c.ID, a.Strategy)
	}
	if a.Scans < 0 || a.Scans > 4 {
		return fmt.Errorf("campaign %s: agent scans %d, want 0 to 4", c.ID, a.Scans)
	}
	if int64(len(w.Assets))*a.kinds() > AgentActionsMax {
		return fmt.Errorf("campaign %s: the agent's action space is larger than %d", c.ID, int64(AgentActionsMax))
	}
	for _, x := range a.Exploits {
		if x.Vuln < 0 || x.Vuln >= 64 || x.Service < None || x.Service >= 32 {
			return fmt.Errorf("campaign %s: agent exploit out of range", c.ID)
		}
	}
	for _, x := range a.Escalations {
		if x.Vuln < 0 || x.Vuln >= 64 {
			return fmt.Errorf("campaign %s: agent escalation out of range", c.ID)
		}
	}
	for _, e := range a.Entry {
		if e.Segment < 0 || e.Segment >= ns {
			return fmt.Errorf("campaign %s: agent entry segment out of range", c.ID)
		}
	}
	for _, g := range a.Goals {
		if g < 0 || g >= na {
			return fmt.Errorf("campaign %s: agent goal out of range", c.ID)
		}
	}
	if len(a.Discovered) != (len(w.Segments)+63)/64 {
		return fmt.Errorf("campaign %s: agent state sized for another world", c.ID)
	}
	return nil
}
