package pyenv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/uvlock"
)

// Dependency files, chosen as the daemon chooses them: pyproject.toml when
// there is one (with uv.lock pinning it), else requirements.txt.
const (
	Pyproject    = "pyproject.toml"
	Lock         = "uv.lock"
	Requirements = "requirements.txt"
)

// maxDepFile bounds what is read of a dependency file; uv.lock files of
// large projects reach a few MiB.
const maxDepFile = 64 << 20

// deps says how an environment gets its packages.
type deps struct {
	Source string            // for people: "pyproject.toml + uv.lock", "requirements.txt", ...
	Files  map[string][]byte // the files whose content defines the environment
	// Sync installs with `uv sync --frozen` from pyproject.toml and uv.lock.
	Sync bool
	// Install is the requirements file to install from (a name in the
	// project, or "" with Generated holding the content); unused with Sync.
	Install   string
	Generated []byte
	// Empty means there is nothing to install (a file with only comments).
	Empty bool
}

// chooseDeps picks the dependency files of the project in dir. Without uv,
// a locked pyproject is exported to requirements with uvlock (what `uv
// export` prints) and installed with pip.
func chooseDeps(dir string, haveUV bool) (*deps, error) {
	files := map[string][]byte{}
	for _, name := range []string{Pyproject, Lock, Requirements} {
		data, err := readDepFile(dir, name)
		if err != nil {
			return nil, err
		}
		if data != nil {
			files[name] = data
		}
	}
	_, hasPyproject := files[Pyproject]
	_, hasLock := files[Lock]
	req, hasReq := files[Requirements]

	switch {
	case hasPyproject && hasLock:
		d := &deps{Source: "pyproject.toml + uv.lock", Files: pick(files, Pyproject, Lock)}
		if haveUV {
			d.Sync = true
			return d, nil
		}
		res, err := uvlock.Export(os.DirFS(dir), uvlock.Options{})
		if err != nil {
			return nil, fmt.Errorf("reading the dependencies in %s: %w", filepath.Join(dir, Lock), err)
		}
		d.Source = "uv.lock (exported without uv)"
		d.Generated = res.Requirements
		d.Empty = !hasRequirement(res.Requirements)
		return d, nil
	case hasPyproject && haveUV:
		return &deps{Source: "pyproject.toml", Files: pick(files, Pyproject), Install: Pyproject}, nil
	case hasReq:
		return &deps{Source: "requirements.txt", Files: pick(files, Requirements), Install: Requirements, Empty: !hasRequirement(req)}, nil
	case hasPyproject:
		return nil, fmt.Errorf("%s has no uv.lock and there is no requirements.txt: install uv, run `uv lock`, or add requirements.txt",
			filepath.Join(dir, Pyproject))
	}
	return nil, fmt.Errorf("%s has neither requirements.txt nor pyproject.toml; the plugin's dependencies (dify_plugin at least) go in one of them", dir)
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
