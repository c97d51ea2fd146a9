package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkWarmStart measures what dify adds to a plugin's start with the
// real SDK (DIFY_REALSDK_PYTHON, see realsdk_test.go): the time from
// `dify plugin run --python VENV` to plugin_ready, against the time the
// same interpreter takes to import dify_plugin, run after run alternately.
// overhead-ms is the difference of the medians: reading and checking the
// plugin, checking the venv, the plugin's own start (its main module, its
// providers and tools) and the first heartbeat.
//
//	DIFY_REALSDK_PYTHON=... go test -run '^$' -bench WarmStart -benchtime 20x ./cmd/dify
func BenchmarkWarmStart(b *testing.B) {
	py := realSDK(b)
	bin := buildDify(b)
	work := b.TempDir()
	env := cleanEnv("DIFY_CACHE_DIR=" + filepath.Join(work, "cache"))
	dir := initDemo(b, bin, work, env, "tool")
	ready := func() time.Duration {
		cmd := exec.Command(bin, "plugin", "run", ".", "-r", "json", "--python", py, "--no-install")
		cmd.Dir, cmd.Env = dir, env
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		var took time.Duration
		for lines.Scan() {
			if bytes.Contains(lines.Bytes(), []byte(`"plugin_ready"`)) {
				took = time.Since(start)
				break
			}
		}
		stdin.Close()
		cmd.Wait()
		if took == 0 {
			b.Fatal("the plugin never became ready")
		}
		return took
	}
	// Timed to the line it prints once imported, as a run is timed to its
	// ready line: an interpreter's exit, with every module loaded, is slow.
	imported := func() time.Duration {
		cmd := exec.Command(py, "-c", "import dify_plugin; print('imported', flush=True)")
		cmd.Dir, cmd.Env = dir, env
		stdout, _ := cmd.StdoutPipe()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		var took time.Duration
		if lines.Scan() && lines.Text() == "imported" {
			took = time.Since(start)
		}
		cmd.Wait()
		if took == 0 {
			b.Fatal("import dify_plugin failed")
		}
		return took
	}
	ready() // the first run may compile the plugin's bytecode
	var readies, imports []time.Duration
	b.ResetTimer()
	for b.Loop() {
		readies = append(readies, ready())
		imports = append(imports, imported())
	}
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2]) / float64(time.Millisecond)
	}
	r, i := median(readies), median(imports)
	b.ReportMetric(r, "ready-ms")
	b.ReportMetric(i, "import-ms")
	b.ReportMetric(r-i, "overhead-ms")
}
