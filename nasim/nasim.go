// Package nasim converts a scenario file of NASim (Network Attack
// Simulator, MIT licence) into a cyberex scenario folder, with a native
// adversary that plays like NASim's baseline agents and an objective that
// mirrors NASim's goal (root on every sensitive host). What differs in
// meaning is in docs/import-nasim.md.
package nasim

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FileBytesMax bounds the NASim file read: a generated 1,000-host file is
// about 200 KB.
const FileBytesMax = 16 << 20

// HostsMax bounds the hosts of an imported scenario (every host becomes a
// named asset).
const HostsMax = 100_000

// File is a NASim scenario file as NASim's loader reads it.
type File struct {
	Subnets         []int                 `yaml:"subnets"`
	Topology        [][]int               `yaml:"topology"`
	SensitiveHosts  map[string]float64    `yaml:"sensitive_hosts"`
	OS              []string              `yaml:"os"`
	Services        []string              `yaml:"services"`
	Processes       []string              `yaml:"processes"`
	Exploits        map[string]Exploit    `yaml:"exploits"`
	PrivEsc         map[string]PrivEsc    `yaml:"privilege_escalation"`
	ServiceScanCost float64               `yaml:"service_scan_cost"`
	OSScanCost      float64               `yaml:"os_scan_cost"`
	SubnetScanCost  float64               `yaml:"subnet_scan_cost"`
	ProcessScanCost float64               `yaml:"process_scan_cost"`
	Hosts           map[string]HostConfig `yaml:"host_configurations"`
	Firewall        map[string][]string   `yaml:"firewall"`
	StepLimit       *int                  `yaml:"step_limit"`
	Extra           map[string]yaml.Node  `yaml:",inline"`
	parsedHosts     map[[2]int]HostConfig // by address
	parsedFirewall  map[[2]int][]string   // by (from subnet, to subnet)
	parsedSensitive map[[2]int]float64    // by address
}

// Exploit is a NASim exploit: a service on an OS, with a success
// probability, a cost and the access it gives.
type Exploit struct {
	Service string  `yaml:"service"`
	OS      string  `yaml:"os"`
	Prob    float64 `yaml:"prob"`
	Cost    float64 `yaml:"cost"`
	Access  string  `yaml:"access"`
}

// PrivEsc is a NASim privilege escalation: a process on an OS.
type PrivEsc struct {
	Process string  `yaml:"process"`
	OS      string  `yaml:"os"`
	Prob    float64 `yaml:"prob"`
	Cost    float64 `yaml:"cost"`
	Access  string  `yaml:"access"`
}

// HostConfig is one host of a NASim scenario.
type HostConfig struct {
	OS        string              `yaml:"os"`
	Services  []string            `yaml:"services"`
	Processes []string            `yaml:"processes"`
	Firewall  map[string][]string `yaml:"firewall"`
	Value     *float64            `yaml:"value"`
}

// Options choose how the import plays.
type Options struct {
	// Name is the scenario's name (default: "nasim").
	Name string
	// Strategy is the native adversary's: random (NASim's random agent,
	// the default), bruteforce or greedy.
	Strategy string
	// Lua, when set, plays the adversary from a Lua story instead of the
	// native agent (the scripted equivalent, for comparison).
	Lua bool
	// Source names the file in the scenario's README and errors.
	Source string
}

// Scenario is what an import writes: scenario.yaml, README.md and, for
// a Lua adversary, story.lua.
type Scenario struct {
	YAML, README, Story []byte
	Hosts               int
}

var addrRE = regexp.MustCompile(`^\(\s*(\d+)\s*,\s*(\d+)\s*\)$`)

func parseAddr(s string) ([2]int, error) {
	m := addrRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return [2]int{}, fmt.Errorf("%q is not an address like (1, 0)", s)
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	return [2]int{a, b}, nil
}

// Parse reads a NASim scenario file and checks it as NASim's loader
// would, naming the section and key of every problem.
func Parse(data []byte) (*File, error) {
	if len(data) > FileBytesMax {
		return nil, fmt.Errorf("%d bytes, at most %d", len(data), FileBytesMax)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, k := range sortedKeys(f.Extra) {
		bad("unknown section %q", k)
	}
	if len(f.Subnets) == 0 {
		bad("subnets: missing (the number of hosts in each subnet)")
	}
	total := 0
	for i, n := range f.Subnets {
		if n < 1 || n > HostsMax {
			bad("subnets[%d]: %d hosts, want 1 to %d", i, n, HostsMax)
			continue
		}
		total += n
	}
	if total > HostsMax {
		bad("subnets: %d hosts in all, at most %d", total, HostsMax)
	}
	ns := len(f.Subnets) + 1 // subnet 0 is the internet
	if len(f.Topology) != ns {
		bad("topology: %d rows, want %d (the internet and %d subnets)", len(f.Topology), ns, len(f.Subnets))
	}
	for i, row := range f.Topology {
		if len(row) != ns {
			bad("topology[%d]: %d columns, want %d", i, len(row), ns)
			continue
		}
		for j, v := range row {
			if v != 0 && v != 1 {
				bad("topology[%d][%d]: %d, want 0 or 1", i, j, v)
			}
		}
	}
	if len(f.Services) == 0 || len(f.Services) > 32 {
		bad("services: %d, want 1 to 32", len(f.Services))
	}
	if len(f.OS) == 0 {
		bad("os: missing")
	}
	if n := len(f.Exploits) + len(f.PrivEsc); n > 64 {
		bad("exploits and privilege_escalation: %d in all, at most 64 (each becomes a vulnerability)", n)
	}
	if len(f.Exploits) == 0 {
		bad("exploits: missing")
	}
	for _, k := range sortedKeys(f.Exploits) {
		x := f.Exploits[k]
		p := "exploits." + k
		checkName(k, p, bad)
		if !slices.Contains(f.Services, x.Service) {
			bad("%s.service: %q is not in services", p, x.Service)
		}
		if x.OS != "" && x.OS != "none" && !slices.Contains(f.OS, x.OS) {
			bad("%s.os: %q is not in os", p, x.OS)
		}
		checkProb(x.Prob, p+".prob", bad)
		checkCost(x.Cost, p+".cost", bad)
		if x.Access != "user" && x.Access != "root" {
			bad("%s.access: %q, want user or root", p, x.Access)
		}
	}
	for _, k := range sortedKeys(f.PrivEsc) {
		x := f.PrivEsc[k]
		p := "privilege_escalation." + k
		checkName(k, p, bad)
		if _, dup := f.Exploits[k]; dup {
			bad("%s: the name is also an exploit's", p)
		}
		if !slices.Contains(f.Processes, x.Process) {
			bad("%s.process: %q is not in processes", p, x.Process)
		}
		if x.OS != "" && x.OS != "none" && !slices.Contains(f.OS, x.OS) {
			bad("%s.os: %q is not in os", p, x.OS)
		}
		checkProb(x.Prob, p+".prob", bad)
		checkCost(x.Cost, p+".cost", bad)
		if x.Access != "root" && x.Access != "user" {
			bad("%s.access: %q, want root or user", p, x.Access)
		}
	}
	for _, s := range f.Services {
		checkName(s, "services", bad)
	}
	for name, c := range map[string]float64{"service_scan_cost": f.ServiceScanCost, "os_scan_cost": f.OSScanCost, "subnet_scan_cost": f.SubnetScanCost, "process_scan_cost": f.ProcessScanCost} { // map-order: each check stands alone; errors are sorted below
		checkCost(c, name, bad)
	}
	if f.StepLimit != nil && (*f.StepLimit < 1 || *f.StepLimit > 10_000_000) {
		bad("step_limit: %d, want 1 to 10000000", *f.StepLimit)
	}
	f.parsedHosts = map[[2]int]HostConfig{}
	for _, k := range sortedKeys(f.Hosts) {
		a, err := parseAddr(k)
		p := "host_configurations." + k
		if err != nil {
			bad("%s: %v", p, err)
			continue
		}
		if a[0] < 1 || a[0] > len(f.Subnets) || a[1] < 0 || a[1] >= f.Subnets[a[0]-1] {
			bad("%s: no such host (subnets: %v)", p, f.Subnets)
			continue
		}
		if _, dup := f.parsedHosts[a]; dup {
			bad("%s: the host is configured twice", p)
		}
		h := f.Hosts[k]
		if !slices.Contains(f.OS, h.OS) {
			bad("%s.os: %q is not in os", p, h.OS)
		}
		for _, s := range h.Services {
			if !slices.Contains(f.Services, s) {
				bad("%s.services: %q is not in services", p, s)
			}
		}
		for _, s := range h.Processes {
			if !slices.Contains(f.Processes, s) {
				bad("%s.processes: %q is not in processes", p, s)
			}
		}
		f.parsedHosts[a] = h
	}
	if len(errs) == 0 {
		for s, n := range f.Subnets {
			for h := 0; h < n; h++ {
				if _, ok := f.parsedHosts[[2]int{s + 1, h}]; !ok {
					bad("host_configurations: host (%d, %d) is not configured", s+1, h)
				}
			}
		}
	}
	f.parsedFirewall = map[[2]int][]string{}
	for _, k := range sortedKeys(f.Firewall) {
		a, err := parseAddr(k)
		p := "firewall." + k
		if err != nil {
			bad("%s: %v", p, err)
			continue
		}
		if a[0] >= ns || a[1] >= ns {
			bad("%s: no such subnet", p)
			continue
		}
		for _, s := range f.Firewall[k] {
			if !slices.Contains(f.Services, s) {
				bad("%s: %q is not in services", p, s)
			}
		}
		f.parsedFirewall[a] = f.Firewall[k]
	}
	f.parsedSensitive = map[[2]int]float64{}
	for _, k := range sortedKeys(f.SensitiveHosts) {
		a, err := parseAddr(k)
		p := "sensitive_hosts." + k
		if err != nil {
			bad("%s: %v", p, err)
			continue
		}
		if a[0] < 1 || a[0] > len(f.Subnets) || a[1] < 0 || a[1] >= f.Subnets[a[0]-1] {
			bad("%s: no such host", p)
			continue
		}
		f.parsedSensitive[a] = f.SensitiveHosts[k]
	}
	if len(f.SensitiveHosts) == 0 {
		bad("sensitive_hosts: missing (the goal is root on each)")
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Errorf("... and %d more", len(errs)-20))
		}
		return nil, errors.Join(errs...)
	}
	return &f, nil
}

func checkName(s, p string, bad func(string, ...any)) {
	if s == "" || strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) >= 0 || s[0] == '-' || s[0] == '_' || s[0] == '.' {
		bad("%s: name %q: use letters, digits, '-', '_' and '.'", p, s)
	}
}

func checkProb(p float64, path string, bad func(string, ...any)) {
	if !(p >= 0 && p <= 1) {
		bad("%s: %v, want 0 to 1", path, p)
	}
}

func checkCost(c float64, path string, bad func(string, ...any)) {
	if !(c >= 0 && c <= 1_000_000) {
		bad("%s: %v, want 0 to 1000000", path, c)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	// map-order: sorted below.
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// permille rounds a probability to thousandths (the engine's unit).
func permille(p float64) int { return int(math.Round(p * 1000)) }

// cost rounds a NASim cost to a whole number (the engine's costs are integers).
func cost(c float64) int { return int(math.Round(c)) }

func hostID(a [2]int) string { return fmt.Sprintf("h%d-%d", a[0], a[1]) }

func subnetID(s int) string { return fmt.Sprintf("subnet-%d", s) }

func osMatches(want, have string) bool { return want == "" || want == "none" || want == have }

// canExploit says whether exploit x can be thrown at host h (it runs the
// service, on the OS); canEscalate, whether escalation x works on it (it
// runs the process, on the OS). A host carries the vulnerability of each
// that does.
func canExploit(h HostConfig, x Exploit) bool {
	return slices.Contains(h.Services, x.Service) && osMatches(x.OS, h.OS)
}

func canEscalate(h HostConfig, x PrivEsc) bool {
	return slices.Contains(h.Processes, x.Process) && osMatches(x.OS, h.OS)
}

// linked says whether subnets x and s (1 up) are linked, either way.
func (f *File) linked(x, s int) bool {
	return x != s && (f.Topology[x][s] != 0 || f.Topology[s][x] != 0)
}

// Convert writes the cyberex scenario of a parsed NASim file.
func Convert(f *File, opt Options) (*Scenario, error) {
	if opt.Name == "" {
		opt.Name = "nasim"
	}
	if opt.Strategy == "" {
		opt.Strategy = "random"
	}
	if opt.Strategy != "random" && opt.Strategy != "bruteforce" && opt.Strategy != "greedy" {
		return nil, fmt.Errorf("strategy %q: want random, bruteforce or greedy", opt.Strategy)
	}
	if opt.Lua && opt.Strategy != "random" {
		return nil, fmt.Errorf("strategy %q: the Lua story plays the random agent only (drop --lua for the native %s agent)", opt.Strategy, opt.Strategy)
	}
	exploits, privescs := sortedKeys(f.Exploits), sortedKeys(f.PrivEsc)
	var b strings.Builder
	q := strconv.Quote
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	steps := 10_000
	if f.StepLimit != nil {
		steps = *f.StepLimit
	}
	w("# Imported from NASim (Network Attack Simulator) by `cyberex import nasim`%s.\n", sourceNote(opt.Source))
	w("# One NASim step is one tick; what differs in meaning: docs/import-nasim.md.\n\n")
	w("name: %s\n", q(opt.Name))
	w("description: %s\n\n", q(fmt.Sprintf("NASim scenario: %d subnets, %d hosts, %d sensitive; the adversary plays NASim's %s agent%s.",
		len(f.Subnets), countHosts(f), len(f.SensitiveHosts), opt.Strategy, map[bool]string{true: " from Lua", false: ""}[opt.Lua])))
	w("settings:\n  tick: 1m\n  duration: %d\n  end_when_decided: true\n\n", steps)
	w("jurisdictions:\n  - id: net\n    name: The simulated network\n    crimes: [hacking]\n\n")
	w("organisations:\n")
	w("  - id: owner\n    name: Owner of the network\n    kind: operator\n    jurisdiction: net\n    sensor: 0%%\n")
	w("  - id: attacker\n    name: NASim's attacker\n    kind: adversary\n    jurisdiction: net\n\n")
	w("services: [%s]\n\n", strings.Join(quoteAll(f.Services), ", "))
	w("# Each exploit and privilege escalation is a vulnerability: a host carries\n# it when it runs the service (or process) on the matching OS.\nvulnerabilities:\n")
	for _, k := range exploits {
		x := f.Exploits[k]
		w("  - {id: %s, description: %s}\n", q(k), q(fmt.Sprintf("exploit of %s on %s", x.Service, orAny(x.OS))))
	}
	for _, k := range privescs {
		x := f.PrivEsc[k]
		w("  - {id: %s, description: %s}\n", q(k), q(fmt.Sprintf("privilege escalation through %s on %s", x.Process, orAny(x.OS))))
	}
	w("\nsegments:\n")
	for s := 1; s <= len(f.Subnets); s++ {
		w("  - {id: %s, owner: owner, jurisdiction: net}\n", subnetID(s))
	}
	links := 0
	for i := 1; i <= len(f.Subnets); i++ {
		for j := i + 1; j <= len(f.Subnets); j++ {
			if !f.linked(i, j) {
				continue
			}
			if links == 0 {
				w("\n# NASim's firewall between subnets, each way.\nlinks:\n")
			}
			links++
			w("  - between: [%s, %s]\n    firewall: {forward: [%s], back: [%s]}\n", subnetID(i), subnetID(j),
				strings.Join(quoteAll(f.parsedFirewall[[2]int{i, j}]), ", "), strings.Join(quoteAll(f.parsedFirewall[[2]int{j, i}]), ", "))
		}
	}
	w("\nassets:\n")
	var goals []string
	for s, n := range f.Subnets {
		for h := 0; h < n; h++ {
			a := [2]int{s + 1, h}
			hc := f.parsedHosts[a]
			var vulns []string
			for _, k := range exploits {
				if canExploit(hc, f.Exploits[k]) {
					vulns = append(vulns, k)
				}
			}
			for _, k := range privescs {
				if canEscalate(hc, f.PrivEsc[k]) {
					vulns = append(vulns, k)
				}
			}
			crit := 1
			if v, ok := f.parsedSensitive[a]; ok {
				crit = 5
				goals = append(goals, hostID(a))
				_ = v
			}
			w("  - {id: %s, segment: %s, owner: owner, criticality: %d, services: [%s], vulns: [%s]}  # %s\n",
				hostID(a), subnetID(s+1), crit, strings.Join(quoteAll(hc.Services), ", "), strings.Join(quoteAll(vulns), ", "), hc.OS)
		}
	}
	w("\ncampaigns:\n  - id: nasim\n    kind: intrusion\n    actor: attacker\n    offence: hacking\n    technique: T1190\n    active: true\n")
	if !opt.Lua {
		w("    agent:\n      strategy: %s\n      scans: 4\n      scan: {cost: %d}\n      entry:\n", opt.Strategy, cost(f.SubnetScanCost))
		for s := 1; s <= len(f.Subnets); s++ {
			if f.Topology[0][s] == 0 {
				continue
			}
			w("        - {segment: %s, services: [%s]}\n", subnetID(s), strings.Join(quoteAll(f.parsedFirewall[[2]int{0, s}]), ", "))
		}
		w("      exploits:\n")
		for _, k := range exploits {
			x := f.Exploits[k]
			w("        - {vuln: %s, service: %s, rate: %d‰, root: %t, cost: %d}\n", q(k), q(x.Service), permille(x.Prob), x.Access == "root", cost(x.Cost))
		}
		if len(privescs) > 0 {
			w("      escalations:\n")
			for _, k := range privescs {
				x := f.PrivEsc[k]
				w("        - {vuln: %s, rate: %d‰, cost: %d}\n", q(k), permille(x.Prob), cost(x.Cost))
			}
		}
		w("      goals: [%s]\n", strings.Join(goals, ", "))
	}
	w("\nobjectives:\n  - id: sensitive-hosts\n    description: %s\n", q("NASim's goal: root on every sensitive host (met: the attacker won)"))
	metric := "campaign:nasim:goals"
	if opt.Lua {
		metric = "script.goals" // story.lua counts them
	}
	w("    metric: %s\n    op: \">=\"\n    value: %d\n    mode: by\n", metric, len(goals))
	sc := &Scenario{Hosts: countHosts(f)}
	if opt.Lua {
		w("\nscripts: [story.lua]\n")
		sc.Story = luaStory(f, exploits, privescs, goals)
	}
	sc.YAML = []byte(b.String())
	sc.README = readme(f, opt, len(goals))
	return sc, nil
}

func sourceNote(src string) string {
	if src == "" {
		return ""
	}
	return " from " + strconv.Quote(src)
}

func orAny(os string) string {
	if os == "" || os == "none" {
		return "any OS"
	}
	return os
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strconv.Quote(x)
	}
	return out
}

func countHosts(f *File) int {
	n := 0
	for _, c := range f.Subnets {
		n += c
	}
	return n
}

// luaStory is the scripted equivalent of the native random agent
// (engine/agent.go), written as a scenario author would write it: the
// same action space (per host: each exploit, each escalation, the three
// host scans and the subnet scan), drawn uniformly each tick; the same
// rules (an exploit needs the target's subnet discovered and reachable
// through the exploit's service, from the internet or from a subnet where
// the attacker holds a host; an escalation needs the host held; NASim's
// success rates; a subnet scan from a held host discovers the subnets
// linked to it); what the agent knows (subnets discovered, hosts held)
// kept in Lua tables; and the world changed only through the campaign
// handle (c:exploit from the internet, c:lateral from a foothold,
// c:escalate). Where the host cannot have the exploit or escalation
// drawn, or the target is out of reach, the action fails without a call,
// as the native agent's does.
func luaStory(f *File, exploits, privescs, goals []string) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	list := func(n int, item func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item(i)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	ns := len(f.Subnets)
	var hosts [][2]int
	for s, n := range f.Subnets {
		for h := 0; h < n; h++ {
			hosts = append(hosts, [2]int{s + 1, h})
		}
	}
	w("-- The scripted equivalent of the native random agent (cyberex import nasim --lua):\n")
	w("-- the same actions drawn the same way, played through the campaign handle.\n")
	w("local c = campaign(\"nasim\")\n\n")
	w("-- The network as the attacker's playbook describes it: hosts, their\n-- subnet, and whether each is a sensitive host (a goal).\n")
	w("local hosts = %s\n", list(len(hosts), func(i int) string { return strconv.Quote(hostID(hosts[i])) }))
	w("local subnet_of = %s\n", list(len(hosts), func(i int) string { return strconv.Itoa(hosts[i][0]) }))
	w("local goal_of = %s\n", list(len(hosts), func(i int) string {
		return strconv.FormatBool(slices.Contains(goals, hostID(hosts[i])))
	}))
	w("-- linked[s]: the subnets linked to subnet s; open[s]: whether the internet\n-- reaches s at all (it is discovered from the start).\n")
	w("local linked = %s\n", list(ns, func(i int) string {
		var l []string
		for x := 1; x <= ns; x++ {
			if f.linked(x, i+1) {
				l = append(l, strconv.Itoa(x))
			}
		}
		return "{" + strings.Join(l, ", ") + "}"
	}))
	w("local open = %s\n", list(ns, func(i int) string { return strconv.FormatBool(f.Topology[0][i+1] != 0) }))
	w("\n-- Per exploit: its rate (per mille), whether it gives root, and per subnet\n")
	w("-- whether the internet lets its service in (from_internet[x][s]) and the\n-- linked subnets whose firewall lets it through (via[x][s]).\n")
	w("local exploit_rate = %s\n", list(len(exploits), func(i int) string { return strconv.Itoa(permille(f.Exploits[exploits[i]].Prob)) }))
	w("local exploit_root = %s\n", list(len(exploits), func(i int) string { return strconv.FormatBool(f.Exploits[exploits[i]].Access == "root") }))
	w("local from_internet = %s\n", list(len(exploits), func(i int) string {
		svc := f.Exploits[exploits[i]].Service
		return list(ns, func(s int) string {
			return strconv.FormatBool(f.Topology[0][s+1] != 0 && slices.Contains(f.parsedFirewall[[2]int{0, s + 1}], svc))
		})
	}))
	w("local via = %s\n", list(len(exploits), func(i int) string {
		svc := f.Exploits[exploits[i]].Service
		return list(ns, func(s int) string {
			var l []string
			for x := 1; x <= ns; x++ {
				if f.linked(x, s+1) && slices.Contains(f.parsedFirewall[[2]int{x, s + 1}], svc) {
					l = append(l, strconv.Itoa(x))
				}
			}
			return "{" + strings.Join(l, ", ") + "}"
		})
	}))
	w("local escalation_rate = %s\n", list(len(privescs), func(i int) string { return strconv.Itoa(permille(f.PrivEsc[privescs[i]].Prob)) }))
	// The action space, as the native agent decodes its draw: action n is
	// host (n-1) // kinds + 1 and, within the host's row, the exploits,
	// the escalations, the three host scans, then the subnet scan. Its
	// kind code: an exploit's number, #exploits + an escalation's number,
	// -1 for the subnet scan, and 0 for an action that only takes the
	// tick (a host scan: OS, service and process scans teach the native
	// agent nothing it keeps; an exploit or escalation the host cannot
	// have, for want of the service, process or OS).
	var actHost, actKind []string
	for i, a := range hosts {
		hc := f.parsedHosts[a]
		kinds := make([]int, 0, len(exploits)+len(privescs)+4)
		for k, x := range exploits {
			kinds = append(kinds, kindIf(canExploit(hc, f.Exploits[x]), k+1))
		}
		for k, x := range privescs {
			kinds = append(kinds, kindIf(canEscalate(hc, f.PrivEsc[x]), len(exploits)+k+1))
		}
		kinds = append(kinds, 0, 0, 0, -1)
		for _, k := range kinds {
			actHost = append(actHost, strconv.Itoa(i+1))
			actKind = append(actKind, strconv.Itoa(k))
		}
	}
	w("\n-- Action n of the %d: host act_host[n], kind act_kind[n]: 1 to %d are the\n", len(actHost), len(exploits))
	w("-- exploits, then the escalations; -1 the subnet scan; 0 an action that only\n")
	w("-- takes the tick (a host scan, or an exploit or escalation the host cannot have).\n")
	w("local act_host = {%s}\n", strings.Join(actHost, ", "))
	w("local act_kind = {%s}\n", strings.Join(actKind, ", "))
	w("local actions, exploits = %d, %d\n", len(actHost), len(exploits))
	b.WriteString(`
-- What the attacker knows: the subnets discovered, how many hosts it
-- holds in each, the hosts it holds and those it has root on (nobody
-- defends an imported network: what it took stays taken; were a defender
-- to take a host back, the engine would refuse the next action on it).
local discovered, held, mine, admin, n_rooted = {}, {}, {}, {}, 0
for s = 1, #open do
  discovered[s] = open[s]
  held[s] = 0
end
-- Filled in order with false, so that they are arrays (read by index)
-- rather than hashes filled in the order the hosts are taken.
for h = 1, #hosts do
  mine[h], admin[h] = false, false
end
set_metric("goals", 0)

-- reach_by[x][s] says whether exploit x reaches subnet s: s is discovered,
-- and the internet lets x's service in, or the attacker holds a host in s
-- or in a linked subnet whose firewall lets the service through. It is
-- worked out again when what the attacker knows changes (a first host
-- held in a subnet, a subnet discovered), not on every tick.
local reach_by = {}
local function know()
  for x = 1, exploits do
    local r, entry, from = reach_by[x] or {}, from_internet[x], via[x]
    reach_by[x] = r
    for s = 1, #open do
      local ok = discovered[s] and (entry[s] or held[s] > 0)
      if discovered[s] and not ok then
        local f = from[s]
        for i = 1, #f do
          if held[f[i]] > 0 then ok = true end
        end
      end
      r[s] = ok
    end
  end
end
know()

-- What runs every tick is read into locals once, as any Lua hot loop
-- would: a global or a method looked up by name costs a table lookup
-- each time.
local random, set_metric = random, set_metric
local exploit, lateral, escalate = c.exploit, c.lateral, c.escalate

-- root escalates on a held host (once: root is kept) and counts the goals.
local function root(h)
  if admin[h] or not escalate(c, hosts[h], "T1068") then return end
  admin[h] = true
  if goal_of[h] then
    n_rooted = n_rooted + 1
    set_metric("goals", n_rooted)
  end
end

every(1, function()
  local n = random(actions)
  local k = act_kind[n]
  if k == 0 then return end
  local h = act_host[n]
  if k > exploits then
    local rate = escalation_rate[k - exploits]
    if mine[h] and not admin[h] and (rate >= 1000 or random(1000) <= rate) then
      root(h)
    end
  elseif k > 0 then
    if mine[h] then -- an exploit of a host held: nothing to roll
      if exploit_root[k] then root(h) end
      return
    end
    local s = subnet_of[h]
    local rate = exploit_rate[k]
    if not reach_by[k][s] or (rate < 1000 and random(1000) > rate) then return end
    local ok
    if from_internet[k][s] then
      ok = exploit(c, hosts[h], "T1190") -- initial access, from the internet
    else
      ok = lateral(c, hosts[h], "T1021") -- from a foothold next to it
    end
    if not ok then return end
    mine[h] = true
    held[s] = held[s] + 1
    if held[s] == 1 then know() end
    if exploit_root[k] then root(h) end
  elseif mine[h] then -- the subnet scan, from a held host
    local l, found = linked[subnet_of[h]], false
    for i = 1, #l do
      if not discovered[l[i]] then
        discovered[l[i]] = true
        found = true
      end
    end
    if found then know() end
  end
end)
`)
	return []byte(b.String())
}

// kindIf is an action's kind code: k when the host can have the exploit
// or escalation, 0 (the action only takes the tick) when it cannot.
func kindIf(can bool, k int) int {
	if can {
		return k
	}
	return 0
}

func readme(f *File, opt Options, goals int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nImported from a NASim (Network Attack Simulator) scenario%s by `cyberex import nasim`.\n\n", opt.Name, sourceNote(opt.Source))
	fmt.Fprintf(&b, "- %d subnets, %d hosts, %d sensitive hosts (the goals)\n", len(f.Subnets), countHosts(f), goals)
	fmt.Fprintf(&b, "- the adversary: NASim's %s agent", opt.Strategy)
	if opt.Lua {
		b.WriteString(", played from Lua (story.lua) instead of the engine's native agent")
	}
	b.WriteString("\n- one NASim step is one tick; the run ends when the attacker holds root on every sensitive host (objective `sensitive-hosts` met) or at the step limit\n\n")
	b.WriteString("What differs from NASim, and why: docs/import-nasim.md in the cyberex repository.\n\n")
	b.WriteString("```sh\ncyberex validate .\ncyberex run . --seed 1\n```\n")
	return []byte(b.String())
}
