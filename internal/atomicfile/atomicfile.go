// Package atomicfile writes files so that readers see either the old content
// or the complete new content, never a partial file, and so that an
// interrupted run leaves nothing behind.
//
// On Linux the content goes to an O_TMPFILE file, which has no name until it
// is complete: a crash, kill -9 or full disk leaves nothing to clean up. The
// finished file is linked in under a temporary name and renamed over the
// target, so the target is replaced in one step. Elsewhere (or on file
// systems without O_TMPFILE) the temporary file is named
// .NAME.tmp-PID-RANDOM from the start; a later write of the same target
// removes the ones whose process is gone.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/stale"
)

// Write calls fill with a temporary file in the directory of name, then
// renames it to name with the given permissions. When fill or any step fails,
// the temporary file is removed and an existing file at name is left as it
// was; a temporary file that cannot be removed is named in the error.
func Write(name string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(name, perm, fill, true)
}

// write is Write; tests turn unnamed files off to exercise the named path.
func write(name string, perm os.FileMode, fill func(w io.Writer) error, unnamed bool) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, named, err := create(dir, base, perm, unnamed)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: directory %s does not exist", name, dir)
		}
		return fmt.Errorf("cannot write %s: %w", name, unwrap(err))
	}
	tmp := "" // the temporary name, once there is one
	if named {
		tmp = f.Name()
	}
	defer func() {
		if err == nil {
			return
		}
		f.Close()
		if tmp == "" {
			return
		}
		if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = fmt.Errorf("%w (and the temporary file %s could not be removed: %v; delete it)", err, tmp, unwrap(rmErr))
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("cannot write %s: %w", name, unwrap(err))
	}
	if !named {
		if tmp, err = link(f, dir, base); err != nil {
			// Some systems refuse to link unnamed files (no /proc, say):
			// copy the content to a named temporary file instead.
			var copied *os.File
			if copied, err = copyToNamed(f, dir, base, perm); err != nil {
				return fmt.Errorf("cannot write %s: %w", name, unwrap(err))
			}
			f.Close()
			f, tmp = copied, copied.Name()
		}
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", name, unwrap(err))
	}
	if err = os.Rename(tmp, name); err != nil {
		return fmt.Errorf("cannot write %s: %w", name, unwrap(err))
	}
	return nil
}

// Scratch returns a read-write temporary file in dir (the system's
// temporary directory when empty) that nobody else can find and that
// vanishes when done is called, or when the process dies: an unnamed file
// on Linux, a file removed right after creation on other Unix systems.
func Scratch(dir string) (f *os.File, done func(), err error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if f, err := createUnnamed(dir, 0o600); err == nil {
		return f, func() { f.Close() }, nil
	}
	f, err = os.CreateTemp(dir, "dify-scratch-*")
	if err != nil {
		return nil, nil, err
	}
	name := f.Name()
	if os.Remove(name) == nil { // an open file outlives its name on Unix
		return f, func() { f.Close() }, nil
	}
	return f, func() { f.Close(); os.Remove(name) }, nil
}

// create returns a file to fill: an unnamed one where the system allows it
// (named false), else a named temporary file in dir.
func create(dir, base string, perm os.FileMode, unnamed bool) (f *os.File, named bool, err error) {
	if unnamed {
		if f, err := createUnnamed(dir, perm); err == nil {
			return f, false, nil
		}
	}
	f, err = os.CreateTemp(dir, tempPattern(base))
	return f, true, err
}

// link gives the unnamed file f a temporary name in dir, to rename from.
func link(f *os.File, dir, base string) (string, error) {
	for range 100 {
		// The name is made like os.CreateTemp's, which is not exported.
		tmp := filepath.Join(dir, strings.Replace(tempPattern(base), "*", strconv.FormatUint(uint64(rand.Uint32()), 10), 1))
		err := linkUnnamed(f, tmp)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return tmp, err
	}
	return "", errors.New("cannot find a free temporary name")
}

func copyToNamed(src *os.File, dir, base string, perm os.FileMode) (f *os.File, err error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	f, err = os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return nil, err
	}
	if _, err = io.Copy(f, src); err == nil {
		if err = f.Chmod(perm); err == nil {
			err = f.Sync()
		}
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

func tempPattern(base string) string { return stale.Pattern(tempPrefix(base)) }

func tempPrefix(base string) string { return "." + base + ".tmp-" }

// tempName matches the temporary files of this package, and the
// .NAME.tmp-RANDOM ones of earlier versions.
var tempName = lazyregexp.New(`^\..+\.tmp-(?:([0-9]+)-)?[0-9]+$`)

// IsTemp reports whether a file name (without directory) is one of the
// temporary files Write creates. Such files are never part of a plugin.
func IsTemp(name string) bool {
	if !strings.Contains(name, ".tmp-") {
		return false // the fast path for every file of a walk
	}
	return tempName().MatchString(name)
}

// removeStale deletes temporary files for base left in dir by processes that
// no longer run.
func removeStale(dir, base string) { stale.Remove(dir, tempPrefix(base)) }

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
