package runner

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dify-cli/dify/internal/stale"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/pyenv"
)

// LaunchOptions say which plugin to run and how to prepare it.
type LaunchOptions struct {
	// Path is a plugin directory, run in place, or a .difypkg, extracted to
	// a temporary directory that Close removes.
	Path    string
	MaxSize int64 // the package size limit; ≤ 0 means the daemon's default

	Setup // the Python environment, and the environment variables

	ReadyTimeout time.Duration
	Log          func(Log)
	Dify         Dify
}

// Launched is a running plugin with everything it was started from.
type Launched struct {
	*Plugin
	Decl   *manifest.Plugin // the declarations
	Env    *pyenv.Env
	Dir    string   // where the plugin's files are
	Notes  []string // warnings worth showing: the interpreter fallback, what an existing environment lacks
	remove string   // a temporary directory to remove
}

// Launch prepares a plugin (its files and its environment) and starts it.
func Launch(ctx context.Context, o LaunchOptions) (*Launched, error) {
	l := &Launched{}
	ok := false
	defer func() {
		if !ok {
			l.Close()
		}
	}()

	info, err := os.Stat(o.Path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		l.Dir = o.Path
	} else {
		if l.Dir, err = extract(o.Path, o.MaxSize); err != nil {
			return nil, err
		}
		l.remove = l.Dir
	}

	decl, env, err := Prepare(ctx, l.Dir, o.Path, o.Setup)
	if err != nil {
		return nil, err
	}
	l.Decl = decl
	l.Env = env
	l.Notes = env.Notes

	l.Plugin, err = Start(ctx, Options{
		Dir:          l.Dir,
		Python:       env.Python,
		Entrypoint:   decl.Manifest.Meta.Runner.Entrypoint,
		Env:          o.Env,
		Manifest:     &decl.Manifest,
		ReadyTimeout: o.ReadyTimeout,
		Dify:         o.Dify,
		Log:          o.Log,
	})
	if err != nil {
		return nil, err
	}
	ok = true
	return l, nil
}

// Close stops the plugin, lets go of its environment and removes the
// temporary files. It is safe to call more than once.
func (l *Launched) Close() error {
	if l.Plugin != nil {
		l.Plugin.Stop()
	}
	if l.Env != nil {
		l.Env.Release()
	}
	if l.remove != "" {
		err := os.RemoveAll(l.remove)
		l.remove = ""
		return err
	}
	return nil
}

// runDirPrefix names the temporary directories packages are extracted to.
const runDirPrefix = "dify-run-"

// extract writes a package's files to a new temporary directory.
func extract(path string, maxSize int64) (string, error) {
	plan, err := pack.OpenPackage(path, pack.PlanOptions{MaxSize: maxSize})
	if err != nil {
		return "", err
	}
	defer plan.Close()
	if err := plan.Err(); err != nil {
		return "", err
	}
	// Runs killed with SIGKILL could not remove theirs.
	stale.Remove(os.TempDir(), runDirPrefix)
	dir, err := os.MkdirTemp("", stale.Pattern(runDirPrefix))
	if err != nil {
		return "", err
	}
	for _, f := range plan.Files {
		if err := extractFile(plan, f.Path, dir); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("extracting %s from %s: %w", f.Path, path, err)
		}
	}
	return dir, nil
}

func extractFile(fsys fs.FS, name, dir string) error {
	rel := filepath.FromSlash(name)
	if !filepath.IsLocal(rel) {
		return fmt.Errorf("the name leaves the package")
	}
	target := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	src, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
