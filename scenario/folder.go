package scenario

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A scenario is its folder's regular files and nothing else. A symbolic
// link would let a scenario received from elsewhere read any file the
// process can (a .lua linked to /etc/passwd, then require'd); a named pipe
// (FIFO) would hang the loader forever; a device or a socket has no place
// in an exchange format. FolderFS refuses all of them by name.

// ErrNotRegular is what a path of a scenario folder that is neither a
// regular file nor a folder is refused with (errors.Is).
var ErrNotRegular = errors.New("not a regular file or folder")

type notRegularError struct{ mode fs.FileMode }

func (e notRegularError) Error() string {
	return "is " + fileKind(e.mode) + ": a scenario folder holds only regular files and folders (copy the file in instead)"
}

func (e notRegularError) Is(target error) bool { return target == ErrNotRegular }

// fileKind names what a file of that mode is, for a planner.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// regularOrDir says whether a file of mode m may be part of a scenario.
func regularOrDir(m fs.FileMode) bool { return m.IsRegular() || m.IsDir() }

// FolderFS is the file system of the folder dir holding only its regular
// files and folders: opening (or stating) a path any element of which is a
// symbolic link, a named pipe, a device or a socket fails with an error
// wrapping ErrNotRegular that names the path. dir itself may be a link (the
// user named it). Nothing is opened before it is known to be a regular file
// or a folder, and the open neither follows a link nor waits on a pipe
// (O_NOFOLLOW, O_NONBLOCK where the system has them), and the opened file's
// type is checked again: a file swapped for a link or a pipe between the
// check and the open is refused too.
//
// Load reads scenarios through it; the shared Lua library should be given
// as one too (Options.Library).
func FolderFS(dir string) fs.FS { return folderFS{dir: dir} }

type folderFS struct{ dir string }

var (
	_ fs.StatFS = folderFS{}
)

// check looks at every element of name without following links.
func (f folderFS) check(op, name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return os.Stat(f.dir)
	}
	var info fs.FileInfo
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			continue
		}
		p := name[:i]
		var err error
		info, err = os.Lstat(f.join(p))
		if err != nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: unwrapPath(err)}
		}
		if !regularOrDir(info.Mode()) {
			return nil, &fs.PathError{Op: op, Path: p, Err: notRegularError{info.Mode()}}
		}
		if i < len(name) && !info.IsDir() {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
	}
	return info, nil
}

func (f folderFS) join(name string) string {
	return filepath.Join(f.dir, filepath.FromSlash(name))
}

// unwrapPath strips the *PathError of the OS (whose path is absolute or
// relative to the working folder) so that the error names the path inside
// the scenario.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (f folderFS) Stat(name string) (fs.FileInfo, error) { return f.check("stat", name) }

func (f folderFS) Open(name string) (fs.File, error) {
	if _, err := f.check("open", name); err != nil {
		return nil, err
	}
	file, err := os.OpenFile(f.join(name), os.O_RDONLY|openNoFollowNoBlock, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPath(err)}
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPath(err)}
	}
	if !regularOrDir(info.Mode()) {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: notRegularError{info.Mode()}}
	}
	return file, nil
}

// hidden says whether a folder entry's name starts with a dot: such files
// and folders (.git, an editor's lock link .#story.lua) are not part of
// the scenario and are neither read nor checked.
func hidden(p string) bool { return strings.HasPrefix(path.Base(p), ".") }

// openErrText says why a file of the folder could not be read, naming the
// element of its path that was refused ("sub is a symbolic link: ...") or
// the reason alone, without the operating system's path.
func openErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, ErrNotRegular) {
			return pe.Path + " " + pe.Err.Error()
		}
		return pe.Err.Error()
	}
	return err.Error()
}
