package offline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/pack"
)

// bigLock writes a project whose uv.lock has n registry packages, each with
// a wheel for x86_64 and one for aarch64 (named, hashed and sized; never
// downloaded).
func bigLock(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	var deps, packages strings.Builder
	var names []string
	for i := range n {
		name := fmt.Sprintf("pkg%05d", i)
		fmt.Fprintf(&deps, "    { name = %q },\n", name)
		names = append(names, fmt.Sprintf("%q", name))
		fmt.Fprintf(&packages, "\n[[package]]\nname = %q\nversion = \"1.0.%d\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [\n", name, i)
		for _, plat := range []string{"manylinux_2_17_x86_64", "manylinux_2_17_aarch64"} {
			fmt.Fprintf(&packages, "    { url = \"https://files.example/%s-1.0.%d-cp312-cp312-%s.whl\", hash = \"sha256:%064x\", size = %d },\n", name, i, plat, i+1, 1000+i)
		}
		packages.WriteString("]\n")
	}
	pyproject := fmt.Sprintf("[project]\nname = \"big\"\nversion = \"0.0.1\"\nrequires-python = \">=3.10\"\ndependencies = [%s]\n", strings.Join(names, ", "))
	lock := fmt.Sprintf("version = 1\nrevision = 2\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"big\"\nversion = \"0.0.1\"\nsource = { virtual = \".\" }\ndependencies = [\n%s]\n\n[package.metadata]\nrequires-dist = [\n%s]\n%s",
		deps.String(), deps.String(), packages.String())
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(lock), 0o644)
	return dir
}

// BenchmarkSelectLargeLock is the dry run of a lock of 10,000 packages for
// both platforms: linear in the lock's size.
func BenchmarkSelectLargeLock(b *testing.B) {
	dir := bigLock(b, 10000)
	o := Options{Targets: []Target{x86, arm}, CacheDir: b.TempDir()}
	b.ResetTimer()
	for b.Loop() {
		sel, err := Select(context.Background(), pack.DiskFiles(dir), o)
		if err != nil {
			b.Fatal(err)
		}
		if len(sel.Files) != 20000 || sel.Err() != nil {
			b.Fatalf("%d files, %v", len(sel.Files), sel.Err())
		}
	}
}
