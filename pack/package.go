package pack

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/manifest"
)

// Options describe one packaging run.
type Options struct {
	Dir     string // the plugin project directory
	Output  string // package file to write; "" means DefaultOutput(Dir)
	MaxSize int64  // uncompressed size limit in bytes; ≤ 0 means DefaultMaxSize
	// Validate checks the plugin before anything is written. Nil means
	// CheckPlugin. Findings that are errors stop packaging.
	Validate func(fsys fs.FS) manifest.Diagnostics
	// Sign, when set, turns the unsigned package into the signed one written
	// to Output; the unsigned package exists only as a temporary file.
	Sign func(w io.Writer, unsigned *zip.Reader) error
	// Progress, when set, is told about each file written.
	Progress func(Progress)
	// Requirements says how requirements.txt is made when only uv.lock is there.
	Requirements Requirements
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
func DefaultOutput(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	base := filepath.Base(abs)
	if base == string(filepath.Separator) || base == "." {
		return "", fmt.Errorf("cannot name a package after %q; give the output file with -o", dir)
	}
	return base + ".difypkg", nil
}

// CheckPlugin is the validation packaging does by default: the manifest and
// every file it references load from the selected files, and icons exist
// under _assets/.
func CheckPlugin(fsys fs.FS) manifest.Diagnostics {
	p, ds := manifest.Load(fsys)
	if p != nil {
		ds = append(ds, manifest.CheckAssets(p, fsys)...)
	}
	return ds
}

// Package validates the plugin in opts.Dir and writes its package atomically:
// on failure nothing is written and an existing file at the output path is
// left untouched.
func Package(opts Options) (*Result, error) {
	out := opts.Output
	if out == "" {
		var err error
		if out, err = DefaultOutput(opts.Dir); err != nil {
			return nil, err
		}
	}
	src, err := OpenSource(opts.Dir, SourceOptions{Exclude: []string{out}})
	if err != nil {
		return nil, err
	}
	res := &Result{Output: out, Warnings: src.Warnings}
	if res.Generated, err = AddRequirements(src, opts.Requirements); err != nil {
		return res, err
	}
	if res.Generated != nil {
		res.Warnings = append(res.Warnings, res.Generated.Warnings...)
	}
	validate := opts.Validate
	if validate == nil {
		validate = CheckPlugin
	}
	ds := validate(src)
	ds.Sort()
	if err := ds.Err(); err != nil {
		return res, err
	}
	res.Findings = ds
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return res, fmt.Errorf("output %s is a directory; give a file name with -o", out)
	}
	write := func(w io.Writer) error {
		return Write(w, src, WriteOptions{MaxSize: opts.MaxSize, Progress: opts.Progress})
	}
	if opts.Sign != nil {
		write = signedWriter(write, opts.Sign)
	}
	if err := atomicfile.Write(out, 0o644, write); err != nil {
		return res, err
	}
	res.Files = len(src.Files)
	res.Size = src.TotalSize()
	return res, nil
}

// signedWriter writes the package to a temporary file, then writes its
// signed form to w.
func signedWriter(write func(io.Writer) error, sign func(io.Writer, *zip.Reader) error) func(io.Writer) error {
	return func(w io.Writer) error {
		tmp, err := os.CreateTemp("", "dify-unsigned-*.difypkg")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
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
