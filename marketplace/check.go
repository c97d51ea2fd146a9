package marketplace

import (
	"context"
	"io/fs"
	"runtime"
	"sort"
	"sync"

	"github.com/dify-cli/dify/secret"
)

// Plugin is one plugin to check: the files its package holds.
type Plugin struct {
	// FS holds the package's files: a *pack.Plan of a directory (what
	// packaging would take) or of a .difypkg.
	FS fs.FS
	// Name says which plugin a report is about (its path).
	Name string
	// PackageSize is the size of the .difypkg in bytes, or -1 when it is
	// known to be under the marketplace's limit without writing it.
	PackageSize int64
	// Exec reports whether unpacking gives a file an executable bit; nil
	// for none (packages written by dify and by the official tool).
	Exec func(name string) bool
	// LeaveOut says how to keep a file out of the package, given the ignore
	// line that would (".env", "*.pem").
	LeaveOut func(line string) string
	// Contents, when set, gives files already in memory (read by the
	// daemon's checks), which must not change.
	Contents func(name string) ([]byte, bool)
	// Secrets, when set, gives what secret.Scan with its generic tier
	// found in a file Contents gives (the daemon's checks made the scan).
	Secrets func(name string) ([]secret.Finding, bool)
}

// Check runs every check on each plugin, the plugins side by side, and
// returns their reports in the same order. One Python process per
// processor reads the Python files of all of them.
func Check(ctx context.Context, plugins []Plugin, opts Options) ([]*Report, error) {
	started := make([]*Started, len(plugins))
	errs := make([]error, len(plugins))
	parallel(len(plugins), func(i int) { started[i], errs[i] = Start(plugins[i], opts) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return Finish(ctx, started, opts), nil
}

// Started is a plugin whose files have been read: every check that needs
// them has run, and what is left (the interpreter's answers, the domains,
// the marketplace's answer online) needs only what they found.
type Started struct {
	c   *checker
	ask []*pyFile // the files no kept answer covers
}

// Start runs the checks of one plugin that read its files, and looks up
// the interpreter's kept answers. Once it returns, the plugin's files are
// not read again: a caller checking many plugins can let each go (close its
// plan) and keep memory to a few plugins' worth.
func Start(p Plugin, opts Options) (*Started, error) {
	c, err := newChecker(p, opts)
	if err != nil {
		return nil, err
	}
	c.offline()
	s := &Started{c: c}
	if opts.Python != "" {
		s.ask = c.unanswered(newPyCache(opts.CacheDir, opts.Python, opts.PythonVersion))
	}
	c.t.release()
	return s, nil
}

// Finish asks the interpreter about the files of all the plugins that no
// kept answer covers, then completes each plugin's report, in order.
func Finish(ctx context.Context, started []*Started, opts Options) []*Report {
	if opts.Python != "" {
		var ask []*pyFile
		for _, s := range started {
			ask = append(ask, s.ask...)
		}
		err := runPythonParallel(ctx, opts.Python, ask)
		if cache := newPyCache(opts.CacheDir, opts.Python, opts.PythonVersion); err == nil && cache != nil {
			parallel(len(ask), func(i int) { cache.put(ask[i], ask[i].owner.python[ask[i].path]) })
		}
		for _, s := range started {
			s.c.pythonErr = err
			s.ask = nil
		}
	}
	reports := make([]*Report, len(started))
	parallel(len(started), func(i int) {
		c := started[i].c
		c.applyPython(opts.PythonVersion)
		c.domains()
		c.online(ctx)
		reports[i] = c.report()
	})
	return reports
}

// parallel runs f(0..n-1) on as many goroutines as there are processors.
func parallel(n int, f func(int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// unanswered lists this plugin's files the interpreter must read: those
// the cache has no answer for (all of them without a cache). Answers found
// are kept in c.python.
func (c *checker) unanswered(cache *pyCache) []*pyFile {
	files := c.pythonFiles()
	if cache == nil {
		return files
	}
	var ask []*pyFile
	for _, f := range files {
		if r, ok := cache.get(f); ok {
			c.python[f.path] = r
		} else {
			ask = append(ask, f)
		}
	}
	return ask
}

// runPythonParallel splits the files between one interpreter per processor
// when there are many.
func runPythonParallel(ctx context.Context, python string, files []*pyFile) error {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(files)/200))
	if parts <= 1 {
		return runPython(ctx, python, files)
	}
	errs := make([]error, parts)
	chunk := (len(files) + parts - 1) / parts
	parallel(parts, func(i int) {
		lo, hi := i*chunk, min(len(files), (i+1)*chunk)
		if lo < hi {
			errs[i] = runPython(ctx, python, files[lo:hi])
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checker holds one plugin's checks while they run.
type checker struct {
	t        *tree
	opts     Options
	name     string
	leaveOut func(line string) string
	out      []Finding
	skipped  []Skip

	fields    *fields
	fieldsErr error

	mu        sync.Mutex // guards python, filled by runPython
	python    map[string]pyResult
	pythonErr error
	calls     int // network call sites found in Python
	runtime   int // of which build their address at run time

	// Found while the files are read, judged after the interpreter.
	hosts    []hostsFound
	declared []string // network.domains
	caps     []Capability
}

func newChecker(p Plugin, opts Options) (*checker, error) {
	var files []file
	err := fs.WalkDir(p.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := file{path: name, size: info.Size()}
		if p.Exec != nil {
			f.exec = p.Exec(name)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	c := &checker{t: &tree{fsys: p.FS, files: files, packageSize: p.PackageSize, contents: p.Contents, secrets: p.Secrets}, opts: opts, name: p.Name,
		leaveOut: p.LeaveOut, python: map[string]pyResult{}}
	if c.leaveOut == nil {
		c.leaveOut = func(string) string { return "package the plugin again without it" }
	}
	if data, err := c.t.read(manifestFile, 4<<20); err == nil {
		c.fields, c.fieldsErr = readFields(data)
	}
	return c, nil
}

func (c *checker) emit(check string) emit { return emit{check: check, out: &c.out} }

func (c *checker) skip(check, reason string) { c.skipped = append(c.skipped, Skip{check, reason}) }

func (c *checker) note(check, reason string) { c.skip(check, reason) }

func (c *checker) fieldValue(name string) string {
	if c.fields == nil {
		return ""
	}
	return c.fields.get(name)
}

// offline runs the checks that need nothing but the files.
func (c *checker) offline() {
	c.contents()
	c.secrets()
	c.binaries()
	c.manifestMetadata()
	c.readme()
	c.dependencies()
	c.financial()
	c.icon()
	c.findHosts()
	c.caps = c.capabilities()
}

// outOfScope are what the marketplace checks that no package can tell.
var outOfScope = []Skip{
	{"dependency_vulnerabilities", "not checked here: the marketplace asks the OSV database about the dependencies (it only warns)"},
	{"sensitive_capabilities", "checked against the pull request's body by dify plugin publish"},
	{"install_test", "the marketplace installs the plugin and starts it; dify plugin run does the same on this machine"},
}

func (c *checker) report() *Report {
	c.skipped = append(c.skipped, outOfScope...)
	r := &Report{Findings: c.out, Skipped: c.skipped, Capabilities: c.caps, Manifest: map[string]string{}}
	if c.fields != nil {
		for k, v := range c.fields.values {
			r.Manifest[k] = v
		}
	}
	r.sort()
	return r
}
