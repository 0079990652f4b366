// Package scripts holds the shared Lua library of cyberex (playbooks/,
// teams/) and, in types/, the annotations editors read. The Lua files are
// also built into the program, so that the built-in tutorial, and
// scenarios kept outside a checkout of the repository, find the library.
package scripts

import "embed"

// FS is the library: playbooks/*.lua and teams/*.lua, as require sees
// them ("teams.police" is teams/police.lua).
//
//go:embed playbooks teams
var FS embed.FS
