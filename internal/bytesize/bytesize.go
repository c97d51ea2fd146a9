// Package bytesize reads and writes byte counts the way people write them:
// 1048576, 1MB, 1 MiB, 512KiB.
package bytesize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Format writes n for people, in binary units: 512 B, 1.5 KiB, 50.0 MiB.
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// units maps suffixes, lower case, to their size. Decimal SI prefixes mean
// what they say (1 kB = 1000 B); the binary ones 1024.
var units = map[string]uint64{
	"": 1, "b": 1,
	"k": 1000, "kb": 1000, "kib": 1 << 10, "ki": 1 << 10,
	"m": 1000 * 1000, "mb": 1000 * 1000, "mib": 1 << 20, "mi": 1 << 20,
	"g": 1000 * 1000 * 1000, "gb": 1000 * 1000 * 1000, "gib": 1 << 30, "gi": 1 << 30,
}

// Parse reads a byte count: a whole number, optionally followed by a unit
// (B, kB, KiB, MB, MiB, GB, GiB; case does not matter, spaces are allowed), or
// a decimal number with a unit ("1.5MiB"). Fractions of a byte are refused.
func Parse(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := units[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("%q is not a size; write bytes (1048576) or a size with a unit (1MiB, 512KiB, 1MB)", s)
	}
	if !strings.Contains(num, ".") {
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil || n > math.MaxUint64/mult {
			return 0, fmt.Errorf("%q is too large", s)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size; write bytes (1048576) or a size with a unit (1MiB, 512KiB, 1MB)", s)
	}
	v := f * float64(mult)
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%q is not a whole number of bytes", s)
	}
	if v >= math.MaxUint64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return uint64(v), nil
}
