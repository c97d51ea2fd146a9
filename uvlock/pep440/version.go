// Package pep440 parses and orders Python package versions (PEP 440).
//
// uv sorts exported requirements by version and works on the release part of
// versions inside environment markers; both need the real PEP 440 rules, not
// string order (`2.9.0` comes before `2.10.0`, `1.0rc1` before `1.0`).
package pep440

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Version is a parsed PEP 440 version. The zero value is not a valid version.
type Version struct {
	Epoch   uint64
	Release []uint64
	// Pre is the pre-release kind ("a", "b", "rc"; empty when there is none) and PreN its number.
	Pre  string
	PreN uint64
	// Post and Dev are -1 when absent.
	Post, Dev int64
	Local     []string
}

// Parse parses a version in any spelling PEP 440 accepts (`v1.0`, `1.0-RC.1`, `1.0.post2.dev3+ubuntu.1`).
func Parse(s string) (Version, error) {
	v, rest, err := parse(s)
	if err != nil {
		return Version{}, err
	}
	if rest != "" {
		return Version{}, fmt.Errorf("%q is not a PEP 440 version", s)
	}
	return v, nil
}

// ParseWildcard parses a version that may end in `.*`, as after `==` and `!=` in a specifier.
func ParseWildcard(s string) (v Version, star bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".*") {
		v, err = Parse(strings.TrimSuffix(s, ".*"))
		if err == nil && (v.Pre != "" || v.Post >= 0 || v.Dev >= 0 || len(v.Local) > 0) {
			err = fmt.Errorf("%q: a wildcard may only follow a release", s)
		}
		return v, true, err
	}
	v, err = Parse(s)
	return v, false, err
}

// New returns a release-only version.
func New(release ...uint64) Version {
	return Version{Release: append([]uint64(nil), release...), Post: -1, Dev: -1}
}

func parse(s string) (Version, string, error) {
	orig := s
	bad := func() (Version, string, error) {
		return Version{}, "", fmt.Errorf("%q is not a PEP 440 version", orig)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "v")
	v := Version{Post: -1, Dev: -1}
	if i := strings.IndexByte(s, '!'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 64)
		if err != nil {
			return bad()
		}
		v.Epoch = n
		s = s[i+1:]
	}
	for {
		n, rest, ok := number(s)
		if !ok {
			return bad()
		}
		v.Release = append(v.Release, n)
		s = rest
		if len(s) > 1 && s[0] == '.' && isDigit(s[1]) {
			s = s[1:]
			continue
		}
		break
	}
	// Pre-release: [-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?N?
	if kind, rest, ok := label(s, map[string]string{
		"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "c": "rc", "pre": "rc", "preview": "rc",
	}); ok {
		v.Pre = kind
		v.PreN, s = optionalNumber(rest)
	}
	// Post-release: -N, or [-_.]?(post|rev|r)[-_.]?N?
	if len(s) > 1 && s[0] == '-' && isDigit(s[1]) {
		n, rest, _ := number(s[1:])
		v.Post, s = clamp(n), rest
	} else if _, rest, ok := label(s, map[string]string{"post": "post", "rev": "post", "r": "post"}); ok {
		var n uint64
		n, s = optionalNumber(rest)
		v.Post = clamp(n)
	}
	if _, rest, ok := label(s, map[string]string{"dev": "dev"}); ok {
		var n uint64
		n, s = optionalNumber(rest)
		v.Dev = clamp(n)
	}
	if strings.HasPrefix(s, "+") {
		local := s[1:]
		end := strings.IndexFunc(local, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
		})
		if end < 0 {
			end = len(local)
		}
		parts := strings.FieldsFunc(local[:end], func(r rune) bool { return r == '.' || r == '-' || r == '_' })
		if len(parts) == 0 {
			return bad()
		}
		v.Local, s = parts, local[end:]
	}
	return v, strings.TrimSpace(s), nil
}

// label matches an optional separator and one of the given words (longest first, so "rc"
// is not read as "r" followed by "c").
func label(s string, words map[string]string) (kind, rest string, ok bool) {
	t := s
	if t != "" && strings.ContainsRune("-_.", rune(t[0])) {
		t = t[1:]
	}
	best := ""
	for w := range words {
		if strings.HasPrefix(t, w) && len(w) > len(best) {
			best = w
		}
	}
	if best == "" {
		return "", s, false
	}
	return words[best], t[len(best):], true
}

func optionalNumber(s string) (uint64, string) {
	t := s
	if t != "" && strings.ContainsRune("-_.", rune(t[0])) {
		t = t[1:]
	}
	if n, rest, ok := number(t); ok {
		return n, rest
	}
	return 0, s
}

func number(s string) (uint64, string, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil {
		return 0, s, false
	}
	return n, s[i:], true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func clamp(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}

// MajorMinor is "X.Y" of a version's release ("3.12" of 3.12.4), and
// whether it has both.
func (v Version) MajorMinor() (string, bool) {
	if len(v.Release) < 2 {
		return "", false
	}
	return fmt.Sprintf("%d.%d", v.Release[0], v.Release[1]), true
}

// MajorMinorOf is MajorMinor of a version written s; s, trimmed, when it
// is not a version with two numbers.
func MajorMinorOf(s string) string {
	if v, err := Parse(strings.TrimSpace(s)); err == nil {
		if mm, ok := v.MajorMinor(); ok {
			return mm
		}
	}
	return strings.TrimSpace(s)
}

// IsReleaseOnly reports whether the version has nothing but a release part.
func (v Version) IsReleaseOnly() bool {
	return v.Epoch == 0 && v.Pre == "" && v.Post < 0 && v.Dev < 0 && len(v.Local) == 0
}

// OnlyRelease drops everything but the release segments (uv's `only_release`).
func (v Version) OnlyRelease() Version { return New(v.Release...) }

// Trimmed is OnlyRelease without trailing zero segments (`3.9.0` → `3.9`, `0` stays `0`).
func (v Version) Trimmed() Version {
	r := v.Release
	for len(r) > 1 && r[len(r)-1] == 0 {
		r = r[:len(r)-1]
	}
	if len(r) == 1 && r[0] == 0 {
		return New(0)
	}
	return New(r...)
}

// String prints the version in PEP 440 normal form.
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != 0 {
		fmt.Fprintf(&b, "%d!", v.Epoch)
	}
	for i, n := range v.Release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(n, 10))
	}
	if v.Pre != "" {
		fmt.Fprintf(&b, "%s%d", v.Pre, v.PreN)
	}
	if v.Post >= 0 {
		fmt.Fprintf(&b, ".post%d", v.Post)
	}
	if v.Dev >= 0 {
		fmt.Fprintf(&b, ".dev%d", v.Dev)
	}
	if len(v.Local) > 0 {
		b.WriteString("+" + strings.Join(v.Local, "."))
	}
	return b.String()
}

// Compare orders two versions by PEP 440: -1, 0 or +1.
func Compare(a, b Version) int {
	if c := cmpUint(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	if c := CompareRelease(a.Release, b.Release); c != 0 {
		return c
	}
	if c := cmpInt(preKey(a), preKey(b)); c != 0 {
		return c
	}
	if a.Pre != "" && b.Pre != "" {
		if c := cmpUint(a.PreN, b.PreN); c != 0 {
			return c
		}
	}
	if c := cmpInt(a.Post, b.Post); c != 0 {
		return c
	}
	if c := cmpInt(devKey(a), devKey(b)); c != 0 {
		return c
	}
	return compareLocal(a.Local, b.Local)
}

// CompareRelease compares release segments with missing trailing segments read as zero.
func CompareRelease(a, b []uint64) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y uint64
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmpUint(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// preKey places a dev release without pre or post (1.0.dev0) before any pre-release, and a final
// release after them.
func preKey(v Version) int64 {
	switch {
	case v.Pre == "" && v.Post < 0 && v.Dev >= 0:
		return -1
	case v.Pre == "a":
		return 1
	case v.Pre == "b":
		return 2
	case v.Pre == "rc":
		return 3
	default:
		return 4
	}
}

func devKey(v Version) int64 {
	if v.Dev < 0 {
		return math.MaxInt64
	}
	return v.Dev
}

func compareLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, aerr := strconv.ParseUint(a[i], 10, 64)
		bn, berr := strconv.ParseUint(b[i], 10, 64)
		switch {
		case aerr == nil && berr == nil:
			if c := cmpUint(an, bn); c != 0 {
				return c
			}
		case aerr == nil: // numeric segments sort after alphanumeric ones
			return 1
		case berr == nil:
			return -1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
