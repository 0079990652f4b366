package scenario

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cyberex/engine"
)

// copyTree copies the regular files of src into a new temporary folder.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// loadSoon loads dir, failing the test (instead of hanging it) if the
// load does not return: a named pipe opened for reading waits forever.
func loadSoon(t *testing.T, dir string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(dir, Options{Director: func(*Scenario, *engine.World) (engine.Director, error) { return nil, nil }})
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("loading %s hangs", dir)
		return nil
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
}

func mksocket(t *testing.T, p string) {
	t.Helper()
	l, err := net.Listen("unix", p)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	t.Cleanup(func() { l.Close() })
}

// TestFolderHoldsRegularFilesOnly attacks the loader with every kind of
// file that is not a regular file, wherever the loader looks: the folder,
// scenario.yaml, a script, a sub-folder, a test's commands file. Each is
// refused with an error naming the path; none is read or waited on.
func TestFolderHoldsRegularFilesOnly(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.lua")
	if err := os.WriteFile(secret, []byte("-- SECRET-OUTSIDE-THE-FOLDER\nreturn 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outsideDir := filepath.Dir(secret)
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		file  string // the path the error must name, relative to the folder
		kind  string
	}{
		{"lua file linked outside", func(t *testing.T, dir string) {
			os.Symlink(secret, filepath.Join(dir, "evil.lua"))
		}, "evil.lua", "symbolic link"},
		{"story replaced by a link", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "story.lua"))
			os.Symlink(secret, filepath.Join(dir, "story.lua"))
		}, "story.lua", "symbolic link"},
		{"folder linked outside", func(t *testing.T, dir string) {
			os.Symlink(outsideDir, filepath.Join(dir, "mods"))
		}, "mods", "symbolic link"},
		{"library folder replaced by a link", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "lib"))
			os.Symlink(outsideDir, filepath.Join(dir, "lib"))
		}, "lib", "symbolic link"},
		{"link inside a sub-folder", func(t *testing.T, dir string) {
			os.Symlink(secret, filepath.Join(dir, "lib", "x.lua"))
		}, "lib/x.lua", "symbolic link"},
		{"scenario.yaml a link", func(t *testing.T, dir string) {
			y := filepath.Join(dir, "scenario.yaml")
			b, _ := os.ReadFile(y)
			real := filepath.Join(outsideDir, "real.yaml")
			os.WriteFile(real, b, 0o644)
			os.Remove(y)
			os.Symlink(real, y)
		}, "scenario.yaml", "symbolic link"},
		{"dangling link, not Lua", func(t *testing.T, dir string) {
			os.Symlink("/nonexistent/nowhere", filepath.Join(dir, "notes.txt"))
		}, "notes.txt", "symbolic link"},
		{"link to itself", func(t *testing.T, dir string) {
			os.Symlink("loop.lua", filepath.Join(dir, "loop.lua"))
		}, "loop.lua", "symbolic link"},
		{"scenario.yaml a named pipe", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "scenario.yaml"))
			mkfifo(t, filepath.Join(dir, "scenario.yaml"))
		}, "scenario.yaml", "named pipe"},
		{"a named pipe as a script", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "pipe.lua"))
		}, "pipe.lua", "named pipe"},
		{"a named pipe among the files", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "lib", "fifo"))
		}, "lib/fifo", "named pipe"},
		{"the test's commands file a pipe", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "commands.jsonl"))
			mkfifo(t, filepath.Join(dir, "commands.jsonl"))
		}, "commands.jsonl", "named pipe"},
		{"the test's commands file a link", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "commands.jsonl"))
			os.Symlink(secret, filepath.Join(dir, "commands.jsonl"))
		}, "commands.jsonl", "symbolic link"},
		{"a socket", func(t *testing.T, dir string) {
			mksocket(t, filepath.Join(dir, "s.sock"))
		}, "s.sock", "socket"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTree(t, "testdata/good/full")
			c.setup(t, dir)
			err := loadSoon(t, dir)
			if err == nil {
				t.Fatal("loaded")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.file) || !strings.Contains(msg, c.kind) {
				t.Errorf("error does not name %s as a %s:\n%s", c.file, c.kind, msg)
			}
			if strings.Contains(msg, "SECRET") {
				t.Errorf("error shows the content of a file outside the folder:\n%s", msg)
			}
		})
	}
}

// TestFolderIgnoresHiddenAndFollowsItsOwnName: names starting with a dot
// (an editor's lock link, .git) are not part of the scenario, and the
// folder itself may be reached through a link the user named.
func TestFolderIgnoresHiddenAndFollowsItsOwnName(t *testing.T) {
	dir := copyTree(t, "testdata/good/full")
	if err := os.Symlink("/nonexistent/lock", filepath.Join(dir, ".#story.lua")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	mkfifo(t, filepath.Join(dir, ".git", "fifo"))
	link := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if err := loadSoon(t, link); err != nil {
		t.Fatal(err)
	}
}

// TestFolderFS checks the file system itself: the race guard (the type of
// the opened file) and paths through a linked folder.
func TestFolderFS(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.lua"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "ln"))
	os.WriteFile(filepath.Join(dir, "sub", "b.lua"), []byte("y"), 0o644)
	mkfifo(t, filepath.Join(dir, "p"))
	fsys := FolderFS(dir)
	if b, err := fs.ReadFile(fsys, "sub/b.lua"); err != nil || string(b) != "y" {
		t.Errorf("sub/b.lua: %q %v", b, err)
	}
	for _, name := range []string{"ln/b.lua", "ln", "p"} {
		_, err := fsys.Open(name)
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("open %s: %v, want ErrNotRegular", name, err)
		}
		if _, err := fs.Stat(fsys, name); !errors.Is(err, ErrNotRegular) {
			t.Errorf("stat %s: %v, want ErrNotRegular", name, err)
		}
	}
	if _, err := fsys.Open("../x"); err == nil {
		t.Error("../x opened")
	}
	if _, err := fsys.Open("a.lua/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a.lua/x: %v", err)
	}
	// The open itself never waits on a pipe (O_NONBLOCK) and the type of
	// what was opened is checked: a pipe swapped in after the check.
	f, err := os.OpenFile(filepath.Join(dir, "p"), os.O_RDONLY|openNoFollowNoBlock, 0)
	if err == nil {
		f.Close()
	} else if openNoFollowNoBlock != 0 {
		t.Errorf("non-blocking open of a pipe: %v", err)
	}
}
