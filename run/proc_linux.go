package run

import "syscall"

// dieWithParent has the kernel kill the plugin when dify dies, even by
// SIGKILL, so that no Python process is ever left behind.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
