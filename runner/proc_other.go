//go:build !unix

package runner

import (
	"os"
	"os/exec"
)

func setProcessGroup(*exec.Cmd) {}

// Without process groups the plugin itself is ended; the SDK exits when its
// parent goes.
func terminate(p *os.Process) { p.Kill() }
func kill(p *os.Process)      { p.Kill() }

// pipeHolders cannot be found cheaply here.
func pipeHolders(...*os.File) []Leftover { return nil }
