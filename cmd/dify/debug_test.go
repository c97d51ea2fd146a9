//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/fakedaemon"
)

// Ctrl-C stops a debugging session: the plugin (and its process group) is
// gone, and dify exits 130.
func TestDebugCtrlC(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	d, err := fakedaemon.Start("the-key")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pidfile := filepath.Join(t.TempDir(), "pids")
	cmd := exec.Command(bin, "plugin", "debug", double(t), "--url", d.Addr(), "--key", "the-key", "--watch")
	cmd.Env = append(os.Environ(), append(runEnv(t), "DOUBLE_MODE=child", "DOUBLE_PIDFILE="+pidfile)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var state *os.ProcessState
	go func() {
		state, _ = cmd.Process.Wait()
		close(exited)
	}()
	registered := d.Wait(func(cs []fakedaemon.Conn) bool {
		for _, c := range cs {
			if c.Registered {
				return true
			}
		}
		return false
	}, 2*time.Minute)
	if !registered {
		cmd.Process.Kill()
		t.Fatalf("the plugin did not register: %+v", d.Conns())
	}
	pids := readPidFile(t, pidfile, 2, exited)
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-exited:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("dify plugin debug did not stop on SIGINT")
	}
	if code := state.ExitCode(); code != 130 {
		t.Errorf("exit status %d after SIGINT, want 130", code)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
}
