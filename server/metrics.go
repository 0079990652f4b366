package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are what /metrics exposes (Prometheus text format).
type metrics struct {
	connections  prometheus.Gauge
	exercises    prometheus.Gauge
	ticks        prometheus.Counter
	tickSeconds  prometheus.Histogram
	deltaSeconds prometheus.Histogram
	commands     prometheus.Counter
	rejections   *prometheus.CounterVec
	syncSeconds  prometheus.Histogram
	queueDrops   prometheus.Counter
	messagesIn   prometheus.Counter
	messagesOut  prometheus.Counter
	bytesOut     prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{Name: "cyberex_connections",
			Help: "Websocket connections open now (joined or not)."}),
		exercises: prometheus.NewGauge(prometheus.GaugeOpts{Name: "cyberex_exercises",
			Help: "Exercises the server runs now."}),
		ticks: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_ticks_total",
			Help: "Ticks made, over all exercises."}),
		tickSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "cyberex_tick_seconds",
			Help:    "Time to make one tick: Step and its journal write.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		deltaSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "cyberex_delta_seconds",
			Help:    "From the end of a tick to its deltas (views brought forward, encoded once per audience) queued for every client.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		commands: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_commands_total",
			Help: "Commands journaled and acknowledged (teams' and the white cell's)."}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cyberex_rejections_total",
			Help: "Client messages refused, by error code."}, []string{"code"}),
		syncSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "cyberex_journal_sync_seconds",
			Help:    "Time to write and sync one group of commands to an exercise's journal.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		queueDrops: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_send_queue_drops_total",
			Help: "Connections closed because their send queue was full (a slow reader)."}),
		messagesIn: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_messages_received_total",
			Help: "Messages read from clients."}),
		messagesOut: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_messages_sent_total",
			Help: "Messages written to clients."}),
		bytesOut: prometheus.NewCounter(prometheus.CounterOpts{Name: "cyberex_sent_bytes_total",
			Help: "Bytes of messages written to clients."}),
	}
	reg.MustRegister(m.connections, m.exercises, m.ticks, m.tickSeconds, m.deltaSeconds, m.commands,
		m.rejections, m.syncSeconds, m.queueDrops, m.messagesIn, m.messagesOut, m.bytesOut,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
