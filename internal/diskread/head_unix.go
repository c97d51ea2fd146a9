//go:build unix

package diskread

import (
	"os"
	"syscall"
)

func head(name string, n int64) ([]byte, int64, error) {
	var fd int
	var err error
	for {
		// O_NONBLOCK: a FIFO put where a file was opens at once (and is
		// refused below) instead of waiting for a writer.
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &os.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, &os.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	buf := make([]byte, min(st.Size, n))
	got := 0
	for got < len(buf) {
		m, err := syscall.Read(fd, buf[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "read", Path: name, Err: err}
		}
		if m == 0 {
			break
		}
		got += m
	}
	return buf[:got], st.Size, nil
}
