package pyenv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/uvlock"
)

// maxDepFile bounds what is read of a dependency file; uv.lock files of
// large projects reach a few MiB.
const maxDepFile = 64 << 20

// deps says how an environment gets its packages.
type deps struct {
	Source string            // for people: which file, and why (depfile.Choice.Why)
	File   string            // the file alone: requirements.txt, pyproject.toml, uv.lock
	Files  map[string][]byte // the files whose content defines the environment
	// Sync installs with `uv sync --no-dev` from pyproject.toml, and
	// --frozen when uv.lock pins it (Frozen).
	Sync, Frozen bool
	// Install is the requirements file to install from (a name in the
	// project, or "" with Generated holding the content); unused with Sync.
	Install   string
	Generated []byte
	// Empty means there is nothing to install (a file with only comments).
	Empty bool
	// Notable says the choice is worth telling (depfile.Choice.Notable).
	Notable bool
}

// chooseDeps picks the dependency file of the project in dir as the daemon
// does (depfile.Choose). Without uv, a locked pyproject is exported to
// requirements with uvlock (what `uv export` prints) and installed with
// pip; an unlocked one needs uv, or requirements.txt beside it.
func chooseDeps(dir string, haveUV bool, s depfile.Settings) (*deps, error) {
	files := map[string][]byte{}
	for _, name := range []string{depfile.Pyproject, depfile.Lock, depfile.Requirements} {
		data, err := readDepFile(dir, name)
		if err != nil {
			return nil, err
		}
		if data != nil {
			files[name] = data
		}
	}
	has := func(name string) bool { _, ok := files[name]; return ok }
	c, err := depfile.Choose(has, s)
	if err != nil {
		if errors.Is(err, depfile.ErrNone) {
			return nil, fmt.Errorf("%s has neither requirements.txt nor pyproject.toml; the plugin's dependencies (dify_plugin at least) go in one of them", dir)
		}
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	d, err := install(dir, files, c, haveUV)
	if d != nil {
		d.Notable = d.Notable || (c.Notable && !sameDependencies(files, s))
		switch {
		case d.Install != "":
			d.File = d.Install
		case c.Frozen:
			d.File = depfile.Lock
		default:
			d.File = depfile.Pyproject
		}
	}
	return d, err
}

// install says how the chosen file installs: with uv, or with pip from
// requirements (exported from uv.lock when there is no uv).
func install(dir string, files map[string][]byte, c depfile.Choice, haveUV bool) (*deps, error) {
	requirements := func(source string) *deps {
		req := files[depfile.Requirements]
		return &deps{Source: source, Files: pick(files, depfile.Requirements), Install: depfile.Requirements, Empty: !hasRequirement(req)}
	}
	_, hasRequirements := files[depfile.Requirements]
	switch {
	case c.File == depfile.Requirements:
		return requirements(c.Why), nil
	case c.Frozen && haveUV:
		return &deps{Source: c.Why, Files: pick(files, depfile.Pyproject, depfile.Lock), Sync: true, Frozen: true}, nil
	case c.Frozen:
		res, err := uvlock.Export(os.DirFS(dir), uvlock.Options{})
		if err != nil {
			return nil, fmt.Errorf("reading the dependencies in %s: %w", filepath.Join(dir, depfile.Lock), err)
		}
		return &deps{Source: c.Why + " (exported without uv)", Files: pick(files, depfile.Pyproject, depfile.Lock),
			Generated: res.Requirements, Empty: !hasRequirement(res.Requirements)}, nil
	case haveUV:
		return &deps{Source: c.Why, Files: pick(files, depfile.Pyproject), Sync: true}, nil
	case hasRequirements:
		d := requirements("requirements.txt: pyproject.toml has no uv.lock, and resolving it needs uv, which is not installed")
		d.Notable = true // not the daemon's choice
		return d, nil
	}
	return nil, fmt.Errorf("%s has no uv.lock and there is no requirements.txt: install uv, run `uv lock`, or add requirements.txt",
		filepath.Join(dir, depfile.Pyproject))
}

// sameDependencies reports whether pyproject.toml and requirements.txt ask
// for the same requirements (as generated plugins do), so that which one
// the daemon takes changes nothing worth a note. A choice the user or a
// setting made is always worth one.
func sameDependencies(files map[string][]byte, s depfile.Settings) bool {
	if s.Prefer != "" || s.Mirror || s.IgnoreLock {
		return false
	}
	req, ok := files[depfile.Requirements]
	if !ok {
		return false
	}
	listed, err := uvlock.ProjectDependencies(depfile.Pyproject, files[depfile.Pyproject])
	if err != nil {
		return false
	}
	norm := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			r := parseRequirement(l)
			name := strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(r.name))
			out = append(out, name+" "+r.spec+" ; "+strings.Join(strings.Fields(r.marker), " "))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(requirementsIn(req)), norm(listed))
}

func readDepFile(dir, name string) ([]byte, error) {
	data, err := capped.ReadFile(os.DirFS(dir), name, maxDepFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, name), err)
	}
	return data, nil
}

func pick(files map[string][]byte, names ...string) map[string][]byte {
	out := map[string][]byte{}
	for _, n := range names {
		out[n] = files[n]
	}
	return out
}

// hasRequirement reports whether a requirements file names anything: a line
// that is neither blank nor a comment.
func hasRequirement(data []byte) bool {
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return true
		}
	}
	return false
}
