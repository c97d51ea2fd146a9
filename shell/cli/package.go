package cli

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/sign"
	"github.com/spf13/cobra"
)

type packageOptions struct {
	io            *Streams
	ctx           context.Context
	dir           string
	dirs          []string // several plugins (DIR/... or more than one argument)
	output        string
	maxSizeMB     int64
	dryRun        bool
	showIgnored   bool
	json          bool
	signKey       string
	category      string
	noValidate    bool
	useUV         bool
	externalLinks bool
	allowSecrets  bool
	maxSizeGiven  bool
	offline       offlineFlags
}

func newPackageCmd(s *Streams, runF func(*packageOptions) error) *cobra.Command {
	o := &packageOptions{io: s}
	cmd := &cobra.Command{
		Use:   "package DIR|PKG...",
		Short: "Validate a plugin and write NAME.difypkg",
		Long: `Validate the plugin in DIR and zip it into a package the Dify daemon installs.

Files are selected with .difyignore (or .gitignore when there is no .difyignore),
read with exact gitignore rules: later lines win and !pattern re-includes. The
package is reproducible: the same files always give the same bytes. It is written
to a temporary file and renamed, so a failed or interrupted run leaves nothing
behind.

A plugin with pyproject.toml and uv.lock but no requirements.txt gets one
generated from the lock (see dify plugin requirements) and added to the package;
the directory is not changed.

Symbolic links to files inside the plugin are packaged as the files they point
to; links out of the plugin are refused unless --allow-external-links is given.

Credentials are refused: .env files (.env.example is fine), private keys and
API tokens in any text file, named with the line and the ignore line that
leaves them out; --allow-secrets packages them with a warning.

--offline makes a package that installs on a Dify with no internet: the wheels
of every dependency, for each target platform, go into wheels/, taken from
uv.lock (or a requirements.txt of exact pins), from --wheelhouse, from the
lock's URLs or from --index-url, checked against their sha256 and cached.
It also repackages a downloaded .difypkg. The targets default to the manifest's
meta.arch and meta.runner.version (--platform, --python). When it is written,
dify prints the settings the Dify needs to install it: PLUGIN_MAX_PACKAGE_SIZE
and MAX_PLUGIN_PACKAGE_SIZE when it is over 50 MiB, NGINX_CLIENT_MAX_BODY_SIZE
for the upload, and FORCE_VERIFYING_SIGNATURE=false (or the third-party
signature settings, with --sign).

Several plugins are packaged at once, side by side: give several directories, or
DIR/... for every plugin below DIR. Each package is named after its directory
(NAME.difypkg) in the folder -o names (the current one by default); a table
follows, --json prints it as JSON, and the exit status is 1 if any fails.`,
		Example: `  dify plugin package ./weather
  dify plugin package ./weather -o dist/weather-0.1.0.difypkg
  dify plugin package --dry-run --show-ignored ./weather
  dify plugin package ./weather --offline
  dify plugin package langgenius-openai_0.2.7.difypkg --offline --platform linux/amd64
  dify plugin package ./weather --offline --index-url https://mirrors.example.com/pypi/simple
  dify plugin package marketplace:langgenius/openai@0.2.7 --offline
  dify plugin package https://github.com/acme/weather/releases/download/v1.0.0/weather.difypkg --offline
  dify plugin package plugins/... -o dist`,
		Args: minArgs(1, "the plugin directory (or, with --offline, a .difypkg, marketplace:AUTHOR/NAME@VERSION or a package's URL)"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.dir = cmd.Context(), filepath.Clean(args[0])
			if isRemote(args[0]) {
				if !o.offline.on || len(args) > 1 {
					return usagef("%s is a package elsewhere: --offline downloads it and packages it again, one at a time", args[0])
				}
				o.dir = args[0]
			} else if cmd.Flags().Changed("marketplace-url") {
				return usagef("--marketplace-url goes with a marketplace:AUTHOR/NAME@VERSION source")
			}
			o.maxSizeGiven = cmd.Flags().Changed("max-size")
			if len(args) > 1 || strings.HasSuffix(filepath.ToSlash(args[0]), "/...") {
				if o.offline.on || o.dryRun || o.showIgnored || o.signKey != "" {
					return usagef("--offline, --dry-run, --show-ignored and --sign take one plugin at a time")
				}
				o.dirs = args
				return dispatch(o, runF, packageMany)
			}
			if o.offline.on {
				if o.showIgnored || o.json || o.useUV {
					return usagef("--show-ignored, --json and --uv do not go with --offline")
				}
				return dispatch(o, runF, offlineRun)
			}
			if o.offline.given(cmd) {
				return usagef("--platform, --python, --wheelhouse, --index-url and --refresh go with --offline")
			}
			if o.showIgnored && !o.dryRun {
				return usagef("--show-ignored needs --dry-run")
			}
			if o.json && !o.dryRun {
				return usagef("--json needs --dry-run")
			}
			return dispatch(o, runF, packageRun)
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "package file to write (default: NAME.difypkg in the current directory)")
	addMaxSizeFlag(f, &o.maxSizeMB)
	f.BoolVar(&o.dryRun, "dry-run", false, "list the files that would be packaged, and write nothing")
	f.BoolVar(&o.showIgnored, "show-ignored", false, "with --dry-run: also list what is left out, and by which ignore line")
	f.BoolVar(&o.json, "json", false, "with --dry-run or several plugins: print the result as JSON")
	f.BoolVar(&o.noValidate, "no-validate", false, "package without checking the plugin first")
	f.StringVar(&o.signKey, "sign", "", "sign the package with this private key (PKCS#1 PEM)")
	f.StringVar(&o.category, "category", "langgenius", "with --sign: authorized category (langgenius, partner or community)")
	f.BoolVar(&o.useUV, "uv", false, "make a missing requirements.txt with the installed uv (or $UV_PATH) instead of the built-in export")
	addExternalLinksFlag(f, &o.externalLinks)
	addAllowSecretsFlag(f, &o.allowSecrets)
	o.offline.register(f)
	completeValues(cmd, "category", sign.Categories)
	completeValues(cmd, "platform", []string{"linux/amd64", "linux/arm64"})
	completePluginArg(cmd)
	completeFlagSuffix(cmd, "sign", ".private.pem")
	return cmd
}

func packageRun(o *packageOptions) error {
	if st, err := os.Stat(o.dir); err == nil && !st.IsDir() {
		return usagef("%s is a package; --offline packages a package again, otherwise give the plugin's directory", o.dir)
	}
	if o.dryRun {
		return dryRun(o)
	}
	s := o.io
	opts := pack.Options{Dir: o.dir, Output: o.output, MaxSize: maxSizeBytes(o.maxSizeMB), Validate: validateAll,
		NoValidate: o.noValidate, AllowExternalLinks: o.externalLinks, AllowSecrets: o.allowSecrets}
	if o.useUV {
		opts.Requirements.UV = uvPath(s)
	}
	if o.noValidate {
		fmt.Fprintln(s.Err, "warning: --no-validate: the plugin is not checked, and Dify may refuse the package")
	}
	if o.signKey != "" {
		var err error
		if opts.Sign, err = o.signer(); err != nil {
			return err
		}
	}
	var bar *progressBar
	if s.ErrTerminal {
		bar = newProgressBar(s.Err, s.factory().Now)
		opts.Progress = bar.packing
	}
	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	res, err := pack.Package(ctx, opts)
	if bar != nil {
		bar.finish()
	}
	if res != nil {
		reportGenerated(s, o.dir, res.Generated)
		for _, w := range res.Warnings {
			fmt.Fprintf(s.Err, "warning: %s\n", w)
		}
		for _, d := range res.Findings {
			fmt.Fprintln(s.Err, d)
		}
	}
	if err := o.failure(ctx, err); err != nil {
		return err
	}
	signed := ""
	if o.signKey != "" {
		signed = " and signed it"
	}
	fmt.Fprintf(s.Err, "packaged %d files (%s) from %s%s\n", res.Files, bytesize.Format(res.Size), o.dir, signed)
	fmt.Fprintln(s.Out, res.Output)
	return nil
}

// failure explains why packaging failed, or returns nil when it did not.
func (o *packageOptions) failure(ctx context.Context, err error) error {
	s := o.io
	if cause := context.Cause(ctx); err != nil && cause != nil {
		return cause
	}
	var problems *pack.ProblemError
	if errors.As(err, &problems) {
		for _, d := range problems.Diagnostics {
			fmt.Fprintln(s.Err, d)
		}
		n := len(problems.Diagnostics)
		return fmt.Errorf("%s has %d file%s that cannot be packaged; nothing was written", o.dir, n, plural(n))
	}
	var invalid *manifest.InvalidError
	if errors.As(err, &invalid) {
		for _, d := range invalid.Diagnostics {
			fmt.Fprintln(s.Err, d)
		}
		n := len(invalid.Diagnostics)
		if o.noValidate || invalid.Diagnostics.Fatal() {
			return fmt.Errorf("%s cannot be packaged: manifest.yaml must exist and be valid YAML; nothing was written", o.dir)
		}
		return fmt.Errorf("%s has %d error%s; nothing was written (use --no-validate to package anyway)", o.dir, n, plural(n))
	}
	return err
}

// signer signs with --sign's key in --category.
func (o *packageOptions) signer() (func(io.Writer, *zip.Reader) error, error) {
	cat, err := sign.ParseCategory(o.category)
	if err != nil {
		return nil, err
	}
	key, err := readPrivateKey(o.signKey)
	if err != nil {
		return nil, err
	}
	if w := sign.CategoryWarning(cat, key); w != "" {
		o.io.warnf("%s", w)
	}
	return func(w io.Writer, unsigned *zip.Reader) error {
		return sign.Sign(w, unsigned, key, sign.Options{Category: cat, Time: o.io.now()})
	}, nil
}

type dryRunFile struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
	Link string `json:"link,omitempty"`
}

type dryRunIgnored struct {
	Path   string `json:"path"`
	File   string `json:"ignore_file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason,omitempty"`
}

type dryRunListing struct {
	Dir       string          `json:"dir"`
	Output    string          `json:"output"`
	Files     []dryRunFile    `json:"files"`
	FileCount int             `json:"file_count"`
	TotalSize int64           `json:"total_size"`
	Ignored   []dryRunIgnored `json:"ignored,omitempty"`
	Validated bool            `json:"validated"`
	Findings  []jsonFinding   `json:"findings"`
	Errors    int             `json:"errors"`
	Warnings  int             `json:"warnings"`
}

// dryRun lists what the package would hold and runs every check the real
// run does; it writes nothing, and fails where the real run would.
func dryRun(o *packageOptions) error {
	s := o.io
	opts := pack.Options{Dir: o.dir, Output: o.output, MaxSize: maxSizeBytes(o.maxSizeMB), Validate: validateAll,
		NoValidate: o.noValidate, AllowExternalLinks: o.externalLinks, AllowSecrets: o.allowSecrets}
	if o.useUV {
		opts.Requirements.UV = uvPath(s)
	}
	d, err := pack.Preview(opts)
	if err != nil {
		return err
	}
	plan := d.Plan
	defer plan.Close()
	for _, w := range plan.Warnings {
		fmt.Fprintf(s.Err, "warning: %s\n", w)
	}
	reportGenerated(s, o.dir, plan.Generated)
	errs, warns := count(d.Findings)
	l := dryRunListing{Dir: o.dir, Output: d.Output, Files: []dryRunFile{}, FileCount: len(plan.Files), TotalSize: plan.TotalSize(),
		Validated: d.Validated, Findings: jsonFindings(d.Findings), Errors: errs, Warnings: warns}
	for _, f := range plan.Files {
		l.Files = append(l.Files, dryRunFile{Path: f.Path, Size: f.Size, Link: f.Link})
	}
	if o.showIgnored {
		for _, ig := range plan.Ignored {
			d := dryRunIgnored{Path: ig.Path, Reason: ig.Reason}
			if ig.Rule != nil {
				d.File, d.Line, d.Rule = ig.Rule.File, ig.Rule.Line, ig.Rule.Text
			}
			l.Ignored = append(l.Ignored, d)
		}
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(l); err != nil {
			return err
		}
	} else {
		width := len(fmt.Sprint(l.TotalSize))
		for _, f := range l.Files {
			fmt.Fprintf(s.Out, "%*d  %s\n", width, f.Size, f.Path)
		}
		fmt.Fprintf(s.Out, "%d files, %d bytes (%s)\n", l.FileCount, l.TotalSize, bytesize.Format(l.TotalSize))
		if o.showIgnored {
			fmt.Fprintf(s.Out, "\nleft out:\n")
			tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
			for _, ig := range l.Ignored {
				why := ig.Reason
				if ig.File != "" {
					why = fmt.Sprintf("%s:%d: %s", ig.File, ig.Line, ig.Rule)
				}
				fmt.Fprintf(tw, "  %s\t%s\n", ig.Path, why)
			}
			tw.Flush()
		}
		for _, f := range d.Findings {
			fmt.Fprintln(s.Err, f)
		}
	}
	checked := "checked as a real run checks"
	if !d.Validated {
		checked = "not validated (--no-validate); the manifest loads"
	}
	if errs > 0 {
		fmt.Fprintf(s.Err, "dry run: %s: %d error%s, %d warning%s; the real run would write nothing\n", checked, errs, plural(errs), warns, plural(warns))
		return &silentError{code: exitFailure}
	}
	fmt.Fprintf(s.Err, "dry run: %s: %d errors, %d warning%s; the real run would write %s\n", checked, errs, warns, plural(warns), d.Output)
	return nil
}
