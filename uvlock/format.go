package uvlock

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// requirementLine is a package as a requirements.txt entry, without its marker.
func requirementLine(p *lockPackage) string {
	s := p.Source
	switch s.kind() {
	case "git":
		return p.Name + " @ " + gitRequirement(s.Git)
	case "url":
		u := s.URL
		if s.Subdirectory != "" {
			u = withoutFragment(u) + "#subdirectory=" + s.Subdirectory
		}
		return p.Name + " @ " + u
	case "path":
		return localPath(s.Path)
	case "directory":
		return localPath(s.Directory)
	case "editable":
		return "-e " + anchor(s.Editable)
	}
	return p.Name + "==" + p.Version
}

// gitRequirement turns a lock's `https://host/repo.git?rev=x&subdirectory=d#<commit>` into
// the pinned `git+https://host/repo.git@<commit>#subdirectory=d`.
func gitRequirement(lock string) string {
	base, commit, _ := strings.Cut(lock, "#")
	base, query, _ := strings.Cut(base, "?")
	values, _ := url.ParseQuery(query)
	out := "git+" + base
	if commit != "" {
		out += "@" + commit
	}
	var fragment []string
	if d := values.Get("subdirectory"); d != "" {
		fragment = append(fragment, "subdirectory="+d)
	}
	if values.Get("lfs") == "true" {
		fragment = append(fragment, "lfs=true")
	}
	if len(fragment) > 0 {
		out += "#" + strings.Join(fragment, "&")
	}
	return out
}

func withoutFragment(u string) string {
	base, _, _ := strings.Cut(u, "#")
	return base
}

// localPath prints a path source: relative paths anchored at `.`, absolute ones as file URLs.
func localPath(p string) string {
	if path.IsAbs(p) || isWindowsAbs(p) {
		u := url.URL{Scheme: "file", Path: "/" + strings.TrimPrefix(strings.ReplaceAll(p, `\`, "/"), "/")}
		return u.String()
	}
	return anchor(p)
}

func isWindowsAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// anchor makes a relative path explicit: `child` → `./child`; `../dep` and `.` stay.
func anchor(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	switch {
	case p == "" || p == ".":
		return "."
	case p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../"):
		return p
	}
	return "./" + p
}

// comparePackages orders lines as uv does: editables by path, then path and directory
// sources by path, then everything else by name, PEP 440 version and source.
func comparePackages(a, b *lockPackage) int {
	ga, gb := group(a), group(b)
	if ga != gb {
		return ga - gb
	}
	switch ga {
	case 0:
		return comparePaths(a.Source.Editable, b.Source.Editable)
	case 1:
		return comparePaths(a.Source.Path+a.Source.Directory, b.Source.Path+b.Source.Directory)
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := compareVersions(a.Version, b.Version); c != 0 {
		return c
	}
	if c := sourceRank(a.Source) - sourceRank(b.Source); c != 0 {
		return c
	}
	return strings.Compare(a.Source.String(), b.Source.String())
}

func group(p *lockPackage) int {
	switch p.Source.kind() {
	case "editable":
		return 0
	case "path", "directory":
		return 1
	}
	return 2
}

func sourceRank(s lockSource) int {
	kind := s.kind()
	return slices.IndexFunc(s.fields(), func(f [2]string) bool { return f[0] == kind })
}

// compareVersions orders by PEP 440; a missing version (a dynamic local project) comes first.
func compareVersions(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	}
	va, errA := pep440.Parse(a)
	vb, errB := pep440.Parse(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return pep440.Compare(va, vb)
}

// comparePaths compares paths component by component, so `a/b` sorts before `a-b`.
func comparePaths(a, b string) int {
	split := func(p string) []string {
		var parts []string
		for _, c := range strings.Split(strings.ReplaceAll(p, `\`, "/"), "/") {
			if c != "" && c != "." {
				parts = append(parts, c)
			}
		}
		return parts
	}
	return slices.Compare(split(a), split(b))
}
