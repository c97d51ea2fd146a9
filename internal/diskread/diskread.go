// Package diskread reads the head of a regular file in as few system calls
// as the platform allows. Checking a folder of plugins reads thousands of
// small files; through os.File each costs about ten system calls (the
// runtime tries to register the file with its poller and sets its blocking
// mode back and forth), here four: open, fstat, read, close.
package diskread

import (
	"errors"
	"io"
	"os"
)

// ErrNotRegular is returned for a path that does not lead to a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Head returns the first min(size, n) bytes of the regular file at name and
// its size. Reading stops early only at the end of the file, so a file
// that shrank since it was measured gives fewer bytes.
func Head(name string, n int64) (data []byte, size int64, err error) {
	return head(name, n)
}

// portableHead is Head through os.File.
func portableHead(name string, n int64) ([]byte, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, &os.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	buf := make([]byte, min(st.Size(), n))
	m, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:m], st.Size(), err
}
