package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"cyberex/headless"
	"cyberex/journal"
	"cyberex/scenario"
)

// Exit codes of cyberex. Scripts and CI rely on them.
const (
	// ExitOK: the command did what was asked (a run completed, whatever
	// its objectives; every scenario valid; a replay reproduced the run).
	ExitOK = 0
	// ExitFailure: the program or the machine failed (a journal could not
	// be written), or a replay did not reproduce the journal's hashes.
	ExitFailure = 1
	// ExitInput: the input is wrong: a bad flag or argument, an invalid
	// scenario, a scenario script that fails, an unreadable commands file
	// or journal. The message says what and where.
	ExitInput = 2
)

// exitError carries an exit code with the error. A nil err means the
// outcome was already printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// inputError is an ExitInput error.
func inputError(err error) error { return &exitError{ExitInput, err} }

func inputErrorf(format string, args ...any) error {
	return inputError(fmt.Errorf(format, args...))
}

// failure is an ExitFailure error.
func failure(err error) error { return &exitError{ExitFailure, err} }

// exitQuietly ends with code, its outcome already printed.
func exitQuietly(code int) error { return &exitError{code, nil} }

// classify gives an error from the packages below the CLI its exit code:
// an invalid scenario and a failing script are the input's fault, the
// rest is a failure.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	var se scenario.Errors
	var ie *headless.InputError
	if errors.As(err, &se) || errors.As(err, &ie) {
		return inputError(err)
	}
	return failure(err)
}

// report prints an error as the user should see it and returns the exit
// code. Errors cobra makes itself (an unknown command, a wrong number of
// arguments, a bad flag) are usage errors, exit 2.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	code := ExitInput
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
		err = ee.err
	} else {
		err = fmt.Errorf("%w\nRun 'cyberex --help' for usage.", err)
	}
	// Messages quote files and scripts: each line is made fit for a
	// terminal.
	var se scenario.Errors
	var je journal.Errors
	if errors.As(err, &se) || errors.As(err, &je) {
		// One problem per line, each starting with file:line(:col) so
		// that editors can jump to it.
		fmt.Fprintln(stderr, safeLines(strings.TrimRight(err.Error(), "\n")))
		return code
	}
	fmt.Fprintf(stderr, "cyberex: %s\n", safeLines(strings.TrimRight(err.Error(), "\n")))
	return code
}
