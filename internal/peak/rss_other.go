//go:build !linux

package peak

import "os"

// MaxRSS is not known here.
func MaxRSS(*os.ProcessState) (int64, bool) { return 0, false }
