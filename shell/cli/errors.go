package cli

import (
	"errors"
	"fmt"
)

// Exit codes, as documented in `dify --help`.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitCancelled = 130
)

// usageError is a mistake in how a command was called: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// errCancelled is returned when the user cancels at a prompt: exit 130.
var errCancelled = errors.New("cancelled")

// silentError has already been reported in full; only its exit code matters.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// runError marks an error returned by a command's own work (as opposed to an
// error cobra found in the arguments before the command ran).
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit code; cobra's own errors
// (unknown command or flag, wrong argument count) are usage errors.
func exitCode(err error) int {
	var usage *usageError
	var silent *silentError
	var run *runError
	var signal *interrupted
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &signal):
		return signal.exitCode()
	case errors.Is(err, errCancelled):
		return exitCancelled
	case errors.As(err, &usage):
		return exitUsage
	case errors.As(err, &run):
		return exitFailure
	}
	return exitUsage
}
