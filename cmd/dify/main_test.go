package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestMain gives the tests one place to keep the binaries they build.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dify-test-bin-*")
	if err == nil {
		// Some tests run the binary as another user.
		err = os.Chmod(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	built = &binaries{dir: dir, paths: map[string]string{}}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binaries builds dify once per set of go build arguments for the whole
// test process: a build takes seconds on a loaded machine, and with
// -count=20 every test building its own made hundreds of them.
type binaries struct {
	dir   string
	mu    sync.Mutex
	paths map[string]string // go build arguments → binary
}

// built is set by TestMain before any test runs.
var built *binaries

// buildDify returns the binary built with extra go build arguments, named
// dify (the SDK's harness looks for that name).
func buildDify(t testing.TB, args ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	key := strings.Join(args, "\x00")
	built.mu.Lock()
	defer built.mu.Unlock()
	if bin, ok := built.paths[key]; ok {
		return bin
	}
	dir := filepath.Join(built.dir, strconv.Itoa(len(built.paths)))
	bin := filepath.Join(dir, "dify")
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, args...), ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("go build: %v\n%s", err, out)
	}
	built.paths[key] = bin
	return bin
}

const buildPkg = "github.com/dify-cli/dify/internal/build"

// releaseLdflags are the flags .goreleaser.yaml passes, with a tag's values.
var releaseLdflags = "-X " + buildPkg + ".Version=v1.4.0-rc.2 -X " + buildPkg + ".Commit=0123abc -X " + buildPkg + ".Date=2026-11-21T09:00:00Z"

// `version` prints one PEP 440 version and nothing else: the SDK's harness
// parses the whole output.
func TestVersionFromLdflags(t *testing.T) {
	bin := buildDify(t, "-ldflags", releaseLdflags)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "1.4.0rc2\n" {
		t.Errorf("version printed %q, want only the version", out)
	}
	short, _ := exec.Command(bin, "--version").Output()
	if string(short) != "1.4.0rc2\n" {
		t.Errorf("--version printed %q", short)
	}
	details, _ := exec.Command(bin, "version", "--json").Output()
	for _, want := range []string{`"version": "1.4.0rc2"`, `"commit": "0123abc"`, `"date": "2026-11-21T09:00:00Z"`} {
		if !strings.Contains(string(details), want) {
			t.Errorf("version --json lacks %s:\n%s", want, details)
		}
	}
}

// A build from source reports at least 0.1.0, which the harness requires.
func TestVersionWithoutLdflags(t *testing.T) {
	bin := buildDify(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?(\+[0-9a-z.]+)?\n$`).Match(out) {
		t.Errorf("version printed %q, not one PEP 440 version", out)
	}
	if strings.HasPrefix(string(out), "0.0.") {
		t.Errorf("a source build reports %q, below the 0.1.0 the SDK's harness requires", out)
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
	// Dependencies' package initialisation runs on every start too, whether
	// the command uses them or not: a budget for all of it (today about
	// 2,700 allocations and 420 KB, most of it Masterminds/semver compiling
	// its expressions for sprig) catches a new dependency, or a new version
	// of one, that does real work in init.
	all := regexp.MustCompile(`(?m)^init (\S+) @.*, (\d+) bytes, (\d+) allocs$`).FindAllStringSubmatch(trace.String(), -1)
	var bytes, allocs int
	heaviest, most := "", 0
	for _, m := range all {
		b, _ := strconv.Atoi(m[2])
		a, _ := strconv.Atoi(m[3])
		bytes, allocs = bytes+b, allocs+a
		if b > most {
			heaviest, most = m[1], b
		}
	}
	if allocs > 4000 || bytes > 640<<10 {
		t.Errorf("package initialisation allocates %d bytes in %d allocations before main runs (budget 640 KiB, 4,000); the heaviest is %s with %d bytes", bytes, allocs, heaviest, most)
	}
}
