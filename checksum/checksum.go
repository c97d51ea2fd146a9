// Package checksum computes the Dify daemon's checksum of a plugin: the value
// after `@` in a plugin's unique identifier.
//
// For every file, keyed by its slash path, the daemon takes SHA-256 of the path
// and SHA-256 of the content; it concatenates the two digests per file in byte
// order of the paths and returns the hex SHA-256 of the whole. A directory and
// the package made from it therefore have the same checksum: compression,
// entry order, timestamps and modes do not count, names and contents do.
package checksum

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sort"
)

// Sum returns the checksum of every regular file in fsys.
func Sum(fsys fs.FS) (string, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	outer := sha256.New()
	inner := sha256.New()
	var digest [sha256.Size]byte
	for _, p := range paths {
		pathSum := sha256.Sum256([]byte(p))
		outer.Write(pathSum[:])
		inner.Reset()
		if err := hashFile(inner, fsys, p); err != nil {
			return "", err
		}
		outer.Write(inner.Sum(digest[:0]))
	}
	return hex.EncodeToString(outer.Sum(nil)), nil
}

func hashFile(w io.Writer, fsys fs.FS, p string) error {
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	return nil
}
