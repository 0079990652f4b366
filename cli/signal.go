package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return c.sig.String() + " signal received" }

// interruptible returns a context that is cancelled, with a signalCause,
// by the first SIGINT or SIGTERM, and a function that stops listening.
// After the first signal the default action is restored, so a second
// Ctrl-C kills the program at once. In process (Run, tests) e.signals
// feeds the signals instead of the operating system.
func interruptible(e *env) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := e.signals
	stopNotify := func() {}
	if ch == nil {
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		ch = c
		stopNotify = func() { signal.Stop(c) }
	}
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			stopNotify()
			cancel(signalCause{s})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		stopNotify()
		cancel(nil)
	}
}

// interrupted is the signal that cancelled ctx, or nil.
func interrupted(ctx context.Context) os.Signal {
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		return sc.sig
	}
	return nil
}

// signalExit is the exit code after a signal: 128 + its number, as a shell
// reports a program killed by it (130 for SIGINT, 143 for SIGTERM).
func signalExit(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return ExitFailure
}
