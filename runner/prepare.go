package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pyenv"
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
	env, err := pyenv.Ensure(ctx, pyenv.Options{Dir: dir, Version: runner.Version, Setup: s})
	if err != nil {
		return nil, nil, err
	}
	return decl, env, nil
}
