package offline

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/uvlock/marker"
)

// Wheel is a wheel file name taken apart (PEP 427).
type Wheel struct {
	File    string
	Name    string // normalized (PEP 503)
	Version string
	Build   int      // the optional build number, 0 without one
	Tags    []string // every python-abi-platform tag the file carries
}

// ParseWheel reads a wheel file name. The name comes from a lock or an
// index that may be hostile and becomes a file name in the cache and in
// the package, so every part must be made of the characters a wheel name
// uses (letters, digits, "_", ".", "+", "!"): a path cannot pass.
func ParseWheel(file string) (Wheel, error) {
	base, ok := strings.CutSuffix(file, ".whl")
	if !ok {
		return Wheel{}, fmt.Errorf("%q is not a wheel (.whl)", file)
	}
	parts := strings.Split(base, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return Wheel{}, fmt.Errorf("%q is not a wheel file name (name-version[-build]-python-abi-platform.whl)", file)
	}
	for _, part := range parts {
		if !wheelPart(part) {
			return Wheel{}, fmt.Errorf("%q is not a wheel file name: %q has characters a wheel name never has", file, part)
		}
	}
	w := Wheel{File: file, Name: marker.NormalizeName(parts[0]), Version: parts[1]}
	if len(parts) == 6 {
		digits := parts[2]
		for i, r := range digits {
			if r < '0' || r > '9' {
				digits = digits[:i]
				break
			}
		}
		w.Build, _ = strconv.Atoi(digits)
	}
	n := len(parts)
	for _, py := range strings.Split(parts[n-3], ".") {
		for _, abi := range strings.Split(parts[n-2], ".") {
			for _, plat := range strings.Split(parts[n-1], ".") {
				w.Tags = append(w.Tags, py+"-"+abi+"-"+plat)
			}
		}
	}
	return w, nil
}

// wheelPart reports whether s can be one dash-separated part of a wheel
// file name: not empty, not starting with a dot, of [A-Za-z0-9_.+!] only.
func wheelPart(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '+' || c == '!') {
			return false
		}
	}
	return true
}

// ranking orders tags for one target: lower is better.
type ranking map[string]int

func rank(t Target) ranking {
	r := ranking{}
	for i, tag := range t.Tags() {
		r[tag] = i
	}
	return r
}

// of is the wheel's best rank, or -1 when it does not install on the target.
func (r ranking) of(w Wheel) int {
	best := -1
	for _, tag := range w.Tags {
		if i, ok := r[tag]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}
