package uvlock

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dify-cli/dify/uvlock/marker"
)

// The dependency graph export walks: a virtual root, the packages reached from it, and one
// edge per dependency entry. It follows uv's export step for step (breadth-first discovery,
// then marker propagation to a fixed point from a stack), because where uv is order
// dependent the output is too.

type edgeKind uint8

const (
	edgeProd     edgeKind = iota
	edgeOptional          // into [package.optional-dependencies] of the parent
	edgeDev               // a dependency-group entry, hung from the root
)

type edge struct {
	from, to  int
	kind      edgeKind
	name      string // the parent's extra (edgeOptional) or group (edgeDev)
	marker    marker.Tree
	depExtras []string
}

type graph struct {
	nodes []*lockPackage // nodes[0] is the root and nil
	edges []edge
	out   [][]int
	in    []int
	index map[*lockPackage]int
}

func newGraph() *graph {
	return &graph{nodes: []*lockPackage{nil}, out: [][]int{nil}, in: []int{0}, index: map[*lockPackage]int{}}
}

func (g *graph) node(p *lockPackage) int {
	if i, ok := g.index[p]; ok {
		return i
	}
	g.nodes = append(g.nodes, p)
	g.out = append(g.out, nil)
	g.in = append(g.in, 0)
	g.index[p] = len(g.nodes) - 1
	return len(g.nodes) - 1
}

func (g *graph) addEdge(e edge) {
	g.edges = append(g.edges, e)
	g.out[e.from] = append(g.out[e.from], len(g.edges)-1)
	g.in[e.to]++
}

// conflictItem is something that can be active: a project, an extra of a package, or a
// dependency group of a package.
type conflictItem struct {
	pkg  string
	kind byte // 'p' project, 'e' extra, 'g' group
	name string
}

// encoded is how uv spells the item inside `extra == '...'` markers of locks with conflicts.
func (c conflictItem) encoded() string {
	n := strconv.Itoa(len(c.pkg))
	switch c.kind {
	case 'e':
		return "extra-" + n + "-" + c.pkg + "-" + c.name
	case 'g':
		return "group-" + n + "-" + c.pkg + "-" + c.name
	}
	return "project-" + n + "-" + c.pkg
}

type conflictMap map[conflictItem]marker.Tree

func (m conflictMap) clone() conflictMap {
	out := make(conflictMap, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// resolveExtras replaces `extra == '...'` terms by the condition under which the item they
// name is active; items never activated make the term false.
func resolveExtras(a *marker.Algebra, t marker.Tree, scope string, known conflictMap) marker.Tree {
	return a.ResolveExtras(t, func(name string) (marker.Tree, bool) {
		for item, m := range known {
			if item.encoded() == name {
				return m, true
			}
		}
		if scope != "" {
			if m, ok := known[conflictItem{pkg: scope, kind: 'e', name: name}]; ok {
				return m, true
			}
		}
		return marker.False, false
	})
}

// reachability returns, for every node, the union over all paths from the root of the
// conjunction of the edge markers along the path.
func (g *graph) reachability(a *marker.Algebra, known conflictMap) []marker.Tree {
	reach := make([]marker.Tree, len(g.nodes))
	have := make([]bool, len(g.nodes))
	maps := make([]conflictMap, len(g.nodes))
	var stack []int
	for i := range g.nodes {
		if g.in[i] == 0 {
			stack = append(stack, i)
			reach[i], have[i] = marker.True, true
		}
	}
	name := func(i int) string {
		if g.nodes[i] == nil {
			return ""
		}
		return g.nodes[i].Name
	}
	for len(stack) > 0 {
		parent := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		parentKnown := maps[parent]
		if parentKnown == nil {
			parentKnown = known
		}
		if have[parent] {
			reach[parent] = resolveExtras(a, reach[parent], name(parent), parentKnown)
		}
		// Outgoing edges in the order petgraph lists them: newest first.
		for k := len(g.out[parent]) - 1; k >= 0; k-- {
			e := g.edges[g.out[parent][k]]
			parentMarker := reach[parent]
			m := parentKnown.clone()
			if child := g.nodes[e.to]; child != nil {
				for _, x := range e.depExtras {
					m[conflictItem{child.Name, 'e', x}] = parentMarker
				}
			}
			scope := name(parent)
			if e.kind == edgeDev && g.nodes[parent] != nil {
				m[conflictItem{scope, 'g', e.name}] = parentMarker
			}
			edgeMarker := resolveExtras(a, e.marker, scope, m)
			if e.kind == edgeOptional {
				active := parentMarker
				if g.nodes[parent] != nil {
					item := conflictItem{scope, 'e', e.name}
					if v, ok := m[item]; ok {
						active = v
					} else {
						m[item] = parentMarker
					}
				}
				edgeMarker = a.And(edgeMarker, active)
			}
			for item, v := range m {
				m[item] = a.And(v, edgeMarker)
			}
			parentMarker = a.And(parentMarker, edgeMarker)

			if old := maps[e.to]; old != nil {
				for item, v := range m {
					prev, ok := old[item]
					if !ok {
						prev = marker.False
					}
					old[item] = a.Or(prev, v)
				}
			} else {
				maps[e.to] = m
			}
			if have[e.to] {
				merged := a.Or(parentMarker, reach[e.to])
				if merged != reach[e.to] {
					reach[e.to] = merged
					stack = append(stack, e.to)
				}
			} else {
				reach[e.to], have[e.to] = parentMarker, true
				stack = append(stack, e.to)
			}
		}
	}
	return reach
}

// packages indexes the lock's packages by name, for resolving dependency entries.
type packages struct {
	byName map[string][]*lockPackage
}

func indexPackages(lf *lockFile) packages {
	idx := packages{byName: map[string][]*lockPackage{}}
	for i := range lf.Packages {
		p := &lf.Packages[i]
		n := normalizeName(p.Name)
		idx.byName[n] = append(idx.byName[n], p)
	}
	return idx
}

// find resolves a dependency entry to its package: by name when the name is unique in the
// lock, otherwise by the version and source the entry carries.
func (idx packages) find(d lockDependency) (*lockPackage, error) {
	cands := idx.byName[normalizeName(d.Name)]
	if len(cands) == 0 {
		return nil, fmt.Errorf("depends on %s, which has no [[package]] entry", d.Name)
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	matches := slices.DeleteFunc(slices.Clone(cands), func(p *lockPackage) bool {
		return d.Version != "" && p.Version != d.Version || d.Source != nil && *d.Source != p.Source
	})
	if len(matches) != 1 {
		return nil, fmt.Errorf("depends on %s, which has %d entries; the dependency must name the version and source of one", d.Name, len(cands))
	}
	return matches[0], nil
}
