package pyenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
	pep508 "github.com/dify-cli/dify/uvlock/marker"
)

// An environment the user has is asked once what it is (its interpreter,
// its marker values, its distributions), in one interpreter start, and the
// answer is kept beside the cached environments with a stamp of the files
// that change when anything is installed or removed: a warm start then
// starts no Python but the plugin.

// inspection is what an existing environment is.
type inspection struct {
	Stamp       string             `json:"stamp"`
	Interpreter Interpreter        `json:"interpreter"`
	Env         pep508.Environment `json:"env"`
	Dists       map[string]string  `json:"dists"`
}

// inspectScript prints an inspection (without its stamp).
const inspectScript = `import json, os, platform, sys, importlib.util as u
import importlib.metadata as md
interp = {"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3],
          "venv": u.find_spec("venv") is not None, "ensurepip": u.find_spec("ensurepip") is not None}
env = {"python_full_version": platform.python_version(), "sys_platform": sys.platform,
       "platform_machine": platform.machine(), "platform_system": platform.system(),
       "os_name": os.name, "implementation_name": sys.implementation.name,
       "platform_python_implementation": platform.python_implementation(),
       "platform_release": platform.release(), "platform_version": platform.version()}
dists = {}
for d in md.distributions():
    name = d.metadata["Name"]
    if name:
        dists.setdefault(name, d.version)
print(json.dumps({"interpreter": interp, "env": env, "dists": dists}))`

// inspect asks the interpreter python of the venv at dir what it has, or
// reads the answer kept in cacheDir when nothing there changed since.
func inspect(ctx context.Context, python, dir string, env []string, cacheDir string) (*inspection, error) {
	stamp := venvStamp(python, dir)
	sum := sha256.Sum256([]byte(python))
	kept := filepath.Join(cacheDir, "venv-"+hex.EncodeToString(sum[:8])+".json")
	if stamp != "" && cacheDir != "" {
		if data, err := os.ReadFile(kept); err == nil {
			var in inspection
			if json.Unmarshal(data, &in) == nil && in.Stamp == stamp && in.Interpreter.Version != "" {
				return &in, nil
			}
		}
	}
	cmd := exec.CommandContext(ctx, python, "-I", "-c", inspectScript)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s does not run as Python: %s", python, firstLine(msg))
	}
	var in inspection
	if err := json.Unmarshal(bytes.TrimSpace(out), &in); err != nil || in.Interpreter.Version == "" {
		return nil, fmt.Errorf("%s does not run as Python 3: it printed %q", python, firstLine(string(out)))
	}
	if in.Interpreter.Path == "" {
		in.Interpreter.Path = python
	}
	if p, err := filepath.EvalSymlinks(in.Interpreter.Path); err == nil {
		in.Interpreter.Path = p
	}
	if stamp != "" && cacheDir != "" && os.MkdirAll(cacheDir, 0o755) == nil {
		in.Stamp = stamp
		data, _ := json.Marshal(in)
		// Best effort: without the file the next run asks again.
		atomicfile.Write(kept, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err })
	}
	return &in, nil
}

// venvStamp describes the files of a venv that change when it changes: its
// interpreter, pyvenv.cfg and the site-packages folders (installing or
// removing a distribution adds or removes a folder there). "" when there is
// nothing to go by.
func venvStamp(python, dir string) string {
	var b strings.Builder
	add := func(path string) bool {
		st, err := os.Stat(path)
		if err != nil {
			return false
		}
		fmt.Fprintf(&b, "%s %d %d\n", path, st.Size(), st.ModTime().UnixNano())
		return true
	}
	if !add(python) || !add(filepath.Join(dir, "pyvenv.cfg")) {
		return ""
	}
	var sites []string
	for _, pattern := range []string{"lib/python*/site-packages", "lib64/python*/site-packages", "Lib/site-packages"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		sites = append(sites, m...)
	}
	if len(sites) == 0 {
		return ""
	}
	for _, s := range sites {
		add(s)
	}
	return b.String()
}
