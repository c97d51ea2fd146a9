// Package lazyregexp defers compiling regular expressions to their first use,
// so that starting the program (`dify version`, `dify --help`) compiles none:
// a bounded repetition such as `[a-z0-9_-]{1,128}` compiles into a program
// of hundreds of instructions.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call and returns
// the same *regexp.Regexp on every call. It panics, on first use, if expr is
// not a valid expression.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
