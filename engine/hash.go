package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
)

// The canonical encoding of a world is its snapshot: a header, the small
// state as JSON (no maps anywhere in the state, so encoding/json writes the
// same bytes on every machine), the generators, and the assets as fixed-size
// little-endian records (the bulk: 44 bytes each). The state hash is the
// SHA-256 of exactly these bytes, so a snapshot is also proof of its hash.

const snapshotMagic = "CYBEREX-SNAP-1\n"

// assetRecordBytes is the size of one encoded asset.
const assetRecordBytes = 44

// state is everything but the assets, in a fixed order.
type state struct {
	Version       string         `json:"version"`
	Seed          uint64         `json:"seed"`
	Tick          int32          `json:"tick"`
	Settings      Settings       `json:"settings"`
	Jurisdictions []Jurisdiction `json:"jurisdictions"`
	Agreements    []Agreement    `json:"agreements"`
	Orgs          []Org          `json:"orgs"`
	Segments      []Segment      `json:"segments"`
	Links         []Link         `json:"links"`
	Vulns         []Vuln         `json:"vulns"`
	Services      []string       `json:"services"`
	AssetNames    []NamedAsset   `json:"asset_names"`
	Infras        []Infra        `json:"infras"`
	Evidence      []Evidence     `json:"evidence"`
	Requests      []Request      `json:"requests"`
	Reports       []Report       `json:"reports"`
	Contents      []Content      `json:"contents"`
	Payments      []Payment      `json:"payments"`
	Campaigns     []Campaign     `json:"campaigns"`
	Steps         []AttackStep   `json:"steps"`
	Injects       []Inject       `json:"injects"`
	Objectives    []Objective    `json:"objectives"`
	Actions       []Action       `json:"actions"`
	Cases         []Case         `json:"cases"`
	Messages      []Message      `json:"messages"`
	Custom        []Metric       `json:"custom"`
	Counters      Counters       `json:"counters"`
	NextCommandID int64          `json:"next_command_id"`
	Ended         bool           `json:"ended"`
	EndTick       int32          `json:"end_tick"`
	RNG           [][]byte       `json:"rng"`
	Assets        int            `json:"assets"`
}

func (w *World) state() state {
	s := state{Version: Version, Seed: w.Seed, Tick: w.Tick, Settings: w.Settings,
		Jurisdictions: w.Jurisdictions, Agreements: w.Agreements, Orgs: w.Orgs, Segments: w.Segments,
		Links: w.Links, Vulns: w.Vulns, Services: w.Services, AssetNames: w.AssetNames, Infras: w.Infras,
		Evidence: w.Evidence, Requests: w.Requests, Reports: w.Reports, Contents: w.Contents, Payments: w.Payments,
		Campaigns: w.Campaigns, Steps: w.Steps, Injects: w.Injects, Objectives: w.Objectives, Actions: w.Actions,
		Cases: w.Cases, Messages: w.Messages, Custom: w.Custom, Counters: w.Counters, NextCommandID: w.NextCommandID,
		Ended: w.Ended, EndTick: w.EndTick, Assets: len(w.Assets)}
	for i := range w.rng {
		b, _ := w.rng[i].src.MarshalBinary() // PCG's MarshalBinary cannot fail
		s.RNG = append(s.RNG, b)
	}
	return s
}

// WriteSnapshot writes the canonical encoding of the world.
func (w *World) WriteSnapshot(out io.Writer) error {
	js, err := json.Marshal(w.state())
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	var hdr [8]byte
	binary.LittleEndian.PutUint64(hdr[:], uint64(len(js)))
	if _, err := io.WriteString(out, snapshotMagic); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if _, err := out.Write(hdr[:]); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if _, err := out.Write(js); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	// Assets are encoded a chunk at a time into a buffer that stays in
	// the processor's cache while the writer (SHA-256, mostly) reads it.
	var buf [snapshotChunkAssets * assetRecordBytes]byte
	for i := 0; i < len(w.Assets); i += snapshotChunkAssets {
		n := min(snapshotChunkAssets, len(w.Assets)-i)
		for k := 0; k < n; k++ {
			putAsset(buf[k*assetRecordBytes:], &w.Assets[i+k])
		}
		if _, err := out.Write(buf[:n*assetRecordBytes]); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
	}
	return nil
}

// snapshotChunkAssets is how many assets WriteSnapshot encodes per write.
const snapshotChunkAssets = 256

func putAsset(b []byte, a *Asset) {
	b = b[:assetRecordBytes] // one bounds check for the record
	le := binary.LittleEndian
	b[0] = byte(a.Kind)
	b[1] = a.Criticality
	le.PutUint16(b[2:], a.Flags)
	le.PutUint32(b[4:], uint32(a.Segment))
	le.PutUint32(b[8:], uint32(a.Owner))
	le.PutUint64(b[12:], a.Vulns)
	le.PutUint32(b[20:], a.Services)
	le.PutUint16(b[24:], uint16(a.Integrity))
	le.PutUint16(b[26:], uint16(a.Availability))
	le.PutUint32(b[28:], uint32(a.Controller))
	le.PutUint32(b[32:], uint32(a.Since))
	le.PutUint32(b[36:], uint32(a.Capacity))
	le.PutUint32(b[40:], uint32(a.Infra))
}

func getAsset(b []byte) Asset {
	b = b[:assetRecordBytes]
	le := binary.LittleEndian
	return Asset{Kind: AssetKind(b[0]), Criticality: b[1], Flags: le.Uint16(b[2:]), Segment: int32(le.Uint32(b[4:])),
		Owner: int32(le.Uint32(b[8:])), Vulns: le.Uint64(b[12:]), Services: le.Uint32(b[20:]),
		Integrity: int16(le.Uint16(b[24:])), Availability: int16(le.Uint16(b[26:])), Controller: int32(le.Uint32(b[28:])),
		Since: int32(le.Uint32(b[32:])), Capacity: int32(le.Uint32(b[36:])), Infra: int32(le.Uint32(b[40:]))}
}

// Hash is the SHA-256 of the canonical encoding.
func (w *World) Hash() [32]byte {
	h := sha256.New()
	_ = w.WriteSnapshot(h) // a hash.Hash never returns a write error
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// HashHex is Hash as lowercase hex.
func (w *World) HashHex() string { return fmt.Sprintf("%x", w.Hash()) }

var _ hash.Hash = sha256.New()

// Snapshot returns the canonical encoding as bytes (the same bytes
// WriteSnapshot writes), encoded straight into one buffer of the right size.
func (w *World) Snapshot() []byte {
	js, err := json.Marshal(w.state())
	if err != nil {
		return nil // cannot happen: the state holds no type json rejects
	}
	head := len(snapshotMagic) + 8 + len(js)
	// In int64: at the asset cap the product exceeds a 32-bit int.
	size := int64(head) + int64(len(w.Assets))*assetRecordBytes
	if size > int64(math.MaxInt) {
		return nil // cannot be held in memory on this machine (32-bit)
	}
	out := make([]byte, size)
	copy(out, snapshotMagic)
	binary.LittleEndian.PutUint64(out[len(snapshotMagic):], uint64(len(js)))
	copy(out[len(snapshotMagic)+8:], js)
	for i := range w.Assets {
		putAsset(out[head+i*assetRecordBytes:], &w.Assets[i])
	}
	return out
}

// SnapshotAssetsMax bounds what Restore accepts, so a corrupt file cannot
// ask for terabytes.
const SnapshotAssetsMax = 50_000_000

// Restore builds a world from a snapshot. The Director (Lua) is not in a
// snapshot: a scripted scenario resumes by replaying its journal.
func Restore(data []byte) (*World, error) {
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		return nil, errors.New("restore: not a cyberex snapshot")
	}
	data = data[len(snapshotMagic):]
	if len(data) < 8 {
		return nil, errors.New("restore: truncated header")
	}
	n := binary.LittleEndian.Uint64(data)
	data = data[8:]
	if n > uint64(len(data)) {
		return nil, errors.New("restore: truncated state")
	}
	var s state
	dec := json.NewDecoder(bytes.NewReader(data[:n]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("restore: state: %w", err)
	}
	if s.Version != Version {
		return nil, fmt.Errorf("restore: snapshot of engine %s, this is %s", s.Version, Version)
	}
	data = data[n:]
	// In int64: at the asset cap the product exceeds a 32-bit int.
	if s.Assets < 0 || s.Assets > SnapshotAssetsMax || int64(len(data)) != int64(s.Assets)*assetRecordBytes {
		return nil, fmt.Errorf("restore: %d bytes of assets for %d assets", len(data), s.Assets)
	}
	if len(s.RNG) != streamCount {
		return nil, fmt.Errorf("restore: %d generator states, want %d", len(s.RNG), streamCount)
	}
	w := &World{Seed: s.Seed, Tick: s.Tick, Settings: s.Settings, Jurisdictions: s.Jurisdictions, Agreements: s.Agreements,
		Orgs: s.Orgs, Segments: s.Segments, Links: s.Links, Vulns: s.Vulns, Services: s.Services, AssetNames: s.AssetNames,
		Infras: s.Infras, Evidence: s.Evidence, Requests: s.Requests, Reports: s.Reports, Contents: s.Contents,
		Payments: s.Payments, Campaigns: s.Campaigns, Steps: s.Steps, Injects: s.Injects, Objectives: s.Objectives,
		Actions: s.Actions, Cases: s.Cases, Messages: s.Messages, Custom: s.Custom, Counters: s.Counters, NextCommandID: s.NextCommandID,
		Ended: s.Ended, EndTick: s.EndTick}
	for i := range w.rng {
		if err := w.rng[i].src.UnmarshalBinary(s.RNG[i]); err != nil {
			return nil, fmt.Errorf("restore: generator %d: %w", i, err)
		}
	}
	w.Assets = make([]Asset, s.Assets)
	for i := range w.Assets {
		w.Assets[i] = getAsset(data[i*assetRecordBytes:])
	}
	if err := w.checkRefs(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	// Script metrics are found by binary search (customIndex).
	for i := 1; i < len(w.Custom); i++ {
		if w.Custom[i-1].Name >= w.Custom[i].Name {
			return nil, fmt.Errorf("restore: script metrics not in order of name or repeated (%q before %q)", w.Custom[i-1].Name, w.Custom[i].Name)
		}
	}
	for _, r := range w.Requests {
		if r.From < 0 || int(r.From) >= len(w.Orgs) || r.To < 0 || int(r.To) >= len(w.Orgs) {
			return nil, errors.New("restore: request organisation out of range")
		}
	}
	for _, a := range w.Actions {
		if a.Org < 0 || int(a.Org) >= len(w.Orgs) {
			return nil, errors.New("restore: action organisation out of range")
		}
		if _, ok := verbs[a.Verb]; !ok {
			return nil, fmt.Errorf("restore: unknown verb %q", a.Verb)
		}
	}
	if err := w.rebuildIndex(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := w.checkRestored(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	return w, nil
}

// checkRestored guards Step against what only a snapshot (not a loader)
// can hold: the run's own records pointing out of range.
func (w *World) checkRestored() error {
	no, nc := len(w.Orgs), len(w.Campaigns)
	org := func(i int32) bool { return i >= 0 && int(i) < no }
	if w.Settings.TickSeconds <= 0 {
		return errors.New("settings: tick_seconds must be positive")
	}
	for _, k := range w.Cases {
		if !org(k.Prosecutor) || k.Campaign < 0 || int(k.Campaign) >= nc {
			return errors.New("case: reference out of range")
		}
	}
	for _, e := range w.Evidence {
		if len(e.ObtainedCustody) != len(e.ObtainedBy) || len(e.ObtainedTick) != len(e.ObtainedBy) {
			return fmt.Errorf("evidence %s: copies out of step", e.ID)
		}
		for _, o := range e.ObtainedBy {
			if !org(o) {
				return fmt.Errorf("evidence %s: copy held by an organisation out of range", e.ID)
			}
		}
	}
	for _, r := range w.Reports {
		if !org(r.Author) || !org(r.From) || r.Origin < None || int(r.Origin) > len(w.Reports) || (r.Campaign != None && (r.Campaign < 0 || int(r.Campaign) >= nc)) {
			return fmt.Errorf("report rep-%d: reference out of range", r.ID)
		}
		for _, t := range r.To {
			if !org(t) {
				return fmt.Errorf("report rep-%d: recipient out of range", r.ID)
			}
		}
	}
	for _, o := range w.Orgs {
		if len(o.Facts) > FactsMax {
			return fmt.Errorf("org %s: %d facts, at most %d", o.ID, len(o.Facts), FactsMax)
		}
		for _, c := range o.Indicators {
			if c < 0 || int(c) >= nc {
				return fmt.Errorf("org %s: indicators of a campaign out of range", o.ID)
			}
		}
		for _, f := range o.Facts {
			if f.Campaign < None || int(f.Campaign) >= nc {
				return fmt.Errorf("org %s: fact %s:%s: campaign out of range", o.ID, f.Kind, f.Subject)
			}
		}
	}
	if len(w.Messages) > MessagesMax {
		return fmt.Errorf("%d messages, at most %d", len(w.Messages), MessagesMax)
	}
	for i, m := range w.Messages {
		if m.ID != int32(i+1) || (m.From != None && !org(m.From)) {
			return fmt.Errorf("message %d: id or sender out of range", i+1)
		}
		for _, t := range m.To {
			if !org(t) {
				return fmt.Errorf("message %s: recipient out of range", MessageID(m.ID))
			}
		}
	}
	for _, r := range w.Requests {
		if r.Status != ReqPending && r.Status != ReqAccepted && r.Status != ReqUnanswered {
			continue
		}
		if err := w.checkRequestTarget(r.Kind, r.Target); err != nil {
			return fmt.Errorf("request req-%d: target %q: %w", r.ID, r.Target, err)
		}
	}
	return nil
}
