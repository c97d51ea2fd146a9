package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pyenv"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// Setup says how to prepare a plugin's Python environment; `plugin run`,
// `invoke` and `debug` share it.
type Setup = pyenv.Setup

// Prepare loads the plugin in dir and makes its Python environment ready:
// built the first time, found in the cache after that. name is how messages
// call the plugin (the directory or package the user gave). The caller
// releases the environment.
func Prepare(ctx context.Context, dir, name string, s Setup) (*manifest.Plugin, *pyenv.Env, error) {
	decl, ds := manifest.Load(os.DirFS(dir))
	if decl == nil {
		return nil, nil, fmt.Errorf("%s is not a plugin: %w", name, &manifest.InvalidError{Diagnostics: ds})
	}
	runner := decl.Manifest.Meta.Runner
	if runner.Language != "python" {
		return nil, nil, fmt.Errorf("%s: meta.runner.language is %q; only python plugins can run", filepath.Join(name, manifest.FileName), runner.Language)
	}
	// The daemon makes every plugin's environment with Python 3.12, whatever
	// meta.runner.version says: run as it will run there.
	m := decl.Manifest
	origin, err := filepath.Abs(name)
	if err != nil {
		return nil, nil, err
	}
	env, err := pyenv.Ensure(ctx, pyenv.Options{Dir: dir, Version: pyenv.DaemonPython, Setup: s,
		Plugin: fmt.Sprintf("%s/%s %s", m.Author, m.Name, m.Version), Origin: origin})
	if err != nil {
		return nil, nil, err
	}
	if v := pep440.MajorMinorOf(runner.Version); v != "" && v != pyenv.DaemonPython {
		env.Notes = append(env.Notes, fmt.Sprintf("manifest.yaml asks for Python %s, but Dify's daemon runs every plugin with Python %s, so %s is used here too", runner.Version, pyenv.DaemonPython, pyenv.DaemonPython))
	}
	return decl, env, nil
}
