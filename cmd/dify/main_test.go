package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildDify builds the binary with extra go build arguments.
func buildDify(t *testing.T, args ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "dify")
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, args...), ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestVersionFromLdflags(t *testing.T) {
	const pkg = "github.com/dify-cli/dify/internal/build"
	bin := buildDify(t, "-ldflags", "-X "+pkg+".Version=v1.4.0-rc.2 -X "+pkg+".Commit=0123abc -X "+pkg+".Date=2026-11-21T09:00:00Z")
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if lines[0] != "1.4.0rc2" || lines[1] != "commit: 0123abc" || lines[2] != "built:  2026-11-21T09:00:00Z" {
		t.Errorf("version printed:\n%s", out)
	}
	short, _ := exec.Command(bin, "--version").Output()
	if string(short) != "1.4.0rc2\n" {
		t.Errorf("--version printed %q", short)
	}
}

func TestVersionWithoutLdflags(t *testing.T) {
	bin := buildDify(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(string(out), "\n", 2)[0]
	// A PEP 440 version from the module's build info, never a placeholder.
	if !regexp.MustCompile(`^\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?(\+[0-9A-Za-z.]+)?$`).MatchString(first) {
		t.Errorf("first line %q is not a PEP 440 version", first)
	}
}
