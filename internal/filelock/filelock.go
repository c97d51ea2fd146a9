// Package filelock holds advisory locks on files, so that processes sharing a
// cache agree on who builds an entry and which entries are in use. The lock
// is the operating system's (flock, LockFileEx): it goes away with the
// process, so a crash never leaves a cache locked.
package filelock

import (
	"errors"
	"os"
)

// ErrLocked is returned by the Try functions when another process holds the
// lock in a conflicting mode.
var ErrLocked = errors.New("locked by another process")

// Lock is a held lock on a file. The zero value is not a lock.
type Lock struct{ f *os.File }

// Exclusive waits for, then holds, the only lock on path, creating the file.
func Exclusive(path string) (*Lock, error) { return lock(path, true, true) }

// Shared waits for, then holds, a lock on path that other Shared locks may
// hold too, creating the file.
func Shared(path string) (*Lock, error) { return lock(path, false, true) }

// TryExclusive holds the only lock on path or returns ErrLocked at once.
func TryExclusive(path string) (*Lock, error) { return lock(path, true, false) }

func lock(path string, exclusive, wait bool) (*Lock, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := lockFile(f, exclusive, wait); err != nil {
			f.Close()
			return nil, err
		}
		// The holder before us may have removed the file (Remove); a lock on
		// a file no longer at path locks nothing, so open it again.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return &Lock{f: f}, nil
		}
		unlockFile(f)
		f.Close()
	}
}

// Remove deletes the lock file while the lock is held, then lets go; others
// waiting on it open the path again.
func (l *Lock) Remove() error {
	err := os.Remove(l.f.Name())
	if uerr := l.Unlock(); err == nil {
		err = uerr
	}
	return err
}

// Downgrade turns an exclusive lock into a shared one without letting go.
func (l *Lock) Downgrade() error { return lockFile(l.f, false, true) }

// Unlock lets go of the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
