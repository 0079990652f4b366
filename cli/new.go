package cli

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"cyberex/scenario"
	"cyberex/scenarios"
)

// newScenario is the skeleton `cyberex new` writes: files named NAME.tmpl,
// with {{NAME}}, {{DIR}} and {{SCHEMA}} replaced.
//
//go:embed newscenario/*.tmpl
var newScenario embed.FS

func newNewCmd(e *env) *cobra.Command {
	var from string
	c := &cobra.Command{
		Use:   "new DIR",
		Short: "Make a new scenario folder to start from",
		Long: `Make the folder DIR with a scenario to start from: scenario.yaml (its
first line points editors at the JSON Schema, from where the folder is),
story.lua, README.md with the sections the shipped scenarios have, and a
tests: section. The scenario is named after the folder. It validates and its
tests pass as made; 'cyberex test DIR --update' writes its golden file the
first time.

--from copies a scenario built into the program instead (tutorial),
renamed, without its golden files.

DIR must not exist, or be empty.`,
		Example: `  cyberex new exercises/harbour
  cyberex new exercises/my-tutorial --from tutorial`,
		Args: rangeArgs(1, 1, "one DIR"),
		RunE: func(c *cobra.Command, args []string) error {
			return makeScenario(e, args[0], from)
		},
	}
	c.Flags().StringVar(&from, "from", "", "copy the built-in scenario `NAME` (e.g. tutorial) instead of the skeleton")
	return c
}

func makeScenario(e *env, dir, from string) error {
	name := filepath.Base(filepath.Clean(dir))
	if scenario.CheckID(name) != "" {
		return inputErrorf("new: %q: the folder's name is the scenario's: use letters, digits, '-', '_' and '.'", name)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return inputErrorf("new: %s exists and is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return inputErrorf("new: %v", err)
	}
	files, err := scenarioFiles(from)
	if err != nil {
		return err
	}
	schema, writeSchema, err := schemaRef(dir)
	if err != nil {
		return failure(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failure(fmt.Errorf("new: %w", err))
	}
	slashDir := filepath.ToSlash(dir)
	for _, f := range files {
		text := f.text
		if from == "" {
			text = strings.NewReplacer("{{NAME}}", name, "{{DIR}}", slashDir, "{{SCHEMA}}", schema).Replace(text)
		} else if f.name == "scenario.yaml" {
			text = rebase(text, name, schema)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return failure(fmt.Errorf("new: %w", err))
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return failure(fmt.Errorf("new: %w", err))
		}
	}
	if writeSchema {
		b, err := scenario.JSONSchema()
		if err != nil {
			return failure(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "scenario.schema.json"), b, 0o644); err != nil {
			return failure(fmt.Errorf("new: %w", err))
		}
	}
	fmt.Fprintf(e.stdout, "made %s (scenario %s). Next:\n  cyberex validate %s\n  cyberex run %s\n  cyberex test %s --update    # writes the golden file the first time\n",
		slashDir, name, slashDir, slashDir, slashDir)
	return nil
}

type newFile struct{ name, text string }

// scenarioFiles is the skeleton, or a built-in scenario's files without
// its golden files (a new scenario's are written by its first --update).
func scenarioFiles(from string) ([]newFile, error) {
	var out []newFile
	if from == "" {
		entries, err := fs.ReadDir(newScenario, "newscenario")
		if err != nil {
			return nil, failure(err)
		}
		for _, de := range entries {
			b, err := fs.ReadFile(newScenario, "newscenario/"+de.Name())
			if err != nil {
				return nil, failure(err)
			}
			out = append(out, newFile{strings.TrimSuffix(de.Name(), ".tmpl"), string(b)})
		}
		return out, nil
	}
	if _, err := fs.Stat(scenarios.FS, path.Join(from, "scenario.yaml")); err != nil || strings.Contains(from, "/") {
		var names []string
		entries, _ := fs.ReadDir(scenarios.FS, ".")
		for _, de := range entries {
			if de.IsDir() {
				names = append(names, de.Name())
			}
		}
		return nil, inputErrorf("new: --from %q: no such built-in scenario (%s)%s", from, strings.Join(names, ", "), didYouMean(from, names))
	}
	err := fs.WalkDir(scenarios.FS, from, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, from), "/")
		if de.IsDir() {
			if rel == "golden" {
				return fs.SkipDir
			}
			return nil
		}
		b, err := fs.ReadFile(scenarios.FS, p)
		if err != nil {
			return err
		}
		out = append(out, newFile{rel, string(b)})
		return nil
	})
	if err != nil {
		return nil, failure(err)
	}
	return out, nil
}

// rebase renames a copied scenario and points its schema line at the
// schema from its new place.
func rebase(yaml, name, schema string) string {
	lines := strings.SplitAfter(yaml, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "# yaml-language-server: $schema="):
			lines[i] = "# yaml-language-server: $schema=" + schema + "\n"
		case strings.HasPrefix(l, "name: "):
			lines[i] = "name: " + name + "\n"
			return strings.Join(lines, "")
		}
	}
	return strings.Join(lines, "")
}

// schemaRef finds docs/scenario.schema.json in a folder above dir (a
// checkout of cyberex) and returns its path relative to dir; without one,
// the schema is written beside the scenario.
func schemaRef(dir string) (ref string, write bool, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false, err
	}
	for d, i := filepath.Dir(abs), 0; i < 6; d, i = filepath.Dir(d), i+1 {
		p := filepath.Join(d, "docs", "scenario.schema.json")
		if _, err := os.Stat(p); err == nil {
			rel, err := filepath.Rel(abs, p)
			if err != nil {
				return "", false, err
			}
			return filepath.ToSlash(rel), false, nil
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return "scenario.schema.json", true, nil
}
