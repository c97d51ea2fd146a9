//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// bigPlugin writes a plugin of about 45 MiB of incompressible files, so
// that packaging it takes long enough to be interrupted.
func bigPlugin(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "big")
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte("version: 0.0.1\ntype: plugin\nauthor: acme\nname: big\n"), 0o644)
	rng := rand.NewChaCha8([32]byte{1})
	for i := range 9 {
		data := make([]byte, 5<<20)
		rng.Read(data)
		os.WriteFile(filepath.Join(dir, "data", fmt.Sprintf("blob%d.bin", i)), data, 0o644)
	}
	return dir
}

// writing reports whether process pid holds a temporary package for out:
// an unnamed O_TMPFILE file in out's directory (Linux shows it as
// "DIR/#NUMBER (deleted)"), or a named .NAME.tmp-* file.
func writing(pid int, out string) bool {
	dir, base := filepath.Split(out)
	if names, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*")); len(names) > 0 {
		return true
	}
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if strings.HasPrefix(target, filepath.Join(dir, "#")) {
			return true
		}
	}
	return false
}

// waitUntil polls cond until it holds or the process ends (exited is
// closed); it reports whether cond held.
func waitUntil(cond func() bool, exited <-chan struct{}) bool {
	for {
		if cond() {
			return true
		}
		select {
		case <-exited:
			return cond()
		default:
			runtime.Gosched()
		}
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") || strings.HasPrefix(e.Name(), "dify-") {
			names = append(names, e.Name())
		}
	}
	return names
}

// A signal while the package is being written: the run removes what it
// wrote and exits 128+signal; no temporary file is left under any name, in
// the output directory or in $TMPDIR (where --sign keeps the unsigned
// package).
func TestSignalMidWriteLeavesNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("watches the process through /proc")
	}
	bin := buildDify(t)
	plugin := bigPlugin(t)
	keyDir := t.TempDir()
	if out, err := exec.Command(bin, "signature", "generate", "-f", filepath.Join(keyDir, "k")).CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		sign bool
	}{
		{syscall.SIGTERM, 143, false},
		{syscall.SIGINT, 130, false},
		{syscall.SIGHUP, 129, false},
		{syscall.SIGTERM, 143, true},
	} {
		t.Run(fmt.Sprintf("%v sign=%v", c.sig, c.sign), func(t *testing.T) {
			outDir, tmpDir := t.TempDir(), t.TempDir()
			out := filepath.Join(outDir, "big.difypkg")
			args := []string{"plugin", "package", "--no-validate", "--max-size", "100", plugin, "-o", out}
			if c.sign {
				args = append(args, "--sign", filepath.Join(keyDir, "k.private.pem"))
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmpDir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			var waitErr error
			go func() { waitErr = cmd.Wait(); close(exited) }()
			caught := waitUntil(func() bool { return writing(cmd.Process.Pid, out) }, exited)
			if caught {
				cmd.Process.Signal(c.sig)
			}
			<-exited
			code := 0
			var ee *exec.ExitError
			if errors.As(waitErr, &ee) {
				code = ee.ExitCode()
			}
			if left := append(tempFiles(t, outDir), tempFiles(t, tmpDir)...); len(left) > 0 {
				t.Errorf("left behind: %q", left)
			}
			switch {
			case code == c.code:
				if _, err := os.Stat(out); err == nil {
					t.Error("an interrupted run wrote the package")
				}
				if !strings.Contains(stderr.String(), "interrupted by "+signalName(c.sig)) {
					t.Errorf("stderr: %s", stderr.String())
				}
			case code == 0 && !caught:
				t.Logf("the run ended before it could be interrupted")
			case code == 0:
				// The signal landed after the package was complete.
				if _, err := os.Stat(out); err != nil {
					t.Errorf("exit 0 without the package: %v", err)
				}
			default:
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
		})
	}
}

func signalName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP"}[s]
}

// kill -9 cannot be caught. On Linux nothing is left anyway, since the
// package has no name until it is complete; where a named temporary file is
// left, the next run removes it.
func TestKillNineLeavesNothingForLong(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("watches the process through /proc")
	}
	bin := buildDify(t)
	plugin := bigPlugin(t)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "big.difypkg")
	cmd := exec.Command(bin, "plugin", "package", "--no-validate", "--max-size", "100", plugin, "-o", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	if waitUntil(func() bool { return writing(cmd.Process.Pid, out) }, exited) {
		cmd.Process.Kill()
	}
	<-exited
	if left := tempFiles(t, outDir); len(left) > 0 {
		t.Logf("kill -9 left %q; the next run must remove it", left)
	}
	if b, err := exec.Command(bin, "plugin", "package", "--no-validate", "--max-size", "100", plugin, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if left := tempFiles(t, outDir); len(left) > 0 {
		t.Errorf("after a complete run: %q", left)
	}
}

// An unreadable file is found by validate, as package would find it.
func TestUnreadableFileIsReported(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	plugin := filepath.Join(dir, "p")
	os.MkdirAll(plugin, 0o755)
	os.WriteFile(filepath.Join(plugin, "manifest.yaml"), []byte("version: 0.0.1\n"), 0o644)
	os.WriteFile(filepath.Join(plugin, "secret.py"), []byte("x = 1\n"), 0o000)
	cmd := exec.Command(bin, "plugin", "validate", plugin)
	if os.Geteuid() == 0 {
		// Root reads everything: run as nobody, who can reach the plugin
		// but not read the file.
		for d := dir; d != "/"; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o005 != 0o005 {
				os.Chmod(d, st.Mode().Perm()|0o005)
				t.Cleanup(func() { os.Chmod(d, st.Mode().Perm()) })
			}
		}
		os.Chmod(bin, 0o755)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "secret.py: error: cannot read this file: permission denied [file-unreadable]") {
		t.Errorf("validate printed:\n%s", out)
	}
}
