package bundle

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/pack"
)

// ManifestFile is the bundle's declaration.
const ManifestFile = "manifest.yaml"

// MaxSize is the daemon's limit on a bundle upload (MAX_BUNDLE_PACKAGE_SIZE,
// 12 × 50 MiB). A bundle archive whose entries declare more is not read, and
// neither is a stored package that declares more.
const MaxSize = 12 * pack.DefaultMaxSize

// maxManifest bounds manifest.yaml: real ones are a few kilobytes.
const maxManifest = 4 << 20

// Store is a bundle on disk: a directory, or a .difybndl zip archive.
type Store struct {
	Path string
	zip  bool
}

// Open opens the bundle at p.
func Open(p string) (*Store, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("bundle %s does not exist", p)
		}
		return nil, err
	}
	s := &Store{Path: p, zip: !st.IsDir()}
	if _, err := s.ReadFile(ManifestFile); err != nil {
		return nil, fmt.Errorf("%s is not a bundle: %v", p, err)
	}
	return s, nil
}

// IsArchive reports whether the bundle is a .difybndl.
func (s *Store) IsArchive() bool { return s.zip }

// FS returns the bundle's files. The caller closes it.
func (s *Store) FS() (fs.FS, io.Closer, error) {
	if !s.zip {
		return os.DirFS(s.Path), io.NopCloser(nil), nil
	}
	zr, err := zip.OpenReader(s.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a valid bundle archive: %v", s.Path, err)
	}
	var declared uint64
	for _, f := range zr.File {
		declared = min(declared+min(f.UncompressedSize64, 1<<60), 1<<62)
	}
	if declared > uint64(MaxSize) {
		zr.Close()
		return nil, nil, fmt.Errorf("%s declares %s uncompressed, over the %s Dify accepts for a bundle", s.Path,
			bytesize.Format(int64(min(declared, 1<<62))), bytesize.Format(MaxSize))
	}
	return zr, zr, nil
}

// ReadFile reads one small file of the bundle (its manifest, say).
func (s *Store) ReadFile(name string) ([]byte, error) {
	fsys, c, err := s.FS()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return capped.ReadFile(fsys, name, maxManifest)
}

// openPackage opens a package stored in the bundle. It is copied to a
// scratch file first, since archive entries cannot be read at random.
func (s *Store) openPackage(name string) (*pack.Archive, func(), error) {
	fsys, c, err := s.FS()
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	tmp, done, err := atomicfile.Scratch("")
	if err != nil {
		return nil, nil, err
	}
	n, err := io.Copy(tmp, io.LimitReader(f, MaxSize+1))
	if err == nil && n > MaxSize {
		err = fmt.Errorf("it is larger than %s", bytesize.Format(MaxSize))
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	arc, err := pack.NewArchive(tmp, n, MaxSize)
	if err == nil {
		err = arc.SizeErr()
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return arc, done, nil
}

// Size returns the size of a file of the bundle, and whether it exists.
func (s *Store) Size(name string) (int64, bool) {
	fsys, c, err := s.FS()
	if err != nil {
		return 0, false
	}
	defer c.Close()
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return 0, false
	}
	return st.Size(), true
}

// Change is a set of edits applied to a bundle at once.
type Change struct {
	Manifest []byte            // new manifest.yaml, or nil to keep it
	Add      map[string]string // bundle path → file on disk to copy in
	Remove   []string          // bundle paths to delete
}

// Apply makes the change. A directory gets its new files first and its
// manifest last, each written atomically; an archive is rewritten into a
// temporary file and renamed, so it is never left half-written.
func (s *Store) Apply(c Change) error {
	if s.zip {
		return s.applyZip(c)
	}
	for name, src := range c.Add {
		if err := copyInto(filepath.Join(s.Path, filepath.FromSlash(name)), src); err != nil {
			return err
		}
	}
	if c.Manifest != nil {
		if err := writeBytes(filepath.Join(s.Path, ManifestFile), c.Manifest); err != nil {
			return err
		}
	}
	for _, name := range c.Remove {
		if err := os.Remove(filepath.Join(s.Path, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (s *Store) applyZip(c Change) error {
	zr, err := zip.OpenReader(s.Path)
	if err != nil {
		return err
	}
	defer zr.Close()
	drop := map[string]bool{}
	for _, n := range c.Remove {
		drop[n] = true
	}
	for n := range c.Add {
		drop[n] = true
	}
	if c.Manifest != nil {
		drop[ManifestFile] = true
	}
	return atomicfile.Write(s.Path, 0o644, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		var names []string
		entries := map[string]*zip.File{}
		for _, f := range zr.File {
			if !drop[f.Name] {
				names = append(names, f.Name)
				entries[f.Name] = f
			}
		}
		added := map[string]string{}
		for n, src := range c.Add {
			names = append(names, n)
			added[n] = src
		}
		if c.Manifest != nil {
			names = append(names, ManifestFile)
		}
		sort.Strings(names)
		for _, n := range names {
			switch {
			case entries[n] != nil:
				// Unchanged entries are copied without recompressing.
				f := entries[n]
				raw, err := f.OpenRaw()
				if err != nil {
					return err
				}
				fh := f.FileHeader
				ew, err := zw.CreateRaw(&fh)
				if err != nil {
					return err
				}
				if _, err := io.Copy(ew, raw); err != nil {
					return err
				}
			case n == ManifestFile && c.Manifest != nil:
				ew, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
				if err != nil {
					return err
				}
				if _, err := ew.Write(c.Manifest); err != nil {
					return err
				}
			default:
				if err := copyEntry(zw, n, added[n]); err != nil {
					return err
				}
			}
		}
		return zw.Close()
	})
}

func copyEntry(zw *zip.Writer, name, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	// Packages are zip files already: store them as they are.
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = io.Copy(ew, f)
	return err
}

func copyInto(dst, src string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

func writeBytes(p string, data []byte) error {
	return atomicfile.Write(p, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// packageFiles are the files a .difybndl holds: the manifest, _assets/**, and
// README files at the root.
func packageFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "." || p == "_assets" || strings.HasPrefix(p, "_assets/") {
				return nil
			}
			return fs.SkipDir
		}
		if p == ManifestFile || strings.HasPrefix(p, "_assets/") || (path.Dir(p) == "." && strings.HasPrefix(p, "README")) {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}
