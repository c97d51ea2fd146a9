package pack

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The fs.FS view of a Source: only selected files are visible, and
// directories exist only when they contain one, as in a package.

func (s *Source) buildDirs() {
	dirs := map[string]map[string]fs.DirEntry{".": {}}
	for _, f := range s.Files {
		child := fs.FileInfoToDirEntry(fileInfo{name: path.Base(f.Path), size: f.Size})
		p := f.Path
		for {
			dir := path.Dir(p)
			if dirs[dir] == nil {
				dirs[dir] = map[string]fs.DirEntry{}
			}
			dirs[dir][path.Base(p)] = child
			if dir == "." {
				break
			}
			child = fs.FileInfoToDirEntry(fileInfo{name: path.Base(dir), dir: true})
			p = dir
		}
	}
	s.dirs = make(map[string][]fs.DirEntry, len(dirs))
	for d, m := range dirs {
		list := make([]fs.DirEntry, 0, len(m))
		for _, e := range m {
			list = append(list, e)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
		s.dirs[d] = list
	}
}

// Open implements fs.FS.
func (s *Source) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if entries, ok := s.dirs[name]; ok {
		return &dirFile{info: fileInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	f := s.files[name]
	if f == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: s.missing(name)}
	}
	if data, ok := s.gen[name]; ok {
		return &memFile{Reader: bytes.NewReader(data), info: fileInfo{name: path.Base(name), size: int64(len(data))}}, nil
	}
	osf, err := os.Open(filepath.Join(s.abs, filepath.FromSlash(name)))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathError(err)}
	}
	st, err := osf.Stat()
	if err != nil || !st.Mode().IsRegular() {
		osf.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("no longer a regular file")}
	}
	// Times and modes are not part of a package; the view shows none.
	return &diskFile{File: osf, info: fileInfo{name: path.Base(name), size: st.Size()}}, nil
}

type diskFile struct {
	*os.File
	info fileInfo
}

func (f *diskFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// missing explains why a name is not in the view: absent, or ignored.
func (s *Source) missing(name string) error {
	for _, ig := range s.Ignored {
		p := strings.TrimSuffix(ig.Path, "/")
		if name == p || strings.HasPrefix(name, p+"/") {
			if ig.Rule != nil {
				return &IgnoredError{Path: name, Rule: *ig.Rule}
			}
			return fmt.Errorf("left out: %s", ig.Reason)
		}
	}
	return fs.ErrNotExist
}

// IgnoredError is returned when a file exists on disk but the ignore rules
// leave it out of the package.
type IgnoredError struct {
	Path string
	Rule Rule
}

func (e *IgnoredError) Error() string {
	return fmt.Sprintf("excluded by %s line %d (%q)", e.Rule.File, e.Rule.Line, e.Rule.Text)
}

// Is makes errors.Is(err, fs.ErrNotExist) true: the file is not in the package.
func (e *IgnoredError) Is(target error) bool { return target == fs.ErrNotExist }

// ReadDir implements fs.ReadDirFS.
func (s *Source) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, ok := s.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return append([]fs.DirEntry(nil), entries...), nil
}

// Stat implements fs.StatFS.
func (s *Source) Stat(name string) (fs.FileInfo, error) {
	if _, ok := s.dirs[name]; ok {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	if f := s.files[name]; f != nil {
		return fileInfo{name: path.Base(name), size: f.Size}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: s.missing(name)}
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type dirFile struct {
	info    fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *dirFile) Close() error { return nil }
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return append([]fs.DirEntry(nil), rest...), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return append([]fs.DirEntry(nil), rest[:n]...), nil
}

type memFile struct {
	*bytes.Reader
	info fileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }
