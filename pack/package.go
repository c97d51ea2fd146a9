package pack

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/manifest"
)

// Options describe one packaging run.
type Options struct {
	Dir     string // the plugin project directory, or a .difypkg to package again
	Output  string // package file to write; "" means DefaultOutput(Dir)
	MaxSize int64  // uncompressed size limit in bytes; ≤ 0 means DefaultMaxSize
	// Validate checks the plugin before anything is written; findings that
	// are errors stop packaging. Nil means CheckPlugin.
	Validate func(*Plan) manifest.Diagnostics
	// NoValidate skips Validate. Problems that make a package impossible
	// (Plan.Err) and a manifest.yaml that is missing or does not parse still
	// stop packaging: no Dify could read the result.
	NoValidate bool
	// Sign, when set, turns the unsigned package into the signed one written
	// to Output; the unsigned package exists only as an unnamed temporary file.
	Sign func(w io.Writer, unsigned *zip.Reader) error
	// Progress, when set, is told about each file written.
	Progress func(Progress)
	// Requirements says how requirements.txt is made when only uv.lock is there.
	Requirements Requirements
	// AllowExternalLinks packages symbolic links that point out of the plugin.
	AllowExternalLinks bool
	// AllowSecrets packages .env files and files with credentials in them,
	// with a warning instead of refusing.
	AllowSecrets bool
	// Transform, when set, changes the plan before it is checked and
	// written: an offline build adds wheels and rewrites requirements.txt.
	Transform func(*Plan) error
}

// Result describes a written package.
type Result struct {
	Output   string
	Files    int
	Size     int64 // uncompressed
	Warnings []string
	Findings manifest.Diagnostics // warnings from validation
	// Generated is set when requirements.txt was generated from uv.lock.
	Generated *GeneratedRequirements
}

// DefaultOutput is where a package of dir goes when no output is given:
// NAME.difypkg in the working directory, NAME being dir's base name.
func DefaultOutput(dir string) (string, error) { return OutputName(dir, "") }

// OutputName names the package made from a plugin directory or package:
// its base name (without .difypkg), then suffix, then .difypkg, in the
// working directory.
func OutputName(from, suffix string) (string, error) {
	abs, err := filepath.Abs(from)
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(abs), ".difypkg")
	if base == string(filepath.Separator) || base == "." || base == "" {
		return "", fmt.Errorf("cannot name a package after %q; give the output file with -o", from)
	}
	return base + suffix + ".difypkg", nil
}

// PlanFor makes the plan Package writes for opts: the output is never part
// of its own package.
func PlanFor(opts Options) (*Plan, string, error) {
	out := opts.Output
	if out == "" {
		var err error
		if out, err = DefaultOutput(opts.Dir); err != nil {
			return nil, "", err
		}
	}
	po := PlanOptions{Exclude: []string{out}, MaxSize: opts.MaxSize,
		Requirements: opts.Requirements, AllowExternalLinks: opts.AllowExternalLinks, AllowSecrets: opts.AllowSecrets}
	if st, err := os.Stat(opts.Dir); err == nil && st.Mode().IsRegular() {
		p, err := OpenPackage(opts.Dir, po)
		return p, out, err
	}
	p, err := OpenDir(opts.Dir, po)
	return p, out, err
}

// CheckPlugin is the validation packaging does by default: the manifest and
// every file it references load from the selected files, and icons exist
// under _assets/.
func CheckPlugin(p *Plan) manifest.Diagnostics {
	m, ds := manifest.Load(p)
	if m != nil {
		ds = append(ds, manifest.CheckAssets(m, p)...)
	}
	return ds
}

// Package validates the plugin in opts.Dir and writes its package atomically:
// on failure or cancellation nothing is written and an existing file at the
// output path is left untouched.
func Package(ctx context.Context, opts Options) (*Result, error) {
	plan, out, err := PlanFor(opts)
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	res := &Result{Output: out, Warnings: plan.Warnings, Generated: plan.Generated}
	if opts.Transform != nil {
		if err := opts.Transform(plan); err != nil {
			return res, err
		}
	}
	if err := plan.Err(); err != nil {
		return res, err
	}
	// Validation and compression run at once: they read the same files, and
	// for a small plugin each is about half the work. The package goes to
	// an unnamed temporary file that gets its name only once validation has
	// passed, so a plugin with errors still leaves nothing behind; an error
	// stops the compression early.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	found := make(chan manifest.Diagnostics, 1)
	go func() {
		ds := validate(plan, opts)
		ds.Sort()
		if ds.Err() != nil {
			stop()
		}
		found <- ds
	}()
	var ds manifest.Diagnostics
	var waited sync.Once
	wait := func() error {
		waited.Do(func() { ds = <-found })
		return ds.Err()
	}
	defer wait() // the plan stays open until validation is done with it
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		if err := wait(); err != nil {
			return res, err
		}
		return res, fmt.Errorf("output %s is a directory; give a file name with -o", out)
	}
	write := func(w io.Writer) error {
		err := Write(ctx, w, plan, WriteOptions{MaxSize: plan.MaxSize, Progress: opts.Progress})
		if invalid := wait(); invalid != nil {
			return invalid
		}
		return err
	}
	if opts.Sign != nil {
		write = signedWriter(write, opts.Sign)
	}
	// A missing output folder is made, as release tools do, and removed
	// again when nothing could be written in it.
	made, err := makeParent(out)
	if err != nil {
		if invalid := wait(); invalid != nil {
			return res, invalid
		}
		return res, err
	}
	if err := atomicfile.Write(out, 0o644, write); err != nil {
		for _, dir := range made {
			os.Remove(dir)
		}
		if invalid := wait(); invalid != nil {
			return res, invalid // what is wrong with the plugin comes first
		}
		return res, err
	}
	res.Findings = ds
	res.Files = len(plan.Files)
	res.Size = plan.TotalSize()
	return res, nil
}

// makeParent creates the missing folders above out and returns them,
// deepest first.
func makeParent(out string) ([]string, error) {
	var made []string
	for dir := filepath.Dir(out); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		made = append(made, dir)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	for i := len(made) - 1; i >= 0; i-- {
		if err := os.Mkdir(made[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			for _, d := range made[i+1:] {
				os.Remove(d)
			}
			return nil, fmt.Errorf("cannot create the folder for %s: %w", out, err)
		}
	}
	return made, nil
}

// DryRun is what Package would do, found without writing anything: the
// plan (open; Close it), where the package would go, and the same checks.
type DryRun struct {
	Plan     *Plan
	Output   string
	Findings manifest.Diagnostics // the validation's, and what stops packaging
	// Validated is false with NoValidate: only the manifest was loaded.
	Validated bool
}

// Err is the error Package would return, or nil.
func (d *DryRun) Err() error { return d.Findings.Err() }

// Preview runs everything Package runs but the writing: the plan, its
// problems, the validation, and the checks of the output path.
func Preview(opts Options) (*DryRun, error) {
	plan, out, err := PlanFor(opts)
	if err != nil {
		return nil, err
	}
	d := &DryRun{Plan: plan, Output: out, Validated: !opts.NoValidate}
	if opts.Transform != nil {
		if err := opts.Transform(plan); err != nil {
			plan.Close()
			return nil, err
		}
	}
	d.Findings = plan.Problems()
	if plan.Err() == nil {
		d.Findings = append(d.Findings, validate(plan, opts)...)
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		d.Findings = append(d.Findings, manifest.Diagnostic{Pos: manifest.Position{File: out}, Severity: manifest.Error, Rule: "output",
			Message: "the output is a directory", Hint: "give a file name with -o"})
	}
	d.Findings.Sort()
	return d, nil
}

// validate runs the validation opts ask for.
func validate(plan *Plan, opts Options) manifest.Diagnostics {
	switch {
	case opts.NoValidate:
		if m, loaded := manifest.Load(plan); m == nil {
			return loaded
		}
		return nil
	case opts.Validate != nil:
		return opts.Validate(plan)
	default:
		return CheckPlugin(plan)
	}
}

// signedWriter writes the package to a scratch file, then writes its
// signed form to w.
func signedWriter(write func(io.Writer) error, sign func(io.Writer, *zip.Reader) error) func(io.Writer) error {
	return func(w io.Writer) error {
		tmp, done, err := atomicfile.Scratch("")
		if err != nil {
			return err
		}
		defer done()
		if err := write(tmp); err != nil {
			return err
		}
		size, err := tmp.Seek(0, io.SeekCurrent)
		if err != nil {
			return err
		}
		zr, err := zip.NewReader(tmp, size)
		if err != nil {
			return err
		}
		if err := sign(w, zr); err != nil {
			return fmt.Errorf("signing: %w", err)
		}
		return nil
	}
}
