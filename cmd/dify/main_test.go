package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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

// TestStartupDoesNoWork runs `dify version` with the runtime's init trace and
// checks that none of the project's packages does work while the program
// starts (compiling expressions, parsing templates, decoding YAML): each may
// set a few variables, nothing more.
func TestStartupDoesNoWork(t *testing.T) {
	bin := buildDify(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var trace strings.Builder
	cmd.Stderr = &trace
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	// init github.com/dify-cli/dify/manifest @3.5 ms, 0.011 ms clock, 4848 bytes, 78 allocs
	line := regexp.MustCompile(`(?m)^init (github\.com/dify-cli/dify/\S*) @.*, (\d+) bytes, (\d+) allocs$`)
	found := line.FindAllStringSubmatch(trace.String(), -1)
	if len(found) == 0 {
		t.Fatalf("no init trace for the project's packages in:\n%s", trace.String())
	}
	for _, m := range found {
		if allocs, _ := strconv.Atoi(m[3]); allocs > 200 {
			t.Errorf("%s allocates %s bytes in %d allocations at startup; defer the work to first use", m[1], m[2], allocs)
		}
	}
}
