package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"cyberex/engine"
	aar "cyberex/report"
	"cyberex/stix"
)

func newStixCmd(e *env) *cobra.Command {
	var out, dir, tlp string
	c := &cobra.Command{
		Use:   "stix JOURNAL",
		Short: "Export a run's campaigns, indicators, attack patterns, sightings and reports as a STIX 2.1 bundle",
		Long: `Replay a journal and export what the exercise handled as a STIX 2.1 bundle,
for training in MISP or OpenCTI: the organisations (identities; the adversary
as a threat actor), each attack campaign and the incident it caused, the
MITRE ATT&CK techniques it used (attack patterns with their ids), an indicator
of its C2 (a domain under .exercise.invalid, which never resolves), who held
those indicators and when (sightings), and the reports the organisations
shared, with their TLP 2.0 markings (the fixed marking-definition ids).

Every object is marked as exercise data (a statement marking, the label
"exercise" and x_cyberex_exercise). Ids are UUIDv5 derived from the exercise,
so the same run exports the same bundle. The bundle is checked against the
STIX 2.1 rules before it is written (docs/report.md#stix-21).`,
		Example: `  cyberex stix run.jsonl -o bundle.json`,
		Args:    rangeArgs(1, 1, "one JOURNAL file"),
		RunE: func(c *cobra.Command, args []string) error {
			label, ok := engine.ParseTLP(tlp)
			if !ok {
				return inputErrorf("--tlp %q: CLEAR, GREEN, AMBER, AMBER+STRICT or RED", tlp)
			}
			j, l, err := loadJournal(e, args[0], dir)
			if err != nil {
				return err
			}
			run, err := aar.Collect(l.s, j, "this run")
			if err != nil {
				return classify(err)
			}
			b, err := stix.Export(run, stix.Options{Digest: j.Header.Digest, TLP: &label})
			if err != nil {
				return failure(err)
			}
			data, err := stix.Marshal(b)
			if err != nil {
				return failure(err)
			}
			if err := e.writeOutput(out, data); err != nil || out == "-" {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d STIX objects\n", safe(out), len(b.Objects))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "-", "write the bundle to `FILE` (- for stdout)")
	c.Flags().StringVar(&dir, "scenario", "", "scenario `DIR` of the journal (default: the one in its header)")
	c.Flags().StringVar(&tlp, "tlp", "AMBER", "TLP of the objects no shared report labels (campaigns, incidents, indicators)")
	return c
}
