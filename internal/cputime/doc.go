// Package cputime reads the process's CPU time, which benchmarks report
// beside wall time: on a shared machine wall time includes the time other
// processes held the cores, CPU time does not.
package cputime
