package scenario

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// -rewrite regenerates golden files (testdata/bad/*.err and the schema),
// as etcd-io/raft does with its transcripts.
var rewrite = flag.Bool("rewrite", false, "rewrite golden files")

// TestBadScenarios loads every testdata/bad/*.yaml and compares the errors
// with the .err file beside it. Lines "# set: key=value" at the top of a
// case are --set overrides.
func TestBadScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no cases", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var sets []string
			for _, l := range strings.Split(string(data), "\n") {
				if s, ok := strings.CutPrefix(l, "# set: "); ok {
					sets = append(sets, s)
				}
			}
			start := time.Now()
			_, err = LoadFS(fstest.MapFS{"scenario.yaml": {Data: data}}, ".", Options{Set: sets})
			if d := time.Since(start); d > hangGuard {
				t.Errorf("took %s", d)
			}
			if err == nil {
				t.Fatal("loaded without error")
			}
			if _, ok := err.(*Errors); !ok {
				t.Errorf("error is %T, want *Errors", err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *rewrite {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./scenario -run TestBadScenarios -rewrite)", err)
			}
			if !bytes.Equal(want, []byte(got)) {
				t.Errorf("errors differ (go test ./scenario -run TestBadScenarios -rewrite)\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// A long dependency cycle is named by its ends, not listed whole.
func TestLongCycleErrorBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`name: cycle
settings: {duration: 10}
jurisdictions: [{id: A}]
organisations: [{id: o, kind: operator, jurisdiction: A}]
infrastructure:
`)
	const n = 20_000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- {id: i%d, owner: o, depends_on: [{infra: i%d}]}\n", i, (i+1)%n)
	}
	// A second, short cycle, listed whole.
	b.WriteString("- {id: x, owner: o, depends_on: [{infra: y}]}\n- {id: y, owner: o, depends_on: [{infra: x}]}\n")
	err := ValidateFS(fstest.MapFS{"c/scenario.yaml": {Data: []byte(b.String())}}, "c", Options{})
	if err == nil {
		t.Fatal("cycle accepted")
	}
	msg := err.Error()
	if len(msg) > 1000 {
		t.Errorf("error of %d bytes", len(msg))
	}
	for _, want := range []string{"dependency cycle: i0 -> i1 -> i2 -> i3 -> … (19993 more) … -> i19997 -> i19998 -> i19999 -> i0", "dependency cycle: x -> y -> x"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
}

// What the YAML reader refuses without saying where (invalid UTF-8, a
// control character) is reported at its line and column; what it says a
// line for (nesting too deep) keeps it.
func TestYAMLReaderErrorsHaveALine(t *testing.T) {
	head := "name: x\nsettings:\n  duration: 10\n"
	cases := []struct {
		name, text, want string
	}{
		{"invalid UTF-8", head + "description: \"ok\"\nfoo: \xc3\x28\n", "scenario.yaml:5:6: not valid YAML: invalid trailing UTF-8 octet (invalid UTF-8: byte 0xC3)"},
		{"a lone continuation byte", head + "\n\ndescription: ab\x80\n", "scenario.yaml:6:16: not valid YAML"},
		{"a control byte", head + "description: a\x01b\n", "scenario.yaml:4:15: not valid YAML: control characters are not allowed (control character U+0001)"},
		{"a NUL after text in another script", head + "description: héllo\x00\n", "scenario.yaml:4:19: not valid YAML"},
		{"nested too deep", head + "vars:\n  a: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "scenario.yaml:5: not valid YAML: exceeded max depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateFS(fstest.MapFS{"s/scenario.yaml": {Data: []byte(c.text)}}, "s", Options{})
			if err == nil || !strings.Contains(err.Error(), "s/"+c.want) {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}
