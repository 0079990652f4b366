package cli

import (
	"fmt"
	"io"
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
		Long: `Print the program's version: the module version and the commit it was built
from when the build recorded them (a build from a git checkout, without
-buildvcs=false), else "devel"; then the engine's rules version, the journal
format and the Go toolchain. 'cyberex --version' prints the same.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			printVersion(e.stdout)
			return nil
		},
	}
}

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "cyberex %s\n", programVersion(debug.ReadBuildInfo()))
	fmt.Fprintf(w, "engine %s, journal format %s, %s %s/%s\n", engine.Version, journal.Format, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// programVersion is the module version and the commit it was built from,
// when the build recorded them: "v0.0.0-20261123180910-761bf5e12ede+dirty
// (commit 761bf5e12ede, modified)", or "devel" for a build without version
// control information (go build -buildvcs=false, go run, go test).
func programVersion(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "devel (no build information)"
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
