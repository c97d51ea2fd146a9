package pyenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/depfile"
)

// makeVenv makes a venv (without pip) and "installs" distributions into it
// by writing their metadata, which is all that importlib.metadata reads.
func makeVenv(t *testing.T, dir string, dists map[string]string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput(); err != nil {
		t.Skipf("python3 cannot make a venv: %s", out)
	}
	python := pythonIn(dir)
	site, err := exec.Command(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").Output()
	if err != nil {
		t.Fatal(err)
	}
	for name, version := range dists {
		info := filepath.Join(strings.TrimSpace(string(site)), name+"-"+version+".dist-info")
		os.MkdirAll(info, 0o755)
		os.WriteFile(filepath.Join(info, "METADATA"), []byte("Metadata-Version: 2.1\nName: "+name+"\nVersion: "+version+"\n"), 0o644)
	}
	return python
}

func pluginDir(t *testing.T, requirements string) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(requirements), 0o644)
	return dir
}

const reqs = "dify_plugin>=0.10.0,<0.11.0\nrequests>=2 ; python_version < '3'\n"

func TestNamedVenvIsUsedAsItIs(t *testing.T) {
	python := makeVenv(t, filepath.Join(t.TempDir(), "venv"), map[string]string{"dify_plugin": "0.10.1"})
	cache := filepath.Join(t.TempDir(), "cache")
	env, err := Ensure(context.Background(), Options{Dir: pluginDir(t, reqs), Version: DaemonPython, Setup: Setup{CacheDir: cache, Interpreter: python}})
	if err != nil {
		t.Fatal(err)
	}
	if env.Python != python || env.Existing != "the interpreter given" || !env.Reused {
		t.Fatalf("env %+v", env)
	}
	for _, n := range env.Notes {
		if strings.Contains(n, "lacks") {
			t.Errorf("a note says something is missing: %s", n)
		}
	}
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("an environment was built in the cache: %s", e.Name())
		}
	}
}

func TestNamedVenvSaysWhatItLacks(t *testing.T) {
	python := makeVenv(t, filepath.Join(t.TempDir(), "venv"), map[string]string{"dify-plugin": "0.9.1"})
	env, err := Ensure(context.Background(), Options{Dir: pluginDir(t, reqs+"pyyaml~=6.0\n"), Setup: Setup{CacheDir: t.TempDir(), Interpreter: python}})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(env.Notes, "\n")
	if !strings.Contains(notes, "dify_plugin>=0.10.0,<0.11.0 (0.9.1 is installed)") || !strings.Contains(notes, "pyyaml (not installed)") || strings.Contains(notes, "requests") {
		t.Fatalf("notes:\n%s", notes)
	}
}

func TestProjectVenv(t *testing.T) {
	dir := pluginDir(t, reqs)
	python := makeVenv(t, filepath.Join(dir, ".venv"), map[string]string{"dify_plugin": "0.10.1"})
	env, err := Ensure(context.Background(), Options{Dir: dir, Setup: Setup{CacheDir: t.TempDir(), NoInstall: true}})
	if err != nil {
		t.Fatal(err)
	}
	if env.Python != python || env.Existing != "the project's .venv" {
		t.Fatalf("env %+v", env)
	}
	// A .venv that lacks something is not used; with --no-install that stops the run, saying what.
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(reqs+"httpx>=0.27\n"), 0o644)
	_, err = Ensure(context.Background(), Options{Dir: dir, Setup: Setup{CacheDir: t.TempDir(), NoInstall: true}})
	if err == nil || !strings.Contains(err.Error(), "--no-install") || !strings.Contains(err.Error(), "the project's .venv lacks what requirements.txt") || !strings.Contains(err.Error(), "httpx (not installed)") {
		t.Fatalf("a .venv lacking httpx with --no-install: %v", err)
	}
}

func TestParseRequirement(t *testing.T) {
	for line, want := range map[string]requirement{
		"dify_plugin>=0.10.0,<0.11.0":                       {"dify_plugin", ">=0.10.0,<0.11.0", ""},
		"requests[socks] >= 2.31 ; python_version < '3.13'": {"requests", ">=2.31", "python_version < '3.13'"},
		"pkg @ https://example.com/pkg.whl":                 {"pkg", "", ""},
		"plain":                                             {"plain", "", ""},
		"x (>=1,<2)":                                        {"x", ">=1,<2", ""},
	} {
		if got := parseRequirement(line); got != want {
			t.Errorf("%q: %+v, want %+v", line, got, want)
		}
	}
}

// With pyproject.toml, a venv is compared with what the daemon installs: the
// lock's pins when uv.lock is there, else project.dependencies as written.
func TestNamedVenvComparedWithPyproject(t *testing.T) {
	python := makeVenv(t, filepath.Join(t.TempDir(), "venv"), map[string]string{"dify_plugin": "0.10.1"})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"p\"\nversion = \"0.1.0\"\ndependencies = [\"dify_plugin>=0.10,<0.11\", \"httpx>=0.27\"]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("dify_plugin>=0.10,<0.11\n"), 0o644)
	env, err := Ensure(context.Background(), Options{Dir: dir, Setup: Setup{CacheDir: t.TempDir(), Interpreter: python}})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(env.Notes, "\n")
	if !strings.Contains(notes, "lacks what pyproject.toml asks for: httpx (not installed)") {
		t.Errorf("notes:\n%s", notes)
	}
	// --deps requirements.txt compares with that file, which it satisfies.
	env, err = Ensure(context.Background(), Options{Dir: dir, Setup: Setup{CacheDir: t.TempDir(), Interpreter: python, DepFile: depfile.Settings{Prefer: depfile.Requirements}}})
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(env.Notes, "\n"); strings.Contains(notes, "lacks") || !strings.Contains(notes, "requirements.txt, as asked") {
		t.Errorf("notes with --deps requirements.txt:\n%s", notes)
	}
}

// What a venv has is asked once: the answer is kept while the venv's
// interpreter, pyvenv.cfg and site-packages stay as they were, and asked
// again when something is installed.
func TestExistingVenvAnswerIsKept(t *testing.T) {
	venv := filepath.Join(t.TempDir(), "venv")
	python := makeVenv(t, venv, map[string]string{"dify_plugin": "0.10.1"})
	cache := t.TempDir()
	dir := pluginDir(t, reqs+"httpx>=0.27\n")
	lacks := func() string {
		t.Helper()
		env, err := Ensure(context.Background(), Options{Dir: dir, Setup: Setup{CacheDir: cache, Interpreter: python}})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(env.Notes, "\n")
	}
	if n := lacks(); !strings.Contains(n, "httpx (not installed)") {
		t.Fatalf("notes: %s", n)
	}
	kept, _ := filepath.Glob(filepath.Join(cache, "venv-*.json"))
	if len(kept) != 1 {
		t.Fatalf("kept answers: %v", kept)
	}
	// The kept answer is what is read: one that claims httpx is believed.
	data, _ := os.ReadFile(kept[0])
	os.WriteFile(kept[0], []byte(strings.Replace(string(data), `"dists":{`, `"dists":{"httpx":"0.28.0",`, 1)), 0o644)
	if n := lacks(); strings.Contains(n, "httpx") {
		t.Fatalf("the kept answer was not used: %s", n)
	}
	// Installing something changes site-packages: the venv is asked again.
	os.WriteFile(kept[0], data, 0o644)
	site, _ := filepath.Glob(filepath.Join(venv, "lib", "python*", "site-packages"))
	if len(site) != 1 {
		t.Fatalf("site-packages: %v", site)
	}
	info := filepath.Join(site[0], "httpx-0.28.0.dist-info")
	os.MkdirAll(info, 0o755)
	os.WriteFile(filepath.Join(info, "METADATA"), []byte("Metadata-Version: 2.1\nName: httpx\nVersion: 0.28.0\n"), 0o644)
	if n := lacks(); strings.Contains(n, "httpx") {
		t.Fatalf("an install was not seen: %s", n)
	}
}
