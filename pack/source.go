package pack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/dify-cli/dify/ignore"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/manifest"
)

// Ignore file names, in order of preference. The first one present at the
// plugin root decides which name is read in every directory of the tree.
const (
	DifyIgnore = ignore.DifyIgnore
	GitIgnore  = ignore.GitIgnore
)

// File is one file of a package.
type File struct {
	Path string `json:"path"` // slash path relative to the plugin root
	Size int64  `json:"size"` // for a package: the size its entry declares
	// Link is the link target when the file is a symbolic link to a regular
	// file; its content is what gets packaged.
	Link string `json:"link,omitempty"`
}

// Ignored is a file or directory left out of the package, and why.
type Ignored struct {
	Path   string       // slash path; directories end in "/"
	Rule   *ignore.Rule // the ignore rule that excluded it, or nil
	Reason string       // set when no rule is responsible
}

// walk is what a walk of a plugin directory found.
type walk struct {
	root       string // the directory as given
	abs        string
	rootReal   string
	ignoreFile string
	files      []File // sorted by Path, byte order
	ignored    []Ignored
	warnings   []string
	// problems are files the package cannot hold faithfully: special files,
	// links that do not lead to a regular file inside the plugin, names the
	// daemon cannot read, unreadable directories.
	problems    manifest.Diagnostics
	skip        map[string]bool
	allowLinked bool
}

// walkDir walks dir, applying the ignore rules. It fails only when dir itself
// cannot be read; everything wrong below it is collected in problems.
func walkDir(dir string, opts PlanOptions) (*walk, error) {
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
	rootReal, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	w := &walk{root: dir, abs: abs, rootReal: rootReal, skip: map[string]bool{}, allowLinked: opts.AllowExternalLinks}
	for _, name := range []string{DifyIgnore, GitIgnore} {
		if st, err := os.Stat(filepath.Join(abs, name)); err == nil && st.Mode().IsRegular() {
			w.ignoreFile = name
			break
		}
	}
	for _, p := range opts.Exclude {
		if a, err := filepath.Abs(p); err == nil {
			w.skip[a] = true
		}
	}
	if err := w.dir("", nil); err != nil {
		return nil, err
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].Path < w.files[j].Path })
	return w, nil
}

func (w *walk) problem(p, rule, hint, format string, args ...any) {
	w.problems = append(w.problems, manifest.Diagnostic{Pos: manifest.Position{File: p}, Severity: manifest.Error,
		Rule: rule, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// leaveOut is the usual fix for a file that cannot be packaged.
func (w *walk) leaveOut(p string) string {
	return fmt.Sprintf("remove it, or leave it out with the line %q in %s", "/"+p, w.ignoreName())
}

func (w *walk) dir(rel string, rules []ignore.Rule) error {
	dirAbs := filepath.Join(w.abs, filepath.FromSlash(rel))
	if w.ignoreFile != "" {
		name := path.Join(rel, w.ignoreFile)
		data, err := ignore.ReadFile(filepath.Join(dirAbs, w.ignoreFile))
		switch {
		case err == nil:
			// Copy so sibling directories do not share appended rules.
			rules = append(append([]ignore.Rule(nil), rules...), ignore.Parse(name, data)...)
		case !errors.Is(err, fs.ErrNotExist):
			w.problem(name, "ignore-file", "fix or remove the ignore file", "cannot read this ignore file: %v", err)
		}
	}
	entries, err := os.ReadDir(dirAbs)
	if err != nil {
		if rel == "" {
			return fmt.Errorf("cannot read directory %s: %w", w.root, unwrapPathError(err))
		}
		w.problem(rel+"/", "file-unreadable", w.leaveOut(rel+"/"), "cannot read this directory: %v", unwrapPathError(err))
		return nil
	}
	for _, e := range entries {
		p := path.Join(rel, e.Name())
		abs := filepath.Join(dirAbs, e.Name())
		mode := e.Type()
		isDir := mode.IsDir()
		if r := ignore.Decide(rules, p, isDir); r != nil && !r.Negated() {
			w.ignored = append(w.ignored, Ignored{Path: dirSlash(p, isDir), Rule: r})
			continue
		}
		if w.skip[abs] {
			w.ignored = append(w.ignored, Ignored{Path: p, Reason: "the output package"})
			continue
		}
		if !isDir && strings.HasSuffix(e.Name(), ".difypkg") {
			w.ignored = append(w.ignored, Ignored{Path: p, Reason: "packages are never packaged into packages"})
			continue
		}
		if !isDir && atomicfile.IsTemp(e.Name()) {
			w.ignored = append(w.ignored, Ignored{Path: p, Reason: "a temporary file of dify, being written or left by an interrupted run"})
			continue
		}
		if !utf8.ValidString(p) {
			// Shown escaped: the raw bytes would garble a terminal.
			shown := strings.Trim(strconv.Quote(p), `"`)
			w.problem(shown, "file-name", "rename it, or "+w.leaveOut(shown), "the name is not valid UTF-8 (shown with \\x escapes), which a package cannot hold")
			continue
		}
		if strings.Contains(e.Name(), `\`) {
			w.problem(p, "file-name", "rename it, or "+w.leaveOut(p), "the name contains a backslash, which the daemon reads as a separator")
			continue
		}
		switch {
		case isDir:
			if err := w.dir(p, rules); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			w.link(p, abs)
		case mode.IsRegular():
			info, err := e.Info()
			if err != nil {
				w.problem(p, "file-unreadable", w.leaveOut(p), "cannot read this file: %v", unwrapPathError(err))
				continue
			}
			w.files = append(w.files, File{Path: p, Size: info.Size()})
		default:
			w.problem(p, "special-file", w.leaveOut(p), "this is %s; only regular files and links to regular files can be packaged", describeMode(mode))
		}
	}
	return nil
}

func (w *walk) link(p, abs string) {
	target, _ := os.Readlink(abs)
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, syscall.ELOOP):
		w.problem(p, "symlink", "point the link at a file, or "+w.leaveOut(p), "symbolic link loop: following %s leads back to itself", target)
		return
	case err != nil && errors.Is(err, fs.ErrNotExist):
		w.problem(p, "symlink", "fix the link, or "+w.leaveOut(p), "broken symbolic link: %s does not exist", target)
		return
	case err != nil:
		w.problem(p, "symlink", w.leaveOut(p), "cannot follow the symbolic link to %s: %v", target, unwrapPathError(err))
		return
	case st.IsDir():
		w.problem(p, "symlink", "copy the directory in, or "+w.leaveOut(p), "symbolic link to a directory (%s), which a package cannot hold", target)
		return
	case !st.Mode().IsRegular():
		w.problem(p, "special-file", w.leaveOut(p), "symbolic link to %s (%s); only links to regular files can be packaged", describeMode(st.Mode()), target)
		return
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		if rel, err := filepath.Rel(w.rootReal, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if !w.allowLinked {
				w.problem(p, "symlink-outside", "copy the file into the plugin, "+w.leaveOut(p)+", or pass --allow-external-links to package what it points to",
					"symbolic link to %s, outside the plugin directory; its content would be packaged", real)
				return
			}
			w.warnings = append(w.warnings, fmt.Sprintf("%s is a symbolic link to %s, outside the plugin directory; its content is packaged", p, real))
		}
	}
	w.files = append(w.files, File{Path: p, Size: st.Size(), Link: target})
}

func (w *walk) ignoreName() string {
	if w.ignoreFile != "" {
		return w.ignoreFile
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

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// missing explains why a name is not among the selected files: absent, or
// left out by a rule.
func (w *walk) missing(name string) error {
	for _, ig := range w.ignored {
		p := strings.TrimSuffix(ig.Path, "/")
		if name == p || strings.HasPrefix(name, p+"/") {
			if ig.Rule != nil {
				return &IgnoredError{Path: name, Rule: *ig.Rule}
			}
			return &leftOutError{reason: ig.Reason}
		}
	}
	return fs.ErrNotExist
}

// IgnoredError is returned when a file exists on disk but the ignore rules
// leave it out of the package.
type IgnoredError struct {
	Path string
	Rule ignore.Rule
}

func (e *IgnoredError) Error() string {
	return fmt.Sprintf("excluded by %s line %d (%q)", e.Rule.File, e.Rule.Line, e.Rule.Text)
}

// Is makes errors.Is(err, fs.ErrNotExist) true: the file is not in the package.
func (e *IgnoredError) Is(target error) bool { return target == fs.ErrNotExist }

type leftOutError struct{ reason string }

func (e *leftOutError) Error() string        { return "left out: " + e.reason }
func (e *leftOutError) Is(target error) bool { return target == fs.ErrNotExist }
