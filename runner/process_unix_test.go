//go:build unix

package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStopTakesDownTheProcessGroup(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pids")
	p, _ := start(t, "child", func(o *Options) { o.Env = append(o.Env, "DOUBLE_PIDFILE="+pidfile) })
	pids := readPids(t, pidfile, 2)
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
	if err := p.Err(); err != nil {
		t.Errorf("a stopped plugin reports %v", err)
	}
}

func TestUnexpectedExit(t *testing.T) {
	p, _ := start(t, "", nil)
	chunks, _ := invokeTool(t, p, "pid", nil)
	pid, _ := strconv.Atoi(text(chunks[0]))
	slow, _ := p.Invoke(context.Background(), Request{Type: "tool", Action: "invoke_tool",
		Body: map[string]any{"tool": "slow", "tool_parameters": map[string]any{"seconds": 3600}}})
	syscall.Kill(pid, syscall.SIGKILL)
	<-p.Exited()
	if _, err := collect(t, slow); !errors.Is(err, ErrPluginExited) {
		t.Errorf("the request in flight: %v", err)
	}
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Errorf("Err() = %v", err)
	}
	if _, err := p.Invoke(context.Background(), Request{Type: "tool", Action: "invoke_tool"}); !errors.Is(err, ErrPluginExited) {
		t.Errorf("a request after the exit: %v", err)
	}
}

func readPids(t *testing.T, path string, n int) []int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		fields := strings.Fields(string(data))
		if len(fields) >= n {
			var pids []int
			for _, f := range fields {
				pid, _ := strconv.Atoi(f)
				pids = append(pids, pid)
			}
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %q, want %d pids", path, data, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitGone waits until pid no longer exists (or is a zombie nobody reaps,
// which holds no resources); it fails after a generous deadline.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if syscall.Kill(pid, 0) != nil || isZombie(pid) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d is still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isZombie(pid int) bool {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}
