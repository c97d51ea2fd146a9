package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/marketplace"
	"github.com/dify-cli/dify/offline"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// offlineFlags are the flags of package --offline.
type offlineFlags struct {
	on          bool
	platforms   []string
	python      string
	wheelhouse  string
	indexURL    string
	marketplace string
	refresh     bool
}

func (f *offlineFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.on, "offline", false, "put the wheels of every dependency in the package, for a Dify with no internet")
	fs.StringSliceVar(&f.platforms, "platform", nil, "with --offline: target platforms, linux/amd64 and/or linux/arm64 (default: the manifest's meta.arch)")
	fs.StringVar(&f.python, "python", "", "with --offline: the target Python version (default: 3.12, which Dify's daemon installs with)")
	fs.StringVar(&f.wheelhouse, "wheelhouse", "", "with --offline: a folder of wheels to use before downloading (from pip download, or built)")
	fs.StringVar(&f.indexURL, "index-url", "", "with --offline: a simple index (mirror) to fetch the lock's files from and to resolve requirements.txt on")
	fs.BoolVar(&f.refresh, "refresh", false, "with --offline: resolve requirements.txt again instead of using the resolution kept in the cache")
	fs.StringVar(&f.marketplace, "marketplace-url", marketplace.DefaultBaseURL, "with a marketplace:AUTHOR/NAME@VERSION source: the marketplace to download from")
}

// isRemote reports whether a package argument names a download: the
// marketplace, or a URL.
func isRemote(arg string) bool {
	return strings.HasPrefix(arg, "marketplace:") || strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://")
}

func (f *offlineFlags) given(cmd *cobra.Command) bool {
	for _, name := range []string{"platform", "python", "wheelhouse", "index-url", "refresh"} {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

func offlineRun(o *packageOptions) error {
	s := o.io
	cache, err := s.cacheDir()
	if err != nil {
		return err
	}
	po := offline.PackageOptions{
		Options: offline.Options{Wheelhouse: o.offline.wheelhouse, IndexURL: o.offline.indexURL,
			CacheDir: filepath.Join(cache, "wheels"), Client: s.factory().HTTPClient(), Warn: func(w string) { s.warnf("%s", w) },
			Refresh: o.offline.refresh},
		From: o.dir, Output: o.output, Platforms: o.offline.platforms, Python: o.offline.python,
		Validate: validateAll, AllowSecrets: o.allowSecrets,
	}
	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	if isRemote(o.dir) {
		src, _, err := offline.ParseSource(o.dir, o.offline.marketplace)
		if err != nil {
			return &usageError{err}
		}
		tmp, err := os.MkdirTemp("", "dify-download-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		limit := maxSizeBytes(o.maxSizeMB)
		if !o.maxSizeGiven {
			limit = pack.Ceiling
		}
		path, err := offline.Download(ctx, src, tmp, limit, po.Options)
		if err != nil {
			return o.failure(ctx, fmt.Errorf("downloading %s: %w", o.dir, err))
		}
		if st, err := os.Stat(path); err == nil {
			fmt.Fprintf(s.Err, "downloaded %s (%s) from %s\n", src.Name, bytesize.Format(st.Size()), src.URL)
		}
		po.From = path
	}
	var te *offline.TargetError
	if o.dryRun {
		sel, err := offline.Preview(ctx, po)
		if errors.As(err, &te) {
			return &usageError{err}
		}
		if err != nil {
			return o.failure(ctx, err)
		}
		return offlineListing(o, sel)
	}
	if o.maxSizeGiven {
		po.MaxSize = maxSizeBytes(o.maxSizeMB)
	}
	if o.signKey != "" {
		if po.Sign, err = o.signer(); err != nil {
			return err
		}
	}
	var bar *progressBar
	if s.ErrTerminal {
		bar = newProgressBar(s.Err, s.factory().Now)
		po.Progress = bar.downloading
	}
	res, err := offline.Package(ctx, po)
	if bar != nil {
		bar.finish()
	}
	if errors.As(err, &te) {
		return &usageError{err}
	}
	if res != nil && res.Result != nil {
		for _, w := range res.Warnings {
			s.warnf("%s", w)
		}
		for _, d := range res.Findings {
			fmt.Fprintln(s.Err, d)
		}
	}
	if res != nil && res.Selection != nil {
		for _, w := range res.Selection.Warnings {
			s.warnf("%s", w)
		}
	}
	var missing *offline.MissingError
	if errors.As(err, &missing) {
		return fmt.Errorf("%w\nNothing was written", err)
	}
	if err := o.failure(ctx, err); err != nil {
		return err
	}
	sel := res.Selection
	downloaded := 0
	for _, f := range sel.Files {
		if f.From == "download" {
			downloaded++
		}
	}
	var names []string
	targets := res.Targets
	for _, t := range targets {
		names = append(names, "linux/"+t.Arch)
	}
	fmt.Fprintf(s.Err, "packaged %d files (%s) from %s with %d wheels for %s, Python %s (%d downloaded, from %s)\n",
		res.Files, bytesize.Format(res.Size), o.dir, len(sel.Files), strings.Join(names, " and "), targets[0].Python, downloaded, sel.Source)
	fmt.Fprintf(s.Err, "%s is %s. To install it on a Dify with no internet:\n", res.Output, bytesize.Format(res.FileSize))
	for _, line := range offline.DifySettings(res.Size, res.FileSize, o.signKey) {
		fmt.Fprintln(s.Err, "  - "+line)
	}
	fmt.Fprintln(s.Err, "If Dify refuses it, `dify plugin explain -` reads the error (or the daemon's log) and says why and what to change.")
	fmt.Fprintln(s.Out, res.Output)
	return nil
}

// offlineListing prints, per target, the wheels and what is missing.
func offlineListing(o *packageOptions, sel *offline.Selection) error {
	s := o.io
	fmt.Fprintf(s.Out, "dependencies from %s\n", sel.Source)
	for _, t := range sel.Targets {
		fmt.Fprintf(s.Out, "\n%s:\n", t)
		tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
		var total int64
		for _, f := range sel.Files {
			for _, ft := range f.Targets {
				if ft == t.String() {
					size := "?"
					if f.Size > 0 {
						size = bytesize.Format(f.Size)
						total += f.Size
					}
					fmt.Fprintf(tw, "  %s\t%s\n", f.Name, size)
				}
			}
		}
		for _, m := range sel.Missing {
			if m.Target == t.String() {
				fmt.Fprintf(tw, "  MISSING %s %s\t%s\n", m.Package, m.Version, m.Why)
			}
		}
		tw.Flush()
		fmt.Fprintf(s.Out, "  %s of wheels\n", bytesize.Format(total))
	}
	fmt.Fprintf(s.Out, "\nrequirements.txt:\n%s", sel.Requirements)
	if err := sel.Err(); err != nil {
		return err
	}
	return nil
}
