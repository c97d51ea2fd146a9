package playground

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/dify-cli/dify/invoke"
)

// BenchmarkFirstPaint loads the page of a plugin with fourteen tools in a
// headless Chromium and reports its first contentful paint, as the browser
// measures it (PerformancePaintTiming), and the time the server takes to
// render the page.
//
//	go test -run '^$' -bench FirstPaint -benchtime 20x ./playground
func BenchmarkFirstPaint(b *testing.B) {
	exe := chromium(b)
	_, page := serve(b, Options{Plugin: plugin(b), Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) { return &chunks{}, nil }})
	ctx := browser(b, exe)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.Fatal(err)
	}
	var paint, render time.Duration
	for b.Loop() {
		if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`nav button`))); err != nil {
			b.Fatal(err)
		}
		// The paint entry is recorded after the frame is drawn: wait for it.
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`new Promise(done => new PerformanceObserver(list => {
			const e = list.getEntriesByName("first-contentful-paint")[0];
			if (e) done(e.startTime);
		}).observe({type: "paint", buffered: true}))`, func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
		if err != nil || ms < 0 {
			b.Fatalf("no first contentful paint: %v", err)
		}
		paint += time.Duration(ms * float64(time.Millisecond))
		t0 := time.Now()
		get(b, page, nil)
		render += time.Since(t0)
	}
	b.ReportMetric(float64(paint.Milliseconds())/float64(b.N), "paint-ms")
	b.ReportMetric(float64(render.Microseconds())/float64(b.N)/1000, "serve-ms")
}
