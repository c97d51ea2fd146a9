//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The SDK's PluginRunner, as testdata/run/harness.py emulates it, works
// with dify in place of the official binary: built from source and built as
// a release is.
func TestSDKHarness(t *testing.T) {
	needPython(t)
	for name, args := range map[string][]string{
		"source":  nil,
		"release": {"-ldflags", releaseLdflags},
	} {
		t.Run(name, func(t *testing.T) {
			bin := buildDify(t, args...)
			cmd := exec.Command("python3", filepath.Join("..", "..", "testdata", "run", "harness.py"), double(t))
			cmd.Env = append(os.Environ(), append(runEnv(t), "DIFY_CLI_PATH="+bin)...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("the harness failed: %v\n%s", err, out)
			}
		})
	}
}
