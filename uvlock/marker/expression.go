package marker

import (
	"errors"
	"math"
	"sort"

	"github.com/dify-cli/dify/uvlock/pep440"
)

type op uint8

const (
	opEqual op = iota
	opNotEqual
	opLess
	opLessEqual
	opGreater
	opGreaterEqual
	opTilde
	opExact
	opEqualStar
	opNotEqualStar
	opIn
	opNotIn
	opContains // `'value' in key`
	opNotContains
)

var opText = [...]string{
	opEqual: "==", opNotEqual: "!=", opLess: "<", opLessEqual: "<=", opGreater: ">",
	opGreaterEqual: ">=", opTilde: "~=", opExact: "===", opEqualStar: "==", opNotEqualStar: "!=",
	opIn: "in", opNotIn: "not in", opContains: "in", opNotContains: "not in",
}

// negate is the operator of the complement, or false when there is none (`~=`).
func (o op) negate() (op, bool) {
	switch o {
	case opEqual, opExact:
		return opNotEqual, true
	case opNotEqual:
		return opEqual, true
	case opEqualStar:
		return opNotEqualStar, true
	case opNotEqualStar:
		return opEqualStar, true
	case opLess:
		return opGreaterEqual, true
	case opLessEqual:
		return opGreater, true
	case opGreater:
		return opLessEqual, true
	case opGreaterEqual:
		return opLess, true
	case opIn:
		return opNotIn, true
	case opNotIn:
		return opIn, true
	case opContains:
		return opNotContains, true
	case opNotContains:
		return opContains, true
	}
	return 0, false
}

type exprKind uint8

const (
	exprVersion exprKind = iota
	exprVersionIn
	exprString
	exprExtra
)

// expr is one `key op value` comparison, as parsed or as printed.
type expr struct {
	kind exprKind
	key  key
	op   op
	ver  pep440.Version   // exprVersion
	vers []pep440.Version // exprVersionIn
	str  string           // exprString value; exprExtra name
	// invalidExtra marks `extra == 'x'` whose name is not a valid extra name: always false.
	invalidExtra bool
}

var errOverflow = errors.New("version segment too large")

// expression returns the diagram of one comparison.
func (a *Algebra) expression(x expr) (Tree, error) {
	switch x.kind {
	case exprVersion:
		k, o, v := x.key, x.op, x.ver.OnlyRelease()
		if k == pythonVersion {
			var constant Tree
			var ok bool
			var err error
			o, v, constant, ok, err = pythonVersionToFull(o, v)
			if err != nil {
				return False, err
			}
			if !ok {
				return constant, nil
			}
			k = pythonFullVersion
		}
		r, err := specifierRange(o, v)
		if err != nil {
			return False, err
		}
		return a.createNode(variable{kind: varVersion, key: k}, rangeEdges(r)), nil
	case exprVersionIn:
		var r ranges
		k := x.key
		for _, v := range x.vers {
			if k == pythonVersion {
				o, fv, constant, ok, err := pythonVersionToFull(opEqual, v.OnlyRelease())
				if err != nil {
					return False, err
				}
				if !ok {
					return constant, nil
				}
				part, err := specifierRange(o, fv)
				if err != nil {
					return False, err
				}
				r = r.union(part)
				continue
			}
			r = r.union(singleton(verValue(v)))
		}
		if k == pythonVersion {
			k = pythonFullVersion
		}
		if x.op == opNotIn {
			r = r.complement()
		}
		return a.createNode(variable{kind: varVersion, key: k}, rangeEdges(r)), nil
	case exprExtra:
		if x.invalidExtra {
			return False, nil
		}
		return a.createNode(variable{kind: varExtra, value: x.str}, boolEdges(x.op == opEqual)), nil
	}
	switch x.op {
	case opIn, opNotIn:
		return a.createNode(variable{kind: varIn, key: x.key, value: x.str}, boolEdges(x.op == opIn)), nil
	case opContains, opNotContains:
		return a.createNode(variable{kind: varContains, key: x.key, value: x.str}, boolEdges(x.op == opContains)), nil
	}
	return a.stringExpr(x.key, x.op, x.str), nil
}

// stringExpr is the diagram of a comparison on a string variable. platform_system values with
// an exact sys_platform equivalent are rewritten to it, as uv does.
func (a *Algebra) stringExpr(k key, o op, v string) Tree {
	if k == platformSystem {
		if p, ok := map[string]string{
			"Windows": "win32", "Darwin": "darwin", "Linux": "linux", "AIX": "aix",
			"Emscripten": "emscripten", "Android": "android",
		}[v]; ok {
			k, v = sysPlatform, p
		}
	}
	val := strValue(v)
	var r ranges
	ordered := k == platformRelease || k == platformVersion
	switch {
	case o == opEqual:
		r = singleton(val)
	case o == opNotEqual:
		r = singleton(val).complement()
	case ordered && o == opGreater:
		r = above(val, false)
	case ordered && o == opGreaterEqual:
		r = above(val, true)
	case ordered && o == opLess:
		r = below(val, false)
	case ordered && o == opLessEqual:
		r = below(val, true)
	case o == opGreaterEqual || o == opLessEqual:
		// Ordering comparisons on plain string fields: inclusive ones mean equality, strict
		// ones never hold.
		r = singleton(val)
	}
	return a.createNode(variable{kind: varString, key: k}, rangeEdges(r))
}

func boolEdges(high bool) edges {
	if high {
		return edges{boolean: true, high: True, low: False}
	}
	return edges{boolean: true, high: False, low: True}
}

// rangeEdges partitions a variable's axis into the segments of r (true) and of its complement
// (false), in ascending order.
func rangeEdges(r ranges) edges {
	var out []rangeEdge
	for _, s := range r {
		out = append(out, rangeEdge{ranges{s}, True})
	}
	for _, s := range r.complement() {
		out = append(out, rangeEdge{ranges{s}, False})
	}
	sort.SliceStable(out, func(i, j int) bool { return compareLower(out[i].r[0].lo, out[j].r[0].lo) < 0 })
	return edges{ranged: out}
}

// specifierRange is the set of release-only versions a specifier admits; trailing zeros do not
// matter except before a wildcard and after `~=`.
func specifierRange(o op, v pep440.Version) (ranges, error) {
	t := verValue(v.Trimmed())
	switch o {
	case opEqual, opExact:
		return singleton(t), nil
	case opNotEqual:
		return singleton(t).complement(), nil
	case opLess:
		return below(t, false), nil
	case opLessEqual:
		return below(t, true), nil
	case opGreater:
		return above(t, false), nil
	case opGreaterEqual:
		return above(t, true), nil
	case opTilde:
		rel := v.Release
		if len(rel) < 2 {
			return nil, errors.New("~= needs at least two release segments")
		}
		upper := append([]uint64(nil), rel[:len(rel)-2]...)
		if rel[len(rel)-2] == math.MaxUint64 {
			return nil, errOverflow
		}
		upper = append(upper, rel[len(rel)-2]+1)
		return between(bound{included, t}, bound{excluded, verValue(pep440.New(upper...))}), nil
	case opEqualStar, opNotEqualStar:
		rel := append([]uint64(nil), v.Release...)
		if rel[len(rel)-1] == math.MaxUint64 {
			return nil, errOverflow
		}
		rel[len(rel)-1]++
		r := between(bound{included, verValue(v)}, bound{excluded, verValue(pep440.New(rel...))})
		if o == opNotEqualStar {
			r = r.complement()
		}
		return r, nil
	}
	return nil, errors.New("operator not allowed on a version")
}

// pythonVersionToFull rewrites a python_version comparison (whose values are only ever
// `major.minor`) to the equivalent python_full_version one. When the comparison is constant
// it returns ok=false and the constant.
func pythonVersionToFull(o op, v pep440.Version) (op, pep440.Version, Tree, bool, error) {
	rel := v.Release
	allZero := func(s []uint64) bool {
		for _, n := range s {
			if n != 0 {
				return false
			}
		}
		return true
	}
	switch o {
	case opEqualStar, opNotEqualStar:
		switch {
		case len(rel) == 1:
			return o, v, 0, true, nil
		case allZero(rel[2:]):
			return o, pep440.New(rel[0], rel[1]), 0, true, nil
		}
		return 0, v, False, false, nil
	case opTilde:
		switch {
		case len(rel) == 2:
			return o, v, 0, true, nil
		case len(rel) > 2 && allZero(rel[2:]):
			return opEqualStar, pep440.New(rel[0], rel[1]), 0, true, nil
		}
		return 0, v, False, false, nil
	}
	next := func(major, minor uint64) (pep440.Version, error) {
		if minor == math.MaxUint64 {
			return pep440.Version{}, errOverflow
		}
		return pep440.New(major, minor+1), nil
	}
	trimmed := v.Trimmed().Release
	if len(trimmed) <= 2 {
		major, minor := trimmed[0], uint64(0)
		if len(trimmed) == 2 {
			minor = trimmed[1]
		}
		switch o {
		case opEqual, opExact:
			return opEqualStar, pep440.New(major, minor), 0, true, nil
		case opNotEqual:
			return opNotEqualStar, pep440.New(major, minor), 0, true, nil
		case opGreater:
			n, err := next(major, minor)
			return opGreaterEqual, n, 0, true, err
		case opLessEqual:
			n, err := next(major, minor)
			return opLess, n, 0, true, err
		}
		return o, v, 0, true, nil // < and >= keep their meaning
	}
	switch o {
	case opEqual, opExact:
		return 0, v, False, false, nil
	case opNotEqual:
		return 0, v, True, false, nil
	case opLess, opLessEqual:
		n, err := next(rel[0], rel[1])
		return opLess, n, 0, true, err
	}
	n, err := next(rel[0], rel[1])
	return opGreaterEqual, n, 0, true, err
}
