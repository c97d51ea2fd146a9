package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/pack"
)

func launchOptions(t *testing.T, path string) LaunchOptions {
	return LaunchOptions{Path: path, Setup: Setup{
		CacheDir:    t.TempDir(),
		Interpreter: python3(t),
		Env:         os.Environ(),
	}}
}

func TestLaunchDirectoryInPlace(t *testing.T) {
	dir := doublePlugin(t)
	o := launchOptions(t, dir)
	l, err := Launch(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Dir != dir || l.Decl.Manifest.Name != "double" {
		t.Errorf("launched %s (%s)", l.Dir, l.Decl.Manifest.Name)
	}
	if !strings.HasPrefix(l.Env.Dir, o.CacheDir) {
		t.Errorf("the environment %s is not in the cache %s", l.Env.Dir, o.CacheDir)
	}
	chunks, err := invokeTool(t, l.Plugin, "echo", map[string]any{"text": "from a directory"})
	if err != nil || text(chunks[0]) != "from a directory" {
		t.Errorf("%v %v", chunks, err)
	}
	l.Close()

	// The second launch reuses the environment.
	again, err := Launch(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Env.Reused || again.Env.Dir != l.Env.Dir {
		t.Errorf("an unchanged plugin built a new environment: %+v", again.Env)
	}
}

func TestLaunchPackage(t *testing.T) {
	// A run killed with SIGKILL left its extracted package behind.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(tmp, fmt.Sprintf("dify-run-%d-99", gone.Process.Pid))
	os.MkdirAll(filepath.Join(left, "_assets"), 0o755)

	dir := doublePlugin(t)
	plan, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(t.TempDir(), "double.difypkg")
	f, _ := os.Create(pkg)
	if err := pack.Write(context.Background(), f, plan, pack.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	plan.Close()

	l, err := Launch(context.Background(), launchOptions(t, pkg))
	if err != nil {
		t.Fatal(err)
	}
	extracted := l.Dir
	if extracted == dir || !strings.HasPrefix(filepath.Base(extracted), fmt.Sprintf("dify-run-%d-", os.Getpid())) {
		t.Errorf("the package runs in %s", extracted)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("the killed run's %s is still there", left)
	}
	chunks, err := invokeTool(t, l.Plugin, "echo", map[string]any{"text": "from a package"})
	if err != nil || text(chunks[0]) != "from a package" {
		t.Errorf("%v %v", chunks, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(extracted); !os.IsNotExist(err) {
		t.Errorf("Close left %s (%v)", extracted, err)
	}
}

func TestLaunchRefusals(t *testing.T) {
	dir := doublePlugin(t)
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte("version: [\n"), 0o644)
	_, err := Launch(context.Background(), launchOptions(t, dir))
	if err == nil || !strings.Contains(err.Error(), "is not a plugin") || !strings.Contains(err.Error(), "manifest.yaml:") {
		t.Errorf("a broken manifest: %v", err)
	}

	dir = doublePlugin(t)
	data, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(strings.Replace(string(data), "language: python", "language: go", 1)), 0o644)
	_, err = Launch(context.Background(), launchOptions(t, dir))
	if err == nil || !strings.Contains(err.Error(), `meta.runner.language is "go"`) {
		t.Errorf("a Go plugin: %v", err)
	}

	dir = doublePlugin(t)
	os.Remove(filepath.Join(dir, "requirements.txt"))
	_, err = Launch(context.Background(), launchOptions(t, dir))
	if err == nil || !strings.Contains(err.Error(), "neither requirements.txt nor pyproject.toml") {
		t.Errorf("no dependency file: %v", err)
	}
}
