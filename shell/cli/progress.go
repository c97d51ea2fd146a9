package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/offline"
	"github.com/dify-cli/dify/pack"
)

// progressBar draws progress on a terminal, one line redrawn in place. It
// stays silent for the first second, so quick runs print nothing, and
// redraws at most ten times a second (and always for the last step). The
// clock is the Factory's.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	start time.Time
	last  time.Time
	shown bool
}

func newProgressBar(w io.Writer, now func() time.Time) *progressBar {
	return &progressBar{w: w, now: now, start: now()}
}

// draw shows line, unless it is too soon; last forces a redraw of the
// final step once the bar is on screen.
func (b *progressBar) draw(line string, last bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if now.Sub(b.start) < time.Second {
		return
	}
	if b.shown && now.Sub(b.last) < 100*time.Millisecond && !last {
		return
	}
	b.last, b.shown = now, true
	fmt.Fprint(b.w, "\r\x1b[K"+line)
}

// packing shows the files a package is written from.
func (b *progressBar) packing(p pack.Progress) {
	const width = 30
	filled := width
	if p.TotalBytes > 0 {
		filled = int(int64(width) * p.Bytes / p.TotalBytes)
	}
	b.draw(fmt.Sprintf("[%s%s] %d/%d files, %s of %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled),
		p.Files, p.TotalFiles, bytesize.Format(p.Bytes), bytesize.Format(p.TotalBytes)), p.Files == p.TotalFiles)
}

// downloading shows the wheels an offline build downloads.
func (b *progressBar) downloading(p offline.Progress) {
	if p.Downloads == 0 {
		return
	}
	total := "?"
	if p.TotalBytes > 0 {
		total = bytesize.Format(p.TotalBytes)
	}
	b.draw(fmt.Sprintf("downloading wheels: %d/%d files, %s of %s", p.Files, p.TotalFiles, bytesize.Format(p.Bytes), total), p.Files == p.TotalFiles)
}

// finish erases the bar, if one was drawn.
func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}
