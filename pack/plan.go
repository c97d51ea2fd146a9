package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/secret"
)

// PlanOptions say how a plan selects files.
type PlanOptions struct {
	// Exclude lists files never to select, e.g. the package being written.
	// Paths may be relative to the working directory or absolute.
	Exclude []string
	// MaxSize caps the uncompressed size in bytes; ≤ 0 means DefaultMaxSize.
	MaxSize int64
	// Requirements says how requirements.txt is made for a directory that
	// has only pyproject.toml and uv.lock.
	Requirements Requirements
	// AllowExternalLinks packages the content of symbolic links that point
	// outside the plugin directory. By default they are refused, so that a
	// link such as _assets/x.svg → /etc/shadow never ships a private file.
	AllowExternalLinks bool
	// AllowSecrets makes the credentials Check finds (.env files, private
	// keys, API tokens) warnings instead of errors.
	AllowSecrets bool
}

// Plan is what a package holds, decided once: the files a plugin directory
// selects through its ignore rules, or the entries of a package, plus the
// files generated for it (requirements.txt from uv.lock). Every command
// reads plugins through a plan: validation checks it, the dry run lists it,
// checksum hashes it and Write streams it, so all of them see the same
// files. A Plan is an fs.FS of exactly those files, in which directories
// exist only when they hold a file, as in a package.
type Plan struct {
	From       string // the directory or package the plan was made from
	IsPackage  bool   // From is a .difypkg
	IgnoreFile string // DifyIgnore, GitIgnore or "" (directories only)
	Files      []File // sorted by Path; generated files included
	Ignored    []Ignored
	Warnings   []string // things worth telling that do not stop packaging
	MaxSize    int64
	// Generated describes the requirements.txt made from uv.lock, if any.
	Generated *GeneratedRequirements
	// AllowSecrets: see PlanOptions.
	AllowSecrets bool

	problems manifest.Diagnostics
	size     *SizeError
	walk     *walk    // for a directory
	archive  *Archive // for a package
	gen      map[string]generated
	index    map[string]int
	dirs     map[string][]fs.DirEntry
}

// Open makes the plan of a plugin directory or a .difypkg. It fails only
// when path cannot be read as a plugin at all; problems with its files are
// reported by Problems and Err.
func Open(path string, opts PlanOptions) (*Plan, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", path)
		}
		return nil, err
	}
	if st.IsDir() {
		return OpenDir(path, opts)
	}
	return OpenPackage(path, opts)
}

// OpenDir makes the plan of a plugin directory.
func OpenDir(dir string, opts PlanOptions) (*Plan, error) {
	w, err := walkDir(dir, opts)
	if err != nil {
		return nil, err
	}
	p := &Plan{From: dir, IgnoreFile: w.ignoreFile, Files: w.files, Ignored: w.ignored, Warnings: w.warnings,
		MaxSize: limit(opts.MaxSize), problems: w.problems, walk: w, AllowSecrets: opts.AllowSecrets}
	p.index = indexFiles(p.Files)
	// The size is checked before anything is read or parsed: a 200 MB
	// manifest.yaml must not be decoded to find out that it is too large.
	if p.checkSize() {
		gen, err := generateRequirements(p, opts.Requirements)
		if err != nil {
			return nil, err
		}
		if gen != nil {
			p.Generated = gen
			p.Warnings = append(p.Warnings, gen.Warnings...)
			p.checkSize()
		}
	}
	p.buildDirs()
	return p, nil
}

// OpenPackage makes the plan of a .difypkg: its entries as they are.
func OpenPackage(name string, opts PlanOptions) (*Plan, error) {
	arc, err := openArchive(name, limit(opts.MaxSize))
	if err != nil {
		return nil, err
	}
	return packagePlan(name, arc, opts), nil
}

// ReadPackage makes the plan of a package read from r, which holds size
// bytes; name is how messages call it.
func ReadPackage(name string, r io.ReaderAt, size int64, opts PlanOptions) (*Plan, error) {
	arc, err := NewArchive(r, size, limit(opts.MaxSize))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	arc.Path = name
	return packagePlan(name, arc, opts), nil
}

func packagePlan(name string, arc *Archive, opts PlanOptions) *Plan {
	p := &Plan{From: name, IsPackage: true, MaxSize: limit(opts.MaxSize), archive: arc, AllowSecrets: opts.AllowSecrets}
	for _, f := range arc.File {
		// CheckEntries refused names that clean to something else than a
		// relative path; the daemon reads "./x" as "x", and so does a plan.
		p.Files = append(p.Files, File{Path: path.Clean(f.Name), Size: declaredSize(f)})
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	p.index = indexFiles(p.Files)
	p.size = arc.oversize
	p.buildDirs()
	return p
}

// Close releases the package file a plan reads from.
func (p *Plan) Close() error {
	if p.archive != nil {
		return p.archive.Close()
	}
	return nil
}

// Archive is the package the plan was made from, or nil for a directory.
func (p *Plan) Archive() *Archive { return p.archive }

func limit(maxSize int64) int64 {
	if maxSize <= 0 {
		return DefaultMaxSize
	}
	return maxSize
}

func indexFiles(files []File) map[string]int {
	index := make(map[string]int, len(files))
	for i, f := range files {
		index[f.Path] = i
	}
	return index
}

// TotalSize is the sum of the sizes of the plan's files.
func (p *Plan) TotalSize() int64 {
	var n int64
	for _, f := range p.Files {
		n = addSizes(n, f.Size)
	}
	return n
}

// checkSize records a size problem and reports whether the plan is within
// its limit.
func (p *Plan) checkSize() bool {
	if total := p.TotalSize(); total > p.MaxSize {
		p.size = newSizeError(p.MaxSize, total, p.Files)
		return false
	}
	p.size = nil
	return true
}

// Has reports whether the slash path name is one of the plan's files.
func (p *Plan) Has(name string) bool { _, ok := p.index[name]; return ok }

// IsGenerated reports whether name exists only in the package, made by
// the plan rather than selected from the plugin.
func (p *Plan) IsGenerated(name string) bool { _, ok := p.gen[name]; return ok }

// generated is a file made for the package: its content, or the file on
// disk that holds it.
type generated struct {
	data []byte
	disk string
}

// addGenerated adds (or replaces) a file that exists only in the package.
func (p *Plan) addGenerated(name string, g generated, size int64) {
	if p.gen == nil {
		p.gen = map[string]generated{}
	}
	p.gen[name] = g
	if i, ok := p.index[name]; ok {
		p.Files[i] = File{Path: name, Size: size}
		return
	}
	p.Files = append(p.Files, File{Path: name, Size: size})
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	p.index = indexFiles(p.Files)
}

// Generate adds (or replaces) a file with the given content, as a step
// of the plan: an offline build's requirements.txt.
func (p *Plan) Generate(name string, data []byte) {
	p.addGenerated(name, generated{data: data}, int64(len(data)))
	p.changed()
}

// AddDiskFile adds (or replaces) a file whose content is the file at
// path, of the given size: an offline build's wheels.
func (p *Plan) AddDiskFile(name, path string, size int64) {
	p.addGenerated(name, generated{disk: path}, size)
	p.changed()
}

// Remove leaves files out of the plan; a name ending in "/" removes
// everything under that directory.
func (p *Plan) Remove(names ...string) {
	p.Files = slices.DeleteFunc(p.Files, func(f File) bool {
		for _, n := range names {
			if f.Path == n || strings.HasSuffix(n, "/") && strings.HasPrefix(f.Path, n) {
				delete(p.gen, f.Path)
				return true
			}
		}
		return false
	})
	p.index = indexFiles(p.Files)
	p.changed()
}

// SetMaxSize changes the size limit and checks the plan against it.
func (p *Plan) SetMaxSize(n int64) {
	p.MaxSize = limit(n)
	p.changed()
}

// changed brings the size check and the directory view up to date.
func (p *Plan) changed() {
	if p.archive == nil || p.archive.oversize == nil {
		p.checkSize()
	}
	p.buildDirs()
}

// Problems lists what stops the plan from becoming a package Dify installs,
// found without reading any file: files that cannot be packaged (special
// files, links out of the plugin, bad names) and a size over the limit.
func (p *Plan) Problems() manifest.Diagnostics {
	ds := append(manifest.Diagnostics(nil), p.problems...)
	if p.size != nil {
		at := ""
		if len(p.size.Largest) > 0 {
			at = p.size.Largest[0].Path
		}
		hint := p.size.Fix()
		if p.IsPackage && !p.size.overCeiling() {
			hint = "Dify refuses it before reading it: package the plugin again without the large files, or raise --max-size if your Dify allows larger packages (PLUGIN_MAX_PACKAGE_SIZE)"
		}
		ds = append(ds, manifest.Diagnostic{Pos: manifest.Position{File: at}, Severity: manifest.Error, Rule: "size",
			Message: p.size.summary(), Hint: hint})
	}
	ds.Sort()
	return ds
}

// Err returns what stops the plan from being packaged, checksummed or
// installed, before any validation: a *SizeError when it is too large, a
// *ProblemError when files cannot be packaged, or nil.
func (p *Plan) Err() error {
	if p.size != nil {
		return fmt.Errorf("%s: %w", p.From, p.size)
	}
	if len(p.problems) > 0 {
		ds := append(manifest.Diagnostics(nil), p.problems...)
		ds.Sort()
		return &ProblemError{From: p.From, Diagnostics: ds}
	}
	return nil
}

// ProblemError lists files of a plugin that cannot be packaged.
type ProblemError struct {
	From        string
	Diagnostics manifest.Diagnostics
}

func (e *ProblemError) Error() string {
	lines := []string{fmt.Sprintf("%s cannot be packaged:", e.From)}
	for _, d := range e.Diagnostics {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}

// Check finds everything that would make Dify refuse the plan's package or
// fail to run it, in one pass: the problems above; files that cannot be
// read (unreadable files, damaged entries); and every manifest and
// declaration rule (manifest.Check). Nothing is parsed when the size is
// over the limit. The findings are sorted.
func (p *Plan) Check() manifest.Diagnostics {
	ds := p.Problems()
	if p.size != nil {
		return ds
	}
	ds = append(ds, p.readAll()...)
	ds = append(ds, manifest.Check(p)...)
	ds.Sort()
	return ds
}

// readAll reads every entry of a package to its end, so that a bad CRC or
// a cut-short stream is found before upload, and opens every file of a
// directory, so that an unreadable one is found before packaging. Text
// files are scanned for credentials on the way (secrets.go).
func (p *Plan) readAll() manifest.Diagnostics {
	var ds manifest.Diagnostics
	for _, f := range p.Files {
		if p.IsGenerated(f.Path) {
			continue
		}
		if secret.IsEnvFile(f.Path) {
			ds = append(ds, p.envFile(f.Path))
		}
		file, err := p.Open(f.Path)
		if err == nil {
			ds = append(ds, p.scanSecrets(f, file, &err)...)
			file.Close()
		}
		if err == nil {
			continue
		}
		var damaged *DamagedError
		if errors.As(err, &damaged) {
			ds = append(ds, manifest.Diagnostic{Pos: manifest.Position{File: f.Path}, Severity: manifest.Error, Rule: "damaged",
				Message: "the entry is damaged: " + damaged.Why, Hint: "download the package again or package the plugin anew"})
			continue
		}
		ds = append(ds, manifest.Diagnostic{Pos: manifest.Position{File: f.Path}, Severity: manifest.Error, Rule: "file-unreadable",
			Message: fmt.Sprintf("cannot read this file: %v", unwrapPathError(err)),
			Hint:    fmt.Sprintf("make it readable (chmod a+r), or leave it out with the line %q in %s", "/"+f.Path, p.ignoreName())})
	}
	return ds
}

func (p *Plan) ignoreName() string {
	if p.walk != nil {
		return p.walk.ignoreName()
	}
	return DifyIgnore
}

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
