package offline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/uvlock/marker"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// A requirements.txt names what the plugin imports; what those import in
// turn is in each wheel's METADATA (Requires-Dist). Without it, an offline
// package installs on a machine that has the index and fails on one that
// has not. resolve finds the whole closure for each target: for every
// requirement, the newest version that satisfies every requirement on it,
// that the target installs (a wheel for it, Requires-Python, not yanked
// unless pinned), read from the wheelhouse first and the index when the
// wheelhouse has none; then what that version requires, with its markers
// evaluated for the target and the extras asked for. A version found to
// break a later requirement is kept out, and resolution starts again with
// what it learned.

// need is one requirement: a line of requirements.txt or a Requires-Dist.
type need struct {
	name   string   // normalized
	shown  string   // the name as written
	extras []string // normalized
	spec   string   // a PEP 440 specifier set, "" for any version
	marker string   // "" when none
	from   string   // who asks: "requirements.txt:3", "beta 2.1.0"
	hashes []string // --hash values of a requirements.txt line
}

func (n need) String() string {
	s := n.shown
	if len(n.extras) > 0 {
		s += "[" + strings.Join(n.extras, ",") + "]"
	}
	return s + n.spec
}

// exact is the version an == or === specifier pins, if it is one.
func (n need) exact() string {
	for _, op := range []string{"===", "=="} {
		if v, ok := strings.CutPrefix(n.spec, op); ok && !strings.ContainsAny(v, ",*") {
			return v
		}
	}
	return ""
}

var needRe = lazyregexp.New(`^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(\(?[^;@()]*\)?)\s*(@[^;]*)?(?:;\s*(.*))?$`)

// parseNeed reads a PEP 508 requirement (no URL: an offline package takes
// wheels from an index or a wheelhouse).
func parseNeed(text, from string) (need, error) {
	m := needRe().FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return need{}, fmt.Errorf("%q is not a requirement (name, [extras], version specifiers, ; marker)", text)
	}
	if m[4] != "" {
		return need{}, fmt.Errorf("%q comes from a URL; an offline package takes wheels from an index or --wheelhouse: build the wheel and give its folder with --wheelhouse, then require it by name and version", text)
	}
	n := need{name: marker.NormalizeName(m[1]), shown: m[1], marker: strings.TrimSpace(m[5]), from: from}
	if m[2] != "" {
		for _, e := range strings.Split(strings.Trim(m[2], "[]"), ",") {
			if e = strings.TrimSpace(e); e != "" {
				n.extras = append(n.extras, marker.NormalizeName(e))
			}
		}
	}
	n.spec = strings.ReplaceAll(strings.Trim(strings.TrimSpace(m[3]), "()"), " ", "")
	if n.spec != "" {
		if _, err := pep440.Satisfies(pep440.New(0), n.spec); err != nil {
			return need{}, fmt.Errorf("%q: %v", text, err)
		}
	}
	return n, nil
}

// metadata is what resolving reads of one version of a project.
type metadata struct {
	requires []need
}

// resolver finds the closure of a set of requirements.
type resolver struct {
	ix      *index
	house   map[string][]candidate
	sel     *Selection
	targets []Target
	o       Options
	a       *marker.Algebra

	mu       sync.Mutex
	meta     map[string]*metadata     // by "name version"
	inflight map[string]chan struct{} // metadata being read, by the same key
	warming  sync.WaitGroup           // warm-ups still running
	slots    chan struct{}            // bounds the warm-ups at once
}

// picked is a resolved package on one target.
type picked struct {
	version string
	shown   string
	extras  []string
	from    []string
	hashes  []string
	// missing is a pinned version the target has no wheel of: it is kept
	// (the selection says what is missing, and why) without its
	// requirements, which nothing can tell.
	missing bool
}

// UnsatisfiableError lists the requirements no version meets together.
type UnsatisfiableError struct {
	Package string
	Target  string
	Needs   []string // each requirement and who asked for it
	Why     string   // what there is
}

func (e *UnsatisfiableError) Error() string {
	return fmt.Sprintf("no version of %s fits on %s:\n  %s\n%s", e.Package, e.Target, strings.Join(e.Needs, "\n  "), e.Why)
}

// resolveTarget resolves roots for one target.
func (r *resolver) resolveTarget(ctx context.Context, t Target, roots []need) (map[string]*picked, error) {
	r.warm(ctx, t, r.active(roots, t.Environment(), []string{""}, ""), nil)
	learned := map[string][]need{} // requirements found to rule out an earlier choice
	for attempt := 0; attempt < 200; attempt++ {
		chosen, conflict, err := r.attempt(ctx, t, roots, learned)
		if err != nil || conflict == nil {
			return chosen, err
		}
		learned[conflict.name] = append(learned[conflict.name], *conflict)
	}
	return nil, fmt.Errorf("the requirements did not settle on %s after 200 attempts; pin more of them", t)
}

// attempt resolves once, choosing each package when it is first required;
// it returns the requirement that rules out a choice already made.
func (r *resolver) attempt(ctx context.Context, t Target, roots []need, learned map[string][]need) (map[string]*picked, *need, error) {
	env := t.Environment()
	chosen := map[string]*picked{}
	needs := map[string][]need{}
	queue := r.active(roots, env, []string{""}, "")
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		needs[n.name] = append(needs[n.name], n)
		if p := chosen[n.name]; p != nil {
			if !satisfied(p.version, n) {
				return nil, &n, nil
			}
			p.from = append(p.from, n.from)
			p.hashes = append(p.hashes, n.hashes...)
			var added []string
			for _, e := range n.extras {
				if !slices.Contains(p.extras, e) {
					p.extras = append(p.extras, e)
					added = append(added, e)
				}
			}
			if len(added) > 0 && !p.missing {
				deps, err := r.requires(ctx, t, n.name, p.version)
				if err != nil {
					return nil, nil, err
				}
				queue = append(queue, r.active(deps, env, added, n.name+" "+p.version)...)
			}
			continue
		}
		all := append(slices.Clone(needs[n.name]), learned[n.name]...)
		version, err := r.best(ctx, t, n.name, all)
		p := &picked{version: version, shown: n.shown, extras: slices.Clone(n.extras), from: []string{n.from}, hashes: n.hashes}
		if err != nil {
			// A pin the target has no wheel of is the selection's to
			// report, with the rest of what is missing.
			if pin := n.exact(); pin != "" && ctx.Err() == nil {
				p.version, p.missing = pin, true
				chosen[n.name] = p
				continue
			}
			return nil, nil, err
		}
		chosen[n.name] = p
		deps, err := r.requires(ctx, t, n.name, version)
		if err != nil {
			return nil, nil, err
		}
		next := r.active(deps, env, append([]string{""}, p.extras...), n.name+" "+version)
		var ahead []need
		for _, d := range next {
			if chosen[d.name] == nil {
				ahead = append(ahead, d)
			}
		}
		r.warm(ctx, t, ahead, learned)
		queue = append(queue, next...)
	}
	return chosen, nil, nil
}

// warm reads ahead, at once, what resolving needs next: for each
// requirement, the index page and the METADATA of the version it would
// choose on its own. Resolving then waits for one round of downloads per
// level of the dependency tree, not one per package; a guess that a later
// requirement overturns costs a download, not a wrong answer.
func (r *resolver) warm(ctx context.Context, t Target, ahead []need, learned map[string][]need) {
	for _, n := range ahead {
		all := append([]need{n}, learned[n.name]...)
		r.warming.Add(1)
		go func() {
			defer r.warming.Done()
			select {
			case r.slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-r.slots }()
			if v, err := r.best(ctx, t, n.name, all); err == nil {
				r.requires(ctx, t, n.name, v) // errors come again to the resolver
			}
		}()
	}
}

// active are the requirements whose markers hold on the target with one of
// the extras ("" for none) active, said to come from from (when not "").
func (r *resolver) active(deps []need, env marker.Environment, extras []string, from string) []need {
	var out []need
	for _, d := range deps {
		holds := d.marker == ""
		if !holds {
			tree, err := r.a.Parse(d.marker)
			if err != nil {
				continue // a marker nobody can evaluate: pip skips it too
			}
			for _, e := range extras {
				env := maps(env, e)
				if r.a.Evaluate(tree, env) {
					holds = true
					break
				}
			}
		}
		if holds {
			if from != "" {
				d.from = from
			}
			out = append(out, d)
		}
	}
	return out
}

func maps(env marker.Environment, extra string) marker.Environment {
	out := make(marker.Environment, len(env)+1)
	for k, v := range env {
		out[k] = v
	}
	if extra != "" {
		out["extra"] = extra
	}
	return out
}

func satisfied(version string, n need) bool {
	if n.spec == "" {
		return true
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return false
	}
	ok, err := pep440.Satisfies(v, n.spec)
	return err == nil && ok
}

// offer is one version of a project the target could install.
type offer struct {
	version string
	v       pep440.Version
	yanked  bool
}

// best is the newest version of name that every requirement allows and the
// target installs: from the wheelhouse when it has one, else the index.
func (r *resolver) best(ctx context.Context, t Target, name string, needs []need) (string, error) {
	pinned := false
	for _, n := range needs {
		pinned = pinned || n.exact() != ""
	}
	choose := func(offers []offer) string {
		sort.Slice(offers, func(i, j int) bool { return pep440.Compare(offers[i].v, offers[j].v) > 0 })
		for _, o := range offers {
			if o.yanked && !pinned {
				continue
			}
			ok := true
			for _, n := range needs {
				ok = ok && satisfied(o.version, n)
			}
			if ok {
				return o.version
			}
		}
		return ""
	}
	rk := r.sel.rank(t)
	var house []offer
	for _, c := range r.house[name] {
		if v, err := pep440.Parse(c.wheel.Version); err == nil && rk.of(c.wheel) >= 0 {
			house = append(house, offer{version: c.wheel.Version, v: v})
		}
	}
	if v := choose(house); v != "" {
		return v, nil
	}
	files, err := r.ix.project(ctx, name, r.installable)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return "", fmt.Errorf("%s has no project %q (%s), which %s asks for: check the name, or give its wheels with --wheelhouse", r.ix.url, needs[0].shown, nf.Status, needs[0].from)
	}
	if err != nil {
		return "", fmt.Errorf("looking up %s (%s) in %s: %w", needs[0].shown, needs[0].from, r.ix.url, err)
	}
	var offers []offer
	seen := map[string]int{}
	for _, f := range files {
		w, err := ParseWheel(f.Name)
		if err != nil || rk.of(w) < 0 {
			continue
		}
		if f.RequiresPython != "" {
			py, _ := pep440.Parse(t.full())
			if ok, err := pep440.Satisfies(py, strings.ReplaceAll(f.RequiresPython, " ", "")); err == nil && !ok {
				continue
			}
		}
		v, err := pep440.Parse(w.Version)
		if err != nil {
			continue
		}
		key := v.String()
		if i, ok := seen[key]; ok {
			offers[i].yanked = offers[i].yanked && f.Yanked
			continue
		}
		seen[key] = len(offers)
		offers = append(offers, offer{version: w.Version, v: v, yanked: f.Yanked})
	}
	offers = append(offers, house...)
	if v := choose(offers); v != "" {
		return v, nil
	}
	e := &UnsatisfiableError{Package: needs[0].shown, Target: t.String()}
	for _, n := range needs {
		e.Needs = append(e.Needs, n.String()+" (from "+n.from+")")
	}
	var versions []string
	for _, o := range offers {
		if !o.yanked || pinned {
			versions = append(versions, o.version)
		}
	}
	switch {
	case len(versions) == 0:
		e.Why = fmt.Sprintf("%s has no wheel of it that this target installs (no --wheelhouse has one either)", r.ix.url)
	case len(versions) > 8:
		e.Why = fmt.Sprintf("the versions with a wheel for this target are %s, ... (%d in all)", strings.Join(versions[:8], ", "), len(versions))
	default:
		e.Why = "the versions with a wheel for this target are " + strings.Join(versions, ", ")
	}
	return "", e
}

// installable keeps the wheels of an index page that some target installs.
func (r *resolver) installable(w Wheel) bool {
	for _, t := range r.targets {
		if r.sel.rank(t).of(w) >= 0 {
			return true
		}
	}
	return false
}

// requires reads what a version of a project requires, from a wheel of it
// the target installs: the wheelhouse's, the index's METADATA file (PEP
// 658), or the wheel itself, downloaded into the cache (where the build
// finds it again).
func (r *resolver) requires(ctx context.Context, t Target, name, version string) ([]need, error) {
	key := name + " " + version
	for {
		r.mu.Lock()
		if m := r.meta[key]; m != nil {
			r.mu.Unlock()
			return m.requires, nil
		}
		wait, reading := r.inflight[key]
		if !reading {
			if r.inflight == nil {
				r.inflight = map[string]chan struct{}{}
			}
			wait = make(chan struct{})
			r.inflight[key] = wait
		}
		r.mu.Unlock()
		if reading {
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		var m *metadata
		data, err := r.readMetadata(ctx, t, name, version)
		if err == nil {
			m, err = parseMetadata(data, key)
		}
		r.mu.Lock()
		delete(r.inflight, key)
		if err == nil {
			if r.meta == nil {
				r.meta = map[string]*metadata{}
			}
			r.meta[key] = m
		}
		r.mu.Unlock()
		close(wait)
		if err != nil {
			return nil, err
		}
		return m.requires, nil
	}
}

// maxMetadata bounds a METADATA file; the largest on PyPI are a few
// hundred KiB (a long description).
const maxMetadata = 16 << 20

func (r *resolver) readMetadata(ctx context.Context, t Target, name, version string) ([]byte, error) {
	rk := r.sel.rank(t)
	for _, c := range r.house[name] {
		if sameVersion(c.wheel.Version, version) && rk.of(c.wheel) >= 0 {
			return wheelMetadata(c.house)
		}
	}
	files, err := r.ix.files(ctx, name, version)
	if err != nil {
		return nil, fmt.Errorf("looking up %s %s in %s: %w", name, version, r.ix.url, err)
	}
	var wheel *IndexFile
	for i, f := range files {
		w, err := ParseWheel(f.Name)
		if err != nil || rk.of(w) < 0 {
			continue
		}
		if f.Metadata {
			data, err := r.fetchSmall(ctx, f.URL+".metadata", f.MetadataHash)
			if err == nil {
				return data, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		if wheel == nil {
			wheel = &files[i]
		}
	}
	if wheel == nil {
		return nil, fmt.Errorf("%s %s: %s lists no wheel of it for %s", name, version, r.ix.url, t)
	}
	f := &File{Name: wheel.Name, Package: name, Version: version, Hash: wheel.Hash, URL: wheel.URL}
	if p := cached(r.o.CacheDir, f); p != "" {
		return wheelMetadata(p)
	}
	dir := r.o.CacheDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dify-metadata-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := download(ctx, r.ix.web, dir, nil, nil, f, &progress{}); err != nil {
		return nil, fmt.Errorf("reading what %s %s requires: %w", name, version, err)
	}
	return wheelMetadata(f.Local)
}

// fetchSmall reads a small file (a METADATA), checked against its hash
// when one is given.
func (r *resolver) fetchSmall(ctx context.Context, url, hash string) ([]byte, error) {
	var data []byte
	err := r.ix.web.retry(ctx, func() error {
		resp, err := r.ix.web.open(ctx, url, "")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusError(resp, url); err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxMetadata+1))
		if err != nil {
			return err
		}
		if len(data) > maxMetadata {
			return permanent(fmt.Errorf("%s is larger than %d MiB", url, maxMetadata>>20))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if hash != "" {
		sum := sha256.Sum256(data)
		if got := "sha256:" + hex.EncodeToString(sum[:]); !strings.EqualFold(got, hash) {
			return nil, &HashError{File: url, Want: hash, Got: got, Where: r.ix.url}
		}
	}
	return data, nil
}

// wheelMetadata reads the METADATA of a wheel file.
func wheelMetadata(path string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a wheel: %w", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		dir, base, ok := strings.Cut(f.Name, "/")
		if !ok || base != "METADATA" || !strings.HasSuffix(dir, ".dist-info") {
			continue
		}
		if f.UncompressedSize64 > maxMetadata {
			return nil, fmt.Errorf("%s: its METADATA is larger than %d MiB", path, maxMetadata>>20)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, maxMetadata))
	}
	return nil, fmt.Errorf("%s has no .dist-info/METADATA", path)
}

// parseMetadata reads Requires-Dist and Requires-Python from a METADATA
// file (email headers; the body, a description, is not read).
func parseMetadata(data []byte, who string) (*metadata, error) {
	m := &metadata{}
	var headers []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxMetadata)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(headers) > 0 {
			headers[len(headers)-1] += " " + strings.TrimSpace(line)
			continue
		}
		headers = append(headers, line)
	}
	for _, h := range headers {
		key, value, ok := strings.Cut(h, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(key) {
		case "requires-dist":
			n, err := parseNeed(value, who)
			if err != nil {
				return nil, fmt.Errorf("%s: Requires-Dist %w", who, err)
			}
			m.requires = append(m.requires, n)
		}
	}
	return m, nil
}

// resolved is a package of the closure with the targets that install each
// of its versions.
type resolved struct {
	name, shown, version string
	targets              []Target
	hashes               []string
}

// marker is the environment marker that keeps the pin to its targets when
// not every target installs it.
func (p resolved) marker(all []Target) string {
	if len(p.targets) == len(all) {
		return ""
	}
	var machines []string
	for _, t := range p.targets {
		m := "platform_machine == '" + t.Machine() + "'"
		if !slices.Contains(machines, m) {
			machines = append(machines, m)
		}
	}
	return strings.Join(machines, " or ")
}

// resolve finds the closure of roots on every target and says, for each
// package and version, which targets install it.
func (r *resolver) resolve(ctx context.Context, roots []need) ([]resolved, error) {
	// The rankings are made before any prefetch reads them at once; after
	// this, Selection.rank only reads. Prefetches outlive no resolution.
	for _, t := range r.targets {
		r.sel.rank(t)
	}
	r.slots = make(chan struct{}, DefaultWorkers)
	defer r.warming.Wait()
	var out []resolved
	at := map[string]int{}
	var errs []error
	for _, t := range r.targets {
		chosen, err := r.resolveTarget(ctx, t, roots)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			errs = append(errs, err)
			continue
		}
		for name, p := range chosen {
			key := name + " " + p.version
			i, ok := at[key]
			if !ok {
				i = len(out)
				at[key] = i
				out = append(out, resolved{name: name, shown: p.shown, version: p.version, hashes: p.hashes})
			}
			out[i].targets = append(out[i].targets, t)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].version < out[j].version
	})
	return out, nil
}
