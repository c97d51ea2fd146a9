package uvlock

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzExport feeds arbitrary lock files to the exporter: it must return output or an error,
// never panic.
func FuzzExport(f *testing.F) {
	locks, _ := filepath.Glob("testdata/*/uv.lock")
	for _, l := range locks {
		data, err := os.ReadFile(l)
		if err != nil {
			f.Fatal(err)
		}
		pp, _ := os.ReadFile(filepath.Join(filepath.Dir(l), pyprojectName))
		f.Add(data, pp)
	}
	f.Add([]byte(minimalLock), []byte(minimalProject))
	f.Add([]byte("version = 1\nrequires-python = \">=3\"\n[[package]]\nname = \"demo\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"demo\", marker = \"python_version in '3.1 3.2'\" }]\n"), []byte(minimalProject))
	f.Fuzz(func(t *testing.T, lock, pyproject []byte) {
		res, err := Export(project(string(pyproject), string(lock)), Options{})
		if err == nil && res == nil {
			t.Fatal("no result and no error")
		}
	})
}
