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
	"runtime"
	"sort"
	"sync"
)

// Sum returns the checksum of every regular file in fsys. Files are hashed in
// parallel, each streamed, so memory does not grow with file sizes; fsys must
// allow concurrent Open and Read (directories and zip archives do).
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
	// More workers than CPUs: while some wait for reads, others hash.
	digests, err := hashAll(fsys, paths, 4*runtime.GOMAXPROCS(0))
	if err != nil {
		return "", err
	}
	files := make([]File, len(paths))
	for i, p := range paths {
		files[i] = File{Path: p, Digest: digests[i]}
	}
	return Combine(files), nil
}

// File is one file's path and the SHA-256 of its content.
type File struct {
	Path   string
	Digest [sha256.Size]byte
}

// Combine returns the checksum of files whose content digests are known:
// for each path in byte order, SHA-256 of the path then the content digest,
// all hashed together. files is sorted in place.
func Combine(files []File) string {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	outer := sha256.New()
	for _, f := range files {
		pathSum := sha256.Sum256([]byte(f.Path))
		outer.Write(pathSum[:])
		outer.Write(f.Digest[:])
	}
	return hex.EncodeToString(outer.Sum(nil))
}

// hashAll returns the SHA-256 of each file's content, in the order of paths.
func hashAll(fsys fs.FS, paths []string, workers int) ([][sha256.Size]byte, error) {
	digests := make([][sha256.Size]byte, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := sha256.New()
			buf := make([]byte, 64<<10)
			for i := range next {
				h.Reset()
				if errs[i] = hashFile(h, buf, fsys, paths[i]); errs[i] == nil {
					h.Sum(digests[i][:0])
				}
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return digests, nil
}

func hashFile(w io.Writer, buf []byte, fsys fs.FS, p string) error {
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if wt, ok := f.(io.WriterTo); ok {
		// A package's entry decodes straight into the hash.
		_, err = wt.WriteTo(w)
	} else {
		_, err = io.CopyBuffer(w, onlyReader{f}, buf)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	return nil
}

// onlyReader hides ReaderFrom (os.File has one) so that CopyBuffer uses the
// given buffer.
type onlyReader struct{ io.Reader }
