package offline

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/uvlock/marker"
)

// pinRe is an exact pin: name[extras]==version, an optional marker after
// `;`, optional --hash options.
var pinRe = lazyregexp.New(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*===?\s*([^\s;\\]+)\s*(?:;\s*([^\\#]*?))?\s*((?:--hash[= ]\S+\s*)*)$`)

func (s *Selection) fromRequirements(ctx context.Context, fsys fs.FS, o Options, house map[string][]candidate) error {
	data, err := capped.ReadFile(fsys, depfile.Requirements, 4<<20)
	if err != nil {
		return fmt.Errorf("reading %s: %w", depfile.Requirements, err)
	}
	a := marker.New()
	ixURL := o.IndexURL
	if ixURL == "" {
		ixURL = DefaultIndex
	}
	ix := &index{url: ixURL, web: o.web()}
	s.Requirements = header()
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
		m := pinRe().FindStringSubmatch(text)
		if m == nil {
			return fmt.Errorf("requirements.txt:%d: %q is not an exact pin (name==version); an offline package needs every version fixed — use uv.lock, or pin the line", i+1, text)
		}
		name, version, markerText := m[1], m[3], strings.TrimSpace(m[4])
		tree := marker.True
		if markerText != "" {
			if tree, err = a.Parse(markerText); err != nil {
				return fmt.Errorf("requirements.txt:%d: %v", i+1, err)
			}
		}
		var wantHashes []string
		for _, h := range strings.Fields(strings.ReplaceAll(m[5], "=", " ")) {
			if strings.HasPrefix(h, "sha256:") {
				wantHashes = append(wantHashes, strings.ToLower(h))
			}
		}
		var applies []Target
		for _, t := range o.Targets {
			if a.Evaluate(tree, t.Environment()) {
				applies = append(applies, t)
			}
		}
		if len(applies) == 0 {
			continue
		}
		var cands []candidate
		for _, c := range house[marker.NormalizeName(name)] {
			if sameVersion(c.wheel.Version, version) {
				cands = append(cands, c)
			}
		}
		var lookupErr error
		if !s.covers(cands, applies) {
			files, err := ix.files(ctx, name, version)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lookupErr = err
			for _, f := range files {
				w, err := ParseWheel(f.Name)
				if err != nil || w.Name != marker.NormalizeName(name) || !sameVersion(w.Version, version) {
					continue
				}
				if len(wantHashes) > 0 && f.Hash != "" && !slices.Contains(wantHashes, f.Hash) {
					continue
				}
				if !slices.ContainsFunc(cands, func(x candidate) bool { return x.wheel.File == f.Name }) {
					cands = append(cands, candidate{wheel: w, hash: f.Hash, url: f.URL})
				}
			}
		}
		why := func(t Target) string {
			if lookupErr != nil {
				return fmt.Sprintf("no wheel in the wheelhouse fits, and the index could not be asked: %v", lookupErr)
			}
			if len(cands) == 0 {
				return fmt.Sprintf("%s has no wheel of this version", ixURL)
			}
			var names []string
			for _, c := range cands {
				names = append(names, c.wheel.File)
			}
			return "no wheel fits; there are " + strings.Join(names, ", ")
		}
		line := name + "==" + version
		if markerText != "" {
			line += " ; " + markerText
		}
		s.pick(name, version, applies, cands, why, line+"\n")
	}
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
