package hostile

import (
	"net"
	"path/filepath"
	"testing"
)

// A scenario is its folder's regular files: links, pipes, sockets and
// devices are refused by name, wherever the loader would look, by every
// command that loads a scenario, and never waited on.
func TestFoldersHoldRegularFilesOnly(t *testing.T) {
	secret := Secret(t, "secret.lua")
	cases := []struct {
		name  string
		build func(t *testing.T) *Folder
		path  string // what the error must name
		kind  string
	}{
		{"a script linked outside, required", func(t *testing.T) *Folder {
			return Story(t, `local s = require("evil"); log(s)`).Symlink("evil.lua", secret)
		}, "evil.lua", "symbolic link"},
		{"the story itself a link", func(t *testing.T) *Folder {
			return NewFolder(t, "").Symlink("story.lua", secret)
		}, "story.lua", "symbolic link"},
		{"a folder linked outside", func(t *testing.T) *Folder {
			return Story(t, `log(require("lib.secret"))`).Symlink("lib", filepath.Dir(secret))
		}, "lib", "symbolic link"},
		{"a link inside a sub-folder", func(t *testing.T) *Folder {
			return Story(t, `log("x")`).File("lib/ok.lua", "return 1").Symlink("lib/evil.lua", secret)
		}, "lib/evil.lua", "symbolic link"},
		{"scenario.yaml a link", func(t *testing.T) *Folder {
			return NewFolder(t, "").Symlink("scenario.yaml", WriteFile(t, "real.yaml", MinimalYAML))
		}, "scenario.yaml", "symbolic link"},
		{"a link to /dev/zero", func(t *testing.T) *Folder {
			return Story(t, `log("x")`).Symlink("zero.lua", "/dev/zero")
		}, "zero.lua", "symbolic link"},
		{"a link that loops", func(t *testing.T) *Folder {
			return Story(t, `log("x")`).Symlink("a.lua", "b.lua").Symlink("b.lua", "a.lua")
		}, "a.lua", "symbolic link"},
		{"scenario.yaml a named pipe", func(t *testing.T) *Folder {
			return NewFolder(t, "").FIFO("scenario.yaml")
		}, "scenario.yaml", "named pipe"},
		{"a script a named pipe", func(t *testing.T) *Folder {
			return Story(t, `log("x")`).FIFO("more.lua")
		}, "more.lua", "named pipe"},
		{"a named pipe among the notes", func(t *testing.T) *Folder {
			return Story(t, `log("x")`).FIFO("docs/notes.txt")
		}, "docs/notes.txt", "named pipe"},
		{"a test's commands file a named pipe", func(t *testing.T) *Folder {
			return NewFolder(t, MinimalYAML+"tests:\n  - name: t\n    commands: moves.jsonl\n    seeds: [1]\n").FIFO("moves.jsonl")
		}, "moves.jsonl", "named pipe"},
		{"a test's commands file linked outside", func(t *testing.T) *Folder {
			return NewFolder(t, MinimalYAML+"tests:\n  - name: t\n    commands: moves.jsonl\n    seeds: [1]\n").Symlink("moves.jsonl", secret)
		}, "moves.jsonl", "symbolic link"},
		{"a socket", func(t *testing.T) *Folder {
			f := Story(t, `log("x")`)
			l, err := net.Listen("unix", f.path("s.sock"))
			if err != nil {
				t.Skip(err)
			}
			t.Cleanup(func() { l.Close() })
			return f
		}, "s.sock", "socket"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.build(t)
			want := `scen/` + regexpQuote(c.path) + `(:| is) .*` + c.kind
			for _, cmd := range [][]string{{"validate", f.Dir}, {"run", f.Dir}, {"test", f.Dir}} {
				Cyberex(t, cmd...).InputError(t, want)
			}
		})
	}
}
