package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/offline"
	"github.com/dify-cli/dify/pack"
)

func TestProgressBarWaitsASecond(t *testing.T) {
	clock := time.Unix(0, 0)
	var out bytes.Buffer
	b := newProgressBar(&out, func() time.Time { return clock })

	b.packing(pack.Progress{Files: 1, TotalFiles: 4, Bytes: 10, TotalBytes: 40})
	b.finish()
	if out.Len() != 0 {
		t.Fatalf("a run under a second printed %q", out.String())
	}

	clock = clock.Add(1500 * time.Millisecond)
	b.packing(pack.Progress{Files: 2, TotalFiles: 4, Bytes: 20, TotalBytes: 40})
	if got := out.String(); !strings.Contains(got, "2/4 files, 20 B of 40 B") || !strings.Contains(got, "[===============               ]") {
		t.Errorf("bar %q", got)
	}
	out.Reset()
	clock = clock.Add(10 * time.Millisecond)
	b.packing(pack.Progress{Files: 3, TotalFiles: 4, Bytes: 30, TotalBytes: 40})
	if out.Len() != 0 {
		t.Errorf("redrew within 100ms: %q", out.String())
	}
	b.packing(pack.Progress{Files: 4, TotalFiles: 4, Bytes: 40, TotalBytes: 40})
	if !strings.Contains(out.String(), "4/4 files") {
		t.Errorf("the last update is always drawn: %q", out.String())
	}
	out.Reset()
	b.finish()
	if out.String() != "\r\x1b[K" {
		t.Errorf("finish wrote %q, want the line erased", out.String())
	}
}

// The download bar is the same bar: silent for a second, throttled, said
// only when something is downloaded.
func TestDownloadBar(t *testing.T) {
	clock := time.Unix(0, 0)
	var out bytes.Buffer
	b := newProgressBar(&out, func() time.Time { return clock })
	clock = clock.Add(2 * time.Second)
	b.downloading(offline.Progress{Files: 3, TotalFiles: 3})
	if out.Len() != 0 {
		t.Fatalf("a build from the cache printed %q", out.String())
	}
	b.downloading(offline.Progress{Files: 1, TotalFiles: 3, Downloads: 2, Bytes: 1 << 20})
	if got := out.String(); !strings.Contains(got, "downloading wheels: 1/3 files, 1.0 MiB of ?") {
		t.Errorf("bar %q", got)
	}
	out.Reset()
	b.downloading(offline.Progress{Files: 2, TotalFiles: 3, Downloads: 2, Bytes: 2 << 20})
	if out.Len() != 0 {
		t.Errorf("redrew within 100ms: %q", out.String())
	}
}
