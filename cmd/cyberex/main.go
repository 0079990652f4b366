// Command cyberex runs, checks and replays cyber-exercise scenarios
// headless. Everything it does lives in package cli.
package main

import (
	"os"

	"cyberex/cli"
)

func main() { os.Exit(cli.Execute()) }
