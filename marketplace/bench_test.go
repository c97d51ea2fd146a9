package marketplace

import (
	"context"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/dify-cli/dify/internal/benchtree"
	"github.com/dify-cli/dify/pack"
)

// BenchmarkValidateCorpus is `dify plugin validate --marketplace DIR/...`
// over 262 plugins in the official plugins' mix, in one process: each
// plugin's plan, every rule of dify plugin validate, and every marketplace
// check. "checks" is everything but Python; "with-python" adds one Python
// process per processor compiling and reading the 1,519 Python files (9 MB)
// when python3 is installed, and "with-python-cached" is a run after one
// that kept the interpreter's answers. One iteration is the whole corpus; the official
// tool takes 6.4 s to package the same plugins one process each
// (docs/performance.md).
func BenchmarkValidateCorpus(b *testing.B) {
	dirs, err := benchtree.Corpus(filepath.Join(b.TempDir(), "corpus"), 262)
	if err != nil {
		b.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // as the command sets it (cmd/dify/main.go)
	b.Run("checks", func(b *testing.B) { validateCorpus(b, dirs, Options{}) })
	b.Run("with-python", func(b *testing.B) {
		opts := python()
		if opts.Python == "" {
			b.Skip("python3 not found")
		}
		validateCorpus(b, dirs, opts)
	})
	b.Run("with-python-cached", func(b *testing.B) {
		opts := python()
		if opts.Python == "" {
			b.Skip("python3 not found")
		}
		opts.CacheDir = b.TempDir()
		validateOnce(b, dirs, opts) // fills the cache
		validateCorpus(b, dirs, opts)
	})
}

func validateCorpus(b *testing.B, dirs []string, opts Options) {
	b.ReportAllocs()
	for b.Loop() {
		validateOnce(b, dirs, opts)
	}
}

// validateOnce checks the corpus as the command does: each worker opens a
// plugin, runs the daemon's rules and the marketplace's checks that read
// files, and lets the plugin go; the interpreter's part follows for all.
func validateOnce(b *testing.B, dirs []string, opts Options) {
	started := make([]*Started, len(dirs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				plan, err := pack.OpenDir(dirs[i], pack.PlanOptions{Keep: true})
				if err != nil {
					b.Error(err)
					continue
				}
				plan.Check()
				p, err := FromPlan(context.Background(), plan)
				if err == nil {
					started[i], err = Start(p, opts)
				}
				if err != nil {
					b.Error(err)
				}
				plan.Close()
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	if reports := Finish(context.Background(), started, opts); len(reports) != len(dirs) {
		b.Fatalf("%d reports for %d plugins", len(reports), len(dirs))
	}
}
