package scenario

// The decoded form of scenario.yaml. Field tags:
//
//	yaml:"name"        the key in the file (the decoder is strict: any other key is an error)
//	required:"true"    the key must be present
//	enum:"NAME"        the value is one of a fixed list (see enums in schema.go)
//	doc:"..."          one line for editors (the JSON Schema) and the docs
//
// Durations (type Duration) accept a whole number of ticks or a length of
// time ("90m", "6h", "180d") converted with settings.tick; after Load every
// Duration has its Ticks filled in. Shares (type Fraction) accept "30%",
// 0.3 or a whole number of permille (300).

// File is scenario.yaml.
type File struct {
	Name            string             `yaml:"name" required:"true" doc:"short name of the scenario"`
	Description     string             `yaml:"description" doc:"what the exercise is about, for the planner and the white cell"`
	Settings        SettingsSpec       `yaml:"settings" doc:"clock, length and engine knobs"`
	Vars            map[string]any     `yaml:"vars" doc:"default values scripts read with var(name); tests may override them"`
	Jurisdictions   []JurisdictionSpec `yaml:"jurisdictions" doc:"countries or regions with their laws and channels"`
	Agreements      []AgreementSpec    `yaml:"agreements" doc:"bilateral treaties that speed requests between two jurisdictions"`
	Organisations   []OrgSpec          `yaml:"organisations" doc:"agencies and companies (teams, scripted parties and adversaries)"`
	Vulnerabilities []VulnSpec         `yaml:"vulnerabilities" doc:"vulnerability classes assets may carry (at most 64)"`
	Services        []string           `yaml:"services" doc:"service names assets may offer (at most 32)"`
	Segments        []SegmentSpec      `yaml:"segments" doc:"network segments; each may generate many anonymous hosts"`
	Generate        Generates          `yaml:"generate" doc:"shortcut: many generated segments of hosts (a mapping, or a list of them)"`
	Links           []LinkSpec         `yaml:"links" doc:"connections between segments that spreading crosses"`
	Assets          []AssetSpec        `yaml:"assets" doc:"named assets: servers, websites, SCADA, PLCs..."`
	Infrastructure  []InfraSpec        `yaml:"infrastructure" doc:"critical infrastructure and its dependencies"`
	Campaigns       []CampaignSpec     `yaml:"campaigns" doc:"attacks: botnets, intrusions, defacements, DDoS, propaganda, physical"`
	Evidence        []EvidenceSpec     `yaml:"evidence" doc:"traces that exist at the start (attacks leave more as they run)"`
	Content         []ContentSpec      `yaml:"content" doc:"material online at the start (propaganda, fund-raising calls)"`
	Payments        []PaymentSpec      `yaml:"payments" doc:"money raised before the start"`
	Injects         []InjectSpec       `yaml:"injects" doc:"the MSEL: messages delivered to teams at a time, or triggered by scripts"`
	Objectives      []ObjectiveSpec    `yaml:"objectives" doc:"measurable goals judged by the engine (or by scripts)"`
	Scripts         []string           `yaml:"scripts" doc:"Lua files that tell the story, run in order (default: story.lua when present)"`
	Tests           []TestSpec         `yaml:"tests" doc:"regression tests run by cyberex test"`
}

// SettingsSpec is the settings section.
type SettingsSpec struct {
	Tick           *TickLength         `yaml:"tick" doc:"exercise time one tick stands for (default 1m)"`
	Duration       *Duration           `yaml:"duration" doc:"length of a run (default 1440 ticks)"`
	Start          *Time               `yaml:"start" doc:"exercise clock at tick 0, RFC 3339 (default 2025-01-06T08:00:00Z)"`
	EndWhenDecided bool                `yaml:"end_when_decided" doc:"end the run once every objective is met or failed"`
	GenerationSeed *uint64             `yaml:"generation_seed" doc:"seed of the generated hosts (not the run seed; default 1)"`
	Verbs          map[string]VerbSpec `yaml:"verbs" doc:"override the time and staff of command verbs"`
	ScriptLimits   ScriptLimits        `yaml:"script_limits" doc:"limits for the Lua host (0 or absent: the host's default)"`
	ReachCap       *int64              `yaml:"reach_cap" doc:"largest audience one content item can reach (default 1000000000)"`
}

// VerbSpec overrides the cost of a command verb.
type VerbSpec struct {
	Ticks *Duration `yaml:"ticks" doc:"how long the verb takes (ticks or a duration; default: the engine's)"`
	Staff *int32    `yaml:"staff" doc:"staff it holds while running (default: the engine's)"`
}

// ScriptLimits is passed to the Lua host (engine/script Limits, whose
// names end in Max); absent values mean the host's defaults.
type ScriptLimits struct {
	InstructionsPerTick *int64 `yaml:"instructions_per_tick" doc:"Lua work all scripts may do in one tick (instructions)"`
	InstructionsPerRun  *int64 `yaml:"instructions_per_run" doc:"Lua work all scripts may do in the whole run (instructions)"`
	CallDepth           *int64 `yaml:"call_depth" doc:"deepest Lua call stack per coroutine"`
	CoroutinesPerTick   *int64 `yaml:"coroutines_per_tick" doc:"coroutines created in one tick"`
	Tasks               *int64 `yaml:"tasks" doc:"live tasks (spawned playbooks)"`
	StringBytes         *int64 `yaml:"string_bytes" doc:"longest string a script may build, bytes"`
	LogLinesPerTick     *int64 `yaml:"log_lines_per_tick" doc:"log lines scripts may print in one tick"`
	LiveTableEntries    *int64 `yaml:"live_table_entries" doc:"table entries a script may hold"`
	LiveStringBytes     *int64 `yaml:"live_string_bytes" doc:"string bytes a script may hold"`
}

// JurisdictionSpec is a country or region.
type JurisdictionSpec struct {
	ID                string       `yaml:"id" required:"true" doc:"id used by references (A, country-b, ...)"`
	Name              string       `yaml:"name" doc:"display name"`
	Crimes            []string     `yaml:"crimes" doc:"offences that are crimes here (dual criminality is decided against this list)"`
	UTCOffset         UTCOffset    `yaml:"utc_offset" doc:"time zone: +02:00, -05:30 or whole hours (default 0)"`
	Channels          ChannelsSpec `yaml:"channels" doc:"how long requests received here take, by channel"`
	NoDualCriminality string       `yaml:"no_dual_criminality" enum:"dualcrim" doc:"requests for acts that are no crime here: refuse (default) or slow (3x the delay)"`
	AnswerRate        *Fraction    `yaml:"answer_rate" doc:"share of MLA requests ever answered (default 100%)"`
}

// ChannelsSpec gives the delay of each channel of a jurisdiction.
type ChannelsSpec struct {
	ContactPoint *ContactPoint `yaml:"contact_point" doc:"24/7 contact point (fast preservation; default 2h), or none: a country without one, where preservation goes by MLA"`
	MLA          *Duration     `yaml:"mla" doc:"mutual legal assistance (disclosure; default 60d)"`
	Police       *Duration     `yaml:"police" doc:"police-to-police cooperation (default 2d)"`
}

// AgreementSpec is a bilateral treaty.
type AgreementSpec struct {
	Between []string `yaml:"between" required:"true" doc:"the two jurisdictions"`
	Speed   *Factor  `yaml:"speed" required:"true" doc:"delay multiplier: 0.5 or 50% halves the delay"`
}

// OrgSpec is an organisation.
type OrgSpec struct {
	ID            string    `yaml:"id" required:"true" doc:"id used by references and commands"`
	Name          string    `yaml:"name" doc:"display name"`
	Kind          string    `yaml:"kind" required:"true" enum:"orgkind" doc:"what kind of body it is"`
	Jurisdiction  string    `yaml:"jurisdiction" required:"true" doc:"jurisdiction id"`
	Staff         *int32    `yaml:"staff" doc:"people available: every action holds some until it ends (default 1)"`
	Sensor        *Fraction `yaml:"sensor" doc:"chance per tick to notice a compromise of what it watches (default 0)"`
	Clients       []string  `yaml:"clients" doc:"organisations that may receive TLP:AMBER material it received"`
	Scripted      bool      `yaml:"scripted" doc:"played by a policy instead of people"`
	Policy        string    `yaml:"policy" enum:"policy" doc:"built-in policy when scripted: cooperative (default), slow or refuse"`
	ResponseDelay *Duration `yaml:"response_delay" doc:"how long its own process takes to act on a request (default 1h)"`
}

// VulnSpec is a vulnerability class.
type VulnSpec struct {
	ID          string    `yaml:"id" required:"true" doc:"id used by assets, generation and exploits"`
	Description string    `yaml:"description" doc:"what it is"`
	PatchTime   *Duration `yaml:"patch_time" doc:"how long patching one asset takes (default 0)"`
}

// HostsSpec describes generated hosts; shared by segments and the
// top-level generate shortcut.
type HostsSpec struct {
	Kind        string              `yaml:"kind" enum:"assetkind" doc:"asset kind of the hosts (default host)"`
	Vulns       map[string]Fraction `yaml:"vulns" doc:"share of hosts carrying each vulnerability, e.g. {smb: 30%}"`
	Services    []string            `yaml:"services" doc:"services every host offers"`
	Backup      *Fraction           `yaml:"backup" doc:"share of hosts with a clean backup (default 0)"`
	Capacity    *int32              `yaml:"capacity" doc:"service capacity units of each host, against DDoS (default 1000)"`
	Criticality *Criticality        `yaml:"criticality" doc:"0-255 or none, low, medium, high, critical, vital (default 0)"`
}

// SegmentGenerate is the generate block of one segment.
type SegmentGenerate struct {
	Count     int64  `yaml:"count" required:"true" doc:"number of hosts"`
	Prefix    string `yaml:"prefix" doc:"hosts are named PREFIX-0, PREFIX-1, ... (default: the segment id)"`
	HostsSpec `yaml:",inline"`
}

// SegmentSpec is a network segment.
type SegmentSpec struct {
	ID           string           `yaml:"id" required:"true" doc:"id used by references and commands"`
	Owner        string           `yaml:"owner" required:"true" doc:"organisation that runs it"`
	Jurisdiction string           `yaml:"jurisdiction" doc:"where it is (default: the owner's)"`
	ISP          string           `yaml:"isp" doc:"organisation providing upstream (it may block and scrub)"`
	Posture      *Factor          `yaml:"posture" doc:"how easily hosts here are recruited: 100% neutral, 50% twice as hard (default 100%)"`
	Generate     *SegmentGenerate `yaml:"generate" doc:"anonymous hosts generated in this segment"`
}

// GenerateSpec is the top-level shortcut: Segments segments named
// PREFIX-1..PREFIX-N of HostsPerSegment hosts each (PREFIX-1-0, ...).
type GenerateSpec struct {
	Prefix          string   `yaml:"prefix" required:"true" doc:"segments are PREFIX-1..PREFIX-N, their hosts PREFIX-1-0, ..."`
	Segments        int32    `yaml:"segments" required:"true" doc:"number of segments"`
	HostsPerSegment int64    `yaml:"hosts_per_segment" required:"true" doc:"hosts in each segment"`
	Owner           string   `yaml:"owner" required:"true" doc:"organisation that owns the segments"`
	Jurisdiction    string   `yaml:"jurisdiction" doc:"where they are (default: the owner's)"`
	ISP             string   `yaml:"isp" doc:"upstream provider of every segment"`
	Posture         *Factor  `yaml:"posture" doc:"recruitment posture (default 100%)"`
	LinkWeight      Fraction `yaml:"link_weight" doc:"weight of the links between the generated segments (0: none)"`
	Topology        string   `yaml:"topology" enum:"topology" doc:"how the segments are linked: chain (default), ring or none"`
	LinkTo          []string `yaml:"link_to" doc:"segments the first generated segment is linked to (with link_weight)"`
	HostsSpec       `yaml:",inline"`
}

// Generates is one GenerateSpec or a list of them.
type Generates []GenerateSpec

// LinkSpec connects two segments.
type LinkSpec struct {
	Between  []string      `yaml:"between" required:"true" doc:"the two segments"`
	Weight   *Fraction     `yaml:"weight" doc:"how much of the other side's bots count here (default 10%)"`
	Firewall *FirewallSpec `yaml:"firewall" doc:"make the link a firewall: only these services cross it (exploits and lateral moves; botnet pressure is not filtered)"`
}

// FirewallSpec lists the services a filtered link lets through, each way.
type FirewallSpec struct {
	Forward []string `yaml:"forward" doc:"services allowed from the first segment of between to the second"`
	Back    []string `yaml:"back" doc:"services allowed from the second segment to the first"`
}

// AssetSpec is a named asset.
type AssetSpec struct {
	ID            string       `yaml:"id" required:"true" doc:"id used by references and commands"`
	Kind          string       `yaml:"kind" enum:"assetkind" doc:"what it is (default host)"`
	Segment       string       `yaml:"segment" required:"true" doc:"segment it sits in"`
	Owner         string       `yaml:"owner" doc:"organisation that owns it (default: the segment's owner)"`
	Vulns         []string     `yaml:"vulns" doc:"vulnerabilities it carries"`
	Services      []string     `yaml:"services" doc:"services it offers"`
	Criticality   *Criticality `yaml:"criticality" doc:"0-255 or none, low, medium, high, critical, vital (default 0)"`
	Backup        bool         `yaml:"backup" doc:"a clean backup exists (restore is 4x faster)"`
	Capacity      *int32       `yaml:"capacity" doc:"service capacity units, against DDoS (default 1000)"`
	Controls      string       `yaml:"controls" doc:"infrastructure this SCADA/PLC (or server) runs"`
	CompromisedBy string       `yaml:"compromised_by" doc:"campaign that controls it at the start"`
}

// DependencySpec is what an infrastructure needs.
type DependencySpec struct {
	Infra string    `yaml:"infra" doc:"an infrastructure id (give infra or asset)"`
	Asset string    `yaml:"asset" doc:"an asset id (give infra or asset)"`
	Delay *Duration `yaml:"delay" doc:"how long after the failure it is felt (default 0)"`
}

// BackupSpec is the redundancy of an infrastructure.
type BackupSpec struct {
	Level    Fraction  `yaml:"level" required:"true" doc:"share of service kept up by backup power or a second feed"`
	Duration *Duration `yaml:"duration" required:"true" doc:"how long the backup lasts"`
}

// InfraSpec is a piece of critical infrastructure.
type InfraSpec struct {
	ID        string           `yaml:"id" required:"true" doc:"id used by references, commands and metrics (infra:ID)"`
	Name      string           `yaml:"name" doc:"display name"`
	Kind      string           `yaml:"kind" doc:"free text: substation, hospital, water-plant..."`
	Owner     string           `yaml:"owner" required:"true" doc:"organisation that runs it"`
	Priority  bool             `yaml:"priority" doc:"a priority site (hospital...): counted by priority_min and priority_down_ticks"`
	DependsOn []DependencySpec `yaml:"depends_on" doc:"assets and infrastructure it needs"`
	Backup    *BackupSpec      `yaml:"backup" doc:"redundancy while dependencies fall short (counted from the first shortfall)"`
	Manual    *Fraction        `yaml:"manual" doc:"output when run by hand: after its SCADA is tripped, or while a dependency falls short (default 0)"`
	Restore   *Duration        `yaml:"restore" doc:"repair time after physical damage (default 2h)"`
	Island    *Fraction        `yaml:"island" doc:"output when islanded on local generation (default 80%; 0% = cannot run islanded)"`
}

// StepSpec is one scheduled adversary action.
type StepSpec struct {
	At        *Duration         `yaml:"at" required:"true" doc:"when: tick (from 1) or time since the start"`
	Action    string            `yaml:"action" required:"true" enum:"attackaction" doc:"what the adversary does"`
	Target    string            `yaml:"target" doc:"asset, infrastructure, organisation or task, depending on the action"`
	Technique string            `yaml:"technique" doc:"MITRE ATT&CK technique ID (required except for start, stop, set, task, publish, raise)"`
	Args      map[string]string `yaml:"args" doc:"action arguments (amount, id, reach, growth, contacts...)"`
}

// CampaignSpec is an attack.
type CampaignSpec struct {
	ID                string              `yaml:"id" required:"true" doc:"id used by references and metrics (campaign:ID)"`
	Kind              string              `yaml:"kind" required:"true" enum:"campaignkind" doc:"kind of attack"`
	Actor             string              `yaml:"actor" doc:"adversary organisation behind it"`
	Offence           string              `yaml:"offence" doc:"the offence it is (must be a crime in some jurisdiction)"`
	Technique         string              `yaml:"technique" doc:"main MITRE ATT&CK technique ID"`
	Active            bool                `yaml:"active" doc:"already running at tick 0 (else a start step starts it)"`
	C2                string              `yaml:"c2" doc:"command-and-control asset: bots obey only while it is reachable"`
	Exploits          map[string]Fraction `yaml:"exploits" doc:"vulnerabilities it uses and success rate, e.g. {smb: 60%}"`
	Contacts          int32               `yaml:"contacts" doc:"hosts each bot tries per tick (botnets)"`
	Targets           []string            `yaml:"targets" doc:"jurisdictions it attacks (default: all)"`
	Task              string              `yaml:"task" enum:"task" doc:"what the bots do: ddos, spam, proxy or none"`
	TaskTarget        string              `yaml:"task_target" doc:"asset the task (DDoS) aims at"`
	BotPower          int32               `yaml:"bot_power" doc:"DDoS capacity units each bot sends"`
	FixedPower        int32               `yaml:"fixed_power" doc:"DDoS units from rented infrastructure"`
	DefacePerTick     int32               `yaml:"deface_per_tick" doc:"websites a defacement wave tries per tick"`
	EvidenceRetention *Duration           `yaml:"evidence_retention" doc:"how long the traces it leaves are kept (default 7d)"`
	InitialBots       int64               `yaml:"initial_bots" doc:"generated hosts already infected at the start (botnets)"`
	Steps             []StepSpec          `yaml:"steps" doc:"scheduled actions"`
	Agent             *AgentSpec          `yaml:"agent" doc:"a native adversary the engine plays every tick (intrusion campaigns): scan, exploit, escalate, exfiltrate, without Lua"`
}

// AgentSpec configures a native adversary (docs/scenario-format.md#native-adversaries).
type AgentSpec struct {
	Strategy    string             `yaml:"strategy" enum:"agentstrategy" doc:"greedy (default: goes for the goals), random or bruteforce (NASim's baseline agents)"`
	Entry       []EntrySpec        `yaml:"entry" required:"true" doc:"segments it reaches from outside"`
	Exploits    []AgentExploitSpec `yaml:"exploits" required:"true" doc:"exploits it can throw at an asset"`
	Escalations []EscalationSpec   `yaml:"escalations" doc:"ways to gain administrative privilege on a held asset"`
	Scans       *int32             `yaml:"scans" doc:"kinds of scan in its action space: 1 (the subnet scan, default) to 4 (adds NASim's service, OS and process scans)"`
	Scan        *ActionCost        `yaml:"scan" doc:"time and cost of a scan"`
	Exfiltrate  *ExfilSpec         `yaml:"exfiltrate" doc:"steal records from held goals (greedy) or any held asset"`
	Goals       []string           `yaml:"goals" doc:"assets it wants administrative privilege on (metric campaign:ID:goals counts them)"`
}

// EntrySpec is a segment reached from outside.
type EntrySpec struct {
	Segment  string   `yaml:"segment" required:"true" doc:"the segment"`
	Services []string `yaml:"services" doc:"services reachable from outside (default: all)"`
}

// ActionCost is what one action of a native adversary takes.
type ActionCost struct {
	Time *Duration `yaml:"time" doc:"how long it takes (default one tick)"`
	Cost *int32    `yaml:"cost" doc:"its cost, summed in campaign:ID:cost (default 1)"`
}

// AgentExploitSpec is an exploit of a native adversary.
type AgentExploitSpec struct {
	Vuln       string    `yaml:"vuln" required:"true" doc:"vulnerability it needs on the asset"`
	Service    string    `yaml:"service" doc:"service it goes through: the asset must offer it, firewalls must let it pass"`
	Rate       *Fraction `yaml:"rate" doc:"success rate (default 100%)"`
	Root       bool      `yaml:"root" doc:"success gives administrative privilege at once"`
	ActionCost `yaml:",inline"`
}

// EscalationSpec gains administrative privilege on a held asset.
type EscalationSpec struct {
	Vuln       string    `yaml:"vuln" required:"true" doc:"vulnerability it needs on the asset (a vulnerable process)"`
	Rate       *Fraction `yaml:"rate" doc:"success rate (default 100%)"`
	ActionCost `yaml:",inline"`
}

// ExfilSpec is what one exfiltration steals.
type ExfilSpec struct {
	Amount     int64 `yaml:"amount" required:"true" doc:"records per exfiltration (at most 100 without administrative privilege)"`
	ActionCost `yaml:",inline"`
}

// EvidenceSpec is a trace present at the start.
type EvidenceSpec struct {
	ID        string    `yaml:"id" required:"true" doc:"id used by requests and metrics (evidence:ID)"`
	Kind      string    `yaml:"kind" doc:"free text: web-logs, c2-records, payment-record... (default logs)"`
	Holder    string    `yaml:"holder" required:"true" doc:"organisation that holds it"`
	Asset     string    `yaml:"asset" doc:"asset it sits on"`
	Campaign  string    `yaml:"campaign" doc:"campaign it is a trace of"`
	Offence   string    `yaml:"offence" doc:"offence it proves (default: the campaign's)"`
	Weight    *int32    `yaml:"weight" doc:"weight in a case (default 1)"`
	Retention *Duration `yaml:"retention" doc:"kept this long unless preserved (default 7d)"`
	Preserved bool      `yaml:"preserved" doc:"already preserved"`
}

// ContentSpec is material online at the start.
type ContentSpec struct {
	ID       string    `yaml:"id" required:"true" doc:"id used by takedowns and metrics (content:ID)"`
	Platform string    `yaml:"platform" required:"true" doc:"platform organisation that hosts it"`
	Campaign string    `yaml:"campaign" doc:"campaign behind it"`
	Offence  string    `yaml:"offence" doc:"offence it is (default: the campaign's)"`
	Reach    *int64    `yaml:"reach" doc:"audience at the start (default 100)"`
	Growth   *Fraction `yaml:"growth" doc:"audience growth per tick (default 2%)"`
}

// PaymentSpec is money raised before the start.
type PaymentSpec struct {
	ID       string `yaml:"id" required:"true" doc:"id used by trace, freeze and block"`
	Service  string `yaml:"service" required:"true" doc:"payment service organisation"`
	Campaign string `yaml:"campaign" doc:"campaign it funds"`
	Amount   int64  `yaml:"amount" required:"true" doc:"amount raised"`
}

// InjectSpec is a message to teams.
type InjectSpec struct {
	ID      string    `yaml:"id" required:"true" doc:"id (scripts trigger injects by id)"`
	At      *Duration `yaml:"at" doc:"when it is delivered (absent: only when a script triggers it)"`
	To      OrgSet    `yaml:"to" required:"true" doc:"recipients: a list of organisation ids, or all"`
	From    string    `yaml:"from" doc:"who it appears to come from"`
	Subject string    `yaml:"subject" required:"true" doc:"subject line"`
	Body    string    `yaml:"body" doc:"the message"`
	Expect  string    `yaml:"expect" doc:"the action evaluators expect"`
	// The planning columns of the MSEL (docs/report.md#msel): the engine
	// ignores them; the MSEL's CSV export and import and the after-action
	// report carry them.
	Move       string   `yaml:"move" doc:"MSEL: the move (phase) of the exercise it belongs to"`
	Type       string   `yaml:"type" doc:"MSEL: the kind of inject (contextual, expected action, contingency...)"`
	Method     string   `yaml:"method" doc:"MSEL: how it is delivered (email, phone, news, in person...)"`
	Objectives []string `yaml:"objectives" doc:"MSEL: ids of the objectives it exercises"`
	Controller string   `yaml:"controller" doc:"MSEL: the controller responsible for delivering it"`
	Status     string   `yaml:"status" doc:"MSEL: its planning status (draft, approved...)"`
}

// ObjectiveSpec is a measurable goal.
type ObjectiveSpec struct {
	ID          string    `yaml:"id" required:"true" doc:"id used by tests and metrics (objective:ID)"`
	Description string    `yaml:"description" doc:"what it means, in words"`
	Metric      string    `yaml:"metric" doc:"metric name (see cyberex metrics)"`
	Op          string    `yaml:"op" enum:"op" doc:"comparison: < <= == != >= >"`
	Value       int64     `yaml:"value" doc:"value compared with"`
	Mode        string    `yaml:"mode" enum:"mode" doc:"by (default): met once it holds; always; end; never"`
	Deadline    *Duration `yaml:"deadline" doc:"when it is judged at the latest (default: the end of the run)"`
	From        *Duration `yaml:"from" doc:"first tick it is judged (default: from the start), so a 'restored by' objective is not met by the state before the attack"`
	Script      bool      `yaml:"script" doc:"judged by the scenario's Lua instead of a metric"`
	// Capabilities are what the after-action report rates beside the
	// objective (HSEEP core capabilities); the engine ignores them.
	Capabilities []string `yaml:"capabilities" doc:"capabilities it tests (e.g. Cybersecurity, Operational Coordination), rated in the after-action report"`
}
