package scenario

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"cyberex/scripts"
)

// The shipped Lua (the library, every shipped scenario's scripts) reads
// payloads by the right names, and the check sees each of its reads: a
// read it skipped could not be wrong. A name changed in a copy is caught.
func TestShippedLuaReadsPayloadsRight(t *testing.T) {
	read := regexp.MustCompile(`\bev\.fields\.([a-z_0-9]+)`)
	for _, tc := range []struct {
		name string
		fsys fs.FS
	}{
		{"scripts", scripts.FS},
		{"scenarios", os.DirFS("../scenarios")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			want := 0
			err := fs.WalkDir(tc.fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".lua") {
					return err
				}
				b, err := fs.ReadFile(tc.fsys, p)
				files[p] = b
				want += len(codeReads(read, b))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			errs, reads := checkEventFields(files, tc.name)
			if len(errs) != 0 || reads != want {
				t.Errorf("%d payload reads checked of %d, errors: %v", reads, want, errs)
			}
			if want == 0 {
				t.Fatal("no ev.fields read in the shipped Lua: the test proves nothing")
			}
			// Each read, misspelt in a copy, is an error at its line.
			for p, b := range files {
				for _, m := range codeReads(read, b) {
					bad := string(b[:m[2]]) + "x" + string(b[m[2]:])
					line := strings.Count(string(b[:m[2]]), "\n") + 1
					errs, _ := checkEventFields(map[string][]byte{p: []byte(bad)}, tc.name)
					if len(errs) != 1 || errs[0].Line != line || !strings.Contains(errs[0].Msg, `"x`+string(b[m[2]:m[3]])+`"`) {
						t.Errorf("%s:%d: x%s: %v", p, line, b[m[2]:m[3]], errs)
					}
				}
			}
		})
	}
}

// codeReads finds the reads outside comments (the rest of a line after
// "--"; the shipped Lua has no long comments or strings with "--").
func codeReads(read *regexp.Regexp, b []byte) [][]int {
	var out [][]int
	for _, m := range read.FindAllSubmatchIndex(b, -1) {
		start := strings.LastIndexByte(string(b[:m[0]]), '\n') + 1
		if !strings.Contains(string(b[start:m[0]]), "--") {
			out = append(out, m)
		}
	}
	return out
}

// FuzzEventFields feeds arbitrary Lua to the payload check: it never
// panics or hangs, and each error it reports is at a line of the file.
func FuzzEventFields(f *testing.F) {
	for _, fsys := range []fs.FS{scripts.FS, os.DirFS("../scenarios")} {
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".lua") {
				b, _ := fs.ReadFile(fsys, p)
				f.Add(b)
			}
			return nil
		})
	}
	f.Add([]byte(`on("*", function(ev) if not (ev.kind ~= "funds.raised" or ev.kind == "x") then return ev.fields.recods end end)`))
	f.Fuzz(func(t *testing.T, src []byte) {
		errs, _ := checkEventFields(map[string][]byte{"a.lua": src}, "s")
		lines := strings.Count(string(src), "\n") + 1
		for _, e := range errs {
			if e.File != "s/a.lua" || e.Line < 1 || e.Line > lines || e.Msg == "" {
				t.Fatalf("error %+v in a file of %d lines", e, lines)
			}
		}
	})
}
