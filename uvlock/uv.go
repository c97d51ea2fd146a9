package uvlock

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// RunUV runs an installed uv's `uv export` with the reference packager's flags in dir and
// returns what it prints, for users who want uv's own output.
func RunUV(uv, dir string) ([]byte, error) {
	args := strings.Fields(Command)[1:]
	cmd := exec.Command(uv, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		if cmd.ProcessState == nil { // it never started
			return nil, fmt.Errorf("cannot run %s: %v; install uv or set UV_PATH, or leave out --uv to use the built-in export", uv, err)
		}
		return nil, fmt.Errorf("%s export failed in %s: %s", uv, dir, msg)
	}
	return stdout.Bytes(), nil
}
