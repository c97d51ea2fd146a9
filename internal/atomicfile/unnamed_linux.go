package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// createUnnamed opens an O_TMPFILE file in dir: it has no name, so nothing
// is left behind whatever happens to the process before link.
func createUnnamed(dir string, perm os.FileMode) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)")), nil
}

// linkUnnamed gives f the name tmp. Linking through /proc needs no
// privileges; AT_EMPTY_PATH is the way when /proc is not mounted.
func linkUnnamed(f *os.File, tmp string) error {
	fd := int(f.Fd())
	err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW)
	if err == unix.ENOENT {
		if _, statErr := os.Stat("/proc/self/fd"); statErr != nil {
			err = unix.Linkat(fd, "", unix.AT_FDCWD, tmp, unix.AT_EMPTY_PATH)
		}
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: tmp, Err: err}
	}
	return nil
}
