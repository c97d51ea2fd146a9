package marker

import (
	"fmt"
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// PythonRange is the span of Python versions a project supports (its requires-python),
// as a lower and an upper bound on python_full_version.
type PythonRange struct{ lo, hi bound }

// ParseRequiresPython reads a requires-python specifier set such as `>=3.12` or
// `>=3.10,<4`. Only the hull of the set matters, as in uv.
func ParseRequiresPython(s string) (PythonRange, error) {
	r := fullRange()
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		o, rest, ok := splitOperator(part)
		if !ok {
			return PythonRange{}, fmt.Errorf("requires-python %q: %q has no comparison operator", s, part)
		}
		v, star, err := pep440.ParseWildcard(rest)
		if err != nil {
			return PythonRange{}, fmt.Errorf("requires-python %q: %w", s, err)
		}
		if star {
			if o, ok = starOperator(o); !ok {
				return PythonRange{}, fmt.Errorf("requires-python %q: a wildcard only follows == or !=", s)
			}
		}
		// requires-python keeps trailing zeros in its bounds (no trimming), as uv's lock does.
		pr, err := specifierRange(o, v.OnlyRelease())
		if err != nil {
			return PythonRange{}, fmt.Errorf("requires-python %q: %w", s, err)
		}
		r = r.intersection(pr)
	}
	if r.isEmpty() {
		return PythonRange{}, fmt.Errorf("requires-python %q admits no Python version", s)
	}
	b := r.bounding()
	trim := func(x bound) bound {
		if x.kind != unbounded {
			x.v = verValue(x.v.ver.Trimmed())
		}
		return x
	}
	return PythonRange{trim(b.lo), trim(b.hi)}, nil
}

func splitOperator(s string) (op, string, bool) {
	for _, c := range []struct {
		text string
		op   op
	}{{"===", opExact}, {"==", opEqual}, {"!=", opNotEqual}, {"~=", opTilde}, {"<=", opLessEqual}, {">=", opGreaterEqual}, {"<", opLess}, {">", opGreater}} {
		if strings.HasPrefix(s, c.text) {
			return c.op, strings.TrimSpace(s[len(c.text):]), true
		}
	}
	return 0, "", false
}

func (p PythonRange) unbounded() bool { return p.lo.kind == unbounded && p.hi.kind == unbounded }

// SimplifyPython assumes requires-python holds and drops what it implies: with `>=3.12`,
// `python_full_version >= '3.8' and sys_platform == 'linux'` becomes `sys_platform == 'linux'`.
// Markers in uv.lock are written this way.
func (a *Algebra) SimplifyPython(t Tree, p PythonRange) Tree {
	if t == True || t == False || p.unbounded() {
		return t
	}
	n := a.node(t)
	if n.v.kind != varVersion || n.v.key != pythonFullVersion {
		e := n.e.mapChildren(t, func(c Tree) Tree { return a.SimplifyPython(c, p) })
		return a.createNode(n.v, e)
	}
	span := between(p.lo, p.hi)
	var kept []rangeEdge
	for _, re := range n.e.ranged {
		if in := re.r.intersection(span); !in.isEmpty() {
			kept = append(kept, rangeEdge{in, re.child})
		}
	}
	// The ranges at both ends now reach to the ends of the axis: outside requires-python
	// anything goes.
	first := kept[0]
	kept[0] = rangeEdge{between(bound{kind: unbounded}, first.r.bounding().hi), first.child}
	last := kept[len(kept)-1]
	kept[len(kept)-1] = rangeEdge{between(last.r.bounding().lo, bound{kind: unbounded}), last.child}
	return a.createNode(n.v, edges{ranged: kept}).negate(t)
}

// ComplexifyPython is the inverse of SimplifyPython: it makes requires-python explicit again.
func (a *Algebra) ComplexifyPython(t Tree, p PythonRange) Tree {
	if t == False || p.unbounded() {
		return t
	}
	span := between(p.lo, p.hi)
	if t == True {
		return a.createNode(variable{kind: varVersion, key: pythonFullVersion}, rangeEdges(span))
	}
	n := a.node(t)
	if n.v.kind != varVersion || n.v.key != pythonFullVersion {
		e := n.e.mapChildren(t, func(c Tree) Tree { return a.ComplexifyPython(c, p) })
		return a.createNode(n.v, e)
	}
	var kept []rangeEdge
	for _, re := range n.e.ranged {
		if !span.intersection(re.r).isEmpty() {
			kept = append(kept, re)
		}
	}
	exclude := False.negate(t)
	if p.lo.kind != unbounded {
		first := kept[0]
		hi := first.r.bounding().hi
		if first.child == exclude {
			kept[0] = rangeEdge{between(bound{kind: unbounded}, hi), first.child}
		} else {
			kept[0] = rangeEdge{between(p.lo, hi), first.child}
			below := above(p.lo.v, p.lo.kind == included).complement()
			kept = append([]rangeEdge{{below, exclude}}, kept...)
		}
	}
	if p.hi.kind != unbounded {
		last := kept[len(kept)-1]
		lo := last.r.bounding().lo
		if last.child == exclude {
			kept[len(kept)-1] = rangeEdge{between(lo, bound{kind: unbounded}), last.child}
		} else {
			kept[len(kept)-1] = rangeEdge{between(lo, p.hi), last.child}
			beyond := below(p.hi.v, p.hi.kind == included).complement()
			kept = append(kept, rangeEdge{beyond, exclude})
		}
	}
	return a.createNode(n.v, edges{ranged: kept}).negate(t)
}
