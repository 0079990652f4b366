package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/engine"
	"cyberex/engine/suggest"
)

func newExplainCmd(e *env) *cobra.Command {
	var markdown bool
	c := &cobra.Command{
		Use:   "explain [TOPIC] [NAME]",
		Short: "Explain the engine's verbs, metrics, events, channels and kinds",
		Long: `Print the engine's own reference: what a verb does (who may give it, its
target, its duration and staff, its effects, the events it emits), what a
metric means (its unit, its parameters), what an event kind carries and who
sees it, what a request channel costs, what each kind of organisation,
asset, campaign and request is.

TOPIC is verbs, metrics, events, channels or kinds; without NAME, a list.
A NAME alone (cyberex explain investigate) is looked up in every topic.
--markdown prints the whole reference as docs/reference.md holds it.`,
		Example: `  cyberex explain verbs
  cyberex explain verbs request
  cyberex explain events website.defaced
  cyberex explain metrics priority_min
  cyberex explain sinkhole`,
		Args: rangeArgs(0, 2, "at most a TOPIC and a NAME"),
		RunE: func(c *cobra.Command, args []string) error {
			if markdown {
				if len(args) > 0 {
					return inputErrorf("explain: --markdown prints the whole reference: give no TOPIC")
				}
				writeReferenceMarkdown(e.stdout)
				return nil
			}
			return explain(e.stdout, args)
		},
	}
	c.Flags().BoolVar(&markdown, "markdown", false, "print the whole reference as Markdown (docs/reference.md)")
	return c
}

func explain(w io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(w, "Topics: cyberex explain TOPIC [NAME]")
		fmt.Fprintf(w, "  verbs     %d verbs: who may give them, target, duration, staff, effects, events\n", len(engine.VerbNames()))
		fmt.Fprintf(w, "  metrics   %d metrics: meaning, unit, parameters\n", len(engine.MetricRefs()))
		fmt.Fprintf(w, "  events    %d event kinds: payload fields, who sees them\n", len(engine.EventKinds))
		fmt.Fprintf(w, "  channels  %d request channels: delay, hours, default use, custody\n", len(engine.ChannelRefs()))
		fmt.Fprintf(w, "  kinds     organisation, asset, campaign and request kinds\n")
		return nil
	}
	topic := args[0]
	name := ""
	if len(args) == 2 {
		name = args[1]
	}
	known := false
	for _, t := range engine.ExplainTopics {
		known = known || t == topic
	}
	if !known {
		if len(args) == 2 {
			return inputErrorf("explain: unknown topic %q%s", topic, didYouMean(topic, engine.ExplainTopics))
		}
		return explainAnywhere(w, topic)
	}
	if name == "" {
		listTopic(w, topic)
		return nil
	}
	if !explainOne(w, topic, name) {
		return inputErrorf("explain %s: no %q%s", topic, name, didYouMean(name, topicNames(topic)))
	}
	return nil
}

func didYouMean(word string, cands []string) string {
	if c := suggest.Closest(word, cands); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// explainAnywhere looks a NAME up in every topic.
func explainAnywhere(w io.Writer, name string) error {
	found := false
	var all []string
	for _, t := range engine.ExplainTopics {
		if found {
			break
		}
		found = explainOne(w, t, name)
		all = append(all, topicNames(t)...)
	}
	if !found {
		return inputErrorf("explain: %q is no topic (%s) and no verb, metric, event kind, channel or kind%s",
			name, strings.Join(engine.ExplainTopics, ", "), didYouMean(name, append(all, engine.ExplainTopics...)))
	}
	return nil
}

func topicNames(topic string) []string {
	var out []string
	switch topic {
	case "verbs":
		out = engine.VerbNames()
	case "metrics":
		for _, m := range engine.MetricRefs() {
			out = append(out, m.Name)
		}
	case "events":
		out = append(out, engine.EventKinds...)
	case "channels":
		for _, c := range engine.ChannelRefs() {
			out = append(out, c.Name)
		}
	case "kinds":
		for _, k := range engine.KindRefs() {
			out = append(out, k.Name)
		}
	}
	return out
}

func listTopic(w io.Writer, topic string) {
	switch topic {
	case "verbs":
		fmt.Fprintln(w, "verb         ticks staff  what it does (cyberex explain verbs NAME)")
		for _, v := range engine.VerbRefs() {
			fmt.Fprintf(w, "%-12s %5d %5d  %s\n", v.Name, v.Ticks, v.Staff, v.Doc)
		}
	case "metrics":
		for _, m := range engine.MetricRefs() {
			fmt.Fprintf(w, "%-24s %s (%s)\n", m.Name, m.Doc, m.Unit)
		}
	case "events":
		for _, r := range engine.EventRefs() {
			fmt.Fprintf(w, "%-24s %s\n", r.Kind, r.Doc)
		}
	case "channels":
		for _, c := range engine.ChannelRefs() {
			fmt.Fprintf(w, "%-8s %s\n", c.Name, c.Doc)
		}
	case "kinds":
		of := ""
		for _, k := range engine.KindRefs() {
			if k.Of != of {
				if of != "" {
					fmt.Fprintln(w)
				}
				of = k.Of
				fmt.Fprintf(w, "%s kinds:\n", of)
			}
			fmt.Fprintf(w, "  %-11s %s\n", k.Name, k.Doc)
		}
	}
}

// explainOne prints one entry; false when the topic has no such name.
func explainOne(w io.Writer, topic, name string) bool {
	field := func(label, text string) {
		if text != "" {
			fmt.Fprintf(w, "  %-9s %s\n", label+":", text)
		}
	}
	switch topic {
	case "verbs":
		for _, v := range engine.VerbRefs() {
			if v.Name != name {
				continue
			}
			fmt.Fprintf(w, "verb %s — %d ticks, %d staff (defaults; settings.verbs overrides them)\n", v.Name, v.Ticks, v.Staff)
			fmt.Fprintf(w, "  %s\n", v.Doc)
			field("openc2", v.OpenC2)
			field("who", v.Who)
			field("target", v.Target)
			field("args", v.Args)
			field("effects", v.Effects)
			field("emits", strings.Join(v.Emits, ", ")+" (and command.accepted, command.started, command.done or command.rejected to the commanding organisation)")
			return true
		}
	case "metrics":
		for _, m := range engine.MetricRefs() {
			if m.Name != name && !metricMatches(m.Name, name) {
				continue
			}
			fmt.Fprintf(w, "metric %s\n", m.Name)
			field("meaning", m.Doc)
			field("unit", m.Unit)
			if strings.Contains(m.Name, ":") || strings.Contains(m.Name, "NAME") {
				field("params", metricParams(m.Name))
			}
			return true
		}
	case "events":
		for _, r := range engine.EventRefs() {
			if r.Kind != name {
				continue
			}
			fmt.Fprintf(w, "event %s\n  %s\n", r.Kind, r.Doc)
			field("seen by", r.Seen+" (controllers and evaluators see every event)")
			if vs := engine.VerbsEmitting(r.Kind); len(vs) > 0 {
				field("from", "the verbs "+strings.Join(vs, ", "))
			}
			fmt.Fprintln(w, "  payload:")
			for _, f := range eventPayload(r) {
				fmt.Fprintf(w, "    %-8s %-8s %s\n", f.Name, f.Type, f.Doc)
			}
			if len(r.Fields) > 0 {
				fmt.Fprintln(w, "  fields (ev.fields.NAME in Lua; every value a string):")
				for _, f := range r.Fields {
					fmt.Fprintf(w, "    %-14s %s: %s%s\n", f.Name, f.Type, f.Doc, payloadWhen(f))
				}
			}
			return true
		}
	case "channels":
		for _, c := range engine.ChannelRefs() {
			if c.Name != name {
				continue
			}
			fmt.Fprintf(w, "channel %s\n  %s\n", c.Name, c.Doc)
			field("delay", c.Delay)
			field("hours", c.Hours)
			field("default", c.Default)
			field("custody", c.Custody)
			return true
		}
	case "kinds":
		found := false
		for _, k := range engine.KindRefs() {
			if k.Name == name {
				fmt.Fprintf(w, "%s kind %s\n  %s\n", k.Of, k.Name, k.Doc)
				found = true
			}
		}
		return found
	}
	return false
}

// metricMatches says whether a concrete name (infra:hospital) has the form
// of a pattern (infra:ID).
func metricMatches(pattern, name string) bool {
	if strings.HasPrefix(pattern, "script.") {
		return strings.HasPrefix(name, "script.")
	}
	pp, np := strings.Split(pattern, ":"), strings.Split(name, ":")
	return len(pp) > 1 && len(np) >= 2 && pp[0] == np[0]
}

func metricParams(pattern string) string {
	switch {
	case strings.HasPrefix(pattern, "script."):
		return "NAME: the name given to set_metric"
	case strings.Contains(pattern, "JURISDICTION"):
		return "JURISDICTION: a jurisdiction id (then optionally :CAMPAIGN)"
	case strings.HasPrefix(pattern, "request:"):
		return "N: the request's number (req-N)"
	}
	head, _, _ := strings.Cut(pattern, ":")
	return "ID: the id of the " + map[string]string{"infra": "infrastructure", "asset": "asset (named or generated)",
		"campaign": "campaign", "evidence": "evidence item", "content": "content item", "objective": "objective"}[head] +
		"; the part after it picks the figure (see meaning)"
}

// eventPayload is the fields of an event kind, with what org, subject and
// value hold for it.
func eventPayload(r engine.EventRef) []engine.EventField {
	var out []engine.EventField
	for _, f := range engine.EventFields {
		switch f.Name {
		case "org":
			if r.Org == "" {
				continue
			}
			f.Doc = r.Org
		case "subject":
			if r.Subject == "" {
				continue
			}
			f.Doc = r.Subject
		case "value":
			if r.Value == "" {
				continue
			}
			f.Doc = r.Value
		}
		out = append(out, f)
	}
	return out
}

// payloadWhen says when an optional payload field is present.
func payloadWhen(f engine.PayloadField) string {
	if f.When == "" {
		return ""
	}
	return " (when " + f.When + ")"
}

// payloadNames lists a kind's payload fields by name, for a table cell.
func payloadNames(r engine.EventRef) string {
	names := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		names[i] = "`" + f.Name + "`"
	}
	return strings.Join(names, ", ")
}

// writeReferenceMarkdown renders docs/reference.md from the engine's
// tables (a test keeps the file equal to it).
func writeReferenceMarkdown(w io.Writer) {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	fmt.Fprint(w, `# Reference

Generated from the engine's own tables (engine/reference.go, the verbs,
metrics and event kinds themselves) by `+"`cyberex explain --markdown`"+`;
`+"`go test ./cli -run TestReferenceDoc -rewrite`"+` rewrites it, and the
test fails when it is stale. The same text, one entry at a time:
`+"`cyberex explain verbs investigate`"+`, `+"`cyberex explain events website.defaced`"+`.

`)
	fmt.Fprint(w, "## Verbs\n\nTicks and staff are defaults (`settings.verbs` overrides them). Every command also gets `command.accepted` (or `command.rejected`), `command.started` if it waited for staff, and `command.done`, seen by the commanding organisation.\n\n")
	fmt.Fprintln(w, "| verb | OpenC2 | ticks | staff | who may give it | target | args | effects | emits |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, v := range engine.VerbRefs() {
		fmt.Fprintf(w, "| `%s` | %s | %d | %d | %s | %s | %s | %s | %s |\n", v.Name, cell(v.OpenC2), v.Ticks, v.Staff,
			cell(v.Who), cell(v.Target), cell(v.Args), cell(v.Effects), "`"+strings.Join(v.Emits, "`, `")+"`")
	}
	fmt.Fprint(w, "\n## Metrics\n\nRead by objectives, tests, `run --json` and `metric()` in Lua.\n\n")
	fmt.Fprintln(w, "| metric | meaning | unit |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, m := range engine.MetricRefs() {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", m.Name, cell(m.Doc), cell(m.Unit))
	}
	fmt.Fprint(w, "\n## Events\n\nEvery event carries these fields (in Lua: `ev.tick`, `ev.kind`...; in journals and over the wire as JSON):\n\n")
	fmt.Fprintln(w, "| field | type | |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, f := range engine.EventFields {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.Name, f.Type, cell(f.Doc))
	}
	fmt.Fprint(w, "\nWhat `org`, `subject`, `value` and `fields` hold, and who sees each kind (controllers and evaluators see every event):\n\n")
	fmt.Fprintln(w, "| kind | what happened | seen by | org | subject | value | fields |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range engine.EventRefs() {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.Kind, cell(r.Doc), cell(r.Seen), cell(r.Org), cell(r.Subject), cell(r.Value), cell(payloadNames(r)))
	}
	fmt.Fprint(w, "\n### Payloads\n\nEach kind's `fields`, in the order events carry them (`ev.fields.NAME` in Lua, `fields` in JSON: a list of `{k, v}`). Every value is a string; the type says how to read it. A field with no value is left out: \"when\" says when it is present.\n")
	for _, r := range engine.EventRefs() {
		if len(r.Fields) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### `%s`\n\n| field | type | | when |\n|---|---|---|---|\n", r.Kind)
		for _, f := range r.Fields {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", f.Name, cell(f.Type), cell(f.Doc), cell(f.When))
		}
	}
	fmt.Fprint(w, "\n## Channels\n\nA request travels by a channel (`channel=` or the default below); its delay is multiplied by bilateral agreements and spread by ±25%.\n\n")
	fmt.Fprintln(w, "| channel | what | delay | hours | default for | custody of a disclosure |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, c := range engine.ChannelRefs() {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s |\n", c.Name, cell(c.Doc), cell(c.Delay), cell(c.Hours), cell(c.Default), cell(c.Custody))
	}
	fmt.Fprint(w, "\n## Kinds\n")
	of := ""
	for _, k := range engine.KindRefs() {
		if k.Of != of {
			of = k.Of
			fmt.Fprintf(w, "\n### %s kinds\n\n| kind | |\n|---|---|\n", strings.ToUpper(of[:1])+of[1:])
		}
		fmt.Fprintf(w, "| `%s` | %s |\n", k.Name, cell(k.Doc))
	}
}
