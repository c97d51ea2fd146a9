//go:build unix

package stale

import "syscall"

// Alive reports whether a process with this id exists (one of another
// user's counts).
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
