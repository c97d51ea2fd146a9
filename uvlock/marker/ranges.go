package marker

import (
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// value is a point on the axis of one marker variable: a release-only version for version
// variables, a plain string for string variables. A variable never mixes the two.
type value struct {
	isVersion bool
	ver       pep440.Version
	str       string
}

func verValue(v pep440.Version) value { return value{isVersion: true, ver: v} }
func strValue(s string) value         { return value{str: s} }

func (a value) compare(b value) int {
	if a.isVersion {
		return pep440.CompareRelease(a.ver.Release, b.ver.Release)
	}
	return strings.Compare(a.str, b.str)
}

func (a value) String() string {
	if a.isVersion {
		return a.ver.String()
	}
	return a.str
}

// key is the value's identity for interning: versions equal under PEP 440 share a key.
func (a value) key() string {
	if a.isVersion {
		return a.ver.Trimmed().String()
	}
	return a.str
}

type boundKind uint8

const (
	unbounded boundKind = iota
	included
	excluded
)

type bound struct {
	kind boundKind
	v    value
}

func (b bound) flip() bound {
	switch b.kind {
	case included:
		return bound{excluded, b.v}
	case excluded:
		return bound{included, b.v}
	}
	return b
}

// compareLower orders two bounds used as the start of a segment.
func compareLower(a, b bound) int {
	switch {
	case a.kind == unbounded && b.kind == unbounded:
		return 0
	case a.kind == unbounded:
		return -1
	case b.kind == unbounded:
		return 1
	}
	if c := a.v.compare(b.v); c != 0 {
		return c
	}
	switch {
	case a.kind == b.kind:
		return 0
	case a.kind == included:
		return -1
	}
	return 1
}

// compareUpper orders two bounds used as the end of a segment.
func compareUpper(a, b bound) int {
	switch {
	case a.kind == unbounded && b.kind == unbounded:
		return 0
	case a.kind == unbounded:
		return 1
	case b.kind == unbounded:
		return -1
	}
	if c := a.v.compare(b.v); c != 0 {
		return c
	}
	switch {
	case a.kind == b.kind:
		return 0
	case a.kind == excluded:
		return -1
	}
	return 1
}

type segment struct{ lo, hi bound }

func (s segment) empty() bool {
	if s.lo.kind == unbounded || s.hi.kind == unbounded {
		return false
	}
	c := s.lo.v.compare(s.hi.v)
	return c > 0 || c == 0 && (s.lo.kind == excluded || s.hi.kind == excluded)
}

// ranges is a set of values as sorted, disjoint, non-touching segments, the same model as the
// `version_ranges` crate uv builds its marker algebra on.
type ranges []segment

func fullRange() ranges { return ranges{{bound{kind: unbounded}, bound{kind: unbounded}}} }

func singleton(v value) ranges { return ranges{{bound{included, v}, bound{included, v}}} }

func between(lo, hi bound) ranges {
	s := segment{lo, hi}
	if s.empty() {
		return nil
	}
	return ranges{s}
}

func below(v value, inclusive bool) ranges {
	k := excluded
	if inclusive {
		k = included
	}
	return between(bound{kind: unbounded}, bound{k, v})
}

func above(v value, inclusive bool) ranges {
	k := excluded
	if inclusive {
		k = included
	}
	return between(bound{k, v}, bound{kind: unbounded})
}

func (r ranges) complement() ranges {
	var out ranges
	start := bound{kind: unbounded}
	for _, s := range r {
		if s.lo.kind != unbounded {
			out = append(out, segment{start, s.lo.flip()})
		}
		if s.hi.kind == unbounded {
			return out
		}
		start = s.hi.flip()
	}
	return append(out, segment{start, bound{kind: unbounded}})
}

func (r ranges) intersection(o ranges) ranges {
	var out ranges
	i, j := 0, 0
	for i < len(r) && j < len(o) {
		a, b := r[i], o[j]
		lo := a.lo
		if compareLower(b.lo, lo) > 0 {
			lo = b.lo
		}
		hi := a.hi
		if compareUpper(b.hi, hi) < 0 {
			hi = b.hi
		}
		if s := (segment{lo, hi}); !s.empty() {
			out = append(out, s)
		}
		if compareUpper(a.hi, b.hi) < 0 {
			i++
		} else {
			j++
		}
	}
	return out
}

func (r ranges) union(o ranges) ranges {
	return r.complement().intersection(o.complement()).complement()
}

func (r ranges) isEmpty() bool { return len(r) == 0 }

// bounding returns the hull of the set as a single segment.
func (r ranges) bounding() segment { return segment{r[0].lo, r[len(r)-1].hi} }

func (r ranges) key() string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(boundKey(s.lo, "[", "(", "-inf"))
		b.WriteByte(',')
		b.WriteString(boundKey(s.hi, "]", ")", "+inf"))
	}
	return b.String()
}

func boundKey(b bound, inc, exc, inf string) string {
	switch b.kind {
	case included:
		return inc + b.v.key()
	case excluded:
		return exc + b.v.key()
	}
	return inf
}
