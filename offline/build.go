package offline

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// PackageOptions describe one offline package, as a person asks for it.
type PackageOptions struct {
	Options // where wheels come from; Targets, when empty, come from below
	// From is a plugin directory, or a .difypkg to package again.
	From string
	// Output is the package to write; "" is NAME-offline.difypkg.
	Output string
	// Platforms and Python choose the targets; empty, the manifest's
	// meta.arch and meta.runner.version.
	Platforms []string
	Python    string
	// MaxSize caps the uncompressed size; ≤ 0 lets it grow to fit the
	// wheels.
	MaxSize      int64
	AllowSecrets bool // package credentials found in the files, with a warning
	Validate     func(*pack.Plan) manifest.Diagnostics
	Sign         func(w io.Writer, unsigned *zip.Reader) error
	Write        func(pack.Progress)
}

// Result is a written offline package.
type Result struct {
	*pack.Result
	Selection *Selection
	Targets   []Target
	FileSize  int64 // the package file's size in bytes
}

// TargetError is a --platform or --python that names no target.
type TargetError struct{ Err error }

func (e *TargetError) Error() string { return e.Err.Error() }
func (e *TargetError) Unwrap() error { return e.Err }

// Package writes the offline package of a plugin: its files, without
// pyproject.toml and uv.lock (the daemon would run `uv sync` against the
// network if they were there), with the wheels under wheels/ and a
// requirements.txt that installs from them alone. The plugin is read once:
// its manifest gives the targets. Nothing is written when a wheel is
// missing or a download fails its check.
func Package(ctx context.Context, o PackageOptions) (*Result, error) {
	if err := checkTargetFlags(o); err != nil {
		return nil, err
	}
	res := &Result{}
	maxSize := o.MaxSize
	if maxSize <= 0 {
		maxSize = pack.Ceiling
	}
	out := o.Output
	if out == "" {
		var err error
		if out, err = pack.OutputName(o.From, "-offline"); err != nil {
			return nil, err
		}
	}
	opts := pack.Options{Dir: o.From, Output: out, MaxSize: maxSize, Validate: o.Validate, Sign: o.Sign, Progress: o.Write, AllowSecrets: o.AllowSecrets,
		Transform: func(plan *pack.Plan) error {
			sel, targets, err := selectFor(ctx, plan, o)
			res.Selection, res.Targets = sel, targets
			if err != nil {
				return err
			}
			if err := sel.Err(); err != nil {
				return err
			}
			fo := o.Options
			fo.Targets = targets
			if err := Fetch(ctx, sel, fo); err != nil {
				return err
			}
			sel.keep(o.CacheDir, time.Now())
			Apply(plan, sel)
			if o.MaxSize <= 0 {
				plan.SetMaxSize(max(plan.TotalSize(), pack.DefaultMaxSize))
			}
			return nil
		}}
	pr, err := pack.Package(ctx, opts)
	res.Result = pr
	if err != nil {
		return res, err
	}
	if st, err := os.Stat(pr.Output); err == nil {
		res.FileSize = st.Size()
	}
	return res, nil
}

// Preview is the dry run of Package: the targets and the wheels chosen for
// each, and what is missing; nothing is downloaded or written.
func Preview(ctx context.Context, o PackageOptions) (*Selection, error) {
	if err := checkTargetFlags(o); err != nil {
		return nil, err
	}
	plan, err := pack.Open(o.From, pack.PlanOptions{MaxSize: pack.Ceiling})
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	if err := plan.Err(); err != nil {
		return nil, err
	}
	sel, _, err := selectFor(ctx, plan, o)
	return sel, err
}

// checkTargetFlags refuses platforms and Python versions that name no
// target, before anything is read.
func checkTargetFlags(o PackageOptions) error {
	for _, p := range o.Platforms {
		if _, err := ParseArch(p); err != nil {
			return &TargetError{err}
		}
	}
	if o.Python != "" {
		if _, err := ParsePython(o.Python); err != nil {
			return &TargetError{err}
		}
	}
	return nil
}

// selectFor reads the plan's manifest for the targets and selects the
// wheels for them.
func selectFor(ctx context.Context, plan *pack.Plan, o PackageOptions) (*Selection, []Target, error) {
	targets := o.Targets
	var note string
	if len(targets) == 0 {
		p, ds := manifest.Load(plan)
		if p == nil {
			return nil, nil, &manifest.InvalidError{Diagnostics: ds}
		}
		var err error
		if targets, err = Targets(&p.Manifest, o.Platforms, o.Python); err != nil {
			return nil, nil, &TargetError{err}
		}
		if v := p.Manifest.Meta.Runner.Version; o.Python == "" && v != "" && pep440.MajorMinorOf(v) != DaemonPython {
			note = fmt.Sprintf("manifest.yaml asks for Python %s (meta.runner.version), but Dify's daemon installs every plugin with Python %s: the wheels are for %s (--python %s chooses otherwise)", v, DaemonPython, DaemonPython, v)
		}
	}
	so := o.Options
	so.Targets = targets
	sel, err := Select(ctx, ProjectFiles(plan), so)
	if sel != nil && note != "" {
		sel.Warnings = append(sel.Warnings, note)
	}
	return sel, targets, err
}

// Apply turns a plan into its offline form with the selection's files,
// which must have been fetched.
func Apply(plan *pack.Plan, sel *Selection) {
	plan.Remove(depfile.Pyproject, depfile.Lock, "wheels/")
	plan.Generate(depfile.Requirements, sel.Requirements)
	for _, f := range sel.Files {
		plan.AddDiskFile("wheels/"+f.Name, f.Local, f.Size)
	}
}

// ProjectFiles is where the dependency files are read: a package's own
// entries, or a directory's files on disk (ignored ones count, as they do
// when packaging generates requirements.txt).
func ProjectFiles(plan *pack.Plan) fs.FS {
	if plan.IsPackage {
		return plan
	}
	return pack.DiskFiles(plan.From)
}

// DifySettings are the settings a Dify needs to install an offline package
// of the given uncompressed size and file size, signed with signKey (a
// private key's path) or not signed ("").
func DifySettings(size, fileSize int64, signKey string) []string {
	const mib = 1 << 20
	var lines []string
	if size > pack.DefaultMaxSize {
		limit := (size + mib - 1) / mib * mib
		lines = append(lines, fmt.Sprintf("set PLUGIN_MAX_PACKAGE_SIZE=%d (Dify API) and MAX_PLUGIN_PACKAGE_SIZE=%d (plugin daemon; docker-compose passes PLUGIN_MAX_PACKAGE_SIZE to both); the defaults are %d (dify plugin explain too-large-uncompressed)", limit, limit, pack.DefaultMaxSize))
	} else {
		lines = append(lines, "PLUGIN_MAX_PACKAGE_SIZE and MAX_PLUGIN_PACKAGE_SIZE: the defaults (50 MiB) are enough")
	}
	lines = append(lines, fmt.Sprintf("NGINX_CLIENT_MAX_BODY_SIZE (docker-compose nginx) must be at least %dM, the size of the upload (dify plugin explain nginx-413)", (fileSize+mib-1)/mib))
	if signKey != "" {
		pub := strings.TrimSuffix(filepath.Base(signKey), ".private.pem") + ".public.pem"
		lines = append(lines, "set THIRD_PARTY_SIGNATURE_VERIFICATION_ENABLED=true and THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS to where "+pub+" is inside the plugin daemon's container (dify plugin explain bad-signature)")
	} else {
		lines = append(lines, "set FORCE_VERIFYING_SIGNATURE=false: a repackaged plugin has no marketplace signature (or sign it with --sign and your key; dify plugin explain bad-signature)")
	}
	lines = append(lines, "after changing docker/.env, recreate the containers: `docker compose down && docker compose up -d` (`docker compose restart` keeps the old settings)")
	return lines
}
