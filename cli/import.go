package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"cyberex/nasim"
)

type importFlags struct {
	out, name, strategy string
	lua, force          bool
}

func newImportCmd(e *env) *cobra.Command {
	var o importFlags
	c := &cobra.Command{
		Use:   "import nasim FILE -o DIR",
		Short: "Convert another simulator's scenario into a cyberex scenario folder",
		Long: `Convert a scenario of another simulator into a cyberex scenario folder
(scenario.yaml, README.md, and story.lua with --lua).

  nasim   a NASim (Network Attack Simulator) scenario file: subnets, topology,
          sensitive hosts, OS, services, processes, exploits, privilege
          escalations, firewall, scan costs, step limit. The adversary is a
          native agent that plays like NASim's random agent (or --strategy
          bruteforce, greedy); the objective is NASim's goal (root on every
          sensitive host). What differs in meaning: docs/import-nasim.md.`,
		Example: `  cyberex import nasim tiny.yaml -o scenarios/nasim-tiny
  cyberex import nasim medium.yaml -o /tmp/medium --strategy greedy
  cyberex import nasim tiny.yaml -o /tmp/tiny-lua --lua`,
		Args: rangeArgs(2, 2, "the format (nasim) and FILE"),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] != "nasim" {
				return inputErrorf("import: unknown format %q (nasim)", args[0])
			}
			return importNASim(e, args[1], o)
		},
	}
	c.Flags().StringVarP(&o.out, "out", "o", "", "write the scenario folder `DIR` (required; must not exist or be empty)")
	c.Flags().StringVar(&o.name, "name", "", "the scenario's `NAME` (default: the folder's name)")
	c.Flags().StringVar(&o.strategy, "strategy", "random", "the adversary's `STRATEGY`: random, bruteforce or greedy")
	c.Flags().BoolVar(&o.lua, "lua", false, "play the adversary from a Lua story (the scripted equivalent of the random agent) instead of the native agent")
	c.Flags().BoolVar(&o.force, "force", false, "write into DIR even if it holds files (overwriting the scenario's)")
	return c
}

func importNASim(e *env, file string, o importFlags) error {
	if o.out == "" {
		return inputErrorf("import: say where to write the scenario with -o DIR")
	}
	data, err := readRegular(file, nasim.FileBytesMax)
	if err != nil {
		return inputErrorf("import %s: %w", file, err)
	}
	f, err := nasim.Parse(data)
	if err != nil {
		return inputErrorf("import %s: %w", file, err)
	}
	name := o.name
	if name == "" {
		name = filepath.Base(filepath.Clean(o.out))
	}
	sc, err := nasim.Convert(f, nasim.Options{Name: name, Strategy: o.strategy, Lua: o.lua, Source: filepath.Base(file)})
	if err != nil {
		return inputErrorf("import %s: %w", file, err)
	}
	if ents, err := os.ReadDir(o.out); err == nil && len(ents) > 0 && !o.force {
		return inputErrorf("import: %s is not empty (--force writes into it)", o.out)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return failure(fmt.Errorf("import: %w", err))
	}
	files := map[string][]byte{"scenario.yaml": sc.YAML, "README.md": sc.README}
	if sc.Story != nil {
		files["story.lua"] = sc.Story
	}
	for _, n := range []string{"scenario.yaml", "README.md", "story.lua"} {
		if b, ok := files[n]; ok {
			if err := os.WriteFile(filepath.Join(o.out, n), b, 0o644); err != nil {
				return failure(fmt.Errorf("import: %w", err))
			}
		}
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d hosts; check it with: cyberex validate %s\n", o.out, sc.Hosts, o.out)
	return nil
}

// readRegular reads a regular file of at most max bytes: a FIFO or a
// device is refused before it is opened (it could block for ever), and
// the size is checked while reading, before the memory is spent.
func readRegular(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}
