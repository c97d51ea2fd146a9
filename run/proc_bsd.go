//go:build unix && !linux

package run

import "syscall"

// Without a parent-death signal, the SDK's own check (it exits when its
// parent becomes init) ends an orphaned plugin.
func dieWithParent(*syscall.SysProcAttr) {}
