//go:build unix && !linux

package runner

import (
	"os"
	"syscall"
)

// Without a parent-death signal, the SDK's own check (it exits when its
// parent becomes init) ends an orphaned plugin.
func dieWithParent(*syscall.SysProcAttr) {}

// pipeHolders cannot be found cheaply here.
func pipeHolders(...*os.File) []Leftover { return nil }
