package runner

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/manifest"
)

// python3 is the interpreter the doubles run with, or the test skips.
func python3(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH: the test doubles cannot run here")
	}
	return path
}

// doublePlugin writes the tool double into a new directory.
func doublePlugin(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func loadManifest(t testing.TB, dir string) *manifest.Manifest {
	t.Helper()
	p, ds := manifest.Load(os.DirFS(dir))
	if p == nil {
		t.Fatalf("the double's manifest: %v", ds)
	}
	return &p.Manifest
}

// logs collects what a plugin logs.
type logs struct {
	mu    sync.Mutex
	lines []Log
}

func (l *logs) add(x Log) {
	l.mu.Lock()
	l.lines = append(l.lines, x)
	l.mu.Unlock()
}

func (l *logs) has(source, text string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.lines {
		if x.Source == source && strings.Contains(x.Text, text) {
			return true
		}
	}
	return false
}

// start runs the double with python3 directly (no environment needed: it
// uses only the standard library) and stops it when the test ends.
func start(t testing.TB, mode string, edit func(*Options)) (*Plugin, *logs) {
	t.Helper()
	dir := doublePlugin(t)
	l := &logs{}
	o := Options{
		Dir:        dir,
		Python:     python3(t),
		Entrypoint: "main",
		Env:        append(os.Environ(), "DOUBLE_MODE="+mode),
		Manifest:   loadManifest(t, dir),
		Log:        l.add,
	}
	if edit != nil {
		edit(&o)
	}
	p, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop() })
	return p, l
}
