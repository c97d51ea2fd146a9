package offline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/uvlock/marker"
)

// fromRequirements resolves a requirements.txt (exact pins or ranges) to
// its whole closure, then picks the wheels of every package it holds.
func (s *Selection) fromRequirements(ctx context.Context, fsys fs.FS, o Options, house map[string][]candidate) error {
	data, err := capped.ReadFile(fsys, depfile.Requirements, 4<<20)
	if err != nil {
		return fmt.Errorf("reading %s: %w", depfile.Requirements, err)
	}
	ixURL := o.IndexURL
	if ixURL == "" {
		ixURL = DefaultIndex
	}
	ix := &index{url: ixURL, web: o.web()}
	var roots []need
	lines := strings.Split(strings.ReplaceAll(string(data), "\\\n", " "), "\n")
	for i, raw := range lines {
		text := strings.TrimSpace(raw)
		if c := strings.Index(text, " #"); c >= 0 {
			text = strings.TrimSpace(text[:c])
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		// An offline package's own options; the new package writes its own.
		if text == "--no-index" || strings.HasPrefix(text, "--find-links") || strings.HasPrefix(text, "-f ") {
			continue
		}
		var hashes []string
		if at := strings.Index(text, " --hash"); at >= 0 {
			for _, h := range strings.Fields(strings.ReplaceAll(text[at:], "=", " ")) {
				if strings.HasPrefix(h, "sha256:") {
					hashes = append(hashes, strings.ToLower(h))
				}
			}
			text = strings.TrimSpace(text[:at])
		}
		if strings.HasPrefix(text, "-") {
			return fmt.Errorf("requirements.txt:%d: %q is an installer option an offline package cannot keep; remove it", i+1, text)
		}
		n, err := parseNeed(text, fmt.Sprintf("requirements.txt:%d", i+1))
		if err != nil {
			return fmt.Errorf("requirements.txt:%d: %v", i+1, err)
		}
		n.hashes = hashes
		roots = append(roots, n)
	}
	s.resolutionKey = resolutionKey(data, o, house)
	if !o.Refresh && s.reuse(o.CacheDir, s.resolutionKey) {
		return nil
	}
	r := &resolver{ix: ix, house: house, sel: s, targets: o.Targets, o: o, a: marker.New()}
	pins, err := r.resolve(ctx, roots)
	if err != nil {
		return err
	}
	s.Requirements = header()
	for _, p := range pins {
		if err := s.pinned(ctx, ix, house, p, o.Targets); err != nil {
			return err
		}
	}
	return nil
}

// pinned picks the wheels of one resolved package: the wheelhouse's, else
// the index's.
func (s *Selection) pinned(ctx context.Context, ix *index, house map[string][]candidate, p resolved, all []Target) error {
	name, version := p.shown, p.version
	var cands []candidate
	for _, c := range house[p.name] {
		if sameVersion(c.wheel.Version, version) {
			cands = append(cands, c)
		}
	}
	var lookupErr error
	if !s.covers(cands, p.targets) {
		files, err := ix.files(ctx, name, version)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lookupErr = err
		for _, f := range files {
			w, err := ParseWheel(f.Name)
			if err != nil || w.Name != p.name || !sameVersion(w.Version, version) {
				continue
			}
			if len(p.hashes) > 0 && f.Hash != "" && !slices.Contains(p.hashes, f.Hash) {
				continue
			}
			if !slices.ContainsFunc(cands, func(x candidate) bool { return x.wheel.File == f.Name }) {
				cands = append(cands, candidate{wheel: w, hash: f.Hash, size: f.Size, url: f.URL})
			}
		}
	}
	why := func(t Target) string {
		var nf *NotFoundError
		if errors.As(lookupErr, &nf) {
			return fmt.Sprintf("%s has no project %q (%s) and no wheel in the wheelhouse fits: check the name, or build the wheel for %s and give its folder with --wheelhouse", ix.url, name, nf.Status, t)
		}
		if lookupErr != nil {
			return fmt.Sprintf("no wheel in the wheelhouse fits, and the index could not be asked: %v", lookupErr)
		}
		if len(cands) == 0 {
			return fmt.Sprintf("%s has no wheel of this version", ix.url)
		}
		var names []string
		for _, c := range cands {
			names = append(names, c.wheel.File)
		}
		return "no wheel fits; there are " + strings.Join(names, ", ")
	}
	line := name + "==" + version
	if m := p.marker(all); m != "" {
		line += " ; " + m
	}
	s.pick(name, version, p.targets, cands, why, line+"\n")
	return nil
}

// covers reports whether the candidates have a wheel for every target.
func (s *Selection) covers(cands []candidate, targets []Target) bool {
	for _, t := range targets {
		r := s.rank(t)
		if !slices.ContainsFunc(cands, func(c candidate) bool { return r.of(c.wheel) >= 0 }) {
			return false
		}
	}
	return true
}
