// Package capped reads files without trusting their declared size. A zip
// entry's header can claim any size (2^62 bytes costs nothing to write), and
// fs.ReadFile allocates what Stat reports before reading a byte; reading
// through here allocates only for bytes that actually arrive, and stops one
// byte past the limit.
package capped

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"

	"github.com/dify-cli/dify/internal/bytesize"
)

// TooLargeError reports a file over the limit of what a reader accepts.
type TooLargeError struct {
	Name  string
	Size  int64 // declared or read so far; more than Limit
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %s, over the limit of %s for this kind of file", e.Name, bytesize.Format(e.Size), bytesize.Format(e.Limit))
}

// ReadFile reads name from fsys, failing with a *TooLargeError when the file
// declares or turns out to hold more than limit bytes.
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(0)
	if st, err := f.Stat(); err == nil {
		if st.Size() > limit {
			return nil, &TooLargeError{Name: name, Size: st.Size(), Limit: limit}
		}
		size = st.Size()
	}
	return readSized(name, f, limit, size)
}

// Read reads r to the end, failing with a *TooLargeError past limit bytes.
func Read(name string, r io.Reader, limit int64) ([]byte, error) { return readSized(name, r, limit, 0) }

// readSized reads like Read, with room made first for size bytes (at most
// limit, so a false size costs no more than the limit allows).
func readSized(name string, r io.Reader, limit, size int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, &TooLargeError{Name: name, Size: n, Limit: limit}
	}
	return buf.Bytes(), nil
}
