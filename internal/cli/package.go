package cli

import (
	"errors"
	"io/fs"

	"archive/zip"
	"github.com/dify-cli/dify/manifest"
	"io"
	"time"

	"encoding/json"
	"fmt"
	"github.com/dify-cli/dify/internal/sign"
	"path/filepath"
	"text/tabwriter"

	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
)

type packageOptions struct {
	dir         string
	output      string
	maxSizeMB   int64
	dryRun      bool
	showIgnored bool
	json        bool
	signKey     string
	category    string
	noValidate  bool
	useUV       bool
}

func newPackageCmd(s *Streams) *cobra.Command {
	o := &packageOptions{}
	cmd := &cobra.Command{
		Use:   "package DIR",
		Short: "Validate a plugin and write NAME.difypkg",
		Long: `Validate the plugin in DIR and zip it into a package the Dify daemon installs.

Files are selected with .difyignore (or .gitignore when there is no .difyignore),
read with exact gitignore rules: later lines win and !pattern re-includes. The
package is reproducible: the same files always give the same bytes. It is written
to a temporary file and renamed, so a failed run leaves nothing behind.

A plugin with pyproject.toml and uv.lock but no requirements.txt gets one
generated from the lock (see dify plugin requirements) and added to the package;
the directory is not changed.`,
		Example: `  dify plugin package ./weather
  dify plugin package ./weather -o dist/weather-0.1.0.difypkg
  dify plugin package --dry-run --show-ignored ./weather`,
		Args: exactArgs(1, "the plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.dir = filepath.Clean(args[0])
			if o.showIgnored && !o.dryRun {
				return usagef("--show-ignored needs --dry-run")
			}
			if o.json && !o.dryRun {
				return usagef("--json needs --dry-run")
			}
			if o.dryRun {
				return dryRun(s, o)
			}
			return packagePlugin(s, o)
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "package file to write (default: NAME.difypkg in the current directory)")
	f.Int64Var(&o.maxSizeMB, "max-size", 50, "limit on the uncompressed size, in MiB (values ≤ 0 mean 50)")
	f.BoolVar(&o.dryRun, "dry-run", false, "list the files that would be packaged, and write nothing")
	f.BoolVar(&o.showIgnored, "show-ignored", false, "with --dry-run: also list what is left out, and by which ignore line")
	f.BoolVar(&o.json, "json", false, "with --dry-run: print the listing as JSON")
	f.BoolVar(&o.noValidate, "no-validate", false, "package without checking the plugin first")
	f.StringVar(&o.signKey, "sign", "", "sign the package with this private key (PKCS#1 PEM)")
	f.StringVar(&o.category, "category", "langgenius", "with --sign: authorized category (langgenius, partner or community)")
	f.BoolVar(&o.useUV, "uv", false, "make a missing requirements.txt with the installed uv (or $UV_PATH) instead of the built-in export")
	return cmd
}

func maxSizeBytes(mb int64) int64 {
	if mb <= 0 {
		return pack.DefaultMaxSize
	}
	return mb << 20
}

func packagePlugin(s *Streams, o *packageOptions) error {
	opts := pack.Options{Dir: o.dir, Output: o.output, MaxSize: maxSizeBytes(o.maxSizeMB), Validate: validateAll}
	if o.useUV {
		opts.Requirements.UV = uvPath(s)
	}
	if o.noValidate {
		opts.Validate = func(fs.FS) manifest.Diagnostics { return nil }
		fmt.Fprintln(s.Err, "warning: --no-validate: the plugin is not checked, and Dify may refuse the package")
	}
	if o.signKey != "" {
		cat, err := sign.ParseCategory(o.category)
		if err != nil {
			return err
		}
		key, err := readPrivateKey(o.signKey)
		if err != nil {
			return err
		}
		opts.Sign = func(w io.Writer, unsigned *zip.Reader) error {
			return sign.Sign(w, unsigned, key, cat, time.Now())
		}
	}
	var bar *progressBar
	if s.ErrTerminal {
		bar = newProgressBar(s.Err, time.Now)
		opts.Progress = bar.update
	}
	res, err := pack.Package(opts)
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
	var invalid *manifest.InvalidError
	if errors.As(err, &invalid) {
		for _, d := range invalid.Diagnostics {
			fmt.Fprintln(s.Err, d)
		}
		return fmt.Errorf("%s has %d error%s; nothing was written (use --no-validate to package anyway)", o.dir, len(invalid.Diagnostics), plural(len(invalid.Diagnostics)))
	}
	if err != nil {
		return err
	}
	signed := ""
	if o.signKey != "" {
		signed = " and signed it"
	}
	fmt.Fprintf(s.Err, "packaged %d files (%s) from %s%s\n", res.Files, pack.HumanSize(res.Size), o.dir, signed)
	fmt.Fprintln(s.Out, res.Output)
	return nil
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
	Files     []dryRunFile    `json:"files"`
	FileCount int             `json:"file_count"`
	TotalSize int64           `json:"total_size"`
	Ignored   []dryRunIgnored `json:"ignored,omitempty"`
}

func dryRun(s *Streams, o *packageOptions) error {
	out := o.output
	if out == "" {
		var err error
		if out, err = pack.DefaultOutput(o.dir); err != nil {
			return err
		}
	}
	src, err := pack.OpenSource(o.dir, pack.SourceOptions{Exclude: []string{out}})
	if err != nil {
		return err
	}
	for _, w := range src.Warnings {
		fmt.Fprintf(s.Err, "warning: %s\n", w)
	}
	req := pack.Requirements{}
	if o.useUV {
		req.UV = uvPath(s)
	}
	gen, err := pack.AddRequirements(src, req)
	if err != nil {
		return err
	}
	reportGenerated(s, o.dir, gen)
	l := dryRunListing{Dir: o.dir, Files: []dryRunFile{}, FileCount: len(src.Files), TotalSize: src.TotalSize()}
	for _, f := range src.Files {
		l.Files = append(l.Files, dryRunFile{Path: f.Path, Size: f.Size, Link: f.Link})
	}
	if o.showIgnored {
		for _, ig := range src.Ignored {
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
		return enc.Encode(l)
	}
	width := len(fmt.Sprint(l.TotalSize))
	for _, f := range l.Files {
		fmt.Fprintf(s.Out, "%*d  %s\n", width, f.Size, f.Path)
	}
	fmt.Fprintf(s.Out, "%d files, %d bytes (%s)\n", l.FileCount, l.TotalSize, pack.HumanSize(l.TotalSize))
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
	return nil
}
