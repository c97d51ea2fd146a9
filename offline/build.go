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

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
)

// BuildOptions describe one offline build.
type BuildOptions struct {
	Options
	From   string // a plugin directory, or a .difypkg to package again
	Output string // the package to write
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
	FileSize  int64 // the package file's size in bytes
}

// Build writes the offline package of a plugin: its files, without
// pyproject.toml and uv.lock (the daemon would run `uv sync` against the
// network if they were there), with the wheels under wheels/ and a
// requirements.txt that installs from them alone. Nothing is written when
// a wheel is missing or a download fails its check.
func Build(ctx context.Context, o BuildOptions) (*Result, error) {
	res := &Result{}
	maxSize := o.MaxSize
	if maxSize <= 0 {
		maxSize = pack.Ceiling
	}
	opts := pack.Options{Dir: o.From, Output: o.Output, MaxSize: maxSize, Validate: o.Validate, Sign: o.Sign, Progress: o.Write, AllowSecrets: o.AllowSecrets,
		Transform: func(plan *pack.Plan) error {
			sel, err := Select(ctx, ProjectFiles(plan), o.Options)
			if err != nil {
				return err
			}
			res.Selection = sel
			if err := sel.Err(); err != nil {
				return err
			}
			if err := Fetch(ctx, sel, o.Options); err != nil {
				return err
			}
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

// Apply turns a plan into its offline form with the selection's files,
// which must have been fetched.
func Apply(plan *pack.Plan, sel *Selection) {
	plan.Remove("pyproject.toml", "uv.lock", "wheels/")
	plan.Generate(pack.RequirementsFile, sel.Requirements)
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

// DefaultOutput names the offline package of a plugin directory or
// package: NAME-offline.difypkg in the working directory.
func DefaultOutput(from string) (string, error) {
	abs, err := filepath.Abs(from)
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(abs), ".difypkg")
	return base + "-offline.difypkg", nil
}

// DifySettings are the settings a Dify needs to install an offline package
// of the given uncompressed size and file size, signed with signKey (a
// private key's path) or not signed ("").
func DifySettings(size, fileSize int64, signKey string) []string {
	const mib = 1 << 20
	var lines []string
	if size > pack.DefaultMaxSize {
		limit := (size + mib - 1) / mib * mib
		lines = append(lines, fmt.Sprintf("set PLUGIN_MAX_PACKAGE_SIZE=%d (Dify API) and MAX_PLUGIN_PACKAGE_SIZE=%d (plugin daemon); the defaults are %d", limit, limit, pack.DefaultMaxSize))
	} else {
		lines = append(lines, "PLUGIN_MAX_PACKAGE_SIZE and MAX_PLUGIN_PACKAGE_SIZE: the defaults (50 MiB) are enough")
	}
	lines = append(lines, fmt.Sprintf("NGINX_CLIENT_MAX_BODY_SIZE (docker-compose nginx) must be at least %dM, the size of the upload", (fileSize+mib-1)/mib))
	if signKey != "" {
		pub := strings.TrimSuffix(filepath.Base(signKey), ".private.pem") + ".public.pem"
		lines = append(lines, "set THIRD_PARTY_SIGNATURE_VERIFICATION_ENABLED=true and THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS to where "+pub+" is inside the plugin daemon's container")
	} else {
		lines = append(lines, "set FORCE_VERIFYING_SIGNATURE=false: a repackaged plugin has no marketplace signature (or sign it with --sign and your key)")
	}
	return lines
}
