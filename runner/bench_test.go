package runner

import (
	"context"
	"os"
	"testing"
)

// BenchmarkTimeToReady measures `dify plugin run` from nothing to the
// plugin's first heartbeat, for the test double (no dependencies beyond the
// standard library): cold builds the environment first, cached finds it.
// Installing real dependencies adds the download and install time to cold
// runs only.
func BenchmarkTimeToReady(b *testing.B) {
	dir := doublePlugin(b)
	py := python3(b)
	launch := func(b *testing.B, cache string) {
		l, err := Launch(context.Background(), LaunchOptions{Path: dir, Setup: Setup{CacheDir: cache, Interpreter: py, Env: os.Environ()}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		l.Close()
		b.StartTimer()
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			cache := b.TempDir()
			b.StartTimer()
			launch(b, cache)
		}
	})
	b.Run("cached", func(b *testing.B) {
		cache := b.TempDir()
		launch(b, cache)
		for b.Loop() {
			launch(b, cache)
		}
	})
}
