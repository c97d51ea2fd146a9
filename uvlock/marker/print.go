package marker

import (
	"slices"
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// String prints t as uv prints markers: a simplified disjunction of conjunctions read off the
// diagram. True prints as the empty string and False as `python_version < '0'`.
func (a *Algebra) String(t Tree) string {
	switch t {
	case True:
		return ""
	case False:
		return "python_version < '0'"
	}
	dnf := a.dnf(t)
	if len(dnf) == 1 {
		return joinTerms(dnf[0])
	}
	parts := make([]string, len(dnf))
	for i, clause := range dnf {
		if len(clause) == 1 {
			parts[i] = joinTerms(clause)
		} else {
			parts[i] = "(" + joinTerms(clause) + ")"
		}
	}
	return strings.Join(parts, " or ")
}

func joinTerms(clause []expr) string {
	parts := make([]string, len(clause))
	for i, x := range clause {
		parts[i] = x.String()
	}
	return strings.Join(parts, " and ")
}

func (x expr) String() string {
	switch x.kind {
	case exprVersion:
		if x.op == opEqualStar || x.op == opNotEqualStar {
			return x.key.String() + " " + opText[x.op] + " '" + x.ver.String() + ".*'"
		}
		return x.key.String() + " " + opText[x.op] + " '" + x.ver.String() + "'"
	case exprExtra:
		return "extra " + opText[x.op] + " '" + x.str + "'"
	}
	switch x.op {
	case opContains, opNotContains:
		return "'" + x.str + "' " + opText[x.op] + " " + x.key.String()
	}
	return x.key.String() + " " + opText[x.op] + " '" + x.str + "'"
}

// dnf collects every path to True, then simplifies and orders the clauses.
func (a *Algebra) dnf(t Tree) [][]expr {
	var out [][]expr
	a.collect(t, nil, &out)
	simplifyDNF(out)
	out = slices.DeleteFunc(out, func(c []expr) bool { return c == nil })
	for _, clause := range out {
		slices.SortStableFunc(clause, func(x, y expr) int { return printRank(x) - printRank(y) })
	}
	slices.SortStableFunc(out, func(x, y []expr) int {
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := printRank(x[i]) - printRank(y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	})
	return out
}

// printRank orders terms inside a printed clause: version keys, then string keys
// alphabetically, then extras. It differs from the diagram order on purpose: uv keeps its
// historical output stable this way.
func printRank(x expr) int {
	switch x.kind {
	case exprVersion, exprVersionIn:
		return int(x.key) - int(implementationVersion)
	case exprExtra:
		return 100
	}
	return 10 + slices.Index([]key{
		implementationName, osName, platformMachine, platformPythonImplementation,
		platformRelease, platformSystem, platformVersion, sysPlatform,
	}, x.key)
}

func (a *Algebra) collect(t Tree, path []expr, out *[][]expr) {
	if t == False {
		return
	}
	if t == True {
		if len(path) > 0 {
			*out = append(*out, slices.Clone(path))
		}
		return
	}
	n := a.node(t)
	switch n.v.kind {
	case varIn, varContains, varExtra:
		for _, high := range []bool{true, false} {
			child := n.e.low
			if high {
				child = n.e.high
			}
			x := expr{kind: exprString, key: n.v.key, str: n.v.value}
			switch {
			case n.v.kind == varExtra:
				x = expr{kind: exprExtra, op: opNotEqual, str: n.v.value}
				if high {
					x.op = opEqual
				}
			case n.v.kind == varIn && high:
				x.op = opIn
			case n.v.kind == varIn:
				x.op = opNotIn
			case high:
				x.op = opContains
			default:
				x.op = opNotContains
			}
			a.collect(child.negate(t), append(path, x), out)
		}
		return
	}
	isVersion := n.v.kind == varVersion
	for _, g := range groupEdges(n.e.ranged, t) {
		if excluded, ok := inequality(g.r); ok {
			p := path
			for _, v := range excluded {
				if isVersion {
					p = append(p, expr{kind: exprVersion, key: n.v.key, op: opNotEqual, ver: v.ver})
				} else {
					p = append(p, expr{kind: exprString, key: n.v.key, op: opNotEqual, str: v.str})
				}
			}
			a.collect(g.child, p, out)
			continue
		}
		if isVersion {
			if v, ok := notEqualStar(g.r); ok {
				a.collect(g.child, append(path, expr{kind: exprVersion, key: n.v.key, op: opNotEqualStar, ver: v}), out)
				continue
			}
		}
		for _, s := range g.r {
			var p []expr
			if isVersion {
				p = versionTerms(n.v.key, s)
			} else {
				p = stringTerms(n.v.key, s)
			}
			a.collect(g.child, append(slices.Clip(path), p...), out)
		}
	}
}

type edgeGroup struct {
	child Tree
	r     ranges
}

// groupEdges merges the ranges leading to the same child, in order of first appearance.
func groupEdges(es []rangeEdge, parent Tree) []edgeGroup {
	var groups []edgeGroup
	for _, e := range es {
		child := e.child.negate(parent)
		b := e.r.bounding()
		r := between(b.lo, b.hi)
		i := slices.IndexFunc(groups, func(g edgeGroup) bool { return g.child == child })
		if i < 0 {
			groups = append(groups, edgeGroup{child, r})
		} else {
			groups[i].r = groups[i].r.union(r)
		}
	}
	return groups
}

// inequality recognises "everything but a few points" and returns the points.
func inequality(r ranges) ([]value, bool) {
	if r.isEmpty() {
		return nil, false
	}
	b := r.bounding()
	if b.lo.kind != unbounded || b.hi.kind != unbounded {
		return nil, false
	}
	var points []value
	for i := 1; i < len(r); i++ {
		end, start := r[i-1].hi, r[i].lo
		if end.kind != excluded || start.kind != excluded || end.v.compare(start.v) != 0 {
			return nil, false
		}
		points = append(points, end.v)
	}
	return points, true
}

// notEqualStar recognises `< X.Y or >= X.(Y+1)` as `!= 'X.Y.*'`.
func notEqualStar(r ranges) (pep440.Version, bool) {
	if len(r) != 2 {
		return pep440.Version{}, false
	}
	a, b := r[0], r[1]
	if a.lo.kind != unbounded || a.hi.kind != excluded || b.lo.kind != included || b.hi.kind != unbounded {
		return pep440.Version{}, false
	}
	v1, v2 := a.hi.v.ver, b.lo.v.ver.Release
	t := v1.Trimmed().Release
	switch {
	case len(t) == 1 && slices.Equal(v2, []uint64{t[0], 1}):
		return pep440.New(t[0], 0), true
	case len(t) == 2 && slices.Equal(v2, []uint64{t[0], t[1] + 1}):
		return v1, true
	}
	return pep440.Version{}, false
}

// versionTerms prints one version segment: `== 'v'`, `== 'X.Y.*'`, or its bounds.
func versionTerms(k key, s segment) []expr {
	term := func(o op, v pep440.Version) expr { return expr{kind: exprVersion, key: k, op: o, ver: v} }
	if s.lo.kind == included && s.hi.kind == included && s.lo.v.compare(s.hi.v) == 0 {
		return []expr{term(opEqual, s.lo.v.ver)}
	}
	if s.lo.kind == included && s.hi.kind == excluded {
		t1, t2 := s.lo.v.ver.Trimmed().Release, s.hi.v.ver.Trimmed().Release
		switch {
		case len(t1) == 1 && slices.Equal(t2, []uint64{t1[0], 1}):
			return []expr{term(opEqualStar, pep440.New(t1[0], 0))}
		case len(t1) == 2 && slices.Equal(t2, []uint64{t1[0], t1[1] + 1}):
			return []expr{term(opEqualStar, pep440.New(t1[0], t1[1]))}
		}
	}
	return boundTerms(s, func(o op, v value) expr { return term(o, v.ver) })
}

func stringTerms(k key, s segment) []expr {
	term := func(o op, v string) expr { return expr{kind: exprString, key: k, op: o, str: v} }
	if s.lo.kind == included && s.hi.kind == included && s.lo.v.compare(s.hi.v) == 0 {
		return []expr{term(opEqual, s.lo.v.str)}
	}
	if s.lo.kind == excluded && s.hi.kind == excluded && s.lo.v.compare(s.hi.v) == 0 {
		return []expr{term(opNotEqual, s.lo.v.str)}
	}
	return boundTerms(s, func(o op, v value) expr { return term(o, v.str) })
}

// boundTerms prints a segment as its lower bound (`>=`, `>`) then its upper bound (`<=`, `<`).
func boundTerms(s segment, term func(op, value) expr) []expr {
	var out []expr
	switch s.lo.kind {
	case included:
		out = append(out, term(opGreaterEqual, s.lo.v))
	case excluded:
		out = append(out, term(opGreater, s.lo.v))
	}
	switch s.hi.kind {
	case included:
		out = append(out, term(opLessEqual, s.hi.v))
	case excluded:
		out = append(out, term(opLess, s.hi.v))
	}
	return out
}

func (x expr) equal(y expr) bool {
	if x.kind != y.kind || x.key != y.key || x.op != y.op {
		return false
	}
	if x.kind == exprVersion {
		return pep440.Compare(x.ver, y.ver) == 0
	}
	return x.str == y.str
}

func isNegation(x, y expr) bool {
	if x.kind != y.kind || x.key != y.key {
		return false
	}
	n, ok := x.op.negate()
	if !ok || n != y.op {
		return false
	}
	if x.kind == exprVersion {
		return pep440.Compare(x.ver, y.ver) == 0
	}
	return x.str == y.str
}

// simplifyDNF drops, within a clause, a term whose negation plus the clause's other terms make
// up another clause (`A or (not A and B)` is `A or B`), then drops clauses that contain another
// clause. Removed clauses are set to nil.
func simplifyDNF(dnf [][]expr) {
	for i := range dnf {
		clause := dnf[i]
		var redundant []int
	terms:
		for skipped, skippedTerm := range clause {
			for j, other := range dnf {
				if i == j {
					continue
				}
				all := true
				for _, term := range other {
					if term.equal(skippedTerm) {
						all = false
						break
					}
					if isNegation(term, skippedTerm) {
						continue
					}
					pos := slices.IndexFunc(clause, term.equal)
					if pos < 0 || slices.Contains(redundant, pos) {
						all = false
						break
					}
				}
				if all {
					redundant = append(redundant, skipped)
					continue terms
				}
			}
		}
		slices.Sort(redundant)
		for k := len(redundant) - 1; k >= 0; k-- {
			dnf[i] = slices.Delete(dnf[i], redundant[k], redundant[k]+1)
		}
	}
	var drop []int
clauses:
	for i := range dnf {
		for j, other := range dnf {
			if i == j || slices.Contains(drop, j) {
				continue
			}
			all := true
			for _, term := range other {
				if !slices.ContainsFunc(dnf[i], term.equal) {
					all = false
					break
				}
			}
			if all {
				drop = append(drop, i)
				continue clauses
			}
		}
	}
	for _, i := range drop {
		dnf[i] = nil
	}
}

// ResolveExtras rebuilds t with every `extra == 'x'` term replaced by lookup(x) (and
// `extra != 'x'` by its negation). A name lookup does not know is never active: the term is
// false (true when negated). This is how uv settles the extras of a lock's conflict markers
// before exporting.
func (a *Algebra) ResolveExtras(t Tree, lookup func(name string) (Tree, bool)) Tree {
	if t == True || t == False {
		return t
	}
	out := False
	for _, clause := range a.dnf(t) {
		c := True
		for _, x := range clause {
			if x.kind != exprExtra {
				term, err := a.expression(x)
				if err != nil { // printed terms always rebuild; keep the marker if not
					return t
				}
				c = a.And(c, term)
				continue
			}
			m, found := lookup(x.str)
			switch {
			case found && x.op == opEqual:
				c = a.And(c, m)
			case found:
				c = a.And(c, m.Not())
			case x.op == opEqual:
				c = False
			}
		}
		out = a.Or(out, c)
	}
	return out
}
