package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dieWithParent has the kernel kill the plugin when dify dies, even by
// SIGKILL, so that no Python process is ever left behind.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// pipeHolders names the processes, other than this one, that hold one of
// the pipes open: /proc/PID/fd links read "pipe:[INODE]".
func pipeHolders(files ...*os.File) []Leftover {
	want := map[string]bool{}
	for _, f := range files {
		if st, err := f.Stat(); err == nil {
			if sys, ok := st.Sys().(*syscall.Stat_t); ok {
				want[fmt.Sprintf("pipe:[%d]", sys.Ino)] = true
			}
		}
	}
	procs, err := os.ReadDir("/proc")
	if err != nil || len(want) == 0 {
		return nil
	}
	self := os.Getpid()
	var out []Leftover
	for _, e := range procs {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		fds, err := os.ReadDir(filepath.Join("/proc", e.Name(), "fd"))
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join("/proc", e.Name(), "fd", fd.Name())); err == nil && want[link] {
				comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
				out = append(out, Leftover{Pid: pid, Command: strings.TrimSpace(string(comm))})
				break
			}
		}
	}
	return out
}
