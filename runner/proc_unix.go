//go:build unix

package runner

import (
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup starts the plugin in a process group of its own, so that
// stopping it stops whatever it started too, and so that a Ctrl-C in the
// terminal reaches dify, which then stops the plugin in order.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
}

func terminate(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGTERM) }
func kill(p *os.Process)      { syscall.Kill(-p.Pid, syscall.SIGKILL) }
