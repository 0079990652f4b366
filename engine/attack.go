package engine

import (
	"errors"
	"fmt"
	"strconv"
)

// AttackStep is an adversary action scheduled in the scenario's YAML. The
// same actions are open to Lua playbooks through World.Attack.
type AttackStep struct {
	Tick      int32  `json:"tick"`
	Campaign  int32  `json:"campaign"`
	Action    string `json:"action"`
	Target    string `json:"target,omitempty"`
	Technique string `json:"technique,omitempty"`
	Args      []Arg  `json:"args,omitempty"`
	Done      bool   `json:"done"`
}

// AttackActions lists the adversary actions with their meaning.
var AttackActions = []struct{ Name, Doc string }{
	{"start", "activate the campaign (spreading, tasks, waves begin)"},
	{"stop", "end the campaign"},
	{"exploit", "compromise an asset through one of the campaign's vulnerabilities (initial access)"},
	{"lateral", "move to an asset in a segment where the campaign holds a foothold or a linked one"},
	{"exfiltrate", "steal data from a controlled asset (args: amount; without privilege at most UserExfiltrationMax); records land at the C2's host"},
	{"escalate", "gain administrative privilege on a controlled asset"},
	{"destroy", "wipe a controlled asset (needs privilege: escalate first)"},
	{"deface", "deface a website (controlled or exploitable)"},
	{"ddos", "point the bots (and rented power) at an asset"},
	{"task", "set the bots' task (target: ddos|spam|proxy|none)"},
	{"trip", "stop the physical process of an infrastructure through a controlled SCADA/PLC"},
	{"physical", "damage an infrastructure physically"},
	{"publish", "publish content on a platform (target: platform org; args: id, reach, growth, offence)"},
	{"raise", "raise funds through a payment service (target: service org; args: id, amount)"},
	{"set", "change a campaign figure (args: contacts, deface_per_tick, bot_power, fixed_power)"},
	{"c2", "move the command and control to another asset (a fallback server): bots obey again while it is reachable"},
}

// Attack performs an adversary action for a campaign. The returned error
// says why the action cannot be done; it changes nothing then.
func (w *World) Attack(campaign int32, action, target, technique string, args []Arg) error {
	if campaign < 0 || int(campaign) >= len(w.Campaigns) {
		return errors.New("no such campaign")
	}
	c := &w.Campaigns[campaign]
	arg := func(k string) string { return argValue(args, k) }
	num := func(k string, def int64) (int64, error) { return argNum(args, k, def) }
	switch action {
	case "start":
		if !c.Active {
			c.Active = true
			c.Start = w.Tick
			w.emit(Event{Kind: EvCampaignStarted, Subject: c.ID, Text: fmt.Sprintf("campaign %s started", c.ID), Visible: vis(c.Actor),
				Fields: fields("campaign", c.ID, "kind", c.Kind.String())})
			if c.C2 != None {
				w.leaveEvidence(campaign, "c2-records", w.Assets[c.C2].Owner, c.C2, 5)
			}
		}
		return nil
	case "stop":
		c.Active = false
		return nil
	case "task":
		switch target {
		case "ddos", "spam", "proxy", "none", "":
			if target == "none" {
				target = ""
			}
			c.Task = target
			return nil
		}
		return fmt.Errorf("task %q: want ddos, spam, proxy or none", target)
	case "set":
		for _, a := range args {
			n, err := num(a.Key, 0)
			if err != nil {
				return err
			}
			if n > 1<<30 {
				return fmt.Errorf("argument %s too large", a.Key)
			}
			switch a.Key {
			case "contacts":
				c.ContactsPerTick = int32(n)
			case "deface_per_tick":
				if n > DefacePerTickMax {
					return fmt.Errorf("deface_per_tick %d: at most %d attempts a tick", n, DefacePerTickMax)
				}
				c.DefacePerTick = int32(n)
			case "bot_power":
				c.BotPower = int32(n)
			case "fixed_power":
				c.FixedPower = int32(n)
			default:
				return fmt.Errorf("set: unknown figure %q (contacts, deface_per_tick, bot_power, fixed_power)", a.Key)
			}
		}
		return nil
	case "publish":
		p, ok := w.OrgIndex(target)
		if !ok || w.Orgs[p].Kind != OrgPlatform {
			return fmt.Errorf("publish: %q is not a platform", target)
		}
		id := arg("id")
		if id == "" {
			id = fmt.Sprintf("%s-content-%d", c.ID, len(w.Contents)+1)
		}
		if _, dup := w.ContentIndex(id); dup {
			return fmt.Errorf("publish: content %q exists", id)
		}
		if len(w.Contents) >= ItemsMax {
			return fmt.Errorf("publish: %d content items already, at most %d", len(w.Contents), ItemsMax)
		}
		reach, err := num("reach", 100)
		if err != nil {
			return err
		}
		growth, err := num("growth", 20)
		if err != nil {
			return err
		}
		if growth > 1000 {
			return errors.New("publish: growth is permille per tick, at most 1000")
		}
		if reach > w.Settings.ReachCap {
			reach = w.Settings.ReachCap
		}
		off := arg("offence")
		if off == "" {
			off = c.Offence
		}
		w.Contents = append(w.Contents, Content{ID: id, Platform: p, Campaign: campaign, Offence: off, Reach: reach, GrowthPermille: Permille(growth), Published: w.Tick, Removed: None})
		w.idx.content[id] = int32(len(w.Contents) - 1)
		rec := w.leaveEvidence(campaign, "account-records", p, None, 3)
		// The uploader's account records are what investigators will ask
		// the platform to preserve: the public event names them.
		w.emit(Event{Kind: EvContentPublished, Subject: id, Text: fmt.Sprintf("new %s material on %s%s", off, target, recordNote(rec)), Value: reach, Public: true,
			Fields: fields("content", id, "platform", w.Orgs[p].ID, "offence", off, "reach", itoa64(reach), "records", rec)})
		return nil
	case "raise":
		s, ok := w.OrgIndex(target)
		if !ok || w.Orgs[s].Kind != OrgPayment {
			return fmt.Errorf("raise: %q is not a payment service", target)
		}
		amount, err := num("amount", 1000)
		if err != nil {
			return err
		}
		if amount > MoneyMax {
			return fmt.Errorf("raise: amount %d above %d", amount, MoneyMax)
		}
		id := arg("id")
		if id == "" {
			id = fmt.Sprintf("%s-pay-%d", c.ID, len(w.Payments)+1)
		}
		if _, dup := w.PaymentIndex(id); dup {
			return fmt.Errorf("raise: payment %q exists", id)
		}
		if len(w.Payments) >= ItemsMax {
			return fmt.Errorf("raise: %d payments already, at most %d", len(w.Payments), ItemsMax)
		}
		w.Payments = append(w.Payments, Payment{ID: id, Service: s, Campaign: campaign, Amount: amount, Tick: w.Tick})
		w.idx.payment[id] = int32(len(w.Payments) - 1)
		w.Counters.MoneyRaised = addSat(w.Counters.MoneyRaised, amount)
		rec := w.leaveEvidence(campaign, "payment-record", s, None, 4)
		w.emit(Event{Kind: EvFundsRaised, Subject: id, Value: amount, Text: fmt.Sprintf("%d raised through %s%s", amount, target, recordNote(rec)), Visible: vis(s, c.Actor),
			Fields: fields("payment", id, "service", w.Orgs[s].ID, "amount", itoa64(amount), "records", rec)})
		return nil
	case "trip", "physical":
		f, ok := w.InfraIndex(target)
		if !ok {
			return fmt.Errorf("%s: no infrastructure %q", action, target)
		}
		fr := &w.Infras[f]
		if action == "physical" {
			fr.Damaged = true
			fr.RepairUntil = None
			w.Counters.PhysicalAttacks++
			w.emit(Event{Kind: EvPhysicalAttack, Subject: fr.ID, Text: fmt.Sprintf("physical attack on %s", fr.ID), Visible: vis(fr.Owner), Public: true,
				Fields: fields("infrastructure", fr.ID, "owner", w.orgID(fr.Owner))})
			return nil
		}
		for i := range w.Assets {
			as := &w.Assets[i]
			if as.Infra == f && as.Controller == campaign && (as.Kind == AssetSCADA || as.Kind == AssetPLC) && as.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) == 0 {
				fr.Tripped = true
				w.emit(Event{Kind: EvInfraChanged, Subject: fr.ID, Text: fmt.Sprintf("%s tripped by commands from its SCADA", fr.ID), Visible: vis(fr.Owner),
					Fields: fields("infrastructure", fr.ID, "cause", "trip", "scada", w.AssetID(int32(i)))})
				w.leaveEvidence(campaign, "scada-logs", as.Owner, int32(i), 5)
				return nil
			}
		}
		return fmt.Errorf("trip: the campaign controls no connected SCADA or PLC of %s", target)
	}

	// The remaining actions aim at an asset.
	ai, ok := w.AssetIndex(target)
	if !ok {
		return fmt.Errorf("%s: no asset %q", action, target)
	}
	return w.attackAsset(campaign, action, ai, target, args)
}

// AttackAsset performs an action aimed at an asset (exploit, lateral,
// deface, escalate, exfiltrate, destroy, ddos, c2) for a campaign, as
// Attack does, for a caller that has already found the asset: name is the
// id it was found by (AssetIndex(name) == asset), used in the reasons and
// events, so they read exactly as Attack's.
func (w *World) AttackAsset(campaign int32, action string, asset int32, name string, args []Arg) error {
	if campaign < 0 || int(campaign) >= len(w.Campaigns) {
		return errors.New("no such campaign")
	}
	if asset < 0 || int(asset) >= len(w.Assets) {
		return fmt.Errorf("%s: no asset %q", action, name)
	}
	return w.attackAsset(campaign, action, asset, name, args)
}

func (w *World) attackAsset(campaign int32, action string, ai int32, target string, args []Arg) error {
	c := &w.Campaigns[campaign]
	as := &w.Assets[ai]
	switch action {
	case "c2":
		if c.C2 == ai {
			return fmt.Errorf("c2: %s already is the campaign's command and control", target)
		}
		if as.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown|FlagSinkholed|FlagBlocked) != 0 {
			return fmt.Errorf("c2: %s is unreachable", target)
		}
		c.C2 = ai
		c.Stopped = None // the bots obey again; disrupting them takes the new server
		c.BlockedBy = nil
		w.emit(Event{Kind: EvC2Moved, Subject: c.ID, Text: fmt.Sprintf("%s now takes its orders from %s", c.ID, target), Visible: vis(c.Actor),
			Fields: fields("campaign", c.ID, "c2", w.AssetID(ai))})
		if c.Active {
			w.leaveEvidence(campaign, "c2-records", as.Owner, ai, 5)
		}
		return nil
	case "ddos":
		c.Task = "ddos"
		old := c.TaskTarget
		c.TaskTarget = ai
		if old != None && old != ai && !w.isTaskTarget(old) {
			// beginDDoS refreshes only current targets: the old one would
			// stay degraded for ever.
			w.refreshAvailability(old)
		}
		return nil
	case "exploit", "lateral", "deface":
		if as.Controller == campaign {
			if action == "deface" {
				w.deface(campaign, ai)
			}
			return nil
		}
		if as.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) != 0 {
			return errors.New(action + ": " + target + " is unreachable")
		}
		if action == "lateral" && !w.hasFoothold(campaign, as.Segment) {
			return errors.New("lateral: no foothold in or next to segment " + w.Segments[as.Segment].ID)
		}
		rate := w.exploitRate(c, as)
		if rate == 0 {
			return errors.New(action + ": " + target + " has none of the campaign's vulnerabilities")
		}
		if !w.rng[streamAttack].chance(rate) {
			return nil // tried and failed: the playbook may try again
		}
		w.compromise(campaign, ai)
		if action == "deface" {
			w.deface(campaign, ai)
		} else {
			if action == "lateral" {
				w.emit(Event{Kind: EvLateral, Subject: target, Text: fmt.Sprintf("%s reached %s", c.ID, target), Visible: vis(c.Actor),
					Fields: fields("asset", w.AssetID(ai), "campaign", c.ID, "segment", w.Segments[as.Segment].ID)})
			}
			w.leaveEvidence(campaign, "intrusion-logs", as.Owner, ai, 3)
		}
		return nil
	}
	if as.Controller != campaign {
		return errors.New(action + ": the campaign does not control " + target)
	}
	switch action {
	case "escalate":
		w.escalate(campaign, ai)
		return nil
	case "exfiltrate":
		amount, err := argNum(args, "amount", 100)
		if err != nil {
			return err
		}
		w.exfiltrate(campaign, ai, amount)
		return nil
	case "destroy":
		if as.Flags&FlagAdmin == 0 {
			return fmt.Errorf("destroy: no administrative privilege on %s (escalate first)", target)
		}
		as.Flags |= FlagDestroyed
		w.touched()
		as.Integrity, as.Availability = 0, 0
		w.emit(Event{Kind: EvAssetDestroyed, Subject: target, Text: fmt.Sprintf("%s wiped", target), Visible: vis(as.Owner),
			Fields: fields("asset", w.AssetID(ai), "owner", w.orgID(as.Owner))})
		return nil
	}
	return fmt.Errorf("unknown attack action %q", action)
}

func argValue(args []Arg, k string) string {
	for _, a := range args {
		if a.Key == k {
			return a.Value
		}
	}
	return ""
}

// argNum reads a whole-number argument, def when absent.
func argNum(args []Arg, k string, def int64) (int64, error) {
	s := argValue(args, k)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("argument %s=%q: want a whole number ≥ 0", k, s)
	}
	return n, nil
}

// isTaskTarget says whether some campaign aims its traffic at the asset.
func (w *World) isTaskTarget(i int32) bool {
	for ci := range w.Campaigns {
		if w.Campaigns[ci].TaskTarget == i {
			return true
		}
	}
	return false
}

func (w *World) exploitRate(c *Campaign, as *Asset) Permille {
	var best Permille
	if len(c.Exploits) == 0 && as.Vulns != 0 {
		best = 1000
	}
	for _, x := range c.Exploits {
		if as.Vulns&(1<<uint(x.Vuln)) != 0 && x.RatePermille > best {
			best = x.RatePermille
		}
	}
	if as.Flags&FlagHardened != 0 {
		best /= 4
	}
	return best
}

// hasFoothold says whether the campaign holds a usable asset in segment
// seg or in a segment linked to it: O(links of seg), with the footholds
// per segment counted once until hosts change. An isolated or wiped host
// is no foothold: containing it evicts the attacker's route.
func (w *World) hasFoothold(campaign, seg int32) bool {
	held := w.footholds(campaign)
	if held[seg] > 0 {
		return true
	}
	for _, li := range w.idx.linksOf(seg) {
		l := &w.Links[li]
		if held[l.A] > 0 || held[l.B] > 0 {
			return true
		}
	}
	return false
}

// escalate gives the campaign administrative privilege on a held asset.
func (w *World) escalate(campaign, ai int32) {
	as := &w.Assets[ai]
	if as.Flags&FlagAdmin == 0 {
		as.Flags |= FlagAdmin
		as.Integrity = int16(max32(int32(as.Integrity)-200, 0))
		w.leaveEvidence(campaign, "privilege-logs", as.Owner, ai, 2)
	}
}

// exfiltrate steals records from a held asset.
func (w *World) exfiltrate(campaign, ai int32, amount int64) {
	as := &w.Assets[ai]
	c := &w.Campaigns[campaign]
	if as.Flags&FlagAdmin == 0 && amount > UserExfiltrationMax {
		amount = UserExfiltrationMax // a user account reaches only its own share of the data
	}
	c.Exfiltrated = addSat(c.Exfiltrated, amount)
	as.Integrity = int16(max32(int32(as.Integrity)-100, 0))
	w.emit(Event{Kind: EvExfiltration, Subject: w.AssetID(ai), Value: amount, Text: fmt.Sprintf("%d records stolen from %s", amount, w.AssetID(ai)), Visible: vis(c.Actor),
		Fields: fields("asset", w.AssetID(ai), "campaign", c.ID, "records", itoa64(amount))})
	if c.C2 != None {
		w.leaveEvidence(campaign, "exfil-records", w.Assets[c.C2].Owner, c.C2, 5)
	}
}

func (w *World) compromise(campaign, ai int32) {
	as := &w.Assets[ai]
	if p := as.Controller; p != None && p != campaign && as.Flags&FlagDefaced == 0 && w.Campaigns[p].Bots > 0 {
		w.Campaigns[p].Bots-- // taken from another campaign
	}
	as.Controller = campaign
	w.touched()
	as.Since = w.Tick
	as.Integrity = 700
	c := &w.Campaigns[campaign]
	c.Bots++
	c.BotsEver++
	if _, named := w.idx.nameOf[ai]; named {
		w.emit(Event{Kind: EvAssetCompromised, Subject: w.AssetID(ai), Text: fmt.Sprintf("%s compromised by %s", w.AssetID(ai), c.ID), Visible: vis(c.Actor),
			Fields: fields("asset", w.AssetID(ai), "campaign", c.ID, "how", "exploit")})
	}
}

func (w *World) deface(campaign, ai int32) {
	as := &w.Assets[ai]
	if as.Flags&FlagDefaced != 0 {
		return
	}
	as.Flags |= FlagDefaced
	w.noteDefaced(ai)
	w.touched()
	as.Integrity = 300
	c := &w.Campaigns[campaign]
	c.Defaced++
	if c.Bots > 0 && as.Controller == campaign {
		c.Bots-- // a defaced site is counted as defaced, not as a bot
	}
	w.Counters.WebsitesHijacked++
	// A defacement is seen by everyone who opens the page.
	w.emit(Event{Kind: EvDefaced, Subject: w.AssetID(ai), Text: fmt.Sprintf("%s shows %s's page", w.AssetID(ai), c.ID), Public: true,
		Fields: fields("asset", w.AssetID(ai), "campaign", c.ID, "owner", w.orgID(as.Owner))})
	w.leaveEvidence(campaign, "web-logs", as.Owner, ai, 2)
}

// leaveEvidence records a trace the campaign left with a holder. Mass
// events (one bot among a million) leave no item each: the scenario's
// named assets and the C2 carry the case.
func (w *World) leaveEvidence(campaign int32, kind string, holder, asset int32, weight int32) string {
	if len(w.Evidence) >= EvidenceItemsMax {
		return ""
	}
	c := &w.Campaigns[campaign]
	c.EvidenceSeq++
	id := fmt.Sprintf("%s-%s-%d", c.ID, kind, c.EvidenceSeq)
	retain := c.EvidenceRetainTicks
	if retain <= 0 {
		retain = 7 * 24 * 3600 / w.Settings.TickSeconds // a week of logs
	}
	w.Evidence = append(w.Evidence, Evidence{ID: id, Kind: kind, Holder: holder, Asset: asset, Campaign: campaign,
		Offence: c.Offence, Weight: weight, Created: w.Tick, RetainTicks: retain, LostTick: None})
	w.idx.evidence[id] = int32(len(w.Evidence) - 1)
	w.scheduleDecay(&w.Evidence[len(w.Evidence)-1])
	w.emit(Event{Kind: EvEvidenceCreated, Subject: id, Text: fmt.Sprintf("%s left at %s (kept %d ticks)", kind, w.orgID(holder), retain), Visible: vis(holder),
		Fields: fields("evidence", id, "kind", kind, "holder", w.orgID(holder), "asset", assetIDOr(w, asset), "retain", itoa32(retain), "until", itoa64(int64(w.Tick)+int64(retain)))})
	return id
}

// recordNote names the record an event's reader would ask for.
func recordNote(id string) string {
	if id == "" {
		return ""
	}
	return " (records: " + id + ")"
}

// MoneyMax bounds one payment, so that totals of many stay far from overflow.
const MoneyMax int64 = 1_000_000_000_000_000

// ItemsMax bounds the content items, payments and injects a run can
// create: each is visited every tick, so a script creating them in a loop
// must not slow every later tick without end.
const ItemsMax = 100_000

// DefacePerTickMax bounds a defacement wave's attempts per tick (the
// scenario loader's limit too): the work of a tick must stay bounded.
const DefacePerTickMax = 1_000_000

// UserExfiltrationMax is what one exfiltration steals without privilege.
const UserExfiltrationMax = 100

// EvidenceItemsMax bounds the evidence list so a long run cannot grow it
// without limit.
const EvidenceItemsMax = 100_000

func (w *World) runSteps() {
	for i := range w.Steps {
		s := &w.Steps[i]
		if s.Done || s.Tick != w.Tick {
			continue
		}
		s.Done = true
		if err := w.Attack(s.Campaign, s.Action, s.Target, s.Technique, s.Args); err != nil {
			w.emit(Event{Kind: EvLog, Subject: w.Campaigns[s.Campaign].ID,
				Text:   fmt.Sprintf("attack step %s %s at tick %d did not happen: %v", s.Action, s.Target, s.Tick, err),
				Fields: fields("source", "attack", "campaign", w.Campaigns[s.Campaign].ID, "action", s.Action, "target", s.Target, "reason", err.Error())})
		}
	}
}

// Recon is what a campaign's scan of a segment finds.
type Recon struct {
	Hosts      int64 `json:"hosts"`      // assets in the segment
	Vulnerable int64 `json:"vulnerable"` // reachable assets it could exploit and does not hold
	Held       int64 `json:"held"`       // assets it controls there
}

// Scan counts what a campaign could exploit in a segment (reconnaissance:
// it changes nothing and draws nothing). The cost is one pass over the
// segment's assets.
func (w *World) Scan(campaign, seg int32) (Recon, error) {
	if campaign < 0 || int(campaign) >= len(w.Campaigns) {
		return Recon{}, errors.New("no such campaign")
	}
	if seg < 0 || int(seg) >= len(w.Segments) {
		return Recon{}, errors.New("no such segment")
	}
	c := &w.Campaigns[campaign]
	s := &w.Segments[seg]
	r := Recon{Hosts: int64(s.Count)}
	for i := s.First; i < s.First+s.Count; i++ {
		as := &w.Assets[i]
		switch {
		case as.Controller == campaign:
			r.Held++
		case as.Controller == None && as.Flags&(FlagIsolated|FlagDestroyed|FlagTakenDown) == 0 && w.exploitRate(c, as) > 0:
			r.Vulnerable++
		}
	}
	return r, nil
}
