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
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		return nil, &TooLargeError{Name: name, Size: st.Size(), Limit: limit}
	}
	return read(name, f, limit)
}

// Read reads r to the end, failing with a *TooLargeError past limit bytes.
func Read(name string, r io.Reader, limit int64) ([]byte, error) { return read(name, r, limit) }

func read(name string, r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, &TooLargeError{Name: name, Size: n, Limit: limit}
	}
	return buf.Bytes(), nil
}
