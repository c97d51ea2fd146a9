package pep440

import (
	"fmt"
	"strings"
)

// Satisfies reports whether version v meets a specifier set such as
// ">=0.10.0,<0.11.0" or "~=2.31", by PEP 440's rules (pre-releases are
// accepted: the question is whether what is installed fits). An empty set
// is met by every version.
func Satisfies(v Version, spec string) (bool, error) {
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		op := ""
		for _, o := range []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"} {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		if op == "" {
			return false, fmt.Errorf("%q is not a version clause", clause)
		}
		text := strings.TrimSpace(clause[len(op):])
		if op == "===" {
			if !strings.EqualFold(text, v.String()) {
				return false, nil
			}
			continue
		}
		w, star, err := ParseWildcard(text)
		if err != nil {
			return false, err
		}
		if !clauseHolds(v, op, w, star) {
			return false, nil
		}
	}
	return true, nil
}

func clauseHolds(v Version, op string, w Version, star bool) bool {
	switch op {
	case "==", "!=":
		eq := false
		if star {
			eq = v.Epoch == w.Epoch && prefixOf(w.Release, v.Release)
		} else {
			vv := v
			if len(w.Local) == 0 {
				vv.Local = nil
			}
			eq = Compare(vv, w) == 0
		}
		return eq == (op == "==")
	case "~=":
		if len(w.Release) < 2 {
			return false
		}
		prefix := w.Release[:len(w.Release)-1]
		return Compare(v, w) >= 0 && v.Epoch == w.Epoch && prefixOf(prefix, v.Release)
	case "<=":
		return Compare(v.withoutLocal(), w) <= 0
	case ">=":
		return Compare(v.withoutLocal(), w) >= 0
	case "<":
		// <V excludes pre-releases of V itself.
		if Compare(v.withoutLocal(), w) >= 0 {
			return false
		}
		return !(w.Pre == "" && w.Dev < 0 && v.Pre != "" && CompareRelease(v.Release, w.Release) == 0)
	case ">":
		// >V excludes post-releases of V itself.
		if Compare(v.withoutLocal(), w) <= 0 {
			return false
		}
		return !(w.Post < 0 && v.Post >= 0 && CompareRelease(v.Release, w.Release) == 0)
	}
	return false
}

// prefixOf reports whether p is a prefix of r, padding r with zeros.
func prefixOf(p, r []uint64) bool {
	for i, n := range p {
		var m uint64
		if i < len(r) {
			m = r[i]
		}
		if n != m {
			return false
		}
	}
	return true
}

func (v Version) withoutLocal() Version {
	v.Local = nil
	return v
}
