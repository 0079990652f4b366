package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"cyberex/engine"
	"cyberex/journal"
)

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of the program, the engine's rules and the journal format",
		Args:  noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "cyberex %s\n", programVersion())
			fmt.Fprintf(e.stdout, "engine %s, journal format %s, %s %s/%s\n", engine.Version, journal.Format, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// programVersion is the module version and the commit it was built from,
// when the build recorded them.
func programVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown build)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (commit %.12s%s)", rev, modified)
	}
	return v
}
