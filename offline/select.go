package offline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/uvlock"
	"github.com/dify-cli/dify/uvlock/marker"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// Options say where wheels come from.
type Options struct {
	Targets []Target
	// Wheelhouse is a folder of wheels (from `pip download`, or built
	// locally) that are used before anything is downloaded.
	Wheelhouse string
	// IndexURL is a simple index (a mirror): the lock's files are fetched
	// from it by name, and a requirements.txt's pins are looked up in it.
	IndexURL string
	// CacheDir keeps downloaded wheels by hash, so that a second build
	// downloads nothing.
	CacheDir string
	// Client makes the requests; when nil, one that honours HTTPS_PROXY
	// and the connect timeout. Timeouts and redirect checks apply to
	// either.
	Client *http.Client
	// Timeouts bound each request; see Timeouts for the defaults.
	Timeouts Timeouts
	// Backoff is the first wait before a failed request is tried again
	// (doubling each time); 500 ms when zero.
	Backoff time.Duration
	// Warn, when set, is told what a user should know but that does not
	// stop the build, such as a redirect to another host.
	Warn func(string)
	// Workers is the number of downloads at once; DefaultWorkers when zero.
	Workers int
	// Progress, when set, is told how the downloads go.
	Progress func(Progress)
	// Refresh resolves a requirements.txt again instead of using the
	// resolution kept in the cache.
	Refresh bool
}

// DefaultWorkers is how many downloads run at once: a link's throughput is
// reached with many connections (each limited by its window and the
// server's pacing), as uv downloads with dozens at once.
const DefaultWorkers = 16

// File is one wheel of the package.
type File struct {
	Name    string
	Package string
	Version string
	Hash    string   // "sha256:<hex>"; "" when nothing says it before the file is read
	Size    int64    // 0 when unknown
	URL     string   // where the lock or the index says it is
	House   string   // the file in the wheelhouse, if there
	Targets []string // the targets that install it
	Local   string   // the file on disk, once fetched
	From    string   // wheelhouse, cache or download, once fetched
}

// Missing is a package without a wheel for a target.
type Missing struct {
	Package string
	Version string
	Target  string
	Why     string
}

// Selection is what an offline package holds.
type Selection struct {
	Source       string // uv.lock or requirements.txt
	Targets      []Target
	Files        []*File // by name
	Requirements []byte  // the requirements.txt of the package
	Missing      []Missing
	Warnings     []string

	byName map[string]*File   // Files by name
	ranks  map[string]ranking // each target's tag ranking, made once
	// resolutionKey names a requirements.txt's resolution in the cache
	// (resolved.go); "" for a lock.
	resolutionKey string
}

// rank is the tag ranking of a target, made once per selection.
func (s *Selection) rank(t Target) ranking {
	key := t.String()
	r, ok := s.ranks[key]
	if !ok {
		if s.ranks == nil {
			s.ranks = map[string]ranking{}
		}
		r = rank(t)
		s.ranks[key] = r
	}
	return r
}

// MissingError lists the packages that have no wheel for some target.
type MissingError struct{ Missing []Missing }

func (e *MissingError) Error() string {
	var b strings.Builder
	packages := map[string]bool{}
	for _, m := range e.Missing {
		packages[m.Package+" "+m.Version] = true
	}
	fmt.Fprintf(&b, "%d package%s cannot be installed offline:", len(packages), map[bool]string{true: "s", false: ""}[len(packages) != 1])
	for _, m := range e.Missing {
		fmt.Fprintf(&b, "\n  %s %s on %s: %s", m.Package, m.Version, m.Target, m.Why)
	}
	b.WriteString("\nBuild the missing wheels for the target (for example `pip wheel --no-deps PACKAGE==VERSION` on a matching machine, or `uv build --wheel`) and give their folder with --wheelhouse.")
	return b.String()
}

// Err is a *MissingError when some package has no wheel for some target.
func (s *Selection) Err() error {
	if len(s.Missing) > 0 {
		return &MissingError{Missing: s.Missing}
	}
	return nil
}

// candidate is a wheel that might be chosen, and where it would come from.
type candidate struct {
	wheel Wheel
	hash  string
	size  int64
	url   string
	house string
}

// Select decides the wheels of the package for the project in fsys (its
// pyproject.toml and uv.lock, or its requirements.txt). The index is asked
// only for pins the wheelhouse does not cover.
func Select(ctx context.Context, fsys fs.FS, o Options) (*Selection, error) {
	if len(o.Targets) == 0 {
		return nil, errors.New("no target platform")
	}
	house, err := readWheelhouse(o.Wheelhouse)
	if err != nil {
		return nil, err
	}
	has := func(name string) bool { _, err := fs.Stat(fsys, name); return err == nil }
	s := &Selection{Targets: o.Targets}
	c, err := depfile.Choose(has, depfile.Settings{})
	switch {
	case errors.Is(err, depfile.ErrNone):
		return nil, errors.New("the plugin has neither uv.lock nor requirements.txt to take its dependencies from")
	case err != nil:
		return nil, err
	case c.Frozen:
		s.Source = depfile.Lock
		err = s.fromLock(fsys, o, house)
	case c.File == depfile.Requirements || has(depfile.Requirements):
		// An unlocked pyproject.toml pins nothing; its requirements.txt
		// (what the offline package installs from anyway) may.
		if c.File == depfile.Pyproject {
			s.Warnings = append(s.Warnings, "pyproject.toml has no uv.lock: the versions come from requirements.txt")
		}
		s.Source = depfile.Requirements
		err = s.fromRequirements(ctx, fsys, o, house)
	default:
		return nil, errors.New("pyproject.toml has no uv.lock: run `uv lock` (an offline package needs every version pinned), or give a requirements.txt of exact pins (name==version)")
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(s.Files, func(a, b *File) int { return strings.Compare(a.Name, b.Name) })
	return s, nil
}

// pick chooses, for every target the package applies to, its best wheel.
func (s *Selection) pick(name, version string, applies []Target, cands []candidate, why func(Target) string, line string) {
	needed := false
	for _, t := range applies {
		r := s.rank(t)
		best, bestRank := -1, -1
		for i, c := range cands {
			k := r.of(c.wheel)
			if k < 0 {
				continue
			}
			if best < 0 || k < bestRank || k == bestRank && c.wheel.Build > cands[best].wheel.Build {
				best, bestRank = i, k
			}
		}
		if best < 0 {
			s.Missing = append(s.Missing, Missing{Package: name, Version: version, Target: t.String(), Why: why(t)})
			continue
		}
		needed = true
		s.add(name, version, cands[best], t.String())
	}
	if needed {
		s.Requirements = append(s.Requirements, line...)
	}
}

func (s *Selection) add(name, version string, c candidate, target string) {
	if f := s.byName[c.wheel.File]; f != nil {
		if !slices.Contains(f.Targets, target) {
			f.Targets = append(f.Targets, target)
		}
		return
	}
	f := &File{Name: c.wheel.File, Package: name, Version: version, Hash: c.hash, Size: c.size,
		URL: c.url, House: c.house, Targets: []string{target}}
	if s.byName == nil {
		s.byName = map[string]*File{}
	}
	s.byName[f.Name] = f
	s.Files = append(s.Files, f)
}

func header() []byte { return []byte("--no-index\n--find-links=./wheels/\n") }

func (s *Selection) fromLock(fsys fs.FS, o Options, house map[string][]candidate) error {
	set, err := uvlock.ExportSet(fsys, uvlock.Options{})
	if err != nil {
		return err
	}
	s.Warnings = append(s.Warnings, set.Warnings...)
	s.Requirements = header()
	for _, p := range set.Packages {
		var applies []Target
		for _, t := range o.Targets {
			if set.AppliesTo(p, t.Environment()) {
				applies = append(applies, t)
			}
		}
		if len(applies) == 0 {
			continue
		}
		var cands []candidate
		for _, a := range p.Wheels {
			w, err := ParseWheel(a.Name())
			if err != nil {
				continue
			}
			c := candidate{wheel: w, hash: a.Hash, size: a.Size, url: a.URL}
			if h := houseFile(house, p.Name, a.Name()); h != "" {
				c.house = h
			}
			cands = append(cands, c)
		}
		for _, c := range house[marker.NormalizeName(p.Name)] {
			if sameVersion(c.wheel.Version, p.Version) && !slices.ContainsFunc(cands, func(x candidate) bool { return x.wheel.File == c.wheel.File }) {
				cands = append(cands, c)
			}
		}
		why := func(t Target) string {
			switch {
			case p.Source != "registry":
				return fmt.Sprintf("it comes from %s, and uv.lock names no wheel for it", p.Location)
			case len(p.Wheels) == 0 && p.Sdist != nil:
				return "uv.lock has only its source distribution (" + p.Sdist.Name() + "), which would have to be built at install time"
			case len(p.Wheels) == 0:
				return "uv.lock names no file for it"
			}
			return fmt.Sprintf("none of its %d wheels fits (%s)", len(p.Wheels), platformsOf(p.Wheels))
		}
		line := p.Name + "==" + p.Version
		if p.Marker != "" {
			line += " ; " + p.Marker
		}
		s.pick(p.Name, p.Version, applies, cands, why, line+"\n")
	}
	return nil
}

// readWheelhouse lists the wheels of a folder by normalized project name.
func readWheelhouse(dir string) (map[string][]candidate, error) {
	out := map[string][]candidate{}
	if dir == "" {
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--wheelhouse: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".whl") {
			continue
		}
		w, err := ParseWheel(e.Name())
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		out[w.Name] = append(out[w.Name], candidate{wheel: w, size: info.Size(), house: filepath.Join(dir, e.Name())})
	}
	return out, nil
}

func houseFile(house map[string][]candidate, project, file string) string {
	for _, c := range house[marker.NormalizeName(project)] {
		if c.wheel.File == file {
			return c.house
		}
	}
	return ""
}

func sameVersion(a, b string) bool {
	va, err1 := pep440.Parse(a)
	vb, err2 := pep440.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return pep440.Compare(va, vb) == 0
}

// platformsOf summarises the platforms a package's wheels are for.
func platformsOf(wheels []uvlock.Artifact) string {
	seen := map[string]bool{}
	var out []string
	for _, a := range wheels {
		w, err := ParseWheel(a.Name())
		if err != nil {
			continue
		}
		for _, tag := range w.Tags {
			parts := strings.SplitN(tag, "-", 3)
			p := parts[0] + "/" + parts[2]
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) > 6 {
		out = append(out[:6], "...")
	}
	return strings.Join(out, ", ")
}
