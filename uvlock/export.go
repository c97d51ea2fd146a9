// Package uvlock reads a project's uv.lock and pyproject.toml. Export turns
// them into the requirements.txt that
//
//	uv export --frozen --format requirements.txt --no-group dev --no-emit-project \
//	          --no-hashes --no-header --no-annotate
//
// prints, byte for byte, without uv. This is the command the Dify packager runs when a
// plugin ships a uv.lock and no requirements.txt.
package uvlock

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/uvlock/marker"
)

// The files export reads, relative to the project directory.
const (
	pyprojectName = depfile.Pyproject
	lockName      = depfile.Lock
)

// Limits on what is read: a large project's lock is a few megabytes.
const (
	maxPyproject = 4 << 20
	maxLock      = 64 << 20
)

// Command is the uv command whose output Export reproduces.
const Command = "uv export --frozen --format requirements.txt --no-group dev --no-emit-project --no-hashes --no-header --no-annotate"

// Options adjust an export.
type Options struct {
	// Strict fails, as uv does, when the project defines no `dev` dependency group for
	// `--no-group dev` to remove. Otherwise that is only a warning.
	Strict bool
}

// Result is an exported requirements file.
type Result struct {
	Requirements []byte   // one line per package, each ending in "\n"; empty when there are none
	Warnings     []string // things uv would have done differently
	// NoDevGroup is set when the project has no `dev` dependency group for
	// `--no-group dev` to remove: uv would refuse the command (see Strict),
	// which matters only to someone comparing with uv's own export.
	NoDevGroup bool
}

// ErrNoDevGroup is the failure uv reports for `--no-group dev` on a project without that group.
//
//lint:ignore ST1005 uv's own message, reproduced word for word
var ErrNoDevGroup = errors.New("Group `dev` is not defined in the project's `dependency-groups` table")

// Export reads pyproject.toml and uv.lock from fsys, the project directory.
func Export(fsys fs.FS, opts Options) (*Result, error) {
	_, res, err := export(fsys, opts)
	return res, err
}

func export(fsys fs.FS, opts Options) (*exporter, *Result, error) {
	ppData, err := capped.ReadFile(fsys, pyprojectName, maxPyproject)
	if err != nil {
		return nil, nil, missing(pyprojectName, err, "add one with a [project] table")
	}
	lockData, err := capped.ReadFile(fsys, lockName, maxLock)
	if err != nil {
		return nil, nil, missing(lockName, err, "create it with `uv lock`")
	}
	pp, err := decodePyproject(pyprojectName, ppData)
	if err != nil {
		return nil, nil, err
	}
	lf, err := decodeLock(lockName, lockData)
	if err != nil {
		return nil, nil, err
	}
	e := &exporter{a: marker.New(), pp: pp, lf: lf, lockData: lockData, idx: indexPackages(lf)}
	res, err := e.run(opts)
	return e, res, err
}

func missing(name string, err error, fix string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &LockError{File: name, Msg: "not found; " + fix}
	}
	return &LockError{File: name, Msg: "cannot be read: " + err.Error()}
}

type exporter struct {
	a        *marker.Algebra
	pp       *pyproject
	lf       *lockFile
	lockData []byte
	idx      packages
	python   marker.PythonRange
	env      marker.Tree // where the lock applies: the union of its forks
	lines    []exported  // the export set, once run
}

func (e *exporter) packageErrorf(pkg, format string, args ...any) error {
	return &LockError{File: lockName, Line: packageLine(e.lockData, pkg), Msg: fmt.Sprintf(format, args...)}
}

func (e *exporter) errorf(needle, format string, args ...any) error {
	return &LockError{File: lockName, Line: lineOf(e.lockData, needle), Msg: fmt.Sprintf(format, args...)}
}

// parse reads a marker written in the lock (already simplified against requires-python).
func (e *exporter) parse(s string) (marker.Tree, error) {
	t, err := e.a.Parse(s)
	if err != nil {
		return marker.False, e.errorf(s, "%v", err)
	}
	return t, nil
}

func (e *exporter) run(opts Options) (*Result, error) {
	var err error
	if e.python, err = marker.ParseRequiresPython(e.lf.RequiresPython); err != nil {
		return nil, e.errorf("requires-python", "%v", err)
	}
	if err := e.environment(); err != nil {
		return nil, err
	}
	res := &Result{}

	projectName := ""
	var roots []string
	if e.pp.Project != nil {
		projectName = normalizeName(e.pp.Project.Name)
		roots = []string{projectName}
	} else {
		for _, m := range e.lf.Manifest.Members {
			roots = append(roots, normalizeName(m))
		}
	}
	rootPkgs := make([]*lockPackage, len(roots))
	for i, name := range roots {
		cands := e.idx.byName[name]
		switch len(cands) {
		case 0:
			return nil, e.errorf("", "project %s is not in the lock; it is out of date with %s: run `uv lock`", name, pyprojectName)
		case 1:
			rootPkgs[i] = cands[0]
		default:
			return nil, e.packageErrorf(name, "project %s appears %d times; run `uv lock`", name, len(cands))
		}
	}
	if e.pp.Project != nil {
		if err := e.checkUpToDate(rootPkgs[0]); err != nil {
			return nil, err
		}
	}

	groups, err := e.selectedGroups(rootPkgs)
	if err != nil {
		return nil, err
	}
	if !e.hasDevGroup(rootPkgs) {
		if opts.Strict {
			return nil, ErrNoDevGroup
		}
		res.NoDevGroup = true
	}

	g, known, err := e.build(rootPkgs, groups)
	if err != nil {
		return nil, err
	}
	reach := g.reachability(e.a, known)

	var lines []exported
	for i, p := range g.nodes {
		if p == nil || normalizeName(p.Name) == projectName || p.Source.kind() == "virtual" {
			continue
		}
		if reach[i] == marker.False {
			continue
		}
		lines = append(lines, exported{p, reach[i]})
	}
	slices.SortFunc(lines, func(x, y exported) int { return comparePackages(x.pkg, y.pkg) })
	e.lines = lines
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(requirementLine(l.pkg))
		if m := e.a.String(l.marker); m != "" {
			buf.WriteString(" ; " + m)
		}
		buf.WriteByte('\n')
	}
	res.Requirements = buf.Bytes()
	return res, nil
}

type exported struct {
	pkg    *lockPackage
	marker marker.Tree
}

// environment is the union of the lock's fork markers: every dependency marker is read as
// holding only there.
func (e *exporter) environment() error {
	e.env = marker.True
	if len(e.lf.ResolutionMarkers) == 0 {
		return nil
	}
	union := marker.False
	for _, s := range e.lf.ResolutionMarkers {
		t, err := e.parse(s)
		if err != nil {
			return err
		}
		union = e.a.Or(union, e.a.ComplexifyPython(t, e.python))
	}
	e.env = e.a.SimplifyPython(union, e.python)
	return nil
}

// edgeMarker is a dependency entry's marker within the lock's environment.
func (e *exporter) edgeMarker(s string) (marker.Tree, error) {
	if s == "" {
		return e.env, nil
	}
	t, err := e.parse(s)
	if err != nil {
		return marker.False, err
	}
	return e.a.And(t, e.env), nil
}

// checkUpToDate refuses a lock that lacks a dependency pyproject.toml declares: exporting it
// would silently leave that dependency out.
func (e *exporter) checkUpToDate(root *lockPackage) error {
	locked := map[string]bool{}
	for _, r := range root.Metadata.RequiresDist {
		locked[normalizeName(r.Name)] = true
	}
	if root.Metadata.RequiresDist == nil {
		for _, d := range root.Dependencies {
			locked[normalizeName(d.Name)] = true
		}
		for _, ds := range root.OptionalDependencies {
			for _, d := range ds {
				locked[normalizeName(d.Name)] = true
			}
		}
	}
	for _, name := range e.pp.dependencyNames() {
		if !locked[name] {
			return &LockError{File: lockName, Line: packageLine(e.lockData, root.Name),
				Msg: fmt.Sprintf("is out of date: %s depends on %s, which the lock does not have; run `uv lock`", pyprojectName, name)}
		}
	}
	return nil
}

// selectedGroups are the default groups minus `dev`.
func (e *exporter) selectedGroups(roots []*lockPackage) (map[string]bool, error) {
	defaults, all, err := e.pp.defaultGroups()
	if err != nil {
		return nil, &LockError{File: pyprojectName, Line: 0, Msg: err.Error()}
	}
	selected := map[string]bool{}
	if all {
		for _, r := range roots {
			for g := range r.DevDependencies {
				selected[normalizeName(g)] = true
			}
			for g := range r.Metadata.RequiresDev {
				selected[normalizeName(g)] = true
			}
		}
		for g := range e.lf.Manifest.DependencyGroups {
			selected[normalizeName(g)] = true
		}
	}
	for _, g := range defaults {
		selected[g] = true
	}
	delete(selected, "dev")
	return selected, nil
}

func (e *exporter) hasDevGroup(roots []*lockPackage) bool {
	has := func(m map[string][]lockDependency) bool {
		for g := range m {
			if normalizeName(g) == "dev" {
				return true
			}
		}
		return false
	}
	for _, r := range roots {
		if has(r.DevDependencies) {
			return true
		}
		for g := range r.Metadata.RequiresDev {
			if normalizeName(g) == "dev" {
				return true
			}
		}
	}
	for g := range e.lf.Manifest.DependencyGroups {
		if normalizeName(g) == "dev" {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
