package cputime

import (
	"time"

	"golang.org/x/sys/unix"
)

// Process is the process's CPU time so far (all threads: the garbage
// collector's work counts), to the nanosecond: getrusage's figures move
// in scheduler ticks, too coarse for rounds of a few milliseconds.
func Process() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
