// Command sidebyside measures dify against the official tool on the same
// machine in one run: start-up, one typical plugin, a corpus shaped like
// the official plugins, and a big tree. The two tools alternate run by run,
// so that a change in the machine's load falls on both. It prints a
// Markdown table of median wall times, peak memory and ratios
// (docs/performance.md).
//
//	go run ./internal/sidebyside -official /path/to/official/dify
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dify-cli/dify/internal/benchtree"
	"github.com/dify-cli/dify/internal/peak"
)

func main() {
	official := flag.String("official", "", "the official tool's binary (required)")
	dify := flag.String("dify", "", "dify's binary; default: built here as a release is")
	work := flag.String("dir", "", "where to write the plugins; default: a temporary directory")
	scale := flag.Int("runs", 1, "multiply the number of runs of every measurement")
	only := flag.String("only", "", "run only the measurements whose description holds this text")
	flag.Parse()
	if *official == "" {
		fmt.Fprintln(os.Stderr, "usage: sidebyside -official BIN [-dify BIN] [-dir DIR] [-runs N] [-only TEXT]")
		os.Exit(2)
	}
	if err := run(*official, *dify, *work, *scale, *only, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sidebyside:", err)
		os.Exit(1)
	}
}

// tool is one binary under measurement.
type tool struct {
	name, bin string
}

// measurement is one command line run by both tools.
type measurement struct {
	what string
	runs int
	// args returns the arguments of one run of t; a measurement of several
	// processes (the corpus) returns several argument lists.
	args func(t tool) [][]string
	// verdict: exit status 1 is an answer (findings), not a failure.
	verdict bool
}

// sample is one run: the wall time of all its processes, and the largest
// peak resident size among them.
type sample struct {
	wall time.Duration
	rss  int64 // bytes
}

func run(official, dify, work string, scale int, only string, out io.Writer) error {
	if work == "" {
		dir, err := os.MkdirTemp("", "sidebyside-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	if dify == "" {
		dify = filepath.Join(work, "dify")
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", dify, "./cmd/dify")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building dify (run from the repository's root): %w", err)
		}
	}
	typical, err := benchtree.Typical(work)
	if err != nil {
		return err
	}
	corpus, err := benchtree.Corpus(filepath.Join(work, "corpus"), 262)
	if err != nil {
		return err
	}
	tree := filepath.Join(work, "tree")
	if _, err := benchtree.Write(tree, 3000, 45<<20); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tree, "manifest.yaml"), []byte(treeManifest), 0o644); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(tree, "_assets"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tree, "_assets", "icon.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644); err != nil {
		return err
	}
	tools := []tool{{"official", official}, {"dify", dify}}
	outFile := func(t tool, name string) string { return filepath.Join(work, t.name+"-"+name+".difypkg") }
	// Each tool checksums its own package of the tree, made here first.
	for _, t := range tools {
		args := []string{"plugin", "package", tree, "-o", outFile(t, "tree"), "--max-size", "100"}
		if t.name == "dify" {
			args = append(args, "--no-validate")
		}
		if _, err := runOnce(t.bin, args, false); err != nil {
			return err
		}
	}
	// The marketplace's compile check asks Python once per file content and
	// keeps the answers: the measurement is of a run after the first, as a
	// developer checking their plugins again gets.
	if _, err := runOnce(dify, []string{"plugin", "validate", "--marketplace", filepath.Join(work, "corpus") + "/..."}, true); err != nil {
		return err
	}
	one := func(args ...string) func(tool) [][]string {
		return func(tool) [][]string { return [][]string{args} }
	}
	measurements := []measurement{
		{"`version`", 100, one("version"), false},
		{"`--help`", 100, one("--help"), false},
		{"`plugin package` one typical plugin (53 files, 0.45 MB)", 30, func(t tool) [][]string {
			return [][]string{{"plugin", "package", typical, "-o", outFile(t, "typical")}}
		}, false},
		{fmt.Sprintf("`plugin package` each of %d plugins in turn", len(corpus)), 3, func(t tool) [][]string {
			var all [][]string
			for _, dir := range corpus {
				all = append(all, []string{"plugin", "package", dir, "-o", outFile(t, "corpus")})
			}
			return all
		}, false},
		{"`plugin package` big tree (3,000 files, 45 MB)", 5, func(t tool) [][]string {
			args := []string{"plugin", "package", tree, "-o", outFile(t, "tree2"), "--max-size", "100"}
			if t.name == "dify" {
				args = append(args, "--no-validate") // as the official tool, which does not validate
			}
			return [][]string{args}
		}, false},
		{"`plugin checksum` of the big tree's package", 5, func(t tool) [][]string {
			return [][]string{{"plugin", "checksum", outFile(t, "tree")}}
		}, false},
		{"`plugin checksum` of the big tree", 5, one("plugin", "checksum", tree), false},
		// The marketplace's checks of a folder of plugins, in one process,
		// against the official tool packaging each (it has no validation).
		{fmt.Sprintf("%d plugins: official `plugin package` each, dify `plugin validate --marketplace DIR/...`", len(corpus)), 3, func(t tool) [][]string {
			if t.name == "dify" {
				return [][]string{{"plugin", "validate", "--marketplace", filepath.Join(work, "corpus") + "/..."}}
			}
			var all [][]string
			for _, dir := range corpus {
				all = append(all, []string{"plugin", "package", dir, "-o", outFile(t, "corpus")})
			}
			return all
		}, true},
	}

	describe(out, official, dify)
	fmt.Fprintln(out, "| measurement | runs | official | dify | dify / official | memory, official → dify |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	for _, m := range measurements {
		if !strings.Contains(m.what, only) {
			continue
		}
		samples := map[string][]sample{}
		runs := m.runs * scale
		for i := 0; i < runs; i++ {
			order := tools
			if i%2 == 1 {
				order = []tool{tools[1], tools[0]}
			}
			for _, t := range order {
				var s sample
				for _, args := range m.args(t) {
					one, err := runOnce(t.bin, args, m.verdict)
					if err != nil {
						return fmt.Errorf("%s %s: %w", t.name, strings.Join(args, " "), err)
					}
					s.wall += one.wall
					s.rss = max(s.rss, one.rss)
				}
				samples[t.name] = append(samples[t.name], s)
			}
		}
		o, d := median(samples["official"]), median(samples["dify"])
		fmt.Fprintf(out, "| %s | %d | %s | %s | %.2f | %s → %s |\n", m.what, runs,
			duration(o.wall), duration(d.wall), float64(d.wall)/float64(o.wall), megabytes(o.rss), megabytes(d.rss))
	}
	return nil
}

// runOnce runs bin once, its output discarded, and measures it.
func runOnce(bin string, args []string, verdict bool) (sample, error) {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if exit, ok := err.(*exec.ExitError); ok && verdict && exit.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return sample{}, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	s := sample{wall: wall}
	s.rss, _ = peak.MaxRSS(cmd.ProcessState)
	return s, nil
}

// median is the sample of median wall time, with the median peak memory.
func median(samples []sample) sample {
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], rss[i] = s.wall, s.rss
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return sample{wall: walls[len(walls)/2], rss: rss[len(rss)/2]}
}

func duration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

// describe prints the machine and the binaries.
func describe(out io.Writer, official, dify string) {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	kernel := ""
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = " " + strings.TrimSpace(string(data))
	}
	fmt.Fprintf(out, "Machine: %d CPUs (%s), %s%s, %s; %s\n\n", runtime.NumCPU(), cpu, runtime.GOOS, kernel, runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	for _, bin := range []string{official, dify} {
		if st, err := os.Stat(bin); err == nil {
			fmt.Fprintf(out, "- `%s`: %.1f MiB\n", bin, float64(st.Size())/(1<<20))
		}
	}
	fmt.Fprintln(out)
}

// treeManifest makes the big tree packageable: the official tool reads
// the manifest's name and nothing else.
const treeManifest = `version: 0.0.1
type: plugin
author: bench
name: tree
label:
  en_US: tree
description:
  en_US: a big tree for benchmarks
icon: icon.svg
resource:
  memory: 268435456
plugins:
  tools: []
meta:
  version: 0.0.1
  arch: [amd64, arm64]
  runner:
    language: python
    version: "3.12"
    entrypoint: main
created_at: 2024-01-01T00:00:00Z
`
