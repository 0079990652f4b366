package engine

import "fmt"

// DependencyDownPermille: a dependency supplying less than this is down
// and supplies nothing to its dependants.
const DependencyDownPermille = 500

// Infrastructure levels are recomputed each tick in declaration order from
// the levels of the previous tick, so a cascade takes at least one tick per
// hop plus each dependency's delay, and the order of declaration cannot
// change the outcome.
//
// What a dependency supplies passes on in proportion: an asset its
// availability, an infrastructure its level (a substation at 700‰ gives
// its dependants 700‰). Under DependencyDownPermille a dependency is down
// and supplies nothing: a feeder that has lost more than half its supply
// trips (load shedding) rather than running at a third. A dependant is
// short from the first tick one of its dependencies supplies less than
// 1000‰; once short for that dependency's delay (the buffer: a
// reservoir, a battery, the inertia of a process) it runs on the lowest
// supply, topped up by its backup while the backup lasts and by manual
// operation when its crews run it by hand.
func (w *World) cascade() {
	prev := w.infraPrev[:0]
	for _, f := range w.Infras {
		prev = append(prev, f.Level)
	}
	w.infraPrev = prev
	for i := range w.Infras {
		f := &w.Infras[i]
		if f.Damaged && f.RepairUntil != None && w.Tick >= f.RepairUntil {
			f.Damaged = false
			f.RepairUntil = None
		}
		short := false
		supply := int32(1000)
		var delay int32 = 1 << 30
		for _, d := range f.DependsOn {
			s := int32(1000)
			if d.Asset != None {
				a := &w.Assets[d.Asset]
				s = int32(a.Availability)
				if a.Flags&FlagDestroyed != 0 {
					s = 0
				}
			} else if !f.Islanded {
				s = prev[d.Infra]
			}
			if s >= 1000 {
				continue
			}
			if s < DependencyDownPermille {
				s = 0
			}
			short = true
			supply = min32(supply, s)
			if d.DelayTicks < delay {
				delay = d.DelayTicks
			}
		}
		if short {
			if f.DownSince == None {
				f.DownSince = w.Tick
			}
		} else {
			f.DownSince = None
		}
		level := int32(1000)
		if f.Islanded {
			level = f.IslandPermille // running apart from the grid on local generation
		}
		if f.Damaged {
			level = 0
		}
		if f.Tripped {
			if f.Manual {
				level = min32(level, f.ManualPermille)
			} else {
				level = 0
			}
		}
		if short && w.Tick-f.DownSince >= delay {
			fallback := supply
			if int64(w.Tick-f.DownSince) < int64(delay)+int64(f.BackupTicks) && f.BackupPermille > fallback {
				fallback = f.BackupPermille
			}
			if f.Manual && f.ManualPermille > fallback {
				fallback = f.ManualPermille
			}
			level = min32(level, fallback)
		}
		if level != f.Level {
			old := f.Level
			f.Level = level
			{ // every change: a hospital going onto generators matters even above 500‰
				w.emit(Event{Kind: EvInfraChanged, Subject: f.ID, Value: int64(level),
					Text: fmt.Sprintf("%s now at %d‰ (was %d‰)", f.ID, level, old), Visible: vis(f.Owner), Public: f.Priority && level < 500,
					Fields: fields("infrastructure", f.ID, "cause", "level", "level", itoa32(int32(level)), "was", itoa32(int32(old)))})
			}
		}
		if f.Priority && f.Level < 500 {
			w.Counters.PriorityDownTicks++
		}
	}
}

func min32(a, b int32) int32 {
	if a < b {
		return a
	}
	return b
}

// growContent: published material reaches more people each tick until it
// is taken down; counter-narratives cut the growth (see statement).
func (w *World) growContent() {
	for i := range w.Contents {
		c := &w.Contents[i]
		if c.Removed != None {
			continue
		}
		// Reach*g/1000 split so that it cannot overflow near the cap.
		g := int64(c.GrowthPermille)
		c.Reach = addSat(c.Reach, addSat(c.Reach/1000*g+c.Reach%1000*g/1000, 1))
		if c.Reach > w.Settings.ReachCap {
			c.Reach = w.Settings.ReachCap
		}
	}
}

// deliverInjects sends scheduled injects.
func (w *World) deliverInjects() {
	for i := range w.Injects {
		in := &w.Injects[i]
		if in.Delivered == None && in.Tick == w.Tick {
			w.DeliverInject(int32(i))
		}
	}
}

// DeliverInject sends an inject now (scheduled, or triggered by a script).
func (w *World) DeliverInject(i int32) {
	in := &w.Injects[i]
	if in.Delivered != None {
		return
	}
	in.Delivered = w.Tick
	w.Counters.InjectsDelivered++
	text := in.Subject
	if in.From != "" {
		text = in.From + ": " + text
	}
	for _, t := range in.To {
		w.learnNamed(t, in.Subject+"\n"+in.Body)
	}
	// No list of receivers: who else got it is not a receiver's to know
	// (the server strips Visible from a team's events for that reason).
	w.emit(Event{Kind: EvInjectDelivered, Subject: in.ID, Text: text, Visible: vis(in.To...),
		Fields: fields("inject", in.ID, "from", in.From, "title", in.Subject)})
}

// AddInject appends an ad-hoc inject (from a controller or a script) and
// delivers it at once.
func (w *World) AddInject(in Inject) (int32, error) {
	if in.ID == "" {
		in.ID = fmt.Sprintf("adhoc-%d", len(w.Injects)+1)
	}
	if _, dup := w.InjectIndex(in.ID); dup {
		return None, fmt.Errorf("inject %q exists", in.ID)
	}
	if len(w.Injects) >= ItemsMax {
		return None, fmt.Errorf("%d injects already, at most %d", len(w.Injects), ItemsMax)
	}
	for _, t := range in.To {
		if t < 0 || int(t) >= len(w.Orgs) {
			return None, fmt.Errorf("inject %q: recipient out of range", in.ID)
		}
	}
	in.Delivered = None
	in.Tick = w.Tick
	w.Injects = append(w.Injects, in)
	i := int32(len(w.Injects) - 1)
	w.idx.inject[in.ID] = i
	w.DeliverInject(i)
	return i, nil
}
