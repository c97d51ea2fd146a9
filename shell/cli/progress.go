package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/pack"
)

// progressBar draws packaging progress on a terminal. It stays silent for the
// first second, so quick runs print nothing, and redraws at most ten times a
// second.
type progressBar struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	last  time.Time
	shown bool
}

func newProgressBar(w io.Writer, now func() time.Time) *progressBar {
	return &progressBar{w: w, now: now, start: now()}
}

func (b *progressBar) update(p pack.Progress) {
	now := b.now()
	if now.Sub(b.start) < time.Second {
		return
	}
	if b.shown && now.Sub(b.last) < 100*time.Millisecond && p.Files < p.TotalFiles {
		return
	}
	b.last, b.shown = now, true
	const width = 30
	filled := width
	if p.TotalBytes > 0 {
		filled = int(int64(width) * p.Bytes / p.TotalBytes)
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d files, %s of %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled),
		p.Files, p.TotalFiles, bytesize.Format(p.Bytes), bytesize.Format(p.TotalBytes))
}

// finish erases the bar, if one was drawn.
func (b *progressBar) finish() {
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}
