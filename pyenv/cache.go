package pyenv

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dify-cli/dify/internal/filelock"
)

// Cached is one environment in the cache.
type Cached struct {
	Dir      string
	Python   string // the version it runs, "" when unfinished
	Tool     string
	Source   string
	Plugin   string    // the plugin it was built for, "author/name version"
	Project  string    // where that plugin was: its folder or package
	LastUsed time.Time // zero when unfinished
	Size     int64     // bytes on disk
	InUse    bool      // a running plugin holds it
}

// ErrInUse is returned by Remove for an environment a running plugin holds.
var ErrInUse = errors.New("in use by a running plugin")

// List returns the environments in cacheDir, the least recently used first.
// A missing cache is an empty one.
func List(cacheDir string) ([]Cached, error) {
	entries, err := os.ReadDir(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Cached
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(cacheDir, e.Name())
		c := Cached{Dir: dir, Size: diskSize(dir)}
		if data, err := os.ReadFile(filepath.Join(dir, markerFile)); err == nil {
			var m marker
			if json.Unmarshal(data, &m) == nil {
				c.Python, c.Tool, c.Source, c.Plugin, c.Project = m.Version, m.Tool, m.Source, m.Plugin, m.Project
				if st, err := os.Stat(filepath.Join(dir, markerFile)); err == nil {
					c.LastUsed = st.ModTime()
				}
			}
		}
		if l, err := filelock.TryExclusive(dir + ".lock"); err == nil {
			l.Unlock()
		} else {
			c.InUse = true
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b Cached) int { return a.LastUsed.Compare(b.LastUsed) })
	return out, nil
}

// Remove deletes one environment unless a running plugin holds it.
func Remove(c Cached) error {
	l, err := filelock.TryExclusive(c.Dir + ".lock")
	if errors.Is(err, filelock.ErrLocked) {
		return ErrInUse
	}
	if err != nil {
		return err
	}
	if err := os.RemoveAll(c.Dir); err != nil {
		l.Unlock()
		return err
	}
	return l.Remove()
}

func diskSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".lock") {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n
}
