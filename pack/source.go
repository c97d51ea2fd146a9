package pack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Ignore file names, in order of preference. The first one present at the
// plugin root decides which name is read in every directory of the tree.
const (
	DifyIgnore = ".difyignore"
	GitIgnore  = ".gitignore"
)

// File is one file selected for packaging.
type File struct {
	Path string // slash path relative to the plugin root
	Size int64
	// Link is the link target when the file is a symbolic link to a regular
	// file; its content is what gets packaged.
	Link string
}

// Ignored is a file or directory left out of the package, and why.
type Ignored struct {
	Path   string // slash path; directories end in "/"
	Rule   *Rule  // the ignore rule that excluded it, or nil
	Reason string // set when no rule is responsible
}

// Source is a plugin directory seen through its ignore rules. It implements
// fs.FS over exactly the files that would be packaged.
type Source struct {
	Root       string    // the plugin directory as given
	IgnoreFile string    // DifyIgnore, GitIgnore or "" when neither exists
	Files      []File    // sorted by Path, byte order
	Ignored    []Ignored // in walk order
	Warnings   []string  // things worth telling the user that do not stop packaging

	abs   string
	files map[string]*File
	dirs  map[string][]fs.DirEntry
	gen   map[string][]byte
}

// SourceOptions tune which files a Source selects.
type SourceOptions struct {
	// Exclude lists files never to select, e.g. the package being written.
	// Paths may be relative to the working directory or absolute.
	Exclude []string
}

// OpenSource walks dir, applying the ignore rules, and returns the selected files.
// It fails on anything that cannot be packaged faithfully: symbolic links to
// directories, broken links, FIFOs, sockets, devices and names containing `\`.
func OpenSource(dir string, opts SourceOptions) (*Source, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("plugin directory %s does not exist", dir)
		}
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory; give the plugin's project directory", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Source{Root: dir, abs: abs, files: map[string]*File{}}
	for _, name := range []string{DifyIgnore, GitIgnore} {
		if st, err := os.Stat(filepath.Join(abs, name)); err == nil && st.Mode().IsRegular() {
			s.IgnoreFile = name
			break
		}
	}
	skip := map[string]bool{}
	for _, p := range opts.Exclude {
		if a, err := filepath.Abs(p); err == nil {
			skip[a] = true
		}
	}
	rootReal, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	w := walker{s: s, skip: skip, rootReal: rootReal}
	if err := w.walk("", nil); err != nil {
		return nil, err
	}
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	for i := range s.Files {
		s.files[s.Files[i].Path] = &s.Files[i]
	}
	s.buildDirs()
	return s, nil
}

type walker struct {
	s        *Source
	skip     map[string]bool
	rootReal string
}

func (w *walker) walk(rel string, rules []Rule) error {
	dirAbs := filepath.Join(w.s.abs, filepath.FromSlash(rel))
	if w.s.IgnoreFile != "" {
		name := path.Join(rel, w.s.IgnoreFile)
		if data, err := os.ReadFile(filepath.Join(dirAbs, w.s.IgnoreFile)); err == nil {
			// Copy so sibling directories do not share appended rules.
			rules = append(append([]Rule(nil), rules...), ParseIgnore(name, data)...)
		}
	}
	entries, err := os.ReadDir(dirAbs)
	if err != nil {
		return fmt.Errorf("cannot read directory %s: %w", displayDir(w.s.Root, rel), unwrapPathError(err))
	}
	for _, e := range entries {
		p := path.Join(rel, e.Name())
		abs := filepath.Join(dirAbs, e.Name())
		mode := e.Type()
		isDir := mode.IsDir()
		if r := decide(rules, p, isDir); r != nil && !r.negate {
			w.s.Ignored = append(w.s.Ignored, Ignored{Path: dirSlash(p, isDir), Rule: r})
			continue
		}
		if w.skip[abs] {
			w.s.Ignored = append(w.s.Ignored, Ignored{Path: p, Reason: "the output package"})
			continue
		}
		if !isDir && strings.HasSuffix(e.Name(), ".difypkg") {
			w.s.Ignored = append(w.s.Ignored, Ignored{Path: p, Reason: "packages are never packaged into packages"})
			continue
		}
		if strings.Contains(e.Name(), `\`) {
			return fmt.Errorf("%s: file names containing a backslash cannot be packaged (the daemon reads `\\` as a separator); rename it or add it to %s", p, w.ignoreName())
		}
		switch {
		case isDir:
			if err := w.walk(p, rules); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			f, err := w.link(p, abs)
			if err != nil {
				return err
			}
			w.s.Files = append(w.s.Files, f)
		case mode.IsRegular():
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("%s: %w", p, unwrapPathError(err))
			}
			w.s.Files = append(w.s.Files, File{Path: p, Size: info.Size()})
		default:
			return fmt.Errorf("%s is %s; only regular files and links to regular files can be packaged: remove it or add it to %s", p, describeMode(mode), w.ignoreName())
		}
	}
	return nil
}

func (w *walker) link(p, abs string) (File, error) {
	target, _ := os.Readlink(abs)
	st, err := os.Stat(abs)
	if err != nil {
		return File{}, fmt.Errorf("%s is a broken symbolic link (to %s): fix the link, remove it or add it to %s", p, target, w.ignoreName())
	}
	if st.IsDir() {
		return File{}, fmt.Errorf("%s is a symbolic link to a directory (%s), which cannot be packaged: copy the directory in, or add the link to %s", p, target, w.ignoreName())
	}
	if !st.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s is a symbolic link to %s (%s); only links to regular files can be packaged", p, describeMode(st.Mode()), target)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		if rel, err := filepath.Rel(w.rootReal, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			w.s.Warnings = append(w.s.Warnings, fmt.Sprintf("%s is a symbolic link to %s, outside the plugin directory; its content is packaged", p, real))
		}
	}
	return File{Path: p, Size: st.Size(), Link: target}, nil
}

func (w *walker) ignoreName() string {
	if w.s.IgnoreFile != "" {
		return w.s.IgnoreFile
	}
	return DifyIgnore
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}

func dirSlash(p string, isDir bool) string {
	if isDir {
		return p + "/"
	}
	return p
}

func displayDir(root, rel string) string {
	if rel == "" {
		return root
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// TotalSize is the sum of the sizes of the selected files.
func (s *Source) TotalSize() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Size
	}
	return n
}

// Has reports whether the slash path p is one of the selected files.
func (s *Source) Has(p string) bool { return s.files[p] != nil }

// AddGenerated adds a file that exists only in the package, such as a
// requirements.txt generated from uv.lock. It replaces a selected file of the
// same path.
func (s *Source) AddGenerated(p string, data []byte) {
	if s.gen == nil {
		s.gen = map[string][]byte{}
	}
	s.gen[p] = data
	if f := s.files[p]; f != nil {
		f.Size = int64(len(data))
		f.Link = ""
	} else {
		s.Files = append(s.Files, File{Path: p, Size: int64(len(data))})
		sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
		for i := range s.Files {
			s.files[s.Files[i].Path] = &s.Files[i]
		}
		s.buildDirs()
	}
}

// Generated reports whether p was added with AddGenerated.
func (s *Source) Generated(p string) bool { _, ok := s.gen[p]; return ok }
