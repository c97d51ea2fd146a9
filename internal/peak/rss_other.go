//go:build !linux

package peak

import "os"

func maxRSS(*os.ProcessState) (int64, bool) { return 0, false }
