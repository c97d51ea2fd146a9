// Package stale names temporary files and folders after the process that
// makes them, and removes the ones whose process has gone: a run killed
// with SIGKILL (or by a power cut) cannot clean up after itself, so the
// next run does.
package stale

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Pattern is a pattern for os.CreateTemp and os.MkdirTemp: prefix, the id
// of this process, a dash, and the random part.
func Pattern(prefix string) string { return prefix + strconv.Itoa(os.Getpid()) + "-*" }

// Owner is the process id a name made from Pattern(prefix) records, or 0
// when the name is not one of them.
func Owner(name, prefix string) int {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0
	}
	digits, random, ok := strings.Cut(rest, "-")
	if !ok || random == "" || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0
	}
	pid, err := strconv.Atoi(digits)
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// Remove deletes the files and folders of dir named by Pattern(prefix)
// whose process no longer runs, and returns their paths. Entries whose
// process runs (or cannot be told, as on Windows) are kept, and so are
// names that record no process. Failures are ignored: what is left is
// only clutter, tried again next time.
func Remove(dir, prefix string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		pid := Owner(e.Name(), prefix)
		if pid == 0 || pid == os.Getpid() || Alive(pid) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if e.IsDir() {
			err = os.RemoveAll(path)
		} else {
			err = os.Remove(path)
		}
		if err == nil {
			removed = append(removed, path)
		}
	}
	return removed
}
