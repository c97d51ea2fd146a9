package runner

import (
	"bufio"
	"io"
)

// The line limits: what a line from each source may hold before it is cut.
// Memory is bounded by these, whatever a peer writes.
const (
	// MaxRequestLine is the longest request line `plugin run` reads, as in
	// the official tool (its scanner's 15 MiB).
	MaxRequestLine = 15 << 20
	// MaxPluginLine is the longest stdout line the daemon reads from a
	// plugin (5 MiB); the daemon stops a plugin that writes a longer one.
	MaxPluginLine = 5 << 20
	// maxStderrLine is the longest stderr line kept: the stderr tail kept
	// for error messages is 16 KiB.
	maxStderrLine = 16 << 10
)

// lineReader splits a stream into lines of at most max bytes. A longer line
// is cut: its first max bytes come back with the number of bytes dropped,
// and reading goes on with the next line.
type lineReader struct {
	br  *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, min(max, 64<<10)), max: max}
}

// next returns the next line without its end and how many of its bytes
// were dropped; at the end of the stream the error is io.EOF (with the
// last line, when it had no end) or the read's error.
func (r *lineReader) next() (line []byte, dropped int64, err error) {
	var total int64
	for {
		part, err := r.br.ReadSlice('\n')
		if err == nil {
			part = part[:len(part)-1]
		}
		total += int64(len(part))
		if room := r.max - len(line); room > 0 {
			line = append(line, part[:min(room, len(part))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		dropped = total - int64(len(line))
		if dropped == 0 && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		return line, dropped, err
	}
}
