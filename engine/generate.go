package engine

import "slices"

// VulnShare is the share of generated hosts carrying a vulnerability.
type VulnShare struct {
	Vuln     int32    `json:"vuln"`
	Permille Permille `json:"permille"`
}

// HostSpec describes a mass of similar hosts compactly, so a national-scale
// network needs no asset-by-asset YAML.
type HostSpec struct {
	Kind        AssetKind
	Count       int32
	Vulns       []VulnShare
	Services    uint32
	Capacity    int32
	Criticality uint8
	// BackupPermille is the share of hosts with a clean backup.
	BackupPermille Permille
}

// GenerateHosts appends spec.Count hosts of segment seg to dst. The mix is
// drawn from its own generator seeded by the caller (the scenario's
// generation seed and the segment), so the same scenario always builds the
// same network whatever the run's seed.
func GenerateHosts(dst []Asset, seg, owner int32, spec HostSpec, seed uint64) []Asset {
	r := newStream(seed, 1000+uint64(seg))
	if spec.Count > 0 {
		dst = slices.Grow(dst, int(spec.Count))
	}
	for i := int32(0); i < spec.Count; i++ {
		a := Asset{Kind: spec.Kind, Criticality: spec.Criticality, Segment: seg, Owner: owner,
			Services: spec.Services, Integrity: 1000, Availability: 1000, Controller: None, Since: None,
			Capacity: spec.Capacity, Infra: None}
		for _, v := range spec.Vulns {
			if r.chance(v.Permille) {
				a.Vulns |= 1 << uint(v.Vuln)
			}
		}
		if r.chance(spec.BackupPermille) {
			a.Flags |= FlagBackup
		}
		dst = append(dst, a)
	}
	return dst
}

// NewAsset returns an asset in its initial healthy state.
func NewAsset(kind AssetKind, seg, owner int32) Asset {
	return Asset{Kind: kind, Segment: seg, Owner: owner, Integrity: 1000, Availability: 1000, Controller: None, Since: None, Infra: None, Capacity: 1000}
}
