package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interruptSignals end a run early: Ctrl-C, kill, and a closed terminal.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// withInterrupts returns a context that is cancelled, with an *interrupted
// cause, when the process receives one of interruptSignals while stop has
// not been called. Commands that leave files or processes behind when killed
// run under it, so that they can clean up and exit 128+signal themselves;
// the others keep the default behaviour of dying at once.
func withInterrupts(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, interruptSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-signals:
			cancel(&interrupted{sig: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(done)
		cancel(nil)
	}
}

// interrupted is the cause of a run cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return fmt.Sprintf("interrupted by %s", signalName(e.sig)) }

// exitCode is the shell's convention for a process ended by a signal.
func (e *interrupted) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitCancelled
}

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}
