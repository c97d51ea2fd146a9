package marketplace

import (
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/pytext"
	"github.com/dify-cli/dify/secret"
)

// tree is the plugin as the validator sees it once the package is unpacked:
// its regular files, read on demand.
type tree struct {
	fsys  fs.FS
	files []file // sorted by path
	// packageSize is the size of the .difypkg, or -1 when not known.
	packageSize int64

	contents func(name string) ([]byte, bool)           // files already in memory
	secrets  func(name string) ([]secret.Finding, bool) // the credential scan of those, already made

	mu    sync.Mutex
	text  map[string]string // decoded contents of small files, by path
	bytes map[string][]byte // contents of small files, by path: each is read once
	// released is set once the checks that read files are done.
	released bool
}

type file struct {
	path string
	size int64
	exec bool // an executable bit the unpacked file would have
}

// maxText is the largest file any check reads as text (the validator's
// per-file limit).
const maxText = 1 << 20

func (t *tree) has(name string) bool {
	_, ok := t.find(name)
	return ok
}

func (t *tree) find(name string) (file, bool) {
	i, ok := slices.BinarySearchFunc(t.files, name, func(f file, name string) int { return strings.Compare(f.path, name) })
	if !ok {
		return file{}, false
	}
	return t.files[i], true
}

// release lets the files go: nothing reads them after the checks that
// need them have run (Start), and a folder of plugins would otherwise be
// held in memory whole.
func (t *tree) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fsys, t.contents, t.secrets, t.text, t.bytes = nil, nil, nil, nil, nil
	t.released = true
}

// scanned gives what secret.Scan with its generic tier finds in a file of
// at most secret.MaxFile bytes: the scan the daemon's checks made, when
// they kept the file, else one made now.
func (t *tree) scanned(name string, data []byte) []secret.Finding {
	if t.secrets != nil {
		if found, ok := t.secrets(name); ok {
			return found
		}
	}
	return secret.Scan(name, data, true)
}

// read returns a file's bytes, at most limit of them. Files of at most
// maxText bytes are read once and kept, since most checks read them.
func (t *tree) read(name string, limit int64) ([]byte, error) {
	if t.contents != nil {
		if data, ok := t.contents(name); ok {
			return data[:min(int64(len(data)), limit)], nil
		}
	}
	if f, ok := t.find(name); ok && f.size <= maxText {
		t.mu.Lock()
		data, ok := t.bytes[name]
		t.mu.Unlock()
		if !ok {
			var err error
			if data, err = t.readFile(name, maxText+1); err != nil {
				return nil, err
			}
			t.mu.Lock()
			if t.bytes == nil {
				t.bytes = map[string][]byte{}
			}
			t.bytes[name] = data
			t.mu.Unlock()
		}
		return data[:min(int64(len(data)), limit)], nil
	}
	return t.readFile(name, limit)
}

func (t *tree) readFile(name string, limit int64) ([]byte, error) {
	if t.released {
		panic("marketplace: " + name + " read after the checks that read files (Start)")
	}
	f, err := t.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// textOf returns a file of at most maxText bytes decoded as the validator
// decodes it (UTF-8, invalid bytes dropped); ok is false for a larger or
// unreadable file.
func (t *tree) textOf(name string) (string, bool) {
	t.mu.Lock()
	s, ok := t.text[name]
	t.mu.Unlock()
	if ok {
		return s, true
	}
	data, err := t.read(name, maxText+1)
	if err != nil || len(data) > maxText {
		return "", false
	}
	s = pytext.DecodeShared(data)
	t.mu.Lock()
	if t.text == nil {
		t.text = map[string]string{}
	}
	t.text[name] = s
	t.mu.Unlock()
	return s, true
}

// head returns a file's first n bytes.
func (t *tree) head(name string, n int64) []byte {
	data, _ := t.read(name, n)
	return data
}

// dirs returns the folders of a slash path, outermost first ("a/b/c.py":
// "a", "b").
func dirs(p string) []string {
	d := path.Dir(p)
	if d == "." {
		return nil
	}
	return strings.Split(d, "/")
}

// pruned reports whether a walk that does not descend into folders for
// which skip holds leaves p out.
func pruned(p string, skip func(name string) bool) bool {
	for _, d := range dirs(p) {
		if skip(d) {
			return true
		}
	}
	return false
}

func in(set ...string) func(string) bool {
	return func(name string) bool {
		for _, s := range set {
			if s == name {
				return true
			}
		}
		return false
	}
}

// The folders most of the validator's scans do not enter.
var (
	vcsAndEnvs      = in("__pycache__", ".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules")
	toolFolders     = in(".git", ".hg", ".svn", ".venv", "venv", "env", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".tox", ".nox", "node_modules")
	sourceSkips     = func(name string) bool { return strings.HasPrefix(name, ".") || sourceSkipNames(strings.ToLower(name)) }
	sourceSkipNames = in("venv", "env", "node_modules", "vendor", "__pycache__", "site-packages", "dist-packages")
)

// sourceFiles are the files the capability and domain scans read: code and
// configuration outside hidden and vendored folders, not hidden themselves,
// not the dependency files, at most 1 MiB.
func (t *tree) sourceFiles() []file {
	var out []file
	for _, f := range t.files {
		name := path.Base(f.path)
		if pruned(f.path, sourceSkips) || strings.HasPrefix(name, ".") || f.size > maxText {
			continue
		}
		switch strings.ToLower(pytext.Suffix(f.path)) {
		case ".py", ".yaml", ".yml", ".json", ".toml", ".js", ".ts":
		default:
			continue
		}
		if name == "requirements.txt" || name == "pyproject.toml" || name == "uv.lock" {
			continue
		}
		out = append(out, f)
	}
	return out
}
