package pyenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// Interpreter is a Python installed on this machine.
type Interpreter struct {
	Path      string `json:"executable"` // sys.executable: the real binary, not a shim
	Version   string `json:"version"`    // 3.12.1
	Venv      bool   `json:"venv"`       // the venv module is there
	Ensurepip bool   `json:"ensurepip"`  // venv can install pip (Debian splits it out)
}

// MinorVersion is "3.12" for 3.12.1.
func (i Interpreter) MinorVersion() string { return minorVersion(i.Version) }

// Choice is the interpreter Find chose, with a note when it is not the
// version wanted.
type Choice struct {
	Interpreter
	Note string
}

// Want names the interpreter a plugin needs.
type Want struct {
	// Version is the manifest's meta.runner.version ("3.12"); only major and
	// minor count. Empty accepts any Python 3.
	Version string
	// Override is an interpreter the user named (--python or
	// PYTHON_INTERPRETER_PATH); it
	// is used even when its version differs, with a note.
	Override string
	// UV is the uv executable, asked first (`uv python find`); "" skips it.
	UV string
	// LookPath finds commands; exec.LookPath when nil.
	LookPath func(string) (string, error)
	// Env is the environment of the probes.
	Env []string
}

// probe prints what Find needs to know about an interpreter, in one start.
const probe = `import sys, json, importlib.util as u
print(json.dumps({"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3],
  "venv": u.find_spec("venv") is not None, "ensurepip": u.find_spec("ensurepip") is not None}))`

// Probe asks the interpreter at path what it is.
func Probe(ctx context.Context, path string, env []string) (Interpreter, error) {
	cmd := exec.CommandContext(ctx, path, "-I", "-c", probe)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return Interpreter{}, fmt.Errorf("%s does not run as Python: %s", path, firstLine(msg))
	}
	var in Interpreter
	if err := json.Unmarshal(bytes.TrimSpace(out), &in); err != nil || in.Version == "" {
		return Interpreter{}, fmt.Errorf("%s does not run as Python 3: it printed %q", path, firstLine(string(out)))
	}
	if in.Path == "" {
		in.Path = path
	}
	if p, err := filepath.EvalSymlinks(in.Path); err == nil {
		in.Path = p
	}
	return in, nil
}

// Find chooses the interpreter for w: the override if there is one; else
// the first of `uv python find X.Y`, pythonX.Y, python3, python and the
// versions pyenv installed whose version matches; else the first that runs,
// with a note saying so.
func Find(ctx context.Context, w Want) (Choice, error) {
	look := w.LookPath
	if look == nil {
		look = exec.LookPath
	}
	want := minorVersion(w.Version)
	if w.Override != "" {
		in, err := Probe(ctx, w.Override, w.Env)
		if err != nil {
			return Choice{}, fmt.Errorf("the interpreter given (--python or PYTHON_INTERPRETER_PATH): %w", err)
		}
		c := Choice{Interpreter: in}
		if want != "" && in.MinorVersion() != want {
			c.Note = fmt.Sprintf("using the interpreter given (Python %s at %s); Dify's daemon runs plugins with Python %s", in.Version, in.Path, want)
		}
		return c, nil
	}

	var candidates []string
	if w.UV != "" && want != "" {
		cmd := exec.CommandContext(ctx, w.UV, "python", "find", want)
		cmd.Env = w.Env
		if out, err := cmd.Output(); err == nil {
			if p := strings.TrimSpace(string(out)); p != "" {
				candidates = append(candidates, p)
			}
		}
	}
	names := []string{"python3", "python"}
	if want != "" {
		names = append([]string{"python" + want}, names...)
	}
	// pyenv's shims are bash scripts that run pyenv to find the selected
	// version, and fail for another: its installed interpreters are tried
	// before them, which is faster and finds the version wanted.
	var shims []string
	for _, name := range names {
		if p, err := look(name); err == nil {
			if isShim(p) {
				shims = append(shims, p)
			} else {
				candidates = append(candidates, p)
			}
		}
	}
	candidates = append(candidates, pyenvVersions(w.Env, want)...)
	candidates = append(candidates, shims...)

	var first *Interpreter
	var firstErr error
	seen := map[string]bool{}
	for _, path := range candidates {
		in, err := Probe(ctx, path, w.Env)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if seen[in.Path] {
			continue
		}
		seen[in.Path] = true
		if !strings.HasPrefix(in.Version, "3.") {
			continue
		}
		if want == "" || in.MinorVersion() == want {
			return Choice{Interpreter: in}, nil
		}
		if first == nil {
			first = &in
		}
	}
	if first != nil {
		return Choice{Interpreter: *first, Note: fmt.Sprintf(
			"Dify's daemon runs plugins with Python %s, which is not installed here; using Python %s at %s",
			want, first.Version, first.Path)}, nil
	}
	if err := ctx.Err(); err != nil {
		return Choice{}, err
	}
	msg := "no Python 3 found on PATH"
	if want != "" {
		msg = fmt.Sprintf("no Python found: plugins run with Python %s, as on Dify's daemon; install it (or uv), or set PYTHON_INTERPRETER_PATH", want)
	}
	if firstErr != nil {
		return Choice{}, errors.Join(errors.New(msg), firstErr)
	}
	return Choice{}, errors.New(msg)
}

// isShim reports whether p is one of pyenv's shims: in a folder named
// shims beside pyenv's versions folder.
func isShim(p string) bool {
	dir := filepath.Dir(p)
	if filepath.Base(dir) != "shims" {
		return false
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(dir), "versions"))
	return err == nil
}

// pyenvVersions lists the interpreters of the wanted version that pyenv
// installed, newest first: pyenv's pythonX.Y shim fails unless that version
// is selected, yet the interpreter is there.
func pyenvVersions(env []string, want string) []string {
	if want == "" {
		return nil
	}
	root := lookupEnv(env, "PYENV_ROOT")
	if root == "" {
		home := lookupEnv(env, "HOME")
		if home == "" {
			return nil
		}
		root = filepath.Join(home, ".pyenv")
	}
	found, _ := filepath.Glob(filepath.Join(root, "versions", want+".*", "bin", "python"+want))
	slices.SortFunc(found, func(a, b string) int { return -compareVersions(a, b) })
	return found
}

// compareVersions orders paths holding X.Y.Z by that version.
func compareVersions(a, b string) int {
	va, vb := versionIn(a), versionIn(b)
	for i := range min(len(va), len(vb)) {
		if va[i] != vb[i] {
			return va[i] - vb[i]
		}
	}
	return len(va) - len(vb)
}

func versionIn(path string) []int {
	dir := filepath.Base(filepath.Dir(filepath.Dir(path)))
	var out []int
	for _, part := range strings.Split(dir, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

func lookupEnv(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], name+"="); ok {
			return v
		}
	}
	return ""
}

func minorVersion(v string) string { return pep440.MajorMinorOf(v) }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
