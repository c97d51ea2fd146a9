package stale

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

// deadPid is the id of a process that has ended.
func deadPid(t *testing.T) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestRemoveTakesWhatDeadProcessesLeft(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("processes cannot be told apart here; nothing is removed")
	}
	dir := t.TempDir()
	dead := strconv.Itoa(deadPid(t))
	live := strconv.Itoa(os.Getppid())
	mk := func(name string, isDir bool) {
		p := filepath.Join(dir, name)
		if isDir {
			if err := os.MkdirAll(filepath.Join(p, "inside"), 0o755); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("dify-run-"+dead+"-123", true)                    // a dead run's folder
	mk(".download-"+dead+"-456", false)                  // another prefix: kept
	mk("dify-run-"+live+"-789", true)                    // a running process's
	mk("dify-run-123456", true)                          // no owner recorded
	mk("dify-run-x"+dead+"-1", true)                     // not a pid
	mk("dify-run-"+strconv.Itoa(os.Getpid())+"-1", true) // this process's

	removed := Remove(dir, "dify-run-")
	if want := []string{filepath.Join(dir, "dify-run-"+dead+"-123")}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 5 {
		t.Errorf("left %d entries, want 5", len(left))
	}
}

func TestOwner(t *testing.T) {
	for name, want := range map[string]int{
		"dify-run-42-abc": 42,
		"dify-run-42-":    0,
		"dify-run-42":     0,
		"dify-run--1":     0,
		"dify-run-0-1":    0,
		"dify-runner-1-1": 0,
		"other-42-1":      0,
	} {
		if got := Owner(name, "dify-run-"); got != want {
			t.Errorf("Owner(%q) = %d, want %d", name, got, want)
		}
	}
	if p := Pattern("x-"); p != "x-"+strconv.Itoa(os.Getpid())+"-*" {
		t.Errorf("Pattern = %q", p)
	}
}
