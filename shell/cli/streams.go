package cli

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// Streams are the standard streams of one run, and what is known about them.
// Tests pass buffers; the binary passes the process's streams.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTerminal and ErrTerminal tell whether stdin and stderr are terminals:
	// prompts need both, progress output needs stderr.
	InTerminal  bool
	ErrTerminal bool
	// ErrWidth is the width of the terminal on stderr, 0 when unknown:
	// forms fit their lines to it.
	ErrWidth int
	// Getenv reads the environment; nil means no variables are set.
	Getenv func(string) string
	// Environ lists the environment, for the processes dify starts; nil
	// means an empty one.
	Environ func() []string
	// Factory makes the HTTP client, the clock, the cache directory and
	// finds programs; the system's when nil.
	Factory *Factory
}

// SystemStreams returns the process's own streams.
func SystemStreams() *Streams {
	s := &Streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv:      os.Getenv,
		Environ:     os.Environ,
		Factory:     SystemFactory(),
	}
	if s.ErrTerminal {
		s.ErrWidth, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	return s
}

// CanPrompt reports whether interactive questions can be asked.
func (s *Streams) CanPrompt() bool { return s.InTerminal && s.ErrTerminal }

// warnf prints a warning on stderr.
func (s *Streams) warnf(format string, args ...any) {
	fmt.Fprintf(s.Err, "warning: "+format+"\n", args...)
}

func (s *Streams) environ() []string {
	if s.Environ == nil {
		return nil
	}
	return s.Environ()
}

func (s *Streams) getenv(key string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(key)
}
