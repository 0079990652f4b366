// Package cli holds the commands of the cyberex program, one file per
// command (run.go, validate.go, replay.go, version.go, ...). The main in
// cmd/cyberex only calls Execute.
//
// Every command reads untrusted input (flags, scenarios, journals,
// commands files) and says clearly what is wrong with it; exit codes are
// in exit.go.
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	// The Lua host: scenarios with scripts get their story.
	_ "cyberex/engine/script/host"
)

// env is what commands may touch of the outside world; tests give their own.
type env struct {
	stdout, stderr io.Writer
	// progress says whether a progress bar may be drawn on stderr (it is a
	// terminal).
	progress bool
	// now reads the wall clock, only to decide whether a run is long
	// enough for a progress bar: nothing it returns reaches a run.
	now func() time.Time
	// signals, when not nil, replaces the operating system's SIGINT and
	// SIGTERM for commands that catch them (sweep): tests send on it.
	signals chan os.Signal
}

// Execute runs cyberex with the process's arguments and returns its exit
// code.
func Execute() int {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now,
		progress: term.IsTerminal(int(os.Stderr.Fd()))}
	return run(e, os.Args[1:])
}

// Run runs cyberex in process with args (without the program name),
// writing to stdout and stderr, and returns the exit code. It never draws
// a progress bar.
func Run(args []string, stdout, stderr io.Writer) int {
	return run(&env{stdout: stdout, stderr: stderr, now: time.Now}, args)
}

func run(e *env, args []string) (code int) {
	defer func() {
		// A bug must not exit 2 (Go's exit code for a panic), which
		// would blame the input.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "cyberex: internal error (a bug: please report it with the command line): %v\n%s", r, debug.Stack())
			code = ExitFailure
		}
	}()
	root := newRoot(e)
	root.SetArgs(args)
	return report(root.Execute(), e.stderr)
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "cyberex",
		Short: "Deterministic cyber-exercise simulation",
		Long: `cyberex simulates attacks on networks and critical infrastructure and the
work of the agencies that respond to them, tick by tick and deterministically:
the same scenario, seed and commands give the same result on every machine.

A SCENARIO is a folder holding scenario.yaml and its Lua scripts (or the path
of its scenario.yaml).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return c.Help()
		},
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	// --version prints what `cyberex version` prints (cobra adds the
	// flag when Version is set, and prints the template).
	var v strings.Builder
	printVersion(&v)
	root.Version = programVersion(debug.ReadBuildInfo())
	root.SetVersionTemplate(strings.NewReplacer("{{", "{{`{{`}}").Replace(v.String()))
	root.InitDefaultVersionFlag()
	if f := root.Flags().Lookup("version"); f != nil {
		f.Usage = "print the versions, as cyberex version does"
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return inputErrorf("%s%w\nRun '%s --help' for usage.", where(c), err, c.CommandPath())
	})
	root.SetHelpCommand(newHelpCmd())
	// One constructor per command file; new commands add theirs here.
	root.AddCommand(
		newRunCmd(e),
		newValidateCmd(e),
		newReplayCmd(e),
		newVersionCmd(e),
		newTestCmd(e),
		newSweepCmd(e),
		newMergeCmd(e),
		newReportCmd(e),
		newImportCmd(e),
		newBranchCmd(e),
		newCommandsCmd(e),
		newServeCmd(e),
		newExerciseCmd(e),
		newLoadtestCmd(e),
		newStixCmd(e),
		newExplainCmd(e),
		newMselCmd(e),
		newNewCmd(e),
		newGraphCmd(e),
	)
	return root
}

// newHelpCmd replaces cobra's help command, which prints the root's help
// and succeeds for an unknown topic: `cyberex help nosuch` exits 2, so a
// script can ask `cyberex help test` whether a command exists.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 || (len(args) > 0 && target == c.Root()) {
				return inputErrorf("unknown help topic %q\nRun 'cyberex --help' for the commands.", strings.Join(args, " "))
			}
			return target.Help()
		},
	}
}

// where prefixes a message with the subcommand it is about ("run: "), so
// that report's "cyberex: " makes "cyberex: run: ...".
func where(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ") + ": "
}

// noArgs, rangeArgs: cobra's argument checks, as usage errors.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		if c.HasSubCommands() {
			return inputErrorf("unknown command %q for %q\nRun '%s --help' for usage.", args[0], c.CommandPath(), c.CommandPath())
		}
		return inputErrorf("%stakes no arguments, got %q", where(c), args)
	}
	return nil
}

func rangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < lo || (hi >= 0 && len(args) > hi) {
			return inputErrorf("%swant %s, got %d arguments\nRun '%s --help' for usage.", where(c), what, len(args), c.CommandPath())
		}
		return nil
	}
}
