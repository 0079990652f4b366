package runner

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, as CI systems read it (Jenkins, GitLab, GitHub actions that
// publish test results): one testsuite per scenario, one testcase per
// test; a failed test has a <failure> with the first reason as message and
// every reason, with its replay command, as text; an invalid scenario is a
// testsuite with one testcase in <error>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func secs(s float64) string { return fmt.Sprintf("%.3f", s) }

// WriteJUnit writes the report as JUnit XML.
func WriteJUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: "cyberex test", Time: secs(r.Summary.Seconds)}
	for _, sc := range r.Scenarios {
		name := sc.Name
		if name == "" {
			name = sc.Path
		}
		st := junitSuite{Name: name, Properties: []junitProperty{{Name: "path", Value: sc.Path}}}
		if r.Shard != "" {
			st.Properties = append(st.Properties, junitProperty{Name: "shard", Value: r.Shard})
		}
		total := 0.0
		if len(sc.Errors) > 0 {
			st.Tests, st.Errors = 1, 1
			st.Cases = append(st.Cases, junitCase{Name: "load", Classname: name, Time: secs(0),
				Error: &junitProblem{Message: "invalid scenario: " + sc.Errors[0], Type: "invalid-scenario", Text: strings.Join(sc.Errors, "\n")}})
		}
		for _, t := range sc.Tests {
			st.Tests++
			total += t.Seconds
			c := junitCase{Name: t.Name, Classname: name, Time: secs(t.Seconds),
				SystemOut: fmt.Sprintf("%d runs (%d failed) in %.3fs", t.Done, t.FailedRuns, t.Seconds)}
			if t.Status != "pass" {
				st.Failures++
				var text strings.Builder
				for _, f := range t.Failures {
					text.WriteString(f.Message)
					text.WriteByte('\n')
					if f.Replay != "" {
						text.WriteString("  replay: " + f.Replay + "\n")
					}
				}
				msg := ""
				if len(t.Failures) > 0 {
					msg = t.Failures[0].Message
				}
				c.Failure = &junitProblem{Message: msg, Type: "expectation", Text: text.String()}
			}
			st.Cases = append(st.Cases, c)
		}
		st.Time = secs(total)
		out.Tests += st.Tests
		out.Failures += st.Failures
		out.Errors += st.Errors
		out.Suites = append(out.Suites, st)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
