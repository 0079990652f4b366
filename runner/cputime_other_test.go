//go:build !unix

package runner

import "time"

// cpuTime is not read on this system: the CPU-time figures are then infinite.
func cpuTime() time.Duration { return 0 }
