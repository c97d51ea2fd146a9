// Package marker is PEP 508 environment-marker algebra with uv's canonical printing.
//
// uv never prints the marker expression it computed. It keeps every marker as a reduced,
// ordered decision diagram (one node per variable, edges labelled with disjoint value ranges,
// complemented edges so negation is free) and prints a simplified DNF read off that diagram.
// Equal functions therefore print equal text, and exported requirement files only match uv
// byte for byte when the same diagram, variable order and printing rules are used. This
// package implements that model: Algebra interns diagram nodes, Parse builds a Tree from
// marker text, And/Or combine trees, String prints them as uv does and Evaluate decides a
// tree in one environment.
package marker

import (
	"fmt"
	"strconv"
	"strings"
)

// Tree is a marker held by an Algebra: a reference to a diagram node, with the lowest bit
// marking a complemented (negated) reference. Trees from different Algebras do not mix.
type Tree uint32

const (
	// True is the marker that holds everywhere (it prints as nothing).
	True Tree = 0
	// False is the marker that never holds.
	False Tree = 1
)

// Not returns the negation of t.
func (t Tree) Not() Tree { return t ^ 1 }

func (t Tree) complemented() bool { return t&1 == 1 }
func (t Tree) index() int         { return int(t>>1) - 1 }

// negate carries a complemented parent reference down to a stored child.
func (t Tree) negate(parent Tree) Tree {
	if parent.complemented() {
		return t.Not()
	}
	return t
}

// key names a marker variable. The order of the constants is the diagram's variable order
// (string variables above version variables), which decides the shape of every diagram and
// so the printed text.
type key uint8

const (
	osName key = iota
	sysPlatform
	platformSystem
	platformMachine
	platformPythonImplementation
	platformRelease
	platformVersion
	implementationName
	implementationVersion
	pythonFullVersion
	pythonVersion // only before normalisation: parsed, then rewritten to python_full_version
)

var keyNames = [...]string{
	osName:                       "os_name",
	sysPlatform:                  "sys_platform",
	platformSystem:               "platform_system",
	platformMachine:              "platform_machine",
	platformPythonImplementation: "platform_python_implementation",
	platformRelease:              "platform_release",
	platformVersion:              "platform_version",
	implementationName:           "implementation_name",
	implementationVersion:        "implementation_version",
	pythonFullVersion:            "python_full_version",
	pythonVersion:                "python_version",
}

func (k key) String() string { return keyNames[k] }

func (k key) isVersion() bool { return k >= implementationVersion }

// conflicting reports whether the variable takes part in a known-impossible pair
// (os_name/sys_platform/platform_system); such variables sit at the top of the order.
func (k key) conflicting() bool { return k <= platformSystem }

type varKind uint8

// The kinds in diagram order.
const (
	varString varKind = iota
	varVersion
	varIn       // `key in 'value'`: a boolean variable unrelated to the key's value ranges
	varContains // `'value' in key`
	varExtra
)

type variable struct {
	kind  varKind
	key   key
	value string // the substring of varIn/varContains, the extra name of varExtra
}

func compareVariables(a, b variable) int {
	switch {
	case a.kind != b.kind:
		return int(a.kind) - int(b.kind)
	case a.key != b.key:
		return int(a.key) - int(b.key)
	}
	return strings.Compare(a.value, b.value)
}

func (v variable) conflicting() bool { return v.kind == varString && v.key.conflicting() }

// edges are a node's children: a partition of the variable's values into simple ranges for
// string and version variables, or a high (true) and low (false) child for boolean ones.
type edges struct {
	boolean   bool
	high, low Tree
	ranged    []rangeEdge
}

type rangeEdge struct {
	r     ranges
	child Tree
}

type node struct {
	v variable
	e edges
}

// Algebra interns diagram nodes so that equal sub-diagrams are shared and equal functions
// are equal Trees. It is not safe for concurrent use.
type Algebra struct {
	nodes      []node
	unique     map[string]Tree
	cache      map[[2]Tree]Tree
	exclusions Tree
	haveExcl   bool
}

// New returns an empty Algebra.
func New() *Algebra {
	return &Algebra{unique: map[string]Tree{}, cache: map[[2]Tree]Tree{}}
}

func (a *Algebra) node(t Tree) *node { return &a.nodes[t.index()] }

func (e edges) children() []Tree {
	if e.boolean {
		return []Tree{e.high, e.low}
	}
	out := make([]Tree, len(e.ranged))
	for i, r := range e.ranged {
		out[i] = r.child
	}
	return out
}

func (e edges) not() edges {
	return e.mapChildren(True, Tree.Not)
}

// mapChildren applies f to every child, seen through the parent's complement bit.
func (e edges) mapChildren(parent Tree, f func(Tree) Tree) edges {
	if e.boolean {
		lo := f(e.low.negate(parent))
		hi := f(e.high.negate(parent))
		return edges{boolean: true, high: hi, low: lo}
	}
	out := make([]rangeEdge, len(e.ranged))
	for i, r := range e.ranged {
		out[i] = rangeEdge{r.r, f(r.child.negate(parent))}
	}
	return edges{ranged: out}
}

func (n node) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d/%q", n.v.kind, n.v.key, n.v.value)
	if n.e.boolean {
		fmt.Fprintf(&b, "|%d|%d", n.e.high, n.e.low)
		return b.String()
	}
	for _, r := range n.e.ranged {
		b.WriteString("|" + r.r.key() + ">" + strconv.FormatUint(uint64(r.child), 10))
	}
	return b.String()
}

// createNode returns the reduced, interned node for a variable and its children.
func (a *Algebra) createNode(v variable, e edges) Tree {
	n := node{v, e}
	first := e.children()[0]
	// A node and its complement are one stored node: the first child is never complemented.
	flipped := false
	if first.complemented() {
		n.e = n.e.not()
		first = first.Not()
		flipped = true
	}
	same := true
	for _, c := range n.e.children() {
		if c != first {
			same = false
			break
		}
	}
	if same {
		if flipped {
			return first.Not()
		}
		return first
	}
	k := n.key()
	id, ok := a.unique[k]
	if !ok {
		a.nodes = append(a.nodes, n)
		id = Tree(len(a.nodes) << 1)
		a.unique[k] = id
	}
	if flipped {
		return id.Not()
	}
	return id
}

// Or returns x or y.
func (a *Algebra) Or(x, y Tree) Tree { return a.And(x.Not(), y.Not()).Not() }

// And returns x and y. A conjunction that only holds in environments known to be impossible
// (os_name == 'nt' with sys_platform == 'linux', and the like) is False.
func (a *Algebra) And(x, y Tree) Tree {
	return a.and(x, y, true, a.cache)
}

func (a *Algebra) and(x, y Tree, checkConflicts bool, cache map[[2]Tree]Tree) Tree {
	switch {
	case x == True:
		return y
	case y == True:
		return x
	case x == y:
		return x
	case x == False || y == False:
		return False
	case x.Not() == y:
		return False
	}
	if r, ok := cache[[2]Tree{x, y}]; ok {
		return r
	}
	xn, yn := a.node(x), a.node(y)
	conflicts := checkConflicts && xn.v.conflicting() && yn.v.conflicting()
	var v variable
	var e edges
	switch c := compareVariables(xn.v, yn.v); {
	case c < 0:
		v, e = xn.v, xn.e.mapChildren(x, func(t Tree) Tree { return a.and(t, y, checkConflicts, cache) })
	case c > 0:
		v, e = yn.v, yn.e.mapChildren(y, func(t Tree) Tree { return a.and(t, x, checkConflicts, cache) })
	default:
		v, e = xn.v, a.apply(xn.e, x, yn.e, y, func(l, r Tree) Tree { return a.and(l, r, checkConflicts, cache) })
	}
	r := a.createNode(v, e)
	if conflicts && a.disjoint(r, a.exclusionTree().Not()) {
		r = False
	}
	cache[[2]Tree{x, y}] = r
	return r
}

// apply merges the children of two nodes on the same variable, splitting value ranges where
// they overlap.
func (a *Algebra) apply(l edges, lp Tree, r edges, rp Tree, f func(Tree, Tree) Tree) edges {
	if l.boolean {
		hi := f(l.high.negate(lp), r.high.negate(rp))
		lo := f(l.low.negate(lp), r.low.negate(rp))
		return edges{boolean: true, high: hi, low: lo}
	}
	var out []rangeEdge
	for _, le := range l.ranged {
		for _, re := range r.ranged {
			in := re.r.intersection(le.r)
			if in.isEmpty() {
				continue
			}
			child := f(le.child.negate(lp), re.child.negate(rp))
			if n := len(out); n > 0 && out[n-1].child == child && canConjoin(out[n-1].r, in) {
				out[n-1].r = out[n-1].r.union(in)
				continue
			}
			out = append(out, rangeEdge{in, child})
		}
	}
	return edges{ranged: out}
}

// canConjoin reports whether two ranges meet without a gap (`[a, b)` then `[b, c)`).
func canConjoin(x, y ranges) bool {
	if x.isEmpty() || y.isEmpty() {
		return false
	}
	end, start := x.bounding().hi, y.bounding().lo
	if end.kind == unbounded || start.kind == unbounded || end.v.compare(start.v) != 0 {
		return false
	}
	return end.kind == included && start.kind == excluded || end.kind == excluded && start.kind == included
}

// disjoint reports whether x and y never hold together, ignoring impossible pairs (they are
// what it is used to detect).
func (a *Algebra) disjoint(x, y Tree) bool {
	switch {
	case x == False || y == False:
		return true
	case x == True || y == True:
		return false
	case x == y:
		return false
	case x.Not() == y:
		return true
	}
	xn, yn := a.node(x), a.node(y)
	switch c := compareVariables(xn.v, yn.v); {
	case c < 0:
		for _, t := range xn.e.children() {
			if !a.disjoint(t.negate(x), y) {
				return false
			}
		}
		return true
	case c > 0:
		for _, t := range yn.e.children() {
			if !a.disjoint(t.negate(y), x) {
				return false
			}
		}
		return true
	}
	if xn.e.boolean {
		return a.disjoint(xn.e.high.negate(x), yn.e.high.negate(y)) &&
			a.disjoint(xn.e.low.negate(x), yn.e.low.negate(y))
	}
	for _, le := range xn.e.ranged {
		for _, re := range yn.e.ranged {
			if re.r.intersection(le.r).isEmpty() {
				continue
			}
			if !a.disjoint(le.child.negate(x), re.child.negate(y)) {
				return false
			}
		}
	}
	return true
}

// exclusionTree is the union of variable pairs that no real environment has at once. It is
// built without the conflict check, with its own cache, since the check needs it.
func (a *Algebra) exclusionTree() Tree {
	if a.haveExcl {
		return a.exclusions
	}
	eq := func(k key, v string) Tree { return a.stringExpr(k, opEqual, v) }
	type pair struct{ x, y Tree }
	pairs := []pair{
		{eq(osName, "nt"), eq(sysPlatform, "linux")},
		{eq(osName, "nt"), eq(sysPlatform, "darwin")},
		{eq(osName, "nt"), eq(sysPlatform, "ios")},
		{eq(osName, "posix"), eq(sysPlatform, "win32")},
	}
	for _, system := range []string{"FreeBSD", "NetBSD", "OpenBSD", "SunOS", "iOS", "iPadOS"} {
		for _, platform := range []string{"aix", "android", "emscripten", "ios", "linux", "darwin", "win32", "cygwin", "wasi"} {
			if platform == "ios" && (system == "iOS" || system == "iPadOS") {
				continue
			}
			pairs = append(pairs, pair{eq(platformSystem, system), eq(sysPlatform, platform)})
		}
	}
	cache := map[[2]Tree]Tree{}
	tree := False
	for _, p := range pairs {
		both := a.and(p.x, p.y, false, cache)
		tree = a.and(tree.Not(), both.Not(), false, cache).Not()
	}
	a.exclusions, a.haveExcl = tree, true
	return tree
}
