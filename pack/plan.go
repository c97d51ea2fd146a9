package pack

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

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
	// Keep keeps in memory the files of up to 1 MiB that Check reads, so
	// that checks run after it (the marketplace's) read them from there,
	// with what the credential scan found in them, its generic tier too
	// (Secrets).
	Keep bool
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

	keep    bool
	keptMu  sync.Mutex
	kept    map[string][]byte           // contents Check read, with keep
	secrets map[string][]secret.Finding // what the credential scan found in them
	closed  bool                        // Close was called
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
		MaxSize: limit(opts.MaxSize), problems: w.problems, walk: w, AllowSecrets: opts.AllowSecrets, keep: opts.Keep}
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
	p := &Plan{From: name, IsPackage: true, MaxSize: limit(opts.MaxSize), archive: arc, AllowSecrets: opts.AllowSecrets, keep: opts.Keep}
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

// Close releases the package file a plan reads from and the files it kept
// in memory; a second Close does nothing.
func (p *Plan) Close() error {
	p.keptMu.Lock()
	p.kept, p.secrets = nil, nil
	closed := p.closed
	p.closed = true
	p.keptMu.Unlock()
	if p.archive != nil && !closed {
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
		data, err := p.readHead(f)
		if err == nil {
			ds = append(ds, p.scanSecrets(f, data)...)
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
