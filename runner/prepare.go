package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pyenv"
)

// Setup says how to prepare a plugin's Python environment (see pyenv.Options);
// `plugin run`, `invoke` and `debug` share it.
type Setup struct {
	CacheDir    string    // where environments are kept
	UV          string    // the uv executable, "" for venv and pip
	Interpreter string    // an interpreter to use instead of searching (PYTHON_INTERPRETER_PATH)
	Refresh     bool      // rebuild the environment
	Progress    io.Writer // set-up progress for people; nil for none
	Env         []string  // the environment of the tools and the plugin
}

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
	env, err := pyenv.Ensure(ctx, pyenv.Options{
		Dir:      dir,
		Want:     pyenv.Want{Version: runner.Version, Override: s.Interpreter, UV: s.UV, Env: s.Env},
		UV:       s.UV,
		Refresh:  s.Refresh,
		CacheDir: s.CacheDir,
		Env:      s.Env,
		Progress: s.Progress,
	})
	if err != nil {
		return nil, nil, err
	}
	return decl, env, nil
}
