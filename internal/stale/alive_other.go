//go:build !unix

package stale

// Alive cannot be told cheaply here, so every process counts as running
// and nothing is removed.
func Alive(int) bool { return true }
