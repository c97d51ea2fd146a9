package uvlock

import (
	"fmt"
	"io/fs"

	"github.com/dify-cli/dify/uvlock/marker"
)

// Set is the export set as data: the packages `uv export` lists, each with
// the environments it applies to and the files the lock names for it.
type Set struct {
	Packages []Package
	Warnings []string
	a        *marker.Algebra
}

// Package is one package of a Set.
type Package struct {
	Name    string
	Version string
	// Source is the kind of source (registry, git, url, path, directory,
	// editable) and Location its value.
	Source, Location string
	Line             int    // the package's line in uv.lock, 0 when unknown
	Marker           string // where it applies, as exported; "" everywhere
	Requirement      string // the exported requirements line, without the marker
	Wheels           []Artifact
	Sdist            *Artifact
	tree             marker.Tree
}

// AppliesTo reports whether p is installed in env.
func (s *Set) AppliesTo(p Package, env marker.Environment) bool { return s.a.Evaluate(p.tree, env) }

// ExportSet reads pyproject.toml and uv.lock from fsys as Export does and
// returns the set it would print.
func ExportSet(fsys fs.FS, opts Options) (*Set, error) {
	e, res, err := export(fsys, opts)
	if err != nil {
		return nil, err
	}
	set := &Set{Warnings: res.Warnings, a: e.a}
	lines := packageLines(e.lockData)
	for _, l := range e.lines {
		p := l.pkg
		set.Packages = append(set.Packages, Package{
			Name: p.Name, Version: p.Version, Source: p.Source.kind(), Location: p.Source.String(),
			Line: lines[fmt.Sprintf("name = %q", p.Name)], Marker: e.a.String(l.marker), Requirement: requirementLine(p),
			Wheels: p.Wheels, Sdist: p.Sdist, tree: l.marker,
		})
	}
	return set, nil
}
