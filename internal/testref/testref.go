// Package testref locates the reference tool's outputs that CI provides beside
// the repository (../shared/testdata-reference). Tests that use them skip when
// they are absent, as in a fresh clone.
package testref

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir returns the reference data directory, or skips the test.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	dir := filepath.Join(repo, "..", "shared", "testdata-reference")
	if _, err := os.Stat(filepath.Join(dir, "weather")); err != nil {
		t.Skip("reference data not present:", dir)
	}
	return dir
}

// Path returns a file of the reference data, or skips the test.
func Path(t testing.TB, name string) string {
	return filepath.Join(Dir(t), name)
}

// Read returns a reference file's content with surrounding space trimmed.
func Read(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}
