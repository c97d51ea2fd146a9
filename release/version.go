// Package release carries a plugin from a working version to a marketplace
// submission: raising its version (Bump), and preparing the pull request to
// langgenius/dify-plugins (Prepare), with a body that passes the
// marketplace's checks of pull requests.
package release

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/manifest"
)

// Version is a plugin version as the daemon accepts it: three numbers and
// an optional -suffix (1.2.3, 0.1.0-beta).
type Version struct {
	Major, Minor, Patch int
	Pre                 string // after the dash, "" for a release
}

// ParseVersion reads a version the daemon accepts.
func ParseVersion(s string) (Version, error) {
	if err := manifest.CheckVersion(s); err != nil {
		return Version{}, err
	}
	main, pre, _ := strings.Cut(s, "-")
	parts := strings.Split(main, ".")
	var v Version
	v.Major, _ = strconv.Atoi(parts[0])
	v.Minor, _ = strconv.Atoi(parts[1])
	v.Patch, _ = strconv.Atoi(parts[2])
	v.Pre = pre
	return v, nil
}

func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	return s
}

// Compare orders versions: by their numbers, and a pre-release before the
// release of the same numbers.
func (v Version) Compare(w Version) int {
	for _, d := range [][2]int{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	}
	return strings.Compare(v.Pre, w.Pre)
}

// Next is the version after v for a bump: "major", "minor", "patch", or an
// explicit version, which must be above v. A pre-release bumped by patch
// becomes its release (1.2.3-beta → 1.2.3).
func (v Version) Next(how string) (Version, error) {
	var n Version
	switch how {
	case "major":
		n = Version{Major: v.Major + 1}
	case "minor":
		n = Version{Major: v.Major, Minor: v.Minor + 1}
	case "patch":
		n = Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch + 1}
		if v.Pre != "" {
			n.Patch = v.Patch
		}
	default:
		var err error
		if n, err = ParseVersion(how); err != nil {
			return Version{}, fmt.Errorf("%q is neither major, minor nor patch, nor a version: %v", how, err)
		}
		if n.Compare(v) <= 0 {
			return Version{}, &BackwardsError{From: v, To: n}
		}
	}
	if n.Major > 9999 || n.Minor > 9999 || n.Patch > 9999 {
		return Version{}, fmt.Errorf("%s has a number over 9999, which the daemon refuses", n)
	}
	return n, nil
}

// BackwardsError is a bump to a version that is not above the current one.
type BackwardsError struct{ From, To Version }

func (e *BackwardsError) Error() string {
	if e.From.Compare(e.To) == 0 {
		return fmt.Sprintf("the version is %s already; give a higher one or major, minor or patch", e.From)
	}
	return fmt.Sprintf("%s is below the current version %s; bump never goes backwards (the marketplace refuses a version that is not above the last)", e.To, e.From)
}
