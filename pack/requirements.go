package pack

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/uvlock"
)

// Requirements says how a plugin without requirements.txt but with a uv.lock gets one.
type Requirements struct {
	// UV, when not empty, is a uv executable to run (`uv export`) instead of the built-in
	// export. The built-in export prints the same lines and needs nothing installed.
	UV string
}

// GeneratedRequirements describes a requirements.txt added to the package.
type GeneratedRequirements struct {
	Lines    int    // packages listed
	By       string // "uv.lock" for the built-in export, else the uv executable that ran
	Warnings []string
}

// generateRequirements adds requirements.txt made from pyproject.toml and
// uv.lock to a directory's plan, under the official packager's conditions,
// which look at the disk rather than the selected files: nothing named
// requirements.txt exists at the root (an ignored one still counts, and
// stays out), and uv.lock does. So a uv.lock left out by .difyignore is
// still read: the lock is an input, not part of the package. Where the
// official packager silently makes a package with no dependency list when
// pyproject.toml is missing beside uv.lock, this is an error naming the file.
// It returns nil when nothing is generated.
func generateRequirements(p *Plan, r Requirements) (*GeneratedRequirements, error) {
	root := p.walk.abs
	if _, err := os.Lstat(filepath.Join(root, depfile.Requirements)); err == nil {
		return nil, nil
	}
	if _, err := os.Lstat(filepath.Join(root, depfile.Lock)); err != nil {
		return nil, nil
	}
	var data []byte
	gen := &GeneratedRequirements{By: depfile.Lock}
	if r.UV != "" {
		out, err := uvlock.RunUV(r.UV, p.From)
		if err != nil {
			return nil, err
		}
		data, gen.By = out, r.UV
	} else {
		res, err := uvlock.Export(regularFiles(root), uvlock.Options{})
		if err != nil {
			return nil, fmt.Errorf("cannot generate %s: %w", depfile.Requirements, uvlock.InDir(err, p.From))
		}
		data, gen.Warnings = res.Requirements, res.Warnings
	}
	gen.Lines = bytes.Count(data, []byte("\n"))
	p.addGenerated(depfile.Requirements, generated{data: data}, int64(len(data)))
	return gen, nil
}

// DiskFiles is the directory dir as it is on disk, without ignore rules,
// refusing to open anything but regular files: opening a FIFO named uv.lock
// would block forever.
func DiskFiles(dir string) fs.FS { return regularFiles(dir) }

type regularFiles string

func (d regularFiles) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	full := filepath.Join(string(d), filepath.FromSlash(name))
	st, err := os.Stat(full)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathError(err)}
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("it is %s, not a regular file", describeMode(st.Mode()))}
	}
	return os.Open(full)
}
