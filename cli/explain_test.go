package cli

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

var rewriteReference = flag.Bool("rewrite", false, "rewrite docs/reference.md")

// docs/reference.md is what `cyberex explain --markdown` prints from the
// engine's tables: it fails here when either moved without the other.
func TestReferenceDoc(t *testing.T) {
	var b bytes.Buffer
	writeReferenceMarkdown(&b)
	const path = "../docs/reference.md"
	if *rewriteReference {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b.Bytes()) {
		t.Errorf("%s is stale: go test ./cli -run TestReferenceDoc -rewrite", path)
	}
}

// A designer answers "what does verb X do, what does metric Y mean, who
// sees event Z" from explain alone.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // regexp
		stderr string
	}{
		{[]string{"explain"}, 0, `(?s)verbs +23 verbs.*events +\d+ event kinds`, ""},
		{[]string{"explain", "verbs"}, 0, `(?m)^investigate +30 +1  examine an asset`, ""},
		{[]string{"explain", "verbs", "sinkhole"}, 0,
			`(?s)^verb sinkhole — 30 ticks, 1 staff.*who: +a registrar, ISP, hosting company or CSIRT of the jurisdiction the C2 sits in.*target: +a C2 server.*effects: .*emits: +botnet\.c2_disrupted`, ""},
		{[]string{"explain", "metrics", "priority_min"}, 0, `(?s)meaning: +lowest level of priority infrastructure.*unit: +‰ of full service`, ""},
		{[]string{"explain", "metrics", "infra:hospital"}, 0, `(?s)^metric infra:ID\n.*params: +ID: the id of the infrastructure`, ""},
		{[]string{"explain", "metrics", "script.warned"}, 0, `(?s)^metric script\.NAME.*set_metric`, ""},
		{[]string{"explain", "events", "website.defaced"}, 0, `(?s)seen by: +everyone \(public\).*payload:.*subject +string +the website`, ""},
		{[]string{"explain", "events", "ddos.scrubbed"}, 0, `(?s)from: +the verbs deny`, ""},
		{[]string{"explain", "channels", "24/7"}, 0, `(?s)hours: +around the clock.*default: +a preservation request abroad`, ""},
		{[]string{"explain", "kinds", "fiu"}, 0, `^organisation kind fiu\n`, ""},
		{[]string{"explain", "takedown"}, 0, `^verb takedown`, ""},
		{[]string{"explain", "verbs", "sinkole"}, 2, `^$`, `explain verbs: no "sinkole"; did you mean "sinkhole"\?`},
		{[]string{"explain", "evnts", "x"}, 2, `^$`, `unknown topic "evnts"; did you mean "events"\?`},
		{[]string{"explain", "zzzzzzzzzz"}, 2, `^$`, `"zzzzzzzzzz" is no topic`},
		{[]string{"explain", "verbs", "--markdown"}, 2, `^$`, `give no TOPIC`},
	} {
		code, out, errOut := cyberex(t, tc.args...)
		if code != tc.code || !regexp.MustCompile(tc.stdout).MatchString(out) || (tc.stderr != "" && !regexp.MustCompile(tc.stderr).MatchString(errOut)) {
			t.Errorf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, out, errOut)
		}
	}
}

// A run whose team waits for staff a tenth of the exercise says so.
func TestRunWarnsOfLongWaits(t *testing.T) {
	dir := t.TempDir()
	cmds := writeFile(t, dir, "moves.jsonl", `{"tick":1,"org":"isp","verb":"remediate","target":"homes"}
{"tick":1,"org":"isp","verb":"remediate","target":"homes"}
{"tick":1,"org":"isp","verb":"remediate","target":"homes"}
`)
	code, _, errOut := cyberex(t, "run", "../runner/testdata/tiny", "--commands", cmds, "--json")
	want := "warning: isp's actions waited for staff up to 39 ticks (97% of the run; 1 of 3 actions waited or still wait, 39 ticks in all)"
	if code != 0 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d\n%s\nwant %s", code, errOut, want)
	}
	code, _, errOut = cyberex(t, "run", "../runner/testdata/tiny", "--json")
	if code != 0 || strings.Contains(errOut, "waited for staff") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
