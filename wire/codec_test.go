package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"cyberex/engine"
)

// TestEncodeIsTheMarshalledEnvelope: the envelope Encode writes by hand is
// byte for byte what marshalling it gives (HTML escaping included), so a
// client in another language reads the same bytes as before.
func TestEncodeIsTheMarshalledEnvelope(t *testing.T) {
	msgs := append(examples(), &Error{Code: ErrMalformed, Message: "<script>&\u2028"},
		&Error{Code: ErrServer, Message: strings.Repeat("<big>&\u2028\"\\ ", 1<<17)}) // a megabyte
	for _, m := range msgs {
		got, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(m)
		want, _ := json.Marshal(envelope{Type: m.Type(), Data: data})
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", m.Type(), got, want)
		}
	}
}

// TestDecodeShortcutAgrees: a message in Encode's spelling decodes by the
// shortcut to what the full decoder gives, and every near miss of that
// spelling gets the full decoder's verdict (the same error text).
func TestDecodeShortcutAgrees(t *testing.T) {
	full := func(b []byte, types map[string]func() Message) (Message, error) {
		// The full decoder alone: the shortcut is skipped by a leading space.
		return decode(append([]byte(" "), b...), types, "the server")
	}
	for _, m := range examples() {
		b, _ := Encode(m)
		types := serverTypes
		if _, ok := clientTypes[m.Type()]; ok {
			types = clientTypes
		}
		got, err := decode(b, types, "the server")
		want, err2 := full(b, types)
		if err != nil || err2 != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v\n got %#v\nwant %#v", m.Type(), err, err2, got, want)
		}
	}
	bad := []string{
		`{"type":"ack","data":{"ref":1},"extra":1}`,
		`{"type":"ack","data":{"ref":1}}{"type":"ack","data":{"ref":2}}`,
		`{"type":"ack","data":{"ref":1},"type":"bye"}`,
		`{"type":"ack","data":{"ref":1,"nope":2}}`,
		`{"type":"ack","data":null}`,
		`{"type":"ack","data":}`,
		`{"type":"ack","data":{"ref":"x"}}`,
		`{"type":"nope","data":{}}`,
		`{"type":"ACK","data":{}}`,
		`{"type":"ack","data":{"ref":1} }`,
		`{"type":"ack","data":[1,2]}`,
	}
	for _, s := range bad {
		_, err := decode([]byte(s), serverTypes, "the server")
		_, err2 := full([]byte(s), serverTypes)
		if fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Errorf("%s: shortcut says %v, full decoder %v", s, err, err2)
		}
		if strings.HasSuffix(s, `"ref":1} }`) || s == `{"type":"ACK","data":{}}` {
			continue // accepted by both (whitespace; keys match case-insensitively)
		}
		if err == nil {
			t.Errorf("%s accepted", s)
		}
	}
}

// deltaMessage is a team's delta of a busy tick: the queue, an asset, and
// the events of a few commands.
func deltaMessage(events int) *Delta {
	d := &Delta{ViewDelta: engine.ViewDelta{Org: "csirt-a", From: 12, Tick: 13, Clock: 1772439180, Complete: true,
		Queue:  &engine.Changes[engine.ActionView]{Upsert: []engine.ActionView{{ActionCore: engine.ActionCore{N: 31, ID: "cmd-31", Org: "csirt-a", Verb: "request", Target: "c2-1", Staff: 1, Ticks: 15, Queued: 13, Running: true, Start: 13, Done: 28}}}},
		Assets: &engine.Changes[engine.AssetView]{Upsert: []engine.AssetView{{AssetCore: engine.AssetCore{N: 4, ID: "web-1", Kind: "website", Owner: "ministry-a", Integrity: 1000, Availability: 1000}}}}}}
	for i := 0; i < events; i++ {
		d.Events = append(d.Events, engine.Event{Tick: 13, Kind: engine.EvCommandRejected, Org: "csirt-a", Subject: "req-1", Command: int64(40 + i), Text: "csirt-a query req-1 rejected: no request req-1"})
	}
	return d
}

// BenchmarkCodecDecodeDelta is what every client pays for every delta:
// the shortcut (a message in Encode's spelling) and the full decoder (the
// same message after a space), alternated in rounds so that both sides
// meet the same neighbours on a shared machine; CPU time per decode of
// each, median of the rounds (`go test -run '^$' -bench Codec ./wire/`).
func BenchmarkCodecDecodeDelta(b *testing.B) {
	msg, _ := Encode(deltaMessage(4))
	spaced := append([]byte(" "), msg...)
	const round = 200
	var short, full []int64
	for b.Loop() {
		for k, m := range [][]byte{msg, spaced} {
			cpu := cpuNanos()
			for j := 0; j < round; j++ {
				if _, err := DecodeServer(m); err != nil {
					b.Fatal(err)
				}
			}
			d := (cpuNanos() - cpu) / round
			if k == 0 {
				short = append(short, d)
			} else {
				full = append(full, d)
			}
		}
	}
	b.ReportMetric(float64(median(short)), "cpu-ns/decode")
	b.ReportMetric(float64(median(full)), "cpu-ns/full-decode")
	b.ReportMetric(float64(len(msg)), "bytes")
}

func median(v []int64) int64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// cpuNanos is the process's CPU time (user + system).
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkCodecEncodeDelta is what the server pays once per audience a
// tick.
func BenchmarkCodecEncodeDelta(b *testing.B) {
	m := deltaMessage(4)
	cpu := cpuNanos()
	for b.Loop() {
		if _, err := Encode(m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
}
