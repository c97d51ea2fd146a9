package pack

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// The fs.FS view.

func (p *Plan) buildDirs() {
	dirs := map[string]map[string]fs.DirEntry{".": {}}
	for _, f := range p.Files {
		child := fs.FileInfoToDirEntry(fileInfo{name: path.Base(f.Path), size: f.Size})
		name := f.Path
		for {
			dir := path.Dir(name)
			if dirs[dir] == nil {
				dirs[dir] = map[string]fs.DirEntry{}
			}
			dirs[dir][path.Base(name)] = child
			if dir == "." {
				break
			}
			child = fs.FileInfoToDirEntry(fileInfo{name: path.Base(dir), dir: true})
			name = dir
		}
	}
	p.dirs = make(map[string][]fs.DirEntry, len(dirs))
	for d, m := range dirs {
		list := make([]fs.DirEntry, 0, len(m))
		for _, e := range m {
			list = append(list, e)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
		p.dirs[d] = list
	}
}

// Open implements fs.FS.
func (p *Plan) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if entries, ok := p.dirs[name]; ok {
		return &dirFile{info: fileInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	if _, ok := p.index[name]; !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: p.missing(name)}
	}
	if g, ok := p.gen[name]; ok {
		if g.disk != "" {
			osf, err := os.Open(g.disk)
			if err != nil {
				return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathError(err)}
			}
			return &diskFile{File: osf, info: fileInfo{name: path.Base(name), size: p.Files[p.index[name]].Size}}, nil
		}
		return &memFile{Reader: bytes.NewReader(g.data), info: fileInfo{name: path.Base(name), size: int64(len(g.data))}}, nil
	}
	if data, kept := p.Kept(name); kept {
		return &memFile{Reader: bytes.NewReader(data), info: fileInfo{name: path.Base(name), size: int64(len(data))}}, nil
	}
	if p.archive != nil {
		return p.archive.Open(name)
	}
	osf, err := os.Open(filepath.Join(p.walk.abs, filepath.FromSlash(name)))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathError(err)}
	}
	st, err := osf.Stat()
	if err != nil || !st.Mode().IsRegular() {
		osf.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("no longer a regular file")}
	}
	// Times and modes are not part of a package; the view shows none.
	return &diskFile{File: osf, info: fileInfo{name: path.Base(name), size: st.Size()}}, nil
}

// onDisk gives the path of a file Open reads straight from the plugin's
// folder: not generated, not kept in memory, not in a package.
func (p *Plan) onDisk(name string) (string, bool) {
	if p.archive != nil || p.walk == nil {
		return "", false
	}
	if _, ok := p.index[name]; !ok {
		return "", false
	}
	if _, ok := p.gen[name]; ok {
		return "", false
	}
	if _, kept := p.Kept(name); kept {
		return "", false
	}
	return filepath.Join(p.walk.abs, filepath.FromSlash(name)), true
}

func (p *Plan) missing(name string) error {
	if p.walk != nil {
		return p.walk.missing(name)
	}
	return fs.ErrNotExist
}

// ReadDir implements fs.ReadDirFS.
func (p *Plan) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, ok := p.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return append([]fs.DirEntry(nil), entries...), nil
}

// Stat implements fs.StatFS.
func (p *Plan) Stat(name string) (fs.FileInfo, error) {
	if _, ok := p.dirs[name]; ok {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	if i, ok := p.index[name]; ok {
		return fileInfo{name: path.Base(name), size: p.Files[i].Size}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: p.missing(name)}
}

type diskFile struct {
	*os.File
	info fileInfo
}

func (f *diskFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// WriteTo copies the file to w through a pooled buffer: *os.File's own
// WriteTo, there for sockets, allocates a buffer for any other writer.
func (f *diskFile) WriteTo(w io.Writer) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(w, struct{ io.Reader }{f.File}, *buf)
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

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

// Kept returns the contents of a file Check read, when the plan was opened
// with Keep; the slice must not be changed.
func (p *Plan) Kept(name string) ([]byte, bool) {
	p.keptMu.Lock()
	defer p.keptMu.Unlock()
	data, ok := p.kept[name]
	return data, ok
}
