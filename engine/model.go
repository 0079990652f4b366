package engine

// The world is stored as slices of plain structs addressed by int32 index.
// Indexes (not pointers, not maps) keep the state canonical: it can be
// encoded byte for byte the same way on every machine, hashed, snapshotted
// and restored. Maps from id to index exist only as derived lookup tables
// (see index.go) and never reach the state or its iteration order.

// Permille is a fraction in thousandths. Integer arithmetic keeps the state
// identical on every processor (no fused multiply-add surprises).
type Permille = int32

const (
	PermilleMax Permille = 1000
	None        int32    = -1
)

// Jurisdiction is a country or region with its own laws and channels.
type Jurisdiction struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Crimes lists offences (sorted) that are crimes here; dual criminality
	// is decided against it.
	Crimes []string `json:"crimes"`
	// UTCOffsetMinutes places the jurisdiction's working day on the clock.
	UTCOffsetMinutes int32 `json:"utc_offset_minutes"`
	// Channel delays in ticks for requests received by this jurisdiction.
	ContactPointTicks int32 `json:"contact_point_ticks"` // 24/7 network: fast preservation; None: no contact point
	MLATicks          int32 `json:"mla_ticks"`           // mutual legal assistance: disclosure
	PoliceTicks       int32 `json:"police_ticks"`        // police-to-police cooperation
	// NoDualCriminality says what happens to a request for an act that is
	// not a crime here: "refuse" (default) or "slow" (delay multiplied by 3).
	NoDualCriminality string `json:"no_dual_criminality"`
	// AnswerPermille is the chance a formal request is ever answered at all
	// (one source reports 13 requests with no reply).
	AnswerPermille Permille `json:"answer_permille"`
}

// HasContactPoint says whether the jurisdiction takes part in the 24/7
// network (scenario contact_point: none says it does not).
func (j *Jurisdiction) HasContactPoint() bool { return j.ContactPointTicks != None }

// Agreement is a bilateral treaty that speeds requests between two
// jurisdictions (delay multiplied by SpeedPermille/1000).
type Agreement struct {
	A             int32    `json:"a"`
	B             int32    `json:"b"`
	SpeedPermille Permille `json:"speed_permille"`
}

// OrgKind is what kind of body an organisation is.
type OrgKind uint8

const (
	OrgCSIRT OrgKind = iota
	OrgPolice
	OrgProsecutor
	OrgOperator
	OrgPlatform
	OrgISP
	OrgRegistrar
	OrgMinistry
	OrgHosting
	OrgPayment
	OrgFIU
	OrgAdversary
	OrgOther
	orgKindCount
)

var orgKindNames = [...]string{"csirt", "police", "prosecutor", "operator", "platform", "isp", "registrar", "ministry", "hosting", "payment", "fiu", "adversary", "other"}

func (k OrgKind) String() string {
	if int(k) < len(orgKindNames) {
		return orgKindNames[k]
	}
	return "unknown"
}

// OrgKindNames lists the valid organisation kinds in declaration order.
func OrgKindNames() []string { return append([]string(nil), orgKindNames[:]...) }

// ParseOrgKind maps a scenario word to an OrgKind.
func ParseOrgKind(s string) (OrgKind, bool) {
	for i, n := range orgKindNames {
		if n == s {
			return OrgKind(i), true
		}
	}
	return 0, false
}

// Org is an agency or company. Staff is its capacity: every action holds
// some staff until it completes, and work beyond capacity waits in a queue.
type Org struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Kind         OrgKind `json:"kind"`
	Jurisdiction int32   `json:"jurisdiction"`
	Staff        int32   `json:"staff"`
	StaffBusy    int32   `json:"staff_busy"`
	// SensorPermille is the chance per tick that the org notices a
	// compromise of an asset it watches.
	SensorPermille Permille `json:"sensor_permille"`
	// Clients may receive TLP:AMBER material this org received.
	Clients []int32 `json:"clients,omitempty"`
	// Scripted orgs are played by a policy (Lua or built-in) instead of people.
	Scripted bool `json:"scripted"`
	// Policy names the built-in policy a scripted org follows when no Lua
	// policy answers: "cooperative" (default), "slow" or "refuse".
	Policy string `json:"policy,omitempty"`
	// ResponseDelayTicks is how long the org's built-in policy waits before acting.
	ResponseDelayTicks int32 `json:"response_delay_ticks"`
	// Indicators are the campaigns this org has indicators for; they raise
	// detection of that campaign (sorted by campaign).
	Indicators []int32 `json:"indicators,omitempty"`
	// Facts are what the org learned during the run that the rest of the
	// state does not already record as its own (a C2 address an
	// investigation or an alert showed, an id a report, message or inject
	// named), in the order learned, at most FactsMax.
	Facts []Fact `json:"facts,omitempty"`
}

// FactsMax bounds what one organisation remembers having learned.
const FactsMax = 4096

// Fact kinds.
const (
	FactC2          = "c2"          // Subject is the C2 server of Campaign
	FactCompromised = "compromised" // Subject (an asset) was found compromised by Campaign
	FactNamed       = "named"       // Subject (an asset, evidence, payment) was named to the org
)

// Fact is one thing an organisation learned.
type Fact struct {
	Kind     string `json:"kind"`
	Subject  string `json:"subject"`  // canonical id
	Campaign int32  `json:"campaign"` // or None
	Tick     int32  `json:"tick"`
}

// Message is words one party addressed to others: a message command, a
// public statement, or a news item (a public event). Kept in the state so
// that a view can show what an organisation was told.
type Message struct {
	ID      int32   `json:"id"` // msg-N, N = position + 1
	Kind    string  `json:"kind"`
	From    int32   `json:"from"`         // or None (news)
	To      []int32 `json:"to,omitempty"` // empty: public
	Subject string  `json:"subject,omitempty"`
	Text    string  `json:"text"`
	Tick    int32   `json:"tick"`
	// Event is the kind of the public event a news item reports.
	Event string `json:"event,omitempty"`
	// Names are the ids the text names (assets, evidence, payments).
	Names []string `json:"names,omitempty"`
}

// MessagesMax bounds the messages kept; later ones are not recorded (the
// events still tell those who see them).
const MessagesMax = 100_000

// Message kinds.
const (
	MsgMessage   = "message"
	MsgStatement = "statement"
	MsgNews      = "news"
)

// Segment is a network segment. Generated segments hold many anonymous
// hosts; their ids are Prefix-N.
type Segment struct {
	ID           string `json:"id"`
	Owner        int32  `json:"owner"`
	Jurisdiction int32  `json:"jurisdiction"`
	ISP          int32  `json:"isp"` // org providing upstream, or None
	First        int32  `json:"first"`
	Count        int32  `json:"count"`
	Prefix       string `json:"prefix,omitempty"`
	// Posture scales how easily hosts here are recruited (1000 = neutral).
	PosturePermille Permille `json:"posture_permille"`
}

// Link connects two segments: infection and lateral movement cross it.
type Link struct {
	A              int32    `json:"a"`
	B              int32    `json:"b"`
	WeightPermille Permille `json:"weight_permille"`
	// Filtered links are firewalls: only the services in AllowAB (from A
	// to B) and AllowBA (from B to A) cross them, for exploits and lateral
	// moves that name a service. Botnet pressure is not filtered.
	Filtered bool   `json:"filtered,omitempty"`
	AllowAB  uint32 `json:"allow_ab,omitempty"`
	AllowBA  uint32 `json:"allow_ba,omitempty"`
}

// allows says whether traffic for service svc (None: no particular
// service) crosses the link from segment from to the other side.
func (l *Link) allows(from, svc int32) bool {
	if !l.Filtered {
		return true
	}
	mask := l.AllowAB
	if from == l.B && l.A != l.B {
		mask = l.AllowBA
	}
	if svc == None {
		return mask != 0
	}
	return svc >= 0 && svc < 32 && mask&(1<<uint(svc)) != 0
}

// AssetKind is what an asset is.
type AssetKind uint8

const (
	AssetHost AssetKind = iota
	AssetServer
	AssetWebsite
	AssetDNS
	AssetRouter
	AssetSCADA
	AssetPLC
	AssetSubstation
	AssetPipeline
	AssetDatabase
	AssetC2
	assetKindCount
)

var assetKindNames = [...]string{"host", "server", "website", "dns", "router", "scada", "plc", "substation", "pipeline", "database", "c2"}

func (k AssetKind) String() string {
	if int(k) < len(assetKindNames) {
		return assetKindNames[k]
	}
	return "unknown"
}

// AssetKindNames lists the valid asset kinds.
func AssetKindNames() []string { return append([]string(nil), assetKindNames[:]...) }

// ParseAssetKind maps a scenario word to an AssetKind.
func ParseAssetKind(s string) (AssetKind, bool) {
	for i, n := range assetKindNames {
		if n == s {
			return AssetKind(i), true
		}
	}
	return 0, false
}

// Asset flags.
const (
	FlagIsolated  uint16 = 1 << iota // cut off: no spread, no service
	FlagBackup                       // a clean backup exists
	FlagDefaced                      // website shows the attacker's page
	FlagDestroyed                    // wiped or physically broken
	FlagSinkholed                    // C2 traffic goes to a sinkhole
	FlagTakenDown                    // server removed by its host
	FlagBlocked                      // upstream blocks traffic to it
	FlagDetected                     // the owner knows it is compromised
	FlagManual                       // process run by hand, not by SCADA
	FlagHardened                     // harder to compromise again
	FlagPhysical                     // physically attacked
	FlagAdmin                        // the controller holds administrative privilege
)

// Asset is one host, server, website, PLC... It is the hot structure:
// kept small (one million of them must fit in 256 MB) and free of
// pointers so the garbage collector never scans the slice.
type Asset struct {
	Kind         AssetKind
	Criticality  uint8
	Flags        uint16
	Segment      int32
	Owner        int32
	Vulns        uint64 // bit i = world.Vulns[i] present and unpatched
	Services     uint32 // bit i = world.Services[i] offered
	Integrity    int16  // permille
	Availability int16  // permille
	Controller   int32  // campaign in control, or None
	Since        int32  // tick the controller took it, or None
	Capacity     int32  // service capacity units (for DDoS)
	Infra        int32  // infrastructure this asset controls/serves, or None
}

// Vuln is a vulnerability class; assets carry them as bits.
type Vuln struct {
	ID string `json:"id"`
	// PatchTicks is how long patching one asset takes.
	PatchTicks int32 `json:"patch_ticks"`
}

// Dependency: an infrastructure needs an asset or another infrastructure;
// its failure reaches the dependant after DelayTicks.
type Dependency struct {
	Infra      int32 `json:"infra"` // or None
	Asset      int32 `json:"asset"` // or None
	DelayTicks int32 `json:"delay_ticks"`
}

// Infra is a piece of critical infrastructure (a substation, a hospital,
// a water plant, a grid region, an energy facility's output).
type Infra struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Owner     int32        `json:"owner"`
	Priority  bool         `json:"priority"`
	DependsOn []Dependency `json:"depends_on"`
	// Level is the share of service delivered now, in permille.
	Level Permille `json:"level"`
	// BackupPermille is what redundancy (generators, a second feed) keeps
	// up while dependencies fall short; BackupTicks how long it lasts.
	BackupPermille Permille `json:"backup_permille"`
	BackupTicks    int32    `json:"backup_ticks"`
	// ManualPermille is the output when run by hand after SCADA is lost.
	ManualPermille Permille `json:"manual_permille"`
	RestoreTicks   int32    `json:"restore_ticks"`
	// IslandPermille is the output when islanded on local generation; 0
	// means the site cannot run islanded.
	IslandPermille Permille `json:"island_permille"`
	// Dynamic state.
	DownSince   int32 `json:"down_since"`   // tick a dependency first fell short, or None
	Manual      bool  `json:"manual"`       // operating by hand
	Islanded    bool  `json:"islanded"`     // cut from the wider grid to protect it
	Damaged     bool  `json:"damaged"`      // physical damage: needs RestoreTicks of repair
	RepairUntil int32 `json:"repair_until"` // tick repairs finish, or None
	Tripped     bool  `json:"tripped"`      // process stopped by a cyber action
}

// Custody is how a piece of evidence was obtained.
type Custody uint8

const (
	CustodyNone     Custody = iota // not obtained
	CustodyInformal                // shared informally: intelligence, not admissible
	CustodyLawful                  // obtained through a lawful channel: counts in court
)

// Evidence is a trace an attack leaves: it sits with a holder and is lost
// after its volatility period unless preserved.
type Evidence struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Holder      int32  `json:"holder"`
	Asset       int32  `json:"asset"`
	Campaign    int32  `json:"campaign"`
	Offence     string `json:"offence"`
	Weight      int32  `json:"weight"`
	Created     int32  `json:"created"`
	RetainTicks int32  `json:"retain_ticks"`
	Preserved   bool   `json:"preserved"`
	Lost        bool   `json:"lost"`
	LostTick    int32  `json:"lost_tick"`
	// Obtained lists who holds a copy and how (parallel slices, by org).
	ObtainedBy      []int32   `json:"obtained_by,omitempty"`
	ObtainedCustody []Custody `json:"obtained_custody,omitempty"`
	ObtainedTick    []int32   `json:"obtained_tick,omitempty"`
}

// RequestKind is what one organisation asks another to do.
type RequestKind uint8

const (
	ReqPreserve RequestKind = iota
	ReqDisclose
	ReqTakedown
	ReqSinkhole
	ReqBlock
	ReqAssist
	requestKindCount
)

var requestKindNames = [...]string{"preserve", "disclose", "takedown", "sinkhole", "block", "assist"}

func (k RequestKind) String() string {
	if int(k) < len(requestKindNames) {
		return requestKindNames[k]
	}
	return "unknown"
}

// ParseRequestKind maps a word to a RequestKind.
func ParseRequestKind(s string) (RequestKind, bool) {
	for i, n := range requestKindNames {
		if n == s {
			return RequestKind(i), true
		}
	}
	return 0, false
}

// Channel is the route a request takes.
type Channel uint8

const (
	ChanDirect       Channel = iota // same jurisdiction or a company's own process
	ChanContactPoint                // 24/7 contact point network
	ChanMLA                         // mutual legal assistance
	ChanPolice                      // police-to-police cooperation
	ChanCSIRT                       // CSIRT network
	channelCount
)

var channelNames = [...]string{"direct", "24/7", "mla", "police", "csirt"}

func (c Channel) String() string {
	if int(c) < len(channelNames) {
		return channelNames[c]
	}
	return "unknown"
}

// ParseChannel maps a word to a Channel.
func ParseChannel(s string) (Channel, bool) {
	for i, n := range channelNames {
		if n == s {
			return Channel(i), true
		}
	}
	if s == "contact-point" || s == "24x7" {
		return ChanContactPoint, true
	}
	return 0, false
}

// RequestStatus is where a request stands.
type RequestStatus uint8

const (
	ReqPending RequestStatus = iota
	ReqAccepted
	ReqRefused
	ReqDone
	ReqUnanswered
)

var requestStatusNames = [...]string{"pending", "accepted", "refused", "done", "unanswered"}

func (s RequestStatus) String() string {
	if int(s) < len(requestStatusNames) {
		return requestStatusNames[s]
	}
	return "unknown"
}

// Request is one organisation asking another to act.
type Request struct {
	ID      int32         `json:"id"`
	From    int32         `json:"from"`
	To      int32         `json:"to"`
	Kind    RequestKind   `json:"kind"`
	Channel Channel       `json:"channel"`
	Target  string        `json:"target"`
	Offence string        `json:"offence"`
	Sent    int32         `json:"sent"`
	Due     int32         `json:"due"` // tick the receiver's process completes
	Status  RequestStatus `json:"status"`
	Answer  int32         `json:"answer"` // tick answered, or None
	Reason  string        `json:"reason,omitempty"`
	Command int64         `json:"command"` // command id that created it
	// Held: a scripted receiver's Lua policy will answer it (HoldRequest);
	// its built-in policy does not decide it at the due tick.
	Held bool `json:"held,omitempty"`
}

// TLP is a Traffic Light Protocol 2.0 label.
type TLP uint8

const (
	TLPClear TLP = iota
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

var tlpNames = [...]string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

func (t TLP) String() string {
	if int(t) < len(tlpNames) {
		return tlpNames[t]
	}
	return "unknown"
}

// ParseTLP accepts "TLP:AMBER", "amber", "AMBER+STRICT"...
func ParseTLP(s string) (TLP, bool) {
	u := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		u = append(u, c)
	}
	v := string(u)
	if len(v) > 4 && v[:4] == "TLP:" {
		v = v[4:]
	}
	if v == "WHITE" { // TLP 1.0 name, still common in the field
		return TLPClear, true
	}
	for i, n := range tlpNames {
		if n == v {
			return TLP(i), true
		}
	}
	return 0, false
}

// Report is information shared between organisations.
type Report struct {
	ID       int32   `json:"id"`
	Author   int32   `json:"author"`
	From     int32   `json:"from"` // who sent this copy
	TLP      TLP     `json:"tlp"`
	Campaign int32   `json:"campaign"` // indicators for this campaign, or None
	Origin   int32   `json:"origin"`   // the report this re-shares, or None
	Title    string  `json:"title"`
	To       []int32 `json:"to"`
	Tick     int32   `json:"tick"`
}

// Content is material published online (propaganda, fund-raising calls).
type Content struct {
	ID       string `json:"id"`
	Platform int32  `json:"platform"`
	Campaign int32  `json:"campaign"`
	Offence  string `json:"offence"`
	// Reach is the audience reached so far; GrowthPermille its growth per tick.
	Reach          int64    `json:"reach"`
	GrowthPermille Permille `json:"growth_permille"`
	Published      int32    `json:"published"`
	Removed        int32    `json:"removed"` // tick taken down, or None
}

// Payment is money raised for a campaign through a payment service.
type Payment struct {
	ID       string `json:"id"`
	Service  int32  `json:"service"`
	Campaign int32  `json:"campaign"`
	Amount   int64  `json:"amount"`
	Tick     int32  `json:"tick"`
	Traced   bool   `json:"traced"`
	Frozen   bool   `json:"frozen"`
}

// CampaignKind is the kind of attack.
type CampaignKind uint8

const (
	CampBotnet CampaignKind = iota
	CampIntrusion
	CampDefacement
	CampDDoS
	CampPropaganda
	CampPhysical
	campaignKindCount
)

var campaignKindNames = [...]string{"botnet", "intrusion", "defacement", "ddos", "propaganda", "physical"}

func (k CampaignKind) String() string {
	if int(k) < len(campaignKindNames) {
		return campaignKindNames[k]
	}
	return "unknown"
}

// CampaignKindNames lists valid campaign kinds.
func CampaignKindNames() []string { return append([]string(nil), campaignKindNames[:]...) }

// ParseCampaignKind maps a word to a CampaignKind.
func ParseCampaignKind(s string) (CampaignKind, bool) {
	for i, n := range campaignKindNames {
		if n == s {
			return CampaignKind(i), true
		}
	}
	return 0, false
}

// Exploit is a vulnerability a campaign uses and how well.
type Exploit struct {
	Vuln         int32    `json:"vuln"`
	RatePermille Permille `json:"rate_permille"`
}

// Campaign is an attack in progress. The spreading and DDoS parts are
// simulated in Go every tick; the story around it (when to start, what to
// do next) comes from the scenario's steps and Lua.
type Campaign struct {
	ID        string       `json:"id"`
	Kind      CampaignKind `json:"kind"`
	Actor     int32        `json:"actor"`
	Offence   string       `json:"offence"`
	Technique string       `json:"technique"`
	Active    bool         `json:"active"`
	Start     int32        `json:"start"`
	// C2 is the command-and-control asset, or None. Bots obey only while it
	// is reachable (not taken down, sinkholed or blocked upstream).
	C2 int32 `json:"c2"`
	// Spread: exploits, contacts per bot per tick, and targets.
	Exploits        []Exploit `json:"exploits,omitempty"`
	ContactsPerTick int32     `json:"contacts_per_tick"`
	// Targets restricts spreading/defacing to these jurisdictions (empty = all).
	Targets []int32 `json:"targets,omitempty"`
	// Task is what the bots do: "ddos", "spam", "proxy" or "".
	Task       string `json:"task,omitempty"`
	TaskTarget int32  `json:"task_target"` // asset
	// BotPower is the DDoS traffic each bot sends, in capacity units.
	BotPower int32 `json:"bot_power"`
	// FixedPower is traffic from rented infrastructure, independent of bots.
	FixedPower int32 `json:"fixed_power"`
	// DefacePerTick is how many websites a defacement wave tries per tick.
	DefacePerTick int32 `json:"deface_per_tick"`
	// Evidence: where traces are left and for how long.
	EvidenceRetainTicks int32 `json:"evidence_retain_ticks"`
	// Counters.
	Bots        int64 `json:"bots"`
	BotsEver    int64 `json:"bots_ever"`
	Spam        int64 `json:"spam"`
	Exfiltrated int64 `json:"exfiltrated"`
	Defaced     int64 `json:"defaced"`
	Stopped     int32 `json:"stopped"` // tick the campaign was disrupted, or None
	// BlockedBy lists ISPs that block the C2 for their customers (sorted).
	BlockedBy []int32 `json:"blocked_by,omitempty"`
	// Alerted lists segments whose owner has been alerted (sorted).
	Alerted []int32 `json:"alerted,omitempty"`
	// EvidenceSeq numbers the evidence this campaign leaves.
	EvidenceSeq int32 `json:"evidence_seq"`
	// Agent, when set, is a native adversary the engine runs every tick
	// (agent.go): scanning, exploiting, escalating, exfiltrating.
	Agent *Agent `json:"agent,omitempty"`
}

// Inject is a message delivered to teams, with what evaluators expect.
type Inject struct {
	ID        string  `json:"id"`
	Tick      int32   `json:"tick"` // scheduled tick, or None when triggered
	To        []int32 `json:"to"`
	From      string  `json:"from"`
	Subject   string  `json:"subject"`
	Body      string  `json:"body"`
	Expect    string  `json:"expect,omitempty"`
	Delivered int32   `json:"delivered"` // tick delivered, or None
}

// ObjectiveStatus is pending, met or failed.
type ObjectiveStatus uint8

const (
	ObjPending ObjectiveStatus = iota
	ObjMet
	ObjFailed
)

var objectiveStatusNames = [...]string{"pending", "met", "failed"}

func (s ObjectiveStatus) String() string {
	if int(s) < len(objectiveStatusNames) {
		return objectiveStatusNames[s]
	}
	return "unknown"
}

// Objective is a measurable goal, evaluated every tick by the engine.
//
// Mode "by": met as soon as Metric Op Value holds; failed if not met by Deadline.
// Mode "always": failed as soon as it stops holding; met at Deadline (or the end).
// Mode "end": judged once at Deadline (or the end of the run).
// Mode "never": failed as soon as it holds; met at Deadline (or the end).
// A scripted objective (Script true) is judged by the scenario's Lua.
type Objective struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	Metric      string `json:"metric"`
	Op          string `json:"op"`
	Value       int64  `json:"value"`
	Mode        string `json:"mode"`
	Deadline    int32  `json:"deadline"` // or None: the end of the run
	// From is the first tick the objective is judged (0: from the start), so
	// "restored by tick N" is not met by the state before the attack.
	From   int32           `json:"from,omitempty"`
	Script bool            `json:"script"`
	Status ObjectiveStatus `json:"status"`
	Tick   int32           `json:"tick"` // tick the status was decided, or None
}
