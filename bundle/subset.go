package bundle

import (
	"io/fs"
	"path"
	"strings"
)

// subsetFS shows only the listed files of an fs.FS (and their directories).
type subsetFS struct {
	fsys  fs.FS
	files []string
}

func (s subsetFS) allowed(name string) bool {
	for _, f := range s.files {
		if f == name || name == "." || strings.HasPrefix(f, name+"/") {
			return true
		}
	}
	return false
}

func (s subsetFS) Open(name string) (fs.File, error) {
	if !s.allowed(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return s.fsys.Open(name)
}

func (s subsetFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(s.fsys, name)
	if err != nil {
		return nil, err
	}
	var out []fs.DirEntry
	for _, e := range entries {
		if s.allowed(path.Join(name, e.Name())) {
			out = append(out, e)
		}
	}
	return out, nil
}
