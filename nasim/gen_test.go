package nasim

import (
	"fmt"
	"strings"
)

// genNASim writes a NASim-style scenario file of about n hosts, laid out
// as NASim's own generator lays them out: a DMZ open to the internet, a
// sensitive subnet behind it, user subnets of at most 40 hosts in a tree,
// firewalls that let some services through each way, two sensitive hosts.
// It is ours (not NASim's files): the benchmarks and tests need sizes
// between the hand-written ones and 1,000 hosts.
func genNASim(n int) string {
	x := uint64(n)*0x9E3779B97F4A7C15 + 1
	rnd := func(k int) int { // a small LCG: the file is the same everywhere
		x = x*6364136223846793005 + 1442695040888963407
		return int((x >> 33) % uint64(k))
	}
	services := []string{"ssh", "ftp", "http", "samba", "smtp"}
	oses := []string{"linux", "windows"}
	processes := []string{"tomcat", "daclsvc", "schtask"}
	dmz := max(1, n/10)
	sens := max(1, n/10)
	rest := max(1, n-dmz-sens)
	subnets := []int{dmz, sens}
	for rest > 0 {
		k := min(40, rest)
		subnets = append(subnets, k)
		rest -= k
	}
	ns := len(subnets) + 1
	topo := make([][]int, ns)
	for i := range topo {
		topo[i] = make([]int, ns)
		topo[i][i] = 1
	}
	link := func(a, b int) { topo[a][b], topo[b][a] = 1, 1 }
	link(0, 1)
	link(1, 2)
	for s := 3; s < ns; s++ {
		if s == 3 {
			link(1, 3)
		} else {
			link((s-1)/2+1, s) // a tree of user subnets
		}
	}
	link(2, ns-1)
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("subnets: %v\n", strings.ReplaceAll(fmt.Sprint(subnets), " ", ", "))
	w("topology:\n")
	for _, row := range topo {
		w("  - %v\n", strings.ReplaceAll(fmt.Sprint(row), " ", ", "))
	}
	last := len(subnets)
	w("sensitive_hosts:\n  (2, 0): 100\n  (%d, %d): 100\n", last, subnets[last-1]-1)
	w("os: [linux, windows]\nservices: [%s]\nprocesses: [%s]\n", strings.Join(services, ", "), strings.Join(processes, ", "))
	w("exploits:\n")
	for i, s := range services {
		for j, o := range oses {
			access := "user"
			if (i+j)%3 == 0 {
				access = "root"
			}
			w("  e_%s_%s: {service: %s, os: %s, prob: 0.%d, cost: %d, access: %s}\n", s, o, s, o, 3+(i+j)%7, 1+(i*j)%3, access)
		}
	}
	w("privilege_escalation:\n")
	for i, p := range processes {
		w("  pe_%s: {process: %s, os: %s, prob: 0.%d, cost: 1, access: root}\n", p, p, oses[i%2], 5+i)
	}
	w("service_scan_cost: 1\nos_scan_cost: 1\nsubnet_scan_cost: 1\nprocess_scan_cost: 1\n")
	w("host_configurations:\n")
	for s, k := range subnets {
		for h := 0; h < k; h++ {
			var svc, proc []string
			for _, x := range services {
				if rnd(3) == 0 {
					svc = append(svc, x)
				}
			}
			if !contains(svc, "http") {
				svc = append(svc, "http") // every host can be reached: the scenario has a solution
			}
			for _, x := range processes {
				if rnd(3) == 0 {
					proc = append(proc, x)
				}
			}
			os := oses[rnd(2)]
			if (s == 1 && h == 0) || (s == len(subnets)-1 && h == k-1) {
				os = "linux" // a sensitive host: root through tomcat
				if !contains(proc, "tomcat") {
					proc = append(proc, "tomcat")
				}
			}
			w("  (%d, %d): {os: %s, services: [%s], processes: [%s]}\n", s+1, h, os, strings.Join(svc, ", "), strings.Join(proc, ", "))
		}
	}
	w("firewall:\n")
	for a := 0; a < ns; a++ {
		for c := 0; c < ns; c++ {
			if a == c || topo[a][c] == 0 {
				continue
			}
			var allow []string
			for _, x := range services {
				if rnd(2) == 0 {
					allow = append(allow, x)
				}
			}
			if !contains(allow, "http") {
				allow = append(allow, "http")
			}
			w("  (%d, %d): [%s]\n", a, c, strings.Join(allow, ", "))
		}
	}
	w("step_limit: 1000000\n")
	return b.String()
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
