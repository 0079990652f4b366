// Package scenarios holds the scenarios that ship with cyberex. The
// tutorial is also built into the program, so that `cyberex run` works
// anywhere without arguments.
package scenarios

import "embed"

// FS holds the built-in scenarios, each in its folder: tutorial/.
//
//go:embed tutorial
var FS embed.FS
