package pyenv

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// realPython is a Python 3 with venv on this machine, or the test skips.
func realPython(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH: environments cannot be built here")
	}
	in, err := Probe(context.Background(), path, os.Environ())
	if err != nil || !in.Venv {
		t.Skipf("python3 has no venv module (%v): environments cannot be built here", err)
	}
	return path
}

func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func ensure(t *testing.T, o Options) *Env {
	t.Helper()
	env, err := Ensure(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Release() })
	return env
}

func TestEnvironmentIsCachedByContent(t *testing.T) {
	py := realPython(t)
	cache := t.TempDir()
	dir := project(t, map[string]string{"requirements.txt": "# nothing yet\n"})
	var progress bytes.Buffer
	o := Options{Dir: dir, Setup: Setup{Interpreter: py, CacheDir: cache, Env: os.Environ(), Progress: &progress}}

	first := ensure(t, o)
	if first.Reused || first.Tool != "pip" || first.Source != "requirements.txt" {
		t.Errorf("first build: %+v", first)
	}
	if !strings.HasPrefix(first.Dir, cache) {
		t.Errorf("environment %s is outside the cache %s", first.Dir, cache)
	}
	if _, err := os.Stat(filepath.Join(dir, ".venv")); err == nil {
		t.Error("the environment was made inside the project")
	}
	if out, err := exec.Command(first.Python, "-c", "import sys; print(sys.prefix)").Output(); err != nil || strings.TrimSpace(string(out)) != first.Dir {
		t.Errorf("the environment's python runs with prefix %q (%v), want %s", out, err, first.Dir)
	}
	if !strings.Contains(progress.String(), "Environment ready") {
		t.Errorf("progress: %q", progress.String())
	}

	progress.Reset()
	second := ensure(t, o)
	if !second.Reused || second.Dir != first.Dir {
		t.Errorf("an unchanged plugin got a new environment: %+v", second)
	}
	if progress.Len() != 0 {
		t.Errorf("a cached environment printed %q", progress.String())
	}

	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("# changed\n"), 0o644)
	third := ensure(t, o)
	if third.Reused || third.Dir == first.Dir {
		t.Errorf("changed requirements reused %s", third.Dir)
	}

	// --refresh rebuilds in place, once no run holds the environment.
	first.Release()
	second.Release()
	third.Release()
	o.Refresh = true
	fourth := ensure(t, o)
	if fourth.Reused || fourth.Dir != third.Dir {
		t.Errorf("--refresh: %+v", fourth)
	}
}

func TestInstallsRequirementsWithPip(t *testing.T) {
	py := realPython(t)
	in, _ := Probe(context.Background(), py, os.Environ())
	if !in.Ensurepip {
		t.Skip("python3 cannot install pip into a venv here")
	}
	dir := project(t, map[string]string{"requirements.txt": "./wheels/demo_pkg-1.0-py3-none-any.whl\n"})
	os.MkdirAll(filepath.Join(dir, "wheels"), 0o755)
	writeWheel(t, filepath.Join(dir, "wheels", "demo_pkg-1.0-py3-none-any.whl"))
	env := ensure(t, Options{Dir: dir, Setup: Setup{Interpreter: py, CacheDir: t.TempDir(),
		Env: append(os.Environ(), "PIP_NO_INDEX=1")}})
	out, err := exec.Command(env.Python, "-c", "import demo_pkg; print(demo_pkg.VALUE)").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "42" {
		t.Errorf("the installed package: %s %v", out, err)
	}
}

func TestFailedInstallLeavesNothing(t *testing.T) {
	py := realPython(t)
	in, _ := Probe(context.Background(), py, os.Environ())
	if !in.Ensurepip {
		t.Skip("python3 cannot install pip into a venv here")
	}
	cache := t.TempDir()
	dir := project(t, map[string]string{"requirements.txt": "no-such-package-anywhere==9.9\n"})
	_, err := Ensure(context.Background(), Options{Dir: dir, Setup: Setup{Interpreter: py, CacheDir: cache,
		Env: append(os.Environ(), "PIP_NO_INDEX=1")}})
	if err == nil {
		t.Fatal("installing a package that does not exist succeeded")
	}
	for _, want := range []string{"installing dependencies failed", "no-such-package-anywhere", "hint: the index has no version"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	list, _ := List(cache)
	if len(list) != 0 {
		t.Errorf("a failed build left %+v", list)
	}
}

func TestUVCommands(t *testing.T) {
	py := realPython(t)
	bin := t.TempDir()
	log := filepath.Join(bin, "uv.log")
	// A uv that records its arguments and environment, and makes the
	// environment with venv so that the result is real.
	uv := filepath.Join(bin, "uv")
	script := `#!/bin/sh
echo "$@ | UV_PROJECT_ENVIRONMENT=$UV_PROJECT_ENVIRONMENT" >> ` + log + `
case "$1" in
sync) exec ` + py + ` -m venv --without-pip "$UV_PROJECT_ENVIRONMENT" ;;
venv) for last; do :; done; exec ` + py + ` -m venv --without-pip "$last" ;;
esac
`
	os.WriteFile(uv, []byte(script), 0o755)

	locked := project(t, map[string]string{"pyproject.toml": "[project]\nname = \"p\"\nversion = \"0.1\"\n", "uv.lock": "version = 1\n"})
	env := ensure(t, Options{Dir: locked, Setup: Setup{Interpreter: py, UV: uv, CacheDir: t.TempDir(), Env: os.Environ()}})
	got, _ := os.ReadFile(log)
	want := "sync --no-dev --frozen --python " + env.Base.Path + " | UV_PROJECT_ENVIRONMENT=" + env.Dir + "\n"
	if string(got) != want {
		t.Errorf("uv ran\n%s\nwant\n%s", got, want)
	}

	os.Remove(log)
	reqs := project(t, map[string]string{"requirements.txt": "dify_plugin>=0.5\n"})
	env = ensure(t, Options{Dir: reqs, Setup: Setup{Interpreter: py, UV: uv, CacheDir: t.TempDir(), Env: os.Environ()}})
	got, _ = os.ReadFile(log)
	want = "venv --no-project --python " + env.Base.Path + " " + env.Dir + " | UV_PROJECT_ENVIRONMENT=\n" +
		"pip install --python " + env.Python + " -r requirements.txt | UV_PROJECT_ENVIRONMENT=\n"
	if string(got) != want {
		t.Errorf("uv ran\n%s\nwant\n%s", got, want)
	}
}

func TestCacheListAndRemove(t *testing.T) {
	py := realPython(t)
	cache := t.TempDir()
	a := project(t, map[string]string{"requirements.txt": "# a\n"})
	b := project(t, map[string]string{"requirements.txt": "# b\n"})
	held := ensure(t, Options{Dir: a, Setup: Setup{Interpreter: py, CacheDir: cache, Env: os.Environ()}})
	free := ensure(t, Options{Dir: b, Setup: Setup{Interpreter: py, CacheDir: cache, Env: os.Environ()}})
	free.Release()

	list, err := List(cache)
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	for _, c := range list {
		if c.Size == 0 || c.Python == "" || c.LastUsed.IsZero() {
			t.Errorf("entry without details: %+v", c)
		}
		err := Remove(c)
		switch c.Dir {
		case held.Dir:
			if !c.InUse || !errors.Is(err, ErrInUse) {
				t.Errorf("the environment in use: InUse=%v, Remove: %v", c.InUse, err)
			}
		case free.Dir:
			if c.InUse || err != nil {
				t.Errorf("the free environment: InUse=%v, Remove: %v", c.InUse, err)
			}
		}
	}
	if _, err := os.Stat(free.Dir); err == nil {
		t.Error("Remove left the environment")
	}
	if _, err := os.Stat(held.Dir); err != nil {
		t.Error("Remove deleted an environment in use")
	}
}

func writeWheel(t *testing.T, path string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"demo_pkg/__init__.py":            "VALUE = 42\n",
		"demo_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
		"demo_pkg-1.0.dist-info/WHEEL":    "Wheel-Version: 1.0\nGenerator: dify-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"demo_pkg-1.0.dist-info/RECORD":   "demo_pkg/__init__.py,,\ndemo_pkg-1.0.dist-info/METADATA,,\ndemo_pkg-1.0.dist-info/WHEEL,,\ndemo_pkg-1.0.dist-info/RECORD,,\n",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
