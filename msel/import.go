package msel

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	"cyberex/scenario"
)

// Import reads a CSV MSEL for the scenario in dir (loaded as s, with the
// library lib) and returns its scenario.yaml with the injects replaced,
// after loading the result the way `cyberex validate` does: an error is
// either the CSV's (Errors, naming rows and columns) or the new scenario's.
func Import(r io.Reader, name, dir string, s *scenario.Scenario, lib fs.FS) ([]byte, error) {
	injects, err := Read(r, name, s)
	if err != nil {
		return nil, err
	}
	section, err := YAML(injects)
	if err != nil {
		return nil, err
	}
	old, err := fs.ReadFile(scenario.FolderFS(dir), "scenario.yaml")
	if err != nil {
		return nil, err
	}
	out, err := Replace(old, section)
	if err != nil {
		return nil, err
	}
	if err := scenario.ValidateFS(overlay{FS: scenario.FolderFS(dir), name: "scenario.yaml", data: out}, ".",
		scenario.Options{Library: lib, Set: s.Overrides}); err != nil {
		return nil, fmt.Errorf("the scenario with these injects is not valid:\n%w", err)
	}
	return out, nil
}

// overlay is a file system with one file's content replaced: the
// scenario as it will be, checked before it is written.
type overlay struct {
	fs.FS
	name string
	data []byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if path.Clean(name) == o.name {
		return &memFile{Reader: bytes.NewReader(o.data), name: o.name, size: int64(len(o.data))}, nil
	}
	return o.FS.Open(name)
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
