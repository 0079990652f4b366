package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"cyberex/loadtest"
)

// Bounds of the load generator's flags.
const (
	loadPlayersMax   = 10_000
	loadExercisesMax = 200
	loadIdleMax      = 100_000
)

func newLoadtestCmd(e *env) *cobra.Command {
	var opt loadtest.Options
	var profile string
	c := &cobra.Command{
		Use:   "loadtest",
		Short: "Measure the exercise server under load: simulated players over loopback websockets",
		Long: `Start an exercise server in this process, create --exercises exercises of
--scenario, connect --players simulated players to each (spread over its
teams) that send --rate commands a second each and read their deltas, run
the clocks at --pace for --duration, and print: the time from a tick's end
to a player's receipt of its delta (p50, p99, max), the commands
acknowledged a second (each synced to its journal first) and their
latency, the wall and CPU time, and what joining every player cost.
The players run in this process, on the server's cores: by default they
read only what they measure from each message (--decode: everything, as
the real client does on its own machine). --idle N then joins N idle connections
and prints what each costs in memory. docs/performance.md has the figures.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			switch {
			case opt.Players < 1 || opt.Players > loadPlayersMax:
				return inputErrorf("loadtest: --players %d: from 1 to %d", opt.Players, loadPlayersMax)
			case opt.Exercises < 1 || opt.Exercises > loadExercisesMax:
				return inputErrorf("loadtest: --exercises %d: from 1 to %d", opt.Exercises, loadExercisesMax)
			case opt.MillisPerTick < 1:
				return inputErrorf("loadtest: --pace %d: at least 1 ms per tick", opt.MillisPerTick)
			case opt.Duration <= 0 || opt.Duration > time.Hour:
				return inputErrorf("loadtest: --duration %s: more than 0, at most 1h", opt.Duration)
			case opt.CommandsPerSecond < 0 || opt.CommandsPerSecond > 100:
				return inputErrorf("loadtest: --rate %g: from 0 to 100 commands a second per player", opt.CommandsPerSecond)
			case opt.Idle < 0 || opt.Idle > loadIdleMax:
				return inputErrorf("loadtest: --idle %d: from 0 to %d", opt.Idle, loadIdleMax)
			}
			opt.Load = serveLoader
			if profile != "" {
				f, err := os.Create(profile)
				if err != nil {
					return inputErrorf("loadtest: --cpuprofile: %v", err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return failure(fmt.Errorf("loadtest: start CPU profile: %w", err))
				}
				defer pprof.StopCPUProfile()
			}
			res, err := loadtest.Run(opt)
			if err != nil {
				return failure(err)
			}
			res.Print(e.stdout)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&opt.Scenario, "scenario", "embedded:tutorial", "the scenario of every exercise (a folder, or embedded:NAME)")
	f.IntVar(&opt.Exercises, "exercises", 1, "exercises at once")
	f.IntVar(&opt.Players, "players", 50, "players in each exercise")
	f.Int64Var(&opt.MillisPerTick, "pace", 100, "wall milliseconds per tick (100 is 10 ticks a second)")
	f.DurationVar(&opt.Duration, "duration", 10*time.Second, "how long the clocks run")
	f.Float64Var(&opt.CommandsPerSecond, "rate", 0.5, "commands a second each player sends")
	f.BoolVar(&opt.Decode, "decode", false, "every player decodes every message in full, as the real client does (default: it reads the type, tick and ref from each message's head: the players share the server's cores)")
	f.IntVar(&opt.Idle, "idle", 0, "idle connections to open after the run, to measure their memory")
	f.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the whole run (server and players) to this file, for `go tool pprof`")
	f.StringVar(&opt.DataDir, "data", "", "the server's data folder (default: a temporary one, removed after)")
	return c
}
