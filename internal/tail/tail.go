// Package tail keeps the end of a stream: the last lines a process wrote,
// for an error message, without keeping all of it.
package tail

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer is an io.Writer that remembers the last Max bytes written to it.
// It is safe for concurrent use.
type Buffer struct {
	Max int // bytes kept; 0 means 8 KiB

	mu  sync.Mutex
	buf []byte
	cut bool // bytes before buf were dropped
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	limit := b.Max
	if limit <= 0 {
		limit = 8 << 10
	}
	n := len(p)
	if len(p) >= limit {
		b.cut = b.cut || len(b.buf) > 0 || len(p) > limit
		b.buf = append(b.buf[:0], p[len(p)-limit:]...)
		return n, nil
	}
	if over := len(b.buf) + len(p) - limit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.cut = true
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

// Lines returns up to n of the last complete or partial lines, without a
// line cut in half by the size limit, and without blank lines at either end.
func (b *Buffer) Lines(n int) []string {
	b.mu.Lock()
	data := bytes.Clone(b.buf)
	cut := b.cut
	b.mu.Unlock()
	if cut {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	text := strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n \t")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// String returns the last n lines joined, each indented by indent.
func (b *Buffer) String(n int, indent string) string {
	lines := b.Lines(n)
	for i, l := range lines {
		lines[i] = indent + l
	}
	return strings.Join(lines, "\n")
}
