package scenario

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"cyberex/engine"
	"cyberex/engine/attack"
)

// checker validates a decoded File against itself and the engine's
// vocabularies, then builds engine worlds from it.
type checker struct {
	file, dir string
	errs      *errList
	d         *decoder
	full      bool           // generate hosts (Load) or not (Validate)
	reuse     []engine.Asset // initial assets of an earlier build
	fsys      fs.FS
	root      string
	lua       map[string][]byte
	library   fs.FS
	skipTests bool
	f         *File

	tick    int32
	scripts []string
	mw      *engine.World // ids only, for metric names (metricWorld)

	jur, org, vuln, svc, seg, asset, infra, camp, evid, content, pay, inject, obj *table
	prefixes                                                                      map[string]genSeg
	segs                                                                          []segPlan // every segment, named then generated
	generated                                                                     int64
}

// Limits of the world.
const (
	generatedAssetsMax = 20_000_000
	segmentsMax        = 1_000_000
	staffMax           = 1_000_000
	powerMax           = 1 << 30
	vulnsMax           = 64
	servicesMax        = 32
)

// generatedLimit is generatedAssetsMax; the fuzzer lowers it to keep its
// worlds small.
var generatedLimit int64 = generatedAssetsMax

// DefaultStart is the exercise clock at tick 0 when settings.start is absent.
var DefaultStart = time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)

// genSeg is a segment that holds generated hosts.
type genSeg struct {
	seg   int32
	count int64
}

// segPlan is one segment of the world as it will be built.
type segPlan struct {
	id, path     string
	owner        int32
	jur, isp     int32
	posture      int32
	prefix       string
	gen          int64 // generated hosts
	hosts        engine.HostSpec
	named        []int // indexes in File.Assets
	first, count int32
}

// table is the ids of one kind of thing.
type table struct {
	kind string
	idx  map[string]int32
	ids  []string
}

func newTable(kind string) *table { return &table{kind: kind, idx: map[string]int32{}} }

func (c *checker) errAt(path, format string, args ...any) {
	if c.d.silenced(path) {
		return
	}
	c.d.errAt(path, format, args...)
}

// CheckID says what is wrong with an id ("" when nothing): the rule of
// every id of scenario.yaml, for tools that write them (the MSEL import).
func CheckID(id string) string { return validID(id) }

// validID checks the characters of an id.
func validID(id string) string {
	if id == "" {
		return "empty id"
	}
	if len(id) > idBytesMax {
		return fmt.Sprintf("id longer than %d characters", idBytesMax)
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || (i > 0 && (ch == '-' || ch == '_' || ch == '.'))
		if !ok {
			return fmt.Sprintf("id %q: use letters, digits, '-', '_' and '.' (starting with a letter or digit)", id)
		}
	}
	return ""
}

// declare adds an id to a table, reporting bad and duplicate ids.
// index is the position of the item in its list of the spec (for
// segments: in c.segs).
func (c *checker) declare(t *table, id, p string, index int) {
	if msg := validID(id); msg != "" {
		c.errAt(p, "%s", msg)
		return
	}
	if _, dup := t.idx[id]; dup {
		c.errAt(p, "duplicate %s id %q", t.kind, id)
		return
	}
	t.idx[id] = int32(index)
	t.ids = append(t.ids, id)
}

// ref resolves a reference; "" gives None without complaint.
func (c *checker) ref(t *table, id, p string) int32 {
	if id == "" {
		return engine.None
	}
	if i, ok := t.idx[id]; ok {
		return i
	}
	c.errAt(p, "no %s %q%s", t.kind, id, suggest(id, t.ids))
	return engine.None
}

// need resolves a reference that must be given.
func (c *checker) need(t *table, id, p string) int32 {
	if id == "" {
		c.errAt(p, "missing: name the %s", t.kind)
		return engine.None
	}
	return c.ref(t, id, p)
}

func (c *checker) enum(val, p, what string, allowed []string) {
	if val == "" {
		return
	}
	for _, a := range allowed {
		if a == val {
			return
		}
	}
	c.errAt(p, "unknown %s %q%s", what, val, suggest(val, allowed))
}

func (c *checker) rangeInt(v, lo, hi int64, p string) {
	if v < lo || v > hi {
		if v < lo && lo == 0 {
			c.errAt(p, "%d: cannot be negative", v)
			return
		}
		c.errAt(p, "%d is out of range (%d to %d)", v, lo, hi)
	}
}

// generatedID says whether id names a generated host: PREFIX-N.
func (c *checker) generatedID(id string) bool {
	dash := strings.LastIndexByte(id, '-')
	if dash <= 0 {
		return false
	}
	g, ok := c.prefixes[id[:dash]]
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(id[dash+1:], 10, 64)
	return err == nil && n >= 0 && n < g.count && strconv.FormatInt(n, 10) == id[dash+1:]
}

// assetRef checks a reference to an asset (named or generated).
func (c *checker) assetRef(id, p string) {
	if id == "" {
		return
	}
	if _, ok := c.asset.idx[id]; ok || c.generatedID(id) {
		return
	}
	c.errAt(p, "%s", c.noAsset(id))
}

// noAsset says that there is no asset id, and what there is instead.
func (c *checker) noAsset(id string) string {
	if dash := strings.LastIndexByte(id, '-'); dash > 0 {
		if g, ok := c.prefixes[id[:dash]]; ok {
			return fmt.Sprintf("no asset %q: %s has generated hosts %s-0 to %s-%d", id, c.segs[g.seg].id, id[:dash], id[:dash], g.count-1)
		}
	}
	return fmt.Sprintf("no asset %q%s", id, suggest(id, c.asset.ids))
}

func (c *checker) needAsset(id, p string) {
	if id == "" {
		c.errAt(p, "missing: name the asset")
		return
	}
	c.assetRef(id, p)
}

// check validates the file and, when full, builds the template world
// with its generated hosts. It returns nil when there are errors.
//
// Checks go on after a value could not be read (the decoder marked its
// path, and checks stay silent there), so that one load reports as much
// as it can.
func (c *checker) check(f *File) *engine.World {
	c.f = f
	c.settings(f)
	if c.d.silenced("settings.tick") {
		return nil // every duration depends on it
	}
	resolveDurations(c, reflectValue(f), "")
	c.declareAll(f)
	c.checkWorld(f)
	c.checkScripts(f)
	// Metric names are checked with the engine's own rules in a world of
	// ids only, built from the tables whatever else is wrong.
	mw := c.metricWorld()
	c.mw = mw
	for i, o := range f.Objectives {
		if o.Metric != "" {
			c.checkMetric(mw, o.Metric, fmt.Sprintf("objectives[%d].metric", i))
		}
	}
	if !c.skipTests {
		c.checkTests(f, mw)
	}
	if !c.errs.empty() {
		return nil
	}
	if !c.full {
		// Build a small world anyway (one host per generated segment): the
		// engine's own reference checks then guard the builder.
		if err := c.build(f).Init(1); err != nil {
			c.errs.add(Error{File: c.file, Msg: "internal error: the engine refused the world (please report): " + err.Error()})
		}
		return nil
	}
	w := c.build(f)
	if err := w.Init(1); err != nil {
		c.errs.add(Error{File: c.file, Msg: "internal error: the engine refused the world (please report): " + err.Error()})
		return nil
	}
	return w
}

// metricWorld is a world holding only the ids metrics may name: enough
// for engine.World.CheckMetricName.
func (c *checker) metricWorld() *engine.World {
	w := &engine.World{Settings: engine.DefaultSettings()}
	w.Jurisdictions = []engine.Jurisdiction{{ID: "\x00"}}
	for _, id := range c.jur.ids {
		w.Jurisdictions = append(w.Jurisdictions, engine.Jurisdiction{ID: id})
	}
	w.Orgs = []engine.Org{{ID: "\x00", Jurisdiction: 0}}
	add := func(seg engine.Segment, n int) {
		seg.First, seg.Count, seg.ISP, seg.PosturePermille = int32(len(w.Assets)), int32(n), engine.None, 1000
		seg.ID = fmt.Sprintf("\x00%d", len(w.Segments))
		for i := 0; i < n; i++ {
			w.Assets = append(w.Assets, engine.NewAsset(engine.AssetHost, int32(len(w.Segments)), 0))
		}
		w.Segments = append(w.Segments, seg)
	}
	for _, p := range sortedKeys(c.prefixes) {
		add(engine.Segment{Prefix: p}, 1)
	}
	for _, id := range c.asset.ids {
		w.AssetNames = append(w.AssetNames, engine.NamedAsset{Index: int32(len(w.Assets)), ID: id})
		add(engine.Segment{}, 1)
	}
	for _, id := range c.camp.ids {
		w.Campaigns = append(w.Campaigns, engine.Campaign{ID: id, Actor: engine.None, C2: engine.None, TaskTarget: engine.None, Stopped: engine.None})
	}
	for _, id := range c.infra.ids {
		w.Infras = append(w.Infras, engine.Infra{ID: id, Level: 1000, DownSince: engine.None, RepairUntil: engine.None})
	}
	for _, id := range c.evid.ids {
		w.Evidence = append(w.Evidence, engine.Evidence{ID: id, Asset: engine.None, Campaign: engine.None, LostTick: engine.None})
	}
	for _, id := range c.content.ids {
		w.Contents = append(w.Contents, engine.Content{ID: id, Campaign: engine.None, Removed: engine.None})
	}
	for _, id := range c.obj.ids {
		w.Objectives = append(w.Objectives, engine.Objective{ID: id, Deadline: engine.None, Tick: engine.None})
	}
	if err := w.Init(1); err != nil {
		c.errs.add(Error{File: c.file, Msg: "internal error: metric world: " + err.Error()})
	}
	return w
}

// settings fills defaults and reads the tick length first: every other
// duration depends on it.
func (c *checker) settings(f *File) {
	s := &f.Settings
	c.tick = 60
	if s.Tick != nil {
		c.tick = s.Tick.Seconds
	}
	if s.Duration == nil {
		d := D(engine.DefaultSettings().DurationTicks)
		s.Duration = &d
	}
}

// resolveDurations converts every Duration in v to ticks.
func resolveDurations(c *checker, v reflect.Value, p string) {
	if !holdsDuration(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			resolveDurations(c, v.Elem(), p)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Duration]() {
			d := v.Addr().Interface().(*Duration)
			if err := d.resolve(c.tick); err != nil && !c.d.silenced(p) {
				// Marked bad: what depends on it (a test's deadlines
				// against the scenario's duration) says nothing more.
				c.d.errValue(p, "%s", err.Error())
			}
			return
		}
		if v.Type() == reflect.TypeFor[When]() {
			resolveDurations(c, v.FieldByName("Tick"), p)
			return
		}
		if v.Type() == reflect.TypeFor[ContactPoint]() {
			if !v.FieldByName("None").Bool() {
				resolveDurations(c, v.FieldByName("Delay"), p)
			}
			return
		}
		for _, f := range structFields(v.Type()) {
			resolveDurations(c, v.FieldByIndex(f.index), joinPath(p, f.name))
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			resolveDurations(c, v.Index(i), fmt.Sprintf("%s[%d]", p, i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			resolveDurations(c, e, joinPath(p, k.String()))
			v.SetMapIndex(k, e)
		}
	}
}

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// genPath is the recorded path of generate entry i (a single mapping is
// recorded as "generate", a list as generate[i]).
func (c *checker) genPath(i int) string {
	p := fmt.Sprintf("generate[%d]", i)
	if _, ok := c.d.pos[p]; ok {
		return p
	}
	return "generate"
}

// declareAll builds the id tables, reporting bad and duplicate ids.
func (c *checker) declareAll(f *File) {
	c.jur, c.org, c.vuln, c.svc = newTable("jurisdiction"), newTable("organisation"), newTable("vulnerability"), newTable("service")
	c.seg, c.asset, c.infra, c.camp = newTable("segment"), newTable("asset"), newTable("infrastructure"), newTable("campaign")
	c.evid, c.content, c.pay, c.inject, c.obj = newTable("evidence item"), newTable("content item"), newTable("payment"), newTable("inject"), newTable("objective")
	c.prefixes = map[string]genSeg{}
	c.segs = nil
	c.generated = 0
	for i, j := range f.Jurisdictions {
		c.declare(c.jur, j.ID, fmt.Sprintf("jurisdictions[%d].id", i), i)
	}
	for i, o := range f.Organisations {
		p := fmt.Sprintf("organisations[%d].id", i)
		if o.ID == "all" || o.ID == "none" {
			c.errAt(p, "%q is reserved (injects and tests use it for every/no organisation)", o.ID)
			continue
		}
		if o.ID == engine.ControlOrg {
			c.errAt(p, "%q is reserved (the controller's commands are sent as %s)", o.ID, engine.ControlOrg)
			continue
		}
		c.declare(c.org, o.ID, p, i)
	}
	for i, v := range f.Vulnerabilities {
		c.declare(c.vuln, v.ID, fmt.Sprintf("vulnerabilities[%d].id", i), i)
	}
	if len(f.Vulnerabilities) > vulnsMax {
		c.errAt("vulnerabilities", "%d vulnerabilities, at most %d", len(f.Vulnerabilities), vulnsMax)
	}
	for i, s := range f.Services {
		c.declare(c.svc, s, fmt.Sprintf("services[%d]", i), i)
	}
	if len(f.Services) > servicesMax {
		c.errAt("services", "%d services, at most %d", len(f.Services), servicesMax)
	}
	for i, s := range f.Segments {
		p := fmt.Sprintf("segments[%d]", i)
		c.declare(c.seg, s.ID, p+".id", len(c.segs))
		sp := segPlan{id: s.ID, path: p}
		if s.Generate != nil {
			sp.prefix = s.Generate.Prefix
			pp := p + ".generate.prefix"
			if sp.prefix == "" {
				sp.prefix, pp = s.ID, p+".id"
			}
			sp.gen = s.Generate.Count
			c.rangeInt(s.Generate.Count, 1, generatedLimit, p+".generate.count")
			c.addPrefix(sp.prefix, int32(len(c.segs)), sp.gen, pp)
		}
		c.segs = append(c.segs, sp)
	}
	for gi, g := range f.Generate {
		p := c.genPath(gi)
		if msg := validID(g.Prefix); msg != "" {
			c.errAt(p+".prefix", "%s", msg)
			continue
		}
		c.rangeInt(int64(g.Segments), 1, segmentsMax, p+".segments")
		c.rangeInt(g.HostsPerSegment, 1, generatedLimit, p+".hosts_per_segment")
		if g.Segments < 1 || g.Segments > segmentsMax || g.HostsPerSegment < 1 || g.HostsPerSegment > generatedLimit {
			continue
		}
		if int64(g.Segments)*g.HostsPerSegment > generatedLimit {
			c.errAt(p, "%d segments of %d hosts is %d hosts, more than %d", g.Segments, g.HostsPerSegment, int64(g.Segments)*g.HostsPerSegment, generatedLimit)
			continue
		}
		for k := int32(1); k <= g.Segments; k++ {
			id := g.Prefix + "-" + strconv.Itoa(int(k))
			if _, dup := c.seg.idx[id]; dup {
				c.errAt(p+".prefix", "generated segment %q has the id of another segment", id)
				break
			}
			c.seg.idx[id] = int32(len(c.segs))
			c.seg.ids = append(c.seg.ids, id)
			c.addPrefix(id, int32(len(c.segs)), g.HostsPerSegment, p+".prefix")
			c.segs = append(c.segs, segPlan{id: id, path: p, prefix: id, gen: g.HostsPerSegment})
		}
	}
	for _, sp := range c.segs {
		if c.generatedID(sp.id) {
			c.errAt(sp.path, "segment id %q is also the id of a generated host: commands could not tell them apart", sp.id)
		}
	}
	if len(c.segs) > segmentsMax {
		c.errAt("segments", "%d segments, at most %d", len(c.segs), segmentsMax)
	}
	for i, a := range f.Assets {
		p := fmt.Sprintf("assets[%d].id", i)
		switch {
		case c.generatedID(a.ID):
			c.errAt(p, "%q is the id of a generated host", a.ID)
			continue
		case c.isSegment(a.ID):
			c.errAt(p, "%q is also a segment id: commands could not tell them apart", a.ID)
			continue
		}
		c.declare(c.asset, a.ID, p, i)
	}
	for i, f := range f.Infrastructure {
		p := fmt.Sprintf("infrastructure[%d].id", i)
		if _, ok := c.asset.idx[f.ID]; ok {
			c.errAt(p, "%q is also an asset id: commands could not tell them apart", f.ID)
			continue
		}
		if c.isSegment(f.ID) || c.generatedID(f.ID) {
			c.errAt(p, "%q is also a segment or host id: commands could not tell them apart", f.ID)
			continue
		}
		c.declare(c.infra, f.ID, p, i)
	}
	for i, x := range f.Campaigns {
		c.declare(c.camp, x.ID, fmt.Sprintf("campaigns[%d].id", i), i)
	}
	for i, x := range f.Evidence {
		p := fmt.Sprintf("evidence[%d].id", i)
		if c.reservedRuntimeID(x.ID, p) {
			continue
		}
		c.declare(c.evid, x.ID, p, i)
	}
	for i, x := range f.Content {
		p := fmt.Sprintf("content[%d].id", i)
		if c.reservedRuntimeID(x.ID, p) {
			continue
		}
		c.declare(c.content, x.ID, p, i)
	}
	for i, x := range f.Payments {
		p := fmt.Sprintf("payments[%d].id", i)
		if c.reservedRuntimeID(x.ID, p) {
			continue
		}
		c.declare(c.pay, x.ID, p, i)
	}
	for i, x := range f.Injects {
		p := fmt.Sprintf("injects[%d].id", i)
		if strings.HasPrefix(x.ID, "adhoc-") {
			c.errAt(p, "ids adhoc-N are given to injects made during the run")
			continue
		}
		c.declare(c.inject, x.ID, p, i)
	}
	for i, x := range f.Objectives {
		c.declare(c.obj, x.ID, fmt.Sprintf("objectives[%d].id", i), i)
	}
}

// reservedRuntimeID: the engine names what campaigns leave
// CAMPAIGN-KIND-N; a declared id of that form could collide.
func (c *checker) reservedRuntimeID(id, p string) bool {
	for _, cid := range c.camp.ids {
		if rest, ok := strings.CutPrefix(id, cid+"-"); ok {
			if dash := strings.LastIndexByte(rest, '-'); dash > 0 {
				if _, err := strconv.Atoi(rest[dash+1:]); err == nil {
					c.errAt(p, "ids %s-KIND-N are given to what campaign %s leaves during the run: choose another", cid, cid)
					return true
				}
			}
		}
	}
	return false
}

func (c *checker) isSegment(id string) bool { _, ok := c.seg.idx[id]; return ok }

func (c *checker) addPrefix(prefix string, seg int32, count int64, p string) {
	if msg := validID(prefix); msg != "" {
		c.errAt(p, "prefix: %s", msg)
		return
	}
	if _, dup := c.prefixes[prefix]; dup {
		c.errAt(p, "two segments generate hosts named %s-N", prefix)
		return
	}
	c.prefixes[prefix] = genSeg{seg: seg, count: count}
	if count < 1 || count > generatedLimit {
		return // reported where the count is
	}
	before := c.generated
	c.generated += count
	if before <= generatedLimit && c.generated > generatedLimit {
		c.errAt(p, "more than %d generated hosts in all", generatedLimit)
	}
}

// offences known as crimes somewhere.
func (c *checker) crimes(f *File) []string {
	set := map[string]bool{}
	for _, j := range f.Jurisdictions {
		for _, x := range j.Crimes {
			set[x] = true
		}
	}
	return sortedKeys(set)
}

func (c *checker) offence(f *File, off, p string) {
	if off == "" {
		return
	}
	all := c.crimes(f)
	for _, x := range all {
		if x == off {
			return
		}
	}
	c.errAt(p, "offence %q is a crime in no jurisdiction%s", off, suggest(off, all))
}

func (c *checker) technique(id, p string) {
	if id == "" {
		return
	}
	if err := attack.Validate(id); err != nil {
		c.errAt(p, "%s", err.Error())
	}
}

func (c *checker) atLeastTick(d *Duration, p string) {
	if d != nil && d.Ticks < 1 {
		c.errAt(p, "%s is before the first tick (ticks count from 1)", d.Text)
	}
}

func orgKinds() []string      { return engine.OrgKindNames() }
func assetKinds() []string    { return engine.AssetKindNames() }
func campaignKinds() []string { return engine.CampaignKindNames() }

func attackActions() []string {
	out := make([]string, len(engine.AttackActions))
	for i, a := range engine.AttackActions {
		out[i] = a.Name
	}
	return out
}

// checkWorld checks every section against the id tables.
func (c *checker) checkWorld(f *File) {
	// The name goes into journals and reports: it cannot be blank.
	if _, given := c.d.pos["name"]; given && strings.TrimSpace(f.Name) == "" {
		c.errAt("name", "empty name: give the scenario a short name (it goes into journals and reports)")
	}
	s := &f.Settings
	c.rangeInt(int64(s.Duration.Ticks), 1, durationTicksMax, "settings.duration")
	for _, v := range sortedKeys(s.Verbs) {
		p := "settings.verbs." + v
		if _, ok := engine.DefaultVerbSpec(v); !ok {
			c.d.errKey(p, "unknown verb %q%s", v, suggest(v, engine.VerbNames()))
			continue
		}
		o := s.Verbs[v]
		if o.Ticks != nil && o.Ticks.Ticks < 1 {
			c.errAt(p+".ticks", "a verb takes at least 1 tick")
		}
		if o.Staff != nil {
			c.rangeInt(int64(*o.Staff), 0, staffMax, p+".staff")
		}
	}
	lim := reflect.ValueOf(s.ScriptLimits)
	for _, fl := range structFields(lim.Type()) {
		if v := lim.FieldByIndex(fl.index); !v.IsNil() {
			lo, hi := int64(0), int64(1<<40)
			if ScriptLimitBounds != nil {
				if l, h, ok := ScriptLimitBounds(fl.name); ok && v.Elem().Int() != 0 { // 0 keeps the default
					lo, hi = l, h
				}
			}
			c.rangeInt(v.Elem().Int(), lo, hi, "settings.script_limits."+fl.name)
		}
	}
	if s.ReachCap != nil {
		c.rangeInt(*s.ReachCap, 1, 1<<62, "settings.reach_cap")
	}

	for i, j := range f.Jurisdictions {
		p := fmt.Sprintf("jurisdictions[%d]", i)
		seen := map[string]bool{}
		for k, x := range j.Crimes {
			pp := fmt.Sprintf("%s.crimes[%d]", p, k)
			if x == "" {
				c.errAt(pp, "empty offence")
			} else if seen[x] {
				c.errAt(pp, "%q listed twice", x)
			}
			seen[x] = true
		}
		c.enum(j.NoDualCriminality, p+".no_dual_criminality", "choice", []string{"refuse", "slow"})
		if j.AnswerRate != nil && *j.AnswerRate == 0 {
			c.errAt(p+".answer_rate", "0%% would mean no MLA request is ever answered; give at least 1‰")
		}
		for _, ch := range []struct {
			d *Duration
			n string
		}{{contactPointDelay(j.Channels.ContactPoint), "contact_point"}, {j.Channels.MLA, "mla"}, {j.Channels.Police, "police"}} {
			if ch.d != nil && ch.d.Ticks < 1 {
				c.errAt(p+".channels."+ch.n, "a channel takes at least 1 tick")
			}
		}
	}
	pairs := map[[2]int32]bool{}
	for i, a := range f.Agreements {
		p := fmt.Sprintf("agreements[%d]", i)
		if len(a.Between) != 2 {
			c.errAt(p+".between", "want two jurisdictions, got %d", len(a.Between))
		} else {
			x, y := c.ref(c.jur, a.Between[0], p+".between[0]"), c.ref(c.jur, a.Between[1], p+".between[1]")
			if x != engine.None && x == y {
				c.errAt(p+".between", "an agreement needs two different jurisdictions")
			}
			k := [2]int32{min(x, y), max(x, y)}
			if x != engine.None && y != engine.None && pairs[k] {
				c.errAt(p+".between", "a second agreement between %s and %s", a.Between[0], a.Between[1])
			}
			pairs[k] = true
		}
		if a.Speed != nil && *a.Speed == 0 {
			c.errAt(p+".speed", "0 would make requests instant; give at least 1‰")
		}
	}
	for i, o := range f.Organisations {
		p := fmt.Sprintf("organisations[%d]", i)
		c.enum(o.Kind, p+".kind", "kind", orgKinds())
		c.need(c.jur, o.Jurisdiction, p+".jurisdiction")
		if o.Staff != nil {
			c.rangeInt(int64(*o.Staff), 0, staffMax, p+".staff")
		}
		for k, cl := range o.Clients {
			pp := fmt.Sprintf("%s.clients[%d]", p, k)
			if cl == o.ID {
				c.errAt(pp, "an organisation is not its own client")
				continue
			}
			c.ref(c.org, cl, pp)
		}
		c.enum(o.Policy, p+".policy", "policy", []string{"cooperative", "slow", "refuse"})
		if o.ResponseDelay != nil && o.ResponseDelay.Ticks < 1 {
			c.errAt(p+".response_delay", "at least 1 tick")
		}
	}
	for i, s := range f.Segments {
		p := fmt.Sprintf("segments[%d]", i)
		c.need(c.org, s.Owner, p+".owner")
		c.ref(c.jur, s.Jurisdiction, p+".jurisdiction")
		c.ref(c.org, s.ISP, p+".isp")
		if s.Generate != nil {
			c.hosts(&s.Generate.HostsSpec, p+".generate")
		}
	}
	for gi, g := range f.Generate {
		p := c.genPath(gi)
		c.need(c.org, g.Owner, p+".owner")
		c.ref(c.jur, g.Jurisdiction, p+".jurisdiction")
		c.ref(c.org, g.ISP, p+".isp")
		c.enum(g.Topology, p+".topology", "topology", []string{"chain", "ring", "none"})
		for k, l := range g.LinkTo {
			c.ref(c.seg, l, fmt.Sprintf("%s.link_to[%d]", p, k))
		}
		c.hosts(&g.HostsSpec, p)
	}
	for i, l := range f.Links {
		p := fmt.Sprintf("links[%d]", i)
		if len(l.Between) != 2 {
			c.errAt(p+".between", "want two segments, got %d", len(l.Between))
			continue
		}
		x, y := c.ref(c.seg, l.Between[0], p+".between[0]"), c.ref(c.seg, l.Between[1], p+".between[1]")
		if x != engine.None && x == y {
			c.errAt(p+".between", "a link needs two different segments")
		}
		if l.Firewall != nil {
			c.refList(c.svc, l.Firewall.Forward, p+".firewall.forward")
			c.refList(c.svc, l.Firewall.Back, p+".firewall.back")
		}
	}
	for i, a := range f.Assets {
		p := fmt.Sprintf("assets[%d]", i)
		c.enum(a.Kind, p+".kind", "kind", assetKinds())
		c.need(c.seg, a.Segment, p+".segment")
		c.ref(c.org, a.Owner, p+".owner")
		c.refList(c.vuln, a.Vulns, p+".vulns")
		c.refList(c.svc, a.Services, p+".services")
		if a.Capacity != nil {
			c.rangeInt(int64(*a.Capacity), 0, powerMax, p+".capacity")
		}
		c.ref(c.infra, a.Controls, p+".controls")
		c.ref(c.camp, a.CompromisedBy, p+".compromised_by")
	}
	c.checkInfra(f)
	c.checkCampaigns(f)
	for i, e := range f.Evidence {
		p := fmt.Sprintf("evidence[%d]", i)
		c.need(c.org, e.Holder, p+".holder")
		c.assetRef(e.Asset, p+".asset")
		c.ref(c.camp, e.Campaign, p+".campaign")
		c.offence(f, e.Offence, p+".offence")
		if e.Weight != nil {
			c.rangeInt(int64(*e.Weight), 0, 1_000_000, p+".weight")
		}
		if e.Retention != nil && e.Retention.Ticks < 1 {
			c.errAt(p+".retention", "at least 1 tick")
		}
	}
	for i, x := range f.Content {
		p := fmt.Sprintf("content[%d]", i)
		c.orgOfKind(x.Platform, engine.OrgPlatform, p+".platform")
		c.ref(c.camp, x.Campaign, p+".campaign")
		c.offence(f, x.Offence, p+".offence")
		if x.Reach != nil {
			c.rangeInt(*x.Reach, 0, 1<<50, p+".reach")
		}
	}
	for i, x := range f.Payments {
		p := fmt.Sprintf("payments[%d]", i)
		c.orgOfKind(x.Service, engine.OrgPayment, p+".service")
		c.ref(c.camp, x.Campaign, p+".campaign")
		c.rangeInt(x.Amount, 0, 1<<50, p+".amount")
	}
	for i, x := range f.Injects {
		p := fmt.Sprintf("injects[%d]", i)
		c.atLeastTick(x.At, p+".at")
		c.orgSet(&x.To, p+".to")
		if !x.To.All && len(x.To.Orgs) == 0 {
			c.errAt(p+".to", "name at least one organisation, or all")
		}
		if strings.TrimSpace(x.Subject) == "" {
			c.errAt(p+".subject", "empty subject")
		}
		c.refList(c.obj, x.Objectives, p+".objectives")
	}
	for i, o := range f.Objectives {
		p := fmt.Sprintf("objectives[%d]", i)
		c.enum(o.Mode, p+".mode", "mode", engine.ObjectiveModes)
		c.enum(o.Op, p+".op", "comparison", engine.ObjectiveOps)
		if o.From != nil {
			c.atLeastTick(o.From, p+".from")
			if o.Deadline != nil && o.From.Ticks > o.Deadline.Ticks {
				c.errAt(p+".from", "from (tick %d) is after the deadline (tick %d)", o.From.Ticks, o.Deadline.Ticks)
			}
		}
		if o.Deadline != nil {
			c.atLeastTick(o.Deadline, p+".deadline")
		}
		c.names(o.Capabilities, p+".capabilities", "capability")
		if !o.Script {
			if o.Metric == "" {
				c.errAt(p, "missing \"metric\" (or script: true for an objective judged by Lua)")
			}
			if o.Op == "" {
				c.errAt(p, "missing \"op\" (one of %s)", strings.Join(engine.ObjectiveOps, " "))
			}
		}
	}
}

// names checks a list of free names: none empty, none twice.
func (c *checker) names(list []string, p, what string) {
	seen := map[string]bool{}
	for k, n := range list {
		pp := fmt.Sprintf("%s[%d]", p, k)
		switch {
		case strings.TrimSpace(n) == "":
			c.errAt(pp, "empty %s", what)
		case seen[n]:
			c.errAt(pp, "%q listed twice", n)
		}
		seen[n] = true
	}
}

func (c *checker) refList(t *table, ids []string, p string) {
	seen := map[string]bool{}
	for k, id := range ids {
		pp := fmt.Sprintf("%s[%d]", p, k)
		if seen[id] {
			c.errAt(pp, "%q listed twice", id)
			continue
		}
		seen[id] = true
		if id == "" {
			c.errAt(pp, "empty %s id", t.kind)
			continue
		}
		c.ref(t, id, pp)
	}
}

func (c *checker) orgSet(s *OrgSet, p string) {
	seen := map[string]bool{}
	for k, id := range s.Orgs {
		pp := p
		if k < len(s.paths) {
			pp = s.paths[k]
		}
		if seen[id] {
			c.errAt(pp, "%q listed twice", id)
			continue
		}
		seen[id] = true
		c.ref(c.org, id, pp)
	}
}

func (c *checker) orgOfKind(id string, kind engine.OrgKind, p string) int32 {
	i := c.need(c.org, id, p)
	if i == engine.None {
		return i
	}
	if k := c.f.Organisations[i].Kind; k != kind.String() {
		c.errAt(p, "%s is of kind %s, not %s", id, k, kind)
	}
	return i
}

func (c *checker) hosts(h *HostsSpec, p string) {
	c.enum(h.Kind, p+".kind", "kind", assetKinds())
	for _, v := range sortedKeys(h.Vulns) {
		if _, ok := c.vuln.idx[v]; !ok {
			c.d.errKey(p+".vulns."+v, "no vulnerability %q%s", v, suggest(v, c.vuln.ids))
		}
	}
	c.refList(c.svc, h.Services, p+".services")
	if h.Capacity != nil {
		c.rangeInt(int64(*h.Capacity), 0, powerMax, p+".capacity")
	}
}

func (c *checker) checkInfra(f *File) {
	for i, x := range f.Infrastructure {
		p := fmt.Sprintf("infrastructure[%d]", i)
		c.need(c.org, x.Owner, p+".owner")
		for k, d := range x.DependsOn {
			pp := fmt.Sprintf("%s.depends_on[%d]", p, k)
			switch {
			case d.Infra != "" && d.Asset != "":
				c.errAt(pp, "give infra or asset, not both")
			case d.Infra != "":
				c.ref(c.infra, d.Infra, pp+".infra")
			case d.Asset != "":
				c.assetRef(d.Asset, pp+".asset")
			default:
				c.errAt(pp, "give the infra or the asset it depends on")
			}
		}
		if x.Restore != nil {
			c.rangeInt(int64(x.Restore.Ticks), 0, durationTicksMax, p+".restore")
		}
	}
	// Cycles: a depends on b depends on ... a.
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(f.Infrastructure))
	at := make([]int, len(f.Infrastructure)) // where a grey infra is on the stack
	var stack []int
	reported := map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		color[i] = grey
		at[i] = len(stack)
		stack = append(stack, i)
		for k, d := range f.Infrastructure[i].DependsOn {
			if d.Infra == "" || d.Asset != "" {
				continue
			}
			j32, ok := c.infra.idx[d.Infra]
			if !ok {
				continue
			}
			j := int(j32)
			switch color[j] {
			case grey:
				// The cycle is the stack from j to here. Each cycle is
				// reported once, and only the first few: listing the
				// members of many long ones would cost time for nothing.
				if reported[j] || len(reported) >= cyclesReportedMax {
					continue
				}
				reported[j] = true
				names := make([]string, 0, len(stack)-at[j]+1)
				for _, v := range stack[at[j]:] {
					names = append(names, f.Infrastructure[v].ID)
				}
				names = append(names, d.Infra)
				c.errAt(fmt.Sprintf("infrastructure[%d].depends_on[%d].infra", i, k), "dependency cycle: %s", cycleText(names))
			case white:
				visit(j)
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
	}
	for i := range f.Infrastructure {
		if color[i] == white {
			visit(i)
		}
	}
}

// Actions whose ATT&CK technique may be omitted: campaign management, and
// propaganda and fund-raising, which ATT&CK does not model.
var noTechnique = map[string]bool{"start": true, "stop": true, "set": true, "task": true, "publish": true, "raise": true}

// stepArgs lists the arguments each action takes.
var stepArgs = map[string][]string{
	"set":        {"bot_power", "contacts", "deface_per_tick", "fixed_power"},
	"exfiltrate": {"amount"},
	"publish":    {"growth", "id", "offence", "reach"},
	"raise":      {"amount", "id"},
}

func (c *checker) checkCampaigns(f *File) {
	for i, x := range f.Campaigns {
		p := fmt.Sprintf("campaigns[%d]", i)
		c.enum(x.Kind, p+".kind", "kind", campaignKinds())
		c.ref(c.org, x.Actor, p+".actor")
		c.offence(f, x.Offence, p+".offence")
		c.technique(x.Technique, p+".technique")
		c.assetRef(x.C2, p+".c2")
		for _, v := range sortedKeys(x.Exploits) {
			if _, ok := c.vuln.idx[v]; !ok {
				c.d.errKey(p+".exploits."+v, "no vulnerability %q%s", v, suggest(v, c.vuln.ids))
			}
		}
		c.rangeInt(int64(x.Contacts), 0, 1_000_000, p+".contacts")
		c.refList(c.jur, x.Targets, p+".targets")
		c.enum(x.Task, p+".task", "task", []string{"ddos", "spam", "proxy", "none"})
		c.assetRef(x.TaskTarget, p+".task_target")
		c.rangeInt(int64(x.BotPower), 0, powerMax, p+".bot_power")
		c.rangeInt(int64(x.FixedPower), 0, powerMax, p+".fixed_power")
		c.rangeInt(int64(x.DefacePerTick), 0, engine.DefacePerTickMax, p+".deface_per_tick")
		c.rangeInt(x.InitialBots, 0, generatedLimit, p+".initial_bots")
		if x.EvidenceRetention != nil && x.EvidenceRetention.Ticks < 1 {
			c.errAt(p+".evidence_retention", "at least 1 tick")
		}
		for k, s := range x.Steps {
			c.checkStep(f, &s, fmt.Sprintf("%s.steps[%d]", p, k))
		}
		if x.Agent != nil {
			if x.Kind != "intrusion" {
				c.errAt(p+".agent", "a native adversary plays intrusion campaigns, not %s", x.Kind)
			}
			c.checkAgent(x.Agent, p+".agent")
		}
	}
}

// agentCostMax bounds the cost of one native adversary action, so that
// the summed cost of a long run stays far from overflow.
const agentCostMax = 1_000_000

func (c *checker) checkAgent(a *AgentSpec, p string) {
	c.enum(a.Strategy, p+".strategy", "strategy", engine.AgentStrategyNames())
	if len(a.Entry) == 0 {
		c.errAt(p+".entry", "name at least one segment the adversary reaches from outside")
	}
	for i, e := range a.Entry {
		q := fmt.Sprintf("%s.entry[%d]", p, i)
		c.need(c.seg, e.Segment, q+".segment")
		c.refList(c.svc, e.Services, q+".services")
	}
	if len(a.Exploits) == 0 {
		c.errAt(p+".exploits", "give at least one exploit")
	}
	cost := func(x *ActionCost, q string) {
		if x.Time != nil && x.Time.Ticks < 1 {
			c.errAt(q+".time", "at least 1 tick")
		}
		if x.Cost != nil {
			c.rangeInt(int64(*x.Cost), 0, agentCostMax, q+".cost")
		}
	}
	for i, x := range a.Exploits {
		q := fmt.Sprintf("%s.exploits[%d]", p, i)
		c.need(c.vuln, x.Vuln, q+".vuln")
		c.ref(c.svc, x.Service, q+".service")
		cost(&x.ActionCost, q)
	}
	for i, x := range a.Escalations {
		q := fmt.Sprintf("%s.escalations[%d]", p, i)
		c.need(c.vuln, x.Vuln, q+".vuln")
		cost(&x.ActionCost, q)
	}
	if a.Scans != nil {
		c.rangeInt(int64(*a.Scans), 1, 4, p+".scans")
	}
	if a.Scan != nil {
		cost(a.Scan, p+".scan")
	}
	if a.Exfiltrate != nil {
		c.rangeInt(a.Exfiltrate.Amount, 1, engine.MoneyMax, p+".exfiltrate.amount")
		cost(&a.Exfiltrate.ActionCost, p+".exfiltrate")
	}
	for i, g := range a.Goals {
		c.needAsset(g, fmt.Sprintf("%s.goals[%d]", p, i))
	}
}

func (c *checker) checkStep(f *File, s *StepSpec, p string) {
	c.atLeastTick(s.At, p+".at")
	if s.Action == "" {
		return // reported as missing
	}
	known := false
	for _, a := range attackActions() {
		known = known || a == s.Action
	}
	if !known {
		c.errAt(p+".action", "unknown action %q%s", s.Action, suggest(s.Action, attackActions()))
		return
	}
	if s.Technique == "" && !noTechnique[s.Action] {
		c.errAt(p, "missing \"technique\": give the MITRE ATT&CK technique of this %s step (e.g. T1190, T1491.002)", s.Action)
	}
	c.technique(s.Technique, p+".technique")
	t := p + ".target"
	switch s.Action {
	case "start", "stop", "set":
		if s.Target != "" {
			c.errAt(t, "%s takes no target", s.Action)
		}
	case "task":
		c.enum(s.Target, t, "task", []string{"ddos", "spam", "proxy", "none"})
	case "trip", "physical":
		c.need(c.infra, s.Target, t)
	case "publish", "raise":
		c.need(c.org, s.Target, t)
		kind := map[string]string{"publish": "platform", "raise": "payment"}[s.Action]
		if i, ok := c.org.idx[s.Target]; ok && f.Organisations[i].Kind != kind {
			c.errAt(t, "%s is of kind %s, not %s", s.Target, f.Organisations[i].Kind, kind)
		}
	default:
		c.needAsset(s.Target, t)
	}
	allowed := stepArgs[s.Action]
	for _, k := range sortedKeys(s.Args) {
		pp := p + ".args." + k
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			if len(allowed) == 0 {
				c.d.errKey(pp, "%s takes no arguments", s.Action)
			} else {
				c.d.errKey(pp, "unknown argument %q of %s%s", k, s.Action, suggest(k, allowed))
			}
			continue
		}
		v := s.Args[k]
		switch k {
		case "id":
			if msg := validID(v); msg != "" {
				c.errAt(pp, "%s", msg)
			}
		case "offence":
			c.offence(f, v, pp)
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				c.errAt(pp, "want a whole number ≥ 0, got %q", v)
			} else if n > 1<<30 {
				c.errAt(pp, "%d is too large", n)
			} else if k == "growth" && n > 1000 {
				c.errAt(pp, "growth is permille per tick, at most 1000")
			}
		}
	}
}

// checkScripts resolves the story scripts.
func (c *checker) checkScripts(f *File) {
	c.scripts = nil
	if len(f.Scripts) == 0 {
		if _, ok := c.lua["story.lua"]; ok {
			c.scripts = []string{"story.lua"}
		}
		return
	}
	var names []string
	for n := range c.lua {
		names = append(names, n)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for i, s := range f.Scripts {
		p := fmt.Sprintf("scripts[%d]", i)
		clean := path.Clean(s)
		switch {
		case !fs.ValidPath(clean) || clean == ".":
			c.errAt(p, "%q: want a path inside the scenario folder, such as story.lua or lib/police.lua", s)
			continue
		case !strings.HasSuffix(clean, ".lua"):
			c.errAt(p, "%q: a script is a .lua file", s)
			continue
		case seen[clean]:
			c.errAt(p, "%q listed twice", s)
			continue
		}
		seen[clean] = true
		if _, ok := c.lua[clean]; !ok {
			found := false
			if c.library != nil {
				if st, err := fs.Stat(c.library, clean); err == nil && !st.IsDir() {
					found = true
				}
			}
			if !found {
				where := "in the scenario folder"
				if c.library != nil {
					where += " or the script library"
				}
				c.errAt(p, "no script %q %s%s", s, where, didYouMean(clean, names))
				continue
			}
		}
		c.scripts = append(c.scripts, clean)
	}
}

// knownMetricPatterns are the parametrised metric forms of the engine.
func metricPatterns(kind string) []string {
	var out []string
	for _, n := range engine.MetricNames() {
		if strings.HasPrefix(n, kind+":") {
			out = append(out, n+" — "+engine.MetricDoc(n))
		}
	}
	return out
}

// checkMetric checks a metric name with the engine's rules, in a world
// with one host per generated segment.
func (c *checker) checkMetric(w *engine.World, name, p string) {
	if msg := c.metricProblem(w, name); msg != "" {
		c.errAt(p, "%s", msg)
	}
}

// metricProblem says what is wrong with a metric name, or "".
func (c *checker) metricProblem(w *engine.World, name string) string {
	if strings.TrimSpace(name) == "" {
		return "empty metric name"
	}
	parts := strings.Split(name, ":")
	probe := name
	if len(parts) >= 2 {
		switch parts[0] {
		case "asset":
			if c.generatedID(parts[1]) {
				dash := strings.LastIndexByte(parts[1], '-')
				parts[1] = parts[1][:dash] + "-0"
				probe = strings.Join(parts, ":")
			} else if _, ok := c.asset.idx[parts[1]]; !ok {
				return fmt.Sprintf("metric %q: %s", name, c.noAsset(parts[1]))
			}
		case "infra":
			if _, ok := c.infra.idx[parts[1]]; !ok {
				return fmt.Sprintf("metric %q: no infrastructure %q%s", name, parts[1], suggest(parts[1], c.infra.ids))
			}
		case "campaign":
			if _, ok := c.camp.idx[parts[1]]; !ok {
				return fmt.Sprintf("metric %q: no campaign %q%s", name, parts[1], suggest(parts[1], c.camp.ids))
			}
		case "case":
			if _, ok := c.jur.idx[parts[1]]; !ok {
				return fmt.Sprintf("metric %q: no jurisdiction %q%s", name, parts[1], suggest(parts[1], c.jur.ids))
			}
		case "objective":
			if _, ok := c.obj.idx[parts[1]]; !ok {
				return fmt.Sprintf("metric %q: no objective %q%s", name, parts[1], suggest(parts[1], c.obj.ids))
			}
		}
	}
	if err := w.CheckMetricName(probe); err == nil {
		return ""
	}
	if len(parts) >= 2 {
		if pats := metricPatterns(parts[0]); len(pats) > 0 {
			return fmt.Sprintf("unknown metric %q (the %s metrics: %s)", name, parts[0], strings.Join(pats, "; "))
		}
	}
	var builtins []string
	for _, n := range engine.MetricNames() {
		if !strings.Contains(n, ":") {
			builtins = append(builtins, n)
		}
	}
	msg := fmt.Sprintf("unknown metric %q", name)
	if s := didYouMean(name, builtins); s != "" {
		msg += s
	} else {
		msg += " (see docs/scenario-format.md#objectives; figures set by scripts are named script.NAME)"
	}
	return msg
}
