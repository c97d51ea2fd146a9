// Package headless starts a headless Chromium for tests that drive a page
// as a person would (chromedp): the playground's page, alone or served by
// the built binary. A machine without Chromium skips those tests.
package headless

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium finds a headless-capable Chromium, or skips the test (and does
// under -short: a browser is slow to start).
func Chromium(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH (Debian: apt-get install chromium)")
	return ""
}

// Browser starts a headless Chromium for one test, ended with it. In a
// container /dev/shm is small: Chromium keeps its shared memory in /tmp.
//
// Chromium now and then exits at start, before it says anything, when one
// has just ended: a start that fails is tried again, a few times.
func Browser(t testing.TB, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1200, 900),
		chromedp.Flag("disable-dev-shm-usage", true))
	var err error
	for range 3 {
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		if err = chromedp.Do(ctx, chromedp.Navigate("about:blank")); err == nil {
			t.Cleanup(func() { cancel(); cancelAlloc() })
			return ctx
		}
		cancel()
		cancelAlloc()
	}
	t.Fatalf("Chromium did not start: %v", err)
	return nil
}

// Screenshot keeps a picture of the whole page as name in the test's
// artifact folder (go test -artifacts).
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
