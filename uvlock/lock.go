package uvlock

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/dify-cli/dify/uvlock/marker"
)

// The uv.lock format this package understands: version 1, revisions up to 3 (what uv writes
// since 2025). Revision 4 is a preview format that drops package metadata.
const (
	lockVersion     = 1
	maxLockRevision = 3
)

// lockFile is the part of uv.lock that export reads. Options are ignored.
type lockFile struct {
	Version           int                      `toml:"version"`
	Revision          int                      `toml:"revision"`
	RequiresPython    string                   `toml:"requires-python"`
	ResolutionMarkers []string                 `toml:"resolution-markers"`
	Manifest          lockManifest             `toml:"manifest"`
	Packages          []lockPackage            `toml:"package"`
	Distributions     []lockPackage            `toml:"distribution"` // the name of [[package]] in early locks
	Conflicts         []map[string]interface{} `toml:"conflicts"`
}

type lockManifest struct {
	Members          []string                     `toml:"members"`
	Requirements     []lockRequirement            `toml:"requirements"`
	DependencyGroups map[string][]lockRequirement `toml:"dependency-groups"`
}

type lockRequirement struct {
	Name   string   `toml:"name"`
	Marker string   `toml:"marker"`
	Extras []string `toml:"extras"`
}

type lockPackage struct {
	Name                 string                      `toml:"name"`
	Version              string                      `toml:"version"`
	Source               lockSource                  `toml:"source"`
	ResolutionMarkers    []string                    `toml:"resolution-markers"`
	Dependencies         []lockDependency            `toml:"dependencies"`
	OptionalDependencies map[string][]lockDependency `toml:"optional-dependencies"`
	DevDependencies      map[string][]lockDependency `toml:"dev-dependencies"`
	DependencyGroups     map[string][]lockDependency `toml:"dependency-groups"` // alias of dev-dependencies
	Metadata             lockMetadata                `toml:"metadata"`
	Sdist                *Artifact                   `toml:"sdist"`
	Wheels               []Artifact                  `toml:"wheels"`
}

// Artifact is a file the lock names for a package: where it is, its hash
// and its size. Registry files have a URL (or a path, for a local
// registry); the file name is the URL's last segment unless given.
type Artifact struct {
	URL      string `toml:"url"`
	Path     string `toml:"path"`
	Filename string `toml:"filename"`
	Hash     string `toml:"hash"` // "sha256:<hex>"
	Size     int64  `toml:"size"`
}

// Name is the artifact's file name.
func (a Artifact) Name() string {
	if a.Filename != "" {
		return a.Filename
	}
	loc := a.URL
	if loc == "" {
		loc = a.Path
	}
	loc, _, _ = strings.Cut(loc, "#")
	loc, _, _ = strings.Cut(loc, "?")
	if i := strings.LastIndexAny(loc, `/\`); i >= 0 {
		loc = loc[i+1:]
	}
	if u, err := url.PathUnescape(loc); err == nil {
		loc = u
	}
	return loc
}

// Check refuses an artifact whose name or hash could not have come from
// uv: the name is used as a file name (a wheel is saved under it), so it
// must be one plain path element, and the hash names a cache folder, so it
// must be sha256 and hex.
func (a Artifact) Check() error {
	if err := CheckFileName(a.Name()); err != nil {
		return err
	}
	if a.Hash != "" && !ValidHash(a.Hash) {
		return fmt.Errorf("hash %q is not sha256:<64 hex digits>", a.Hash)
	}
	if a.Size < 0 {
		return fmt.Errorf("%s has a negative size", a.Name())
	}
	return nil
}

// CheckFileName refuses a name that is not a single plain file name: empty,
// "." or "..", with a slash, backslash or colon, with control characters,
// or hidden (leading dot).
func CheckFileName(name string) error {
	switch {
	case name == "":
		return errors.New("a file has no name")
	case strings.ContainsAny(name, "/\\:"):
		return fmt.Errorf("file name %q is a path, not a file name", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("file name %q starts with a dot", name)
	case len(name) > 255:
		return fmt.Errorf("file name %.40q... is longer than 255 bytes", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("file name %q has a control character", name)
		}
	}
	return nil
}

// ValidHash reports whether h is "sha256:" and 64 hex digits.
func ValidHash(h string) bool {
	hex, ok := strings.CutPrefix(h, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for i := 0; i < len(hex); i++ {
		c := hex[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

type lockMetadata struct {
	RequiresDist []lockRequirement            `toml:"requires-dist"`
	RequiresDev  map[string][]lockRequirement `toml:"requires-dev"`
}

type lockSource struct {
	Registry     string `toml:"registry"`
	Git          string `toml:"git"`
	URL          string `toml:"url"`
	Path         string `toml:"path"`
	Directory    string `toml:"directory"`
	Editable     string `toml:"editable"`
	Virtual      string `toml:"virtual"`
	Subdirectory string `toml:"subdirectory"`
}

type lockDependency struct {
	Name    string      `toml:"name"`
	Version string      `toml:"version"`
	Source  *lockSource `toml:"source"`
	Marker  string      `toml:"marker"`
	Extra   []string    `toml:"extra"`
}

// fields lists the source's kinds with their values, in uv's order of source kinds.
func (s lockSource) fields() [][2]string {
	return [][2]string{
		{"registry", s.Registry}, {"git", s.Git}, {"url", s.URL}, {"path", s.Path},
		{"directory", s.Directory}, {"editable", s.Editable}, {"virtual", s.Virtual},
	}
}

// kind names the one field a source sets; "" when it sets none or several.
func (s lockSource) kind() string {
	kind := ""
	for _, f := range s.fields() {
		if f[1] == "" {
			continue
		}
		if kind != "" {
			return ""
		}
		kind = f[0]
	}
	return kind
}

func (s lockSource) String() string {
	for _, f := range s.fields() {
		if f[1] != "" && f[0] == s.kind() {
			return f[0] + " = " + f[1]
		}
	}
	return "?"
}

// LockError is a uv.lock that cannot be exported, with the line it concerns when known.
type LockError struct {
	File string
	Line int
	Msg  string
}

func (e *LockError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// InDir names the file of a LockError as a path under the project directory dir, so a
// message read outside the project still points at the right file. Other errors pass as
// they are.
func InDir(err error, dir string) error {
	var le *LockError
	if errors.As(err, &le) {
		return &LockError{File: filepath.Join(dir, le.File), Line: le.Line, Msg: le.Msg}
	}
	return err
}

// decodeLock parses uv.lock and checks what export relies on.
func decodeLock(name string, data []byte) (*lockFile, error) {
	var lf lockFile
	if _, err := toml.Decode(string(data), &lf); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &LockError{File: name, Line: errorLine(data, pe), Msg: "not valid TOML: " + pe.Message + "; regenerate it with `uv lock`"}
		}
		return nil, &LockError{File: name, Msg: "cannot be read: " + oneLine(err.Error()) + "; regenerate it with `uv lock`"}
	}
	lf.Packages = append(lf.Packages, lf.Distributions...)
	fail := func(needle, format string, args ...any) error {
		return &LockError{File: name, Line: lineOf(data, needle), Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case lf.Version == 0:
		return nil, fail("", "has no `version`; this is not a uv lock file")
	case lf.Version != lockVersion:
		return nil, fail("version", "lock format version %d is newer than this tool understands (version %d); export it with uv (`dify plugin package --uv`)", lf.Version, lockVersion)
	case lf.Revision > maxLockRevision:
		return nil, fail("revision", "lock revision %d is newer than this tool understands (up to %d); export it with uv (`dify plugin package --uv`)", lf.Revision, maxLockRevision)
	case lf.RequiresPython == "":
		return nil, fail("", "has no `requires-python`; regenerate it with `uv lock`")
	case len(lf.Conflicts) > 0:
		return nil, fail("conflicts", "declares `conflicts`, which this tool does not export; use `dify plugin package --uv`")
	}
	for i, p := range lf.Packages {
		failPackage := func(format string, args ...any) error {
			return &LockError{File: name, Line: packageLine(data, p.Name), Msg: fmt.Sprintf(format, args...)}
		}
		if p.Name == "" {
			return nil, fail("[[package]]", "package %d has no name", i+1)
		}
		if p.Source.kind() == "" {
			return nil, failPackage("package %s has no single source (registry, git, url, path, directory, editable or virtual)", p.Name)
		}
		if p.Source.kind() == "registry" && p.Version == "" {
			return nil, failPackage("package %s comes from a registry but has no version", p.Name)
		}
		if p.DevDependencies == nil {
			lf.Packages[i].DevDependencies = p.DependencyGroups
		}
		files := p.Wheels
		if p.Sdist != nil {
			files = append(slices.Clip(files), *p.Sdist)
		}
		for _, a := range files {
			if err := a.Check(); err != nil {
				line := 0
				for _, needle := range []string{a.Filename, a.URL, a.Path} {
					if line == 0 && needle != "" {
						line = lineOf(data, needle)
					}
				}
				if line == 0 {
					line = packageLine(data, p.Name)
				}
				return nil, &LockError{File: name, Line: line, Msg: fmt.Sprintf("package %s: %v; uv never writes this, so the lock was edited or made by something else: regenerate it with `uv lock`", p.Name, err)}
			}
		}
	}
	return &lf, nil
}

// errorLine is the line of a TOML parse error. The decoder counts a newline it did not expect
// as the start of the next line; the line it ends is the one to fix.
func errorLine(data []byte, pe toml.ParseError) int {
	start := pe.Position.Start
	if start <= 0 || start > len(data) {
		return pe.Position.Line
	}
	return strings.Count(string(data[:start]), "\n") + 1
}

// packageLine is the line of the [[package]] entry named name, or 0.
func packageLine(data []byte, name string) int {
	if n := lineOf(data, fmt.Sprintf("\nname = %q", name)); n > 0 {
		return n + 1
	}
	return 0
}

// packageLines maps each line that starts with `name = ` (the first of
// each text) to its 1-based line number: packageLine for every package
// in one pass.
func packageLines(data []byte) map[string]int {
	out := map[string]int{}
	line := 1
	for len(data) > 0 {
		text, rest, _ := bytes.Cut(data, []byte("\n"))
		if line > 1 && bytes.HasPrefix(text, []byte("name = ")) {
			if _, seen := out[string(text)]; !seen {
				out[string(text)] = line
			}
		}
		data, line = rest, line+1
	}
	return out
}

// lineOf is the 1-based line of the first occurrence of needle in data, or 0.
func lineOf(data []byte, needle string) int {
	if needle == "" {
		return 0
	}
	i := strings.Index(string(data), needle)
	if i < 0 {
		return 0
	}
	return strings.Count(string(data[:i]), "\n") + 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// normalizeName is PEP 503 normalisation: names compare in this form.
func normalizeName(s string) string { return marker.NormalizeName(s) }
