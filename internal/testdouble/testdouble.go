// Package testdouble writes the test doubles of testdata/run, plain-Python
// plugins that speak the daemon's protocol without the SDK, into a
// directory, for the tests of running, invoking and debugging plugins.
package testdouble

import (
	"os"
	"path/filepath"
	"runtime"
)

// Write copies the double of a kind (tool, model, agent, datasource: the
// folders of testdata/run) into dir, which may exist but must not hold its
// files, with the shared program testdata/run/double.py as main.py.
func Write(kind, dir string) error {
	_, file, _, _ := runtime.Caller(0)
	doubles := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "run")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(doubles, kind))); err != nil {
		return err
	}
	main, err := os.ReadFile(filepath.Join(doubles, "double.py"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.py"), main, 0o644)
}
