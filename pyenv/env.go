// Package pyenv prepares the Python environment a plugin runs in: it picks
// the interpreter Dify's daemon uses (Python 3.12), installs the dependencies the way
// the daemon chooses them (uv when there is one, else venv and pip), and
// keeps the result in a cache keyed by the interpreter and the content of the
// dependency files, so that running an unchanged plugin again starts at once.
//
// Environments live outside the project, in Options.CacheDir/<key>/. A
// running plugin holds a shared lock on its environment; building takes the
// lock exclusively, so two runs never build the same environment at once and
// cleaning up never removes one in use.
package pyenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/filelock"
	"github.com/dify-cli/dify/internal/tail"
)

// DaemonPython is the Python the Dify daemon makes every plugin's
// environment with (internal/core/local_runtime), whatever the manifest's
// meta.runner.version says.
const DaemonPython = "3.12"

// Options say what environment to prepare.
type Options struct {
	Dir     string // the plugin's files on disk; dependency files are read here
	Version string // the Python to use: DaemonPython for a plugin
	// Plugin ("author/name version") and Origin (the absolute path of the
	// folder or package the user gave) name the environment's plugin in
	// the cache, for `cleanup --envs`.
	Plugin, Origin string
	Setup
}

// Setup is how environments are made: the same for every plugin of a run
// (plugin run, invoke, debug), from flags, the environment and the
// command's Factory.
type Setup struct {
	// CacheDir holds the environments, one directory each.
	CacheDir string
	// UV is the uv executable; "" installs with venv and pip.
	UV string
	// Interpreter is one the user named (--python, PYTHON_INTERPRETER_PATH),
	// used instead of searching.
	Interpreter string
	Refresh     bool // build again even when a cached environment matches
	// NoInstall never installs anything: an existing environment or a
	// cached one is used, or the run stops saying what is missing.
	NoInstall bool
	// Env is the environment of uv, pip, the probes and the plugin:
	// proxies and index settings (HTTP(S)_PROXY, PIP_INDEX_URL,
	// UV_INDEX_URL) pass through.
	Env []string
	// Progress receives one line per step; nil for none.
	Progress io.Writer
	// DepFile says which dependency file to install from, as the daemon's
	// settings (PIP_MIRROR_URL, PLUGIN_IGNORE_UV_LOCK) and the user decide.
	DepFile depfile.Settings
	// LookPath finds commands; exec.LookPath when nil.
	LookPath func(string) (string, error)
}

// want is what to look for in an interpreter.
func (o Options) want() Want {
	return Want{Version: o.Version, Override: o.Interpreter, UV: o.UV, LookPath: o.LookPath, Env: o.Env}
}

// Env is a ready environment. Release it when the plugin has stopped.
type Env struct {
	Dir    string // the environment (a venv)
	Python string // its interpreter
	Base   Choice // the interpreter it was made from
	Tool   string // "uv" or "pip"
	Source string // where the dependencies came from
	Reused bool   // found in the cache, nothing installed
	// Existing says why an environment the user has is used as it is
	// ("the interpreter given", "the project's .venv"); "" for a cached one.
	Existing string
	// Notes are what the caller should tell: another Python than the one
	// asked for, what an existing environment lacks.
	Notes []string

	lock *filelock.Lock
}

// Release lets cleanup remove the environment again.
func (e *Env) Release() error { return e.lock.Unlock() }

// marker is written into a finished environment; without it (a build that
// was interrupted) the directory is rebuilt.
const markerFile = "dify-env.json"

// layout is the cache format; a change of layout or of how environments are
// built changes every key.
const layout = "dify-pyenv 1"

type marker struct {
	Key     string    `json:"key"`
	Python  string    `json:"python"`
	Version string    `json:"python_version"`
	Tool    string    `json:"tool"`
	Source  string    `json:"source"`
	Plugin  string    `json:"plugin,omitempty"`
	Project string    `json:"project"`
	Created time.Time `json:"created"`
}

// Ensure returns an environment for the plugin in o.Dir, building it when
// no cached one matches. The environment is locked (shared) until Release.
func Ensure(ctx context.Context, o Options) (*Env, error) {
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	env, notes, err := existing(ctx, o, progress)
	if env != nil || err != nil {
		return env, err
	}
	base, err := Find(ctx, o.want())
	if err != nil {
		return nil, err
	}
	if base.Note != "" {
		notes = append(notes, base.Note)
	}
	tool := "pip"
	if o.UV != "" {
		tool = "uv"
	} else if !base.Venv {
		return nil, fmt.Errorf("the Python %s at %s has no venv module: install it (python3-venv on Debian and Ubuntu) or install uv", base.Version, base.Path)
	}
	d, err := chooseDeps(o.Dir, o.UV != "", o.DepFile)
	if err != nil {
		return nil, err
	}
	if d.Notable {
		notes = append(notes, "dependencies from "+d.Source)
	}
	if tool == "pip" && !d.Empty && !base.Ensurepip {
		return nil, fmt.Errorf("the Python %s at %s cannot install pip into a venv (no ensurepip): install python3-venv, or install uv", base.Version, base.Path)
	}

	key := cacheKey(tool, base.Interpreter, d)
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the environment cache: %w", err)
	}
	env = &Env{
		Dir:    filepath.Join(o.CacheDir, key),
		Base:   base,
		Tool:   tool,
		Source: d.Source,
		Notes:  notes,
	}
	env.Python = pythonIn(env.Dir)

	if !o.Refresh {
		if lock, err := filelock.Shared(env.Dir + ".lock"); err == nil {
			if readMarker(env.Dir) == key {
				env.lock, env.Reused = lock, true
				touch(env.Dir)
				return env, nil
			}
			lock.Unlock()
		}
	}

	if o.NoInstall {
		msg := fmt.Sprintf("--no-install: no cached environment has what %s asks for, and building one installs it", d.File)
		for _, n := range notes {
			msg += "; " + n
		}
		return nil, errors.New(msg + "; run once without --no-install, or name a venv that has the dependencies with --python")
	}
	lock, err := filelock.TryExclusive(env.Dir + ".lock")
	if errors.Is(err, filelock.ErrLocked) {
		fmt.Fprintf(progress, "Waiting for another dify that uses or builds %s...\n", env.Dir)
		lock, err = filelock.Exclusive(env.Dir + ".lock")
	}
	if err != nil {
		return nil, fmt.Errorf("locking the environment: %w", err)
	}
	// Someone else may have built it while this run waited for the lock.
	if !o.Refresh && readMarker(env.Dir) == key {
		if err := lock.Downgrade(); err != nil {
			lock.Unlock()
			return nil, err
		}
		env.lock, env.Reused = lock, true
		touch(env.Dir)
		return env, nil
	}
	if err := build(ctx, o, env, d, progress); err != nil {
		os.RemoveAll(env.Dir)
		lock.Unlock()
		return nil, err
	}
	origin := o.Origin
	if origin == "" {
		origin, _ = filepath.Abs(o.Dir)
	}
	m := marker{Key: key, Python: base.Path, Version: base.Version, Tool: tool, Source: d.File, Plugin: o.Plugin, Project: origin, Created: time.Now().UTC()}
	data, _ := json.MarshalIndent(m, "", "  ")
	err = atomicfile.Write(filepath.Join(env.Dir, markerFile), 0o644, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
	if err != nil {
		os.RemoveAll(env.Dir)
		lock.Unlock()
		return nil, err
	}
	if err := lock.Downgrade(); err != nil {
		lock.Unlock()
		return nil, err
	}
	env.lock = lock
	return env, nil
}

func build(ctx context.Context, o Options, env *Env, d *deps, progress io.Writer) error {
	if err := os.RemoveAll(env.Dir); err != nil {
		return fmt.Errorf("removing the old environment: %w", err)
	}
	start := time.Now()
	fmt.Fprintf(progress, "Creating a Python %s environment with %s (dependencies from %s)...\n", env.Base.Version, env.Tool, d.Source)

	cmdEnv := append(slices.Clip(o.Env),
		"PIP_DISABLE_PIP_VERSION_CHECK=1",
		"PIP_NO_INPUT=1",
	)
	run := func(what string, env []string, name string, args ...string) error {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = o.Dir
		cmd.Env = env
		out := &tail.Buffer{Max: 16 << 10}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			msg := fmt.Sprintf("%s failed (%v): %s %s", what, err, filepath.Base(name), strings.Join(args, " "))
			if t := out.String(20, "  "); t != "" {
				msg += "\n" + t
			}
			if hint := installHint(strings.Join(out.Lines(200), "\n")); hint != "" {
				msg += "\nhint: " + hint
			}
			return errors.New(msg)
		}
		return nil
	}

	if d.Sync {
		syncEnv := append(slices.Clip(cmdEnv), "UV_PROJECT_ENVIRONMENT="+env.Dir)
		// As the daemon runs it.
		args := []string{"sync", "--no-dev"}
		if d.Frozen {
			args = append(args, "--frozen")
		}
		args = append(args, "--python", env.Base.Path)
		if err := run("installing dependencies", withoutVar(syncEnv, "VIRTUAL_ENV"), o.UV, args...); err != nil {
			return err
		}
	} else {
		// Create the environment, then install the requirements into it
		// with the same tool.
		create := []string{o.UV, "venv", "--no-project", "--python", env.Base.Path, env.Dir}
		install := []string{o.UV, "pip", "install", "--python", env.Python, "-r"}
		if env.Tool != "uv" {
			create = []string{env.Base.Path, "-m", "venv"}
			if d.Empty {
				create = append(create, "--without-pip")
			}
			create = append(create, env.Dir)
			install = []string{env.Python, "-m", "pip", "install", "-r"}
		}
		if err := run("creating the environment", cmdEnv, create[0], create[1:]...); err != nil {
			return err
		}
		reqFile := d.Install
		if d.Generated != nil {
			reqFile = filepath.Join(env.Dir, "requirements.lock.txt")
			if err := os.WriteFile(reqFile, d.Generated, 0o644); err != nil {
				return err
			}
		}
		if !d.Empty {
			if err := run("installing dependencies", cmdEnv, install[0], append(install[1:], reqFile)...); err != nil {
				return err
			}
		}
	}
	if _, err := os.Stat(env.Python); err != nil {
		return fmt.Errorf("the new environment has no interpreter at %s", env.Python)
	}
	fmt.Fprintf(progress, "Environment ready in %.1fs.\n", time.Since(start).Seconds())
	return nil
}

// installHint says what to do about the installer failures people meet
// most, from pip's or uv's output: no way to the package index (offline, a
// proxy, a firewall), or a requirement the index has no version of.
func installHint(output string) string {
	has := func(words ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(output, w) })
	}
	switch {
	case has("NewConnectionError", "Name or service not known", "Temporary failure in name resolution",
		"ProxyError", "Network is unreachable", "Connection refused", "ConnectTimeoutError",
		"dns error", "Could not connect, are you offline?", "tcp connect error"):
		return "the package index could not be reached: check the network, or give a mirror with PIP_INDEX_URL " +
			"(UV_INDEX_URL for uv) and a proxy with HTTPS_PROXY; dify passes them on"
	case has("No matching distribution found", "No solution found when resolving"):
		return "the index has no version of a requirement that installs on this Python: check the versions " +
			"in the dependency file and meta.runner.version in manifest.yaml"
	}
	return ""
}

// cacheKey names an environment by everything that decides its content.
func cacheKey(tool string, in Interpreter, d *deps) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s/%s\n", layout, tool, in.Path, in.Version, runtime.GOOS, runtime.GOARCH)
	names := make([]string, 0, len(d.Files))
	for n := range d.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s %d\n", n, len(d.Files[n]))
		h.Write(d.Files[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

func readMarker(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, markerFile))
	if err != nil {
		return ""
	}
	var m marker
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	if _, err := os.Stat(pythonIn(dir)); err != nil {
		return ""
	}
	return m.Key
}

// touch records the last use, for cleanup to show.
func touch(dir string) {
	now := time.Now()
	os.Chtimes(filepath.Join(dir, markerFile), now, now)
}

func pythonIn(dir string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(dir, "Scripts", "python.exe")
	}
	return filepath.Join(dir, "bin", "python")
}

func withoutVar(env []string, name string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, name+"=")
	})
}
