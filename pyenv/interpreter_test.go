package pyenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePython writes a script that answers the probe as the given version.
func fakePython(t *testing.T, dir, name, version string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	script := fmt.Sprintf("#!/bin/sh\necho '{\"executable\": \"%s\", \"version\": \"%s\", \"venv\": true, \"ensurepip\": true}'\n", path, version)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func lookIn(paths map[string]string) func(string) (string, error) {
	return func(name string) (string, error) {
		if p, ok := paths[name]; ok {
			return p, nil
		}
		return "", fmt.Errorf("%s not found", name)
	}
}

func TestFindPrefersTheManifestsVersion(t *testing.T) {
	dir := t.TempDir()
	py311 := fakePython(t, dir, "python3", "3.11.7")
	py312 := fakePython(t, dir, "python3.12", "3.12.1")
	c, err := Find(context.Background(), Want{Version: "3.12", LookPath: lookIn(map[string]string{"python3": py311, "python3.12": py312})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != py312 || c.Version != "3.12.1" || c.Note != "" {
		t.Errorf("chose %+v, want python3.12 without a note", c)
	}
}

func TestFindFallsBackWithANote(t *testing.T) {
	dir := t.TempDir()
	py311 := fakePython(t, dir, "python3", "3.11.7")
	c, err := Find(context.Background(), Want{Version: "3.12", LookPath: lookIn(map[string]string{"python3": py311})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != py311 {
		t.Errorf("chose %s, want the python3 there is", c.Path)
	}
	for _, want := range []string{"runs plugins with Python 3.12, which is not installed here", "using Python 3.11.7"} {
		if !strings.Contains(c.Note, want) {
			t.Errorf("note %q does not say %q", c.Note, want)
		}
	}
}

func TestFindAsksUVFirst(t *testing.T) {
	dir := t.TempDir()
	py311 := fakePython(t, dir, "python3", "3.11.7")
	managed := fakePython(t, dir, "uv-python", "3.12.4")
	uv := filepath.Join(dir, "uv")
	os.WriteFile(uv, []byte("#!/bin/sh\n[ \"$1 $2 $3\" = \"python find 3.12\" ] && echo "+managed+"\n"), 0o755)
	c, err := Find(context.Background(), Want{Version: "3.12", UV: uv, LookPath: lookIn(map[string]string{"python3": py311})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != managed || c.Note != "" {
		t.Errorf("chose %+v, want uv's 3.12", c)
	}
}

func TestFindOverride(t *testing.T) {
	dir := t.TempDir()
	py312 := fakePython(t, dir, "python3.12", "3.12.1")
	custom := fakePython(t, dir, "custom", "3.13.0")
	c, err := Find(context.Background(), Want{Version: "3.12", Override: custom, LookPath: lookIn(map[string]string{"python3.12": py312})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != custom || !strings.Contains(c.Note, "using the interpreter given (Python 3.13.0") {
		t.Errorf("chose %+v, want the override with a note", c)
	}

	broken := filepath.Join(dir, "broken")
	os.WriteFile(broken, []byte("#!/bin/sh\necho 'not python' >&2\nexit 3\n"), 0o755)
	_, err = Find(context.Background(), Want{Override: broken})
	if err == nil || !strings.Contains(err.Error(), "PYTHON_INTERPRETER_PATH") || !strings.Contains(err.Error(), "not python") {
		t.Errorf("a broken override: %v", err)
	}
}

func TestFindNothing(t *testing.T) {
	_, err := Find(context.Background(), Want{Version: "3.12", LookPath: lookIn(nil)})
	if err == nil || !strings.Contains(err.Error(), "plugins run with Python 3.12") {
		t.Errorf("no Python at all: %v", err)
	}
	dir := t.TempDir()
	py2 := fakePython(t, dir, "python", "2.7.18")
	_, err = Find(context.Background(), Want{LookPath: lookIn(map[string]string{"python": py2})})
	if err == nil || !strings.Contains(err.Error(), "no Python 3") {
		t.Errorf("only Python 2: %v", err)
	}
}

func TestFindLooksInPyenv(t *testing.T) {
	root := t.TempDir()
	py311 := fakePython(t, t.TempDir(), "python3", "3.11.7")
	for _, v := range []string{"3.12.1", "3.12.10", "3.13.0"} {
		bin := filepath.Join(root, "versions", v, "bin")
		os.MkdirAll(bin, 0o755)
		fakePython(t, bin, "python"+minorVersion(v), v)
	}
	c, err := Find(context.Background(), Want{Version: "3.12", Env: []string{"PYENV_ROOT=" + root}, LookPath: lookIn(map[string]string{"python3": py311})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "3.12.10" || c.Note != "" {
		t.Errorf("chose %+v, want pyenv's newest 3.12", c)
	}
}

// pyenv's shims are tried after its installed interpreters: a shim of a
// version pyenv has not selected fails, and each one runs pyenv.
func TestFindTriesPyenvBeforeItsShims(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "versions", "3.12.1", "bin")
	os.MkdirAll(bin, 0o755)
	fakePython(t, bin, "python3.12", "3.12.1")
	shims := filepath.Join(root, "shims")
	os.MkdirAll(shims, 0o755)
	ran := filepath.Join(t.TempDir(), "ran")
	shim := filepath.Join(shims, "python3.12")
	os.WriteFile(shim, []byte("#!/bin/sh\ntouch "+ran+"\nexit 127\n"), 0o755)
	c, err := Find(context.Background(), Want{Version: "3.12", Env: []string{"PYENV_ROOT=" + root}, LookPath: lookIn(map[string]string{"python3.12": shim})})
	if err != nil || c.Version != "3.12.1" {
		t.Fatalf("chose %+v, %v", c, err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the shim ran although pyenv's interpreter was found first")
	}
}
