// Package peak measures the most memory a piece of code holds at once, as
// a user's machine sees it: the code runs in a child process (the test
// binary itself, running one test) and the child's peak resident set size
// is read when it exits. Tests assert a bound on it instead of timing
// anything.
package peak

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

const caseVar = "DIFY_PEAK_CASE"

// Child reports whether this process is the child Measure started for the
// named case: the test then runs the code to measure, and returns.
func Child(name string) bool { return os.Getenv(caseVar) == name }

// Measure runs the test function named test in a child process with the
// case name set (and env added), fails t when the child fails, and returns
// the child's peak resident set size in bytes. It skips where the peak
// cannot be read.
func Measure(t *testing.T, test, name string, env ...string) int64 {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the peak resident set size is read on Linux only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), caseVar+"="+name), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the measured case %s failed: %v\n%s", name, err, out)
	}
	rss, ok := MaxRSS(cmd.ProcessState)
	if !ok {
		t.Skip("no resource usage for the child")
	}
	return rss
}
