//go:build unix

package diskread

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO where a file was expected is refused at once: opening it does not
// wait for a writer that never comes.
func TestHeadRefusesAFIFOWithoutWaiting(t *testing.T) {
	name := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Skip("cannot make a FIFO here:", err)
	}
	if _, _, err := Head(name, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Head of a FIFO: %v, want ErrNotRegular", err)
	}
}
