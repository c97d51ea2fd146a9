package uvlock

import (
	"slices"

	"github.com/dify-cli/dify/uvlock/marker"
)

// build discovers the graph breadth-first from the roots, as uv's export does.
func (e *exporter) build(roots []*lockPackage, groups map[string]bool) (*graph, conflictMap, error) {
	g := newGraph()
	known := conflictMap{}
	type item struct {
		pkg   *lockPackage
		extra string
	}
	var queue []item
	seen := map[item]bool{}
	enqueue := func(p *lockPackage, extras []string) {
		for _, x := range append([]string{""}, extras...) {
			if !seen[item{p, x}] {
				seen[item{p, x}] = true
				queue = append(queue, item{p, x})
			}
		}
	}
	for _, root := range roots {
		known[conflictItem{pkg: root.Name, kind: 'p'}] = marker.True
		g.addEdge(edge{from: 0, to: g.node(root), kind: edgeProd, marker: marker.True})
		queue = append(queue, item{root, ""})
		for _, group := range sortedKeys(root.DevDependencies) {
			if !groups[normalizeName(group)] {
				continue
			}
			known[conflictItem{root.Name, 'g', group}] = marker.True
			for _, d := range root.DevDependencies[group] {
				target, err := e.idx.find(d)
				if err != nil {
					return nil, nil, e.packageErrorf(root.Name, "%s (group %s) %v", root.Name, group, err)
				}
				m, err := e.edgeMarker(d.Marker)
				if err != nil {
					return nil, nil, err
				}
				g.addEdge(edge{from: 0, to: g.node(target), kind: edgeDev, name: group, marker: m, depExtras: d.Extra})
				enqueue(target, d.Extra)
			}
		}
	}
	if err := e.manifestRequirements(g, groups, enqueue); err != nil {
		return nil, nil, err
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		from := g.node(it.pkg)
		deps, kind := it.pkg.Dependencies, edgeProd
		if it.extra != "" {
			deps, kind = it.pkg.OptionalDependencies[it.extra], edgeOptional
		}
		for _, d := range deps {
			target, err := e.idx.find(d)
			if err != nil {
				return nil, nil, e.packageErrorf(it.pkg.Name, "%s %v", it.pkg.Name, err)
			}
			m, err := e.edgeMarker(d.Marker)
			if err != nil {
				return nil, nil, err
			}
			g.addEdge(edge{from: from, to: g.node(target), kind: kind, name: it.extra, marker: m, depExtras: d.Extra})
			enqueue(target, d.Extra)
		}
	}
	return g, known, nil
}

// manifestRequirements hangs the requirements of a workspace root without [project] (and its
// selected groups) from the root, restricted to the forks each locked version serves.
func (e *exporter) manifestRequirements(g *graph, groups map[string]bool, enqueue func(*lockPackage, []string)) error {
	reqs := slices.Clone(e.lf.Manifest.Requirements)
	for _, group := range sortedKeys(e.lf.Manifest.DependencyGroups) {
		if groups[normalizeName(group)] {
			reqs = append(reqs, e.lf.Manifest.DependencyGroups[group]...)
		}
	}
	for _, r := range reqs {
		for _, p := range e.idx.byName[normalizeName(r.Name)] {
			m := marker.True
			if r.Marker != "" {
				t, err := e.parse(r.Marker)
				if err != nil {
					return err
				}
				m = e.a.ComplexifyPython(t, e.python)
			}
			if len(p.ResolutionMarkers) > 0 {
				forks := marker.False
				for _, s := range p.ResolutionMarkers {
					t, err := e.parse(s)
					if err != nil {
						return err
					}
					forks = e.a.Or(forks, e.a.ComplexifyPython(t, e.python))
				}
				m = e.a.And(forks, m)
			}
			if m == marker.False {
				continue
			}
			m = e.a.SimplifyPython(m, e.python)
			g.addEdge(edge{from: 0, to: g.node(p), kind: edgeProd, marker: m, depExtras: r.Extras})
			enqueue(p, r.Extras)
		}
	}
	return nil
}
