package peak

import (
	"os"
	"syscall"
)

// MaxRSS is the peak resident set size of an ended process, in bytes;
// false where the platform does not say.
func MaxRSS(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return ru.Maxrss * 1024, true // kibibytes on Linux
}
