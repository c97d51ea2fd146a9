package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/bundle"
	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/scaffold"
	"github.com/dify-cli/dify/shell/tui"
	"github.com/spf13/cobra"
)

// newBundleCmd builds the bundle group: with want, only that subcommand.
func newBundleCmd(s *Streams, want string) *cobra.Command {
	cmd := newGroupCmd("bundle", "Create and package bundles of plugins")
	addCommands(cmd, want,
		entry{"init", func() *cobra.Command { return newBundleInitCmd(s, nil) }},
		entry{"append", func() *cobra.Command {
			appendCmd := newGroupCmd("append", "Add a dependency to a bundle")
			for _, kind := range []string{bundle.GitHub, bundle.Marketplace, bundle.Package} {
				appendCmd.AddCommand(newBundleAppendCmd(s, kind, nil))
			}
			return appendCmd
		}},
		entry{"remove", func() *cobra.Command { return newBundleRemoveCmd(s, nil) }},
		entry{"regenerate", func() *cobra.Command { return newBundleRegenerateCmd(s, nil) }},
		entry{"bump", func() *cobra.Command { return newBundleBumpCmd(s, nil) }},
		entry{"package", func() *cobra.Command { return newBundlePackageCmd(s, nil) }},
		entry{"analyze", func() *cobra.Command { return newBundleAnalyzeCmd(s, nil) }})
	return cmd
}

// bundleTarget is what the commands that edit one bundle share: its path
// (a directory or a .difybndl, "." by default).
type bundleTarget struct {
	io     *Streams
	bundle string
}

// newBundleTargetCmd completes cmd as a command on one bundle, and runs o
// through dispatch.
func newBundleTargetCmd[O any](cmd *cobra.Command, o *O, t *bundleTarget, runF, work func(*O) error) *cobra.Command {
	cmd.Args = maxArgs(1, "one bundle")
	cmd.RunE = run(func(_ *cobra.Command, args []string) error {
		t.bundle = targetArg(args)
		return dispatch(o, runF, work)
	})
	return cmd
}

// askBundle fills a profile with the bundle form; Esc or Ctrl-C cancels.
func askBundle(s *Streams, p *bundle.Profile, target func(name string) error) error {
	err := tui.BundleForm(s.tuiOptions(), p, target)
	if errors.Is(err, tui.ErrCancelled) {
		return errCancelled
	}
	return err
}

type bundleInitOptions struct {
	io      *Streams
	profile bundle.Profile
	dir     string
}

func newBundleInitCmd(s *Streams, runF func(*bundleInitOptions) error) *cobra.Command {
	o := &bundleInitOptions{io: s}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a bundle directory",
		Long: `Create NAME/ with a bundle manifest, a README and an icon. On a terminal a form asks
for the name, author and description; otherwise --name, --author and --description
are required. Nothing is written on Ctrl-C, with an invalid value, or when NAME/
exists and is not empty.`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return dispatch(o, runF, bundleInitRun)
		}),
	}
	cmd.Flags().StringVar(&o.profile.Name, "name", "", "bundle name: a-z, 0-9, _ and -")
	cmd.Flags().StringVar(&o.profile.Author, "author", "", "author: a-z, 0-9, _ and -")
	cmd.Flags().StringVar(&o.profile.Description, "description", "", "one-line description")
	cmd.Flags().StringVar(&o.dir, "dir", ".", "directory to create the bundle in")
	return cmd
}

func bundleInitRun(o *bundleInitOptions) error {
	s, p := o.io, o.profile
	if p.Name != "" {
		// Refused before any question, not after all of them.
		if err := bundle.CheckName(p.Name); err != nil {
			return &usageError{err}
		}
		if err := scaffold.CheckTarget(filepath.Join(o.dir, p.Name), false); err != nil {
			return err
		}
	}
	if s.CanPrompt() && (p.Name == "" || p.Author == "" || p.Description == "") {
		target := func(name string) error { return scaffold.CheckTarget(filepath.Join(o.dir, name), false) }
		if err := askBundle(s, &p, target); err != nil {
			return err
		}
	}
	var missing []string
	for flag, v := range map[string]string{"--name": p.Name, "--author": p.Author, "--description": p.Description} {
		if v == "" {
			missing = append(missing, flag)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return usagef("missing %s (no terminal to ask on)", strings.Join(missing, ", "))
	}
	if err := p.Validate(); err != nil {
		return &usageError{err}
	}
	target := filepath.Join(o.dir, p.Name)
	if err := bundle.Init(target, p, s.now()); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, target)
	return nil
}

type bundleAppendOptions struct {
	bundleTarget
	kind  string // bundle.GitHub, Marketplace or Package
	value string // the pattern, or the package's path
}

func newBundleAppendCmd(s *Streams, kind string, runF func(*bundleAppendOptions) error) *cobra.Command {
	o := &bundleAppendOptions{bundleTarget: bundleTarget{io: s}, kind: kind}
	f := map[string]struct{ name, short, help string }{
		bundle.GitHub:      {"repo-pattern", "r", "GitHub release asset: org/repo:VERSION/asset.difypkg"},
		bundle.Marketplace: {"marketplace-pattern", "m", "Marketplace plugin: org/plugin:VERSION"},
		bundle.Package:     {"package-path", "p", "a .difypkg to store in the bundle"},
	}[kind]
	cmd := newBundleTargetCmd(&cobra.Command{
		Use:   kind + " [BUNDLE]",
		Short: "Add a " + kind + " dependency",
		Long: `Add a dependency to the bundle (a directory or a .difybndl, default "."). VERSION
may be exact (1.0.0), ^1.0.0, ~1.0.0, 1.x.x or a range 1.0.0-2.0.0. A package is stored
as _assets/<checksum>. Duplicates are refused.`,
	}, o, &o.bundleTarget, runF, bundleAppendRun)
	cmd.Flags().StringVarP(&o.value, f.name, f.short, "", f.help)
	cmd.MarkFlagRequired(f.name)
	return cmd
}

func bundleAppendRun(o *bundleAppendOptions) error {
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	switch o.kind {
	case bundle.GitHub:
		err = st.AppendGitHub(o.value)
	case bundle.Marketplace:
		err = st.AppendMarketplace(o.value)
	default:
		var sum string
		if sum, err = st.AppendPackage(o.value); err == nil {
			fmt.Fprintln(o.io.Out, sum)
		}
	}
	if err == nil {
		fmt.Fprintf(o.io.Err, "added the %s dependency to %s\n", o.kind, st.Path)
	}
	return err
}

type bundleRemoveOptions struct {
	bundleTarget
	index string
}

func newBundleRemoveCmd(s *Streams, runF func(*bundleRemoveOptions) error) *cobra.Command {
	o := &bundleRemoveOptions{bundleTarget: bundleTarget{io: s}}
	cmd := newBundleTargetCmd(&cobra.Command{
		Use:   "remove [BUNDLE] -i INDEX",
		Short: "Remove a dependency (numbered from 0, as analyze shows)",
	}, o, &o.bundleTarget, runF, bundleRemoveRun)
	cmd.Flags().StringVarP(&o.index, "index", "i", "", "index of the dependency to remove")
	cmd.MarkFlagRequired("index")
	return cmd
}

func bundleRemoveRun(o *bundleRemoveOptions) error {
	i, err := bundle.ParseIndex(o.index)
	if err != nil {
		return &usageError{err}
	}
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	d, err := st.Remove(i)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.io.Err, "removed the %s dependency %s\n", d.Type, d.Pattern())
	return nil
}

type bundleRegenerateOptions struct {
	io      *Streams
	bundle  string
	profile bundle.Profile
	// given says which fields came from flags; the others keep their value.
	given struct{ name, author, description bool }
}

func newBundleRegenerateCmd(s *Streams, runF func(*bundleRegenerateOptions) error) *cobra.Command {
	o := &bundleRegenerateOptions{io: s}
	cmd := &cobra.Command{
		Use:   "regenerate [BUNDLE]",
		Short: "Change a bundle's name, author and description",
		Long: `Change the bundle's name, author and description. On a terminal a form shows the
current values to edit; otherwise the flags give the new values. Ctrl-C writes nothing.`,
		Args: maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.bundle = targetArg(args)
			f := cmd.Flags()
			o.given.name, o.given.author, o.given.description = f.Changed("name"), f.Changed("author"), f.Changed("description")
			return dispatch(o, runF, bundleRegenerateRun)
		}),
	}
	cmd.Flags().StringVar(&o.profile.Name, "name", "", "new name")
	cmd.Flags().StringVar(&o.profile.Author, "author", "", "new author")
	cmd.Flags().StringVar(&o.profile.Description, "description", "", "new description")
	return cmd
}

func bundleRegenerateRun(o *bundleRegenerateOptions) error {
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	m, _, err := st.Load()
	if err != nil {
		return err
	}
	cur := m.Profile()
	if o.given.name {
		cur.Name = o.profile.Name
	}
	if o.given.author {
		cur.Author = o.profile.Author
	}
	if o.given.description {
		cur.Description = o.profile.Description
	}
	if !o.given.name && !o.given.author && !o.given.description {
		if !o.io.CanPrompt() {
			return usagef("give --name, --author or --description (no terminal to ask on)")
		}
		if err := askBundle(o.io, &cur, nil); err != nil {
			return err
		}
	}
	return st.Regenerate(cur)
}

type bundleBumpOptions struct {
	bundleTarget
	version string
}

func newBundleBumpCmd(s *Streams, runF func(*bundleBumpOptions) error) *cobra.Command {
	o := &bundleBumpOptions{bundleTarget: bundleTarget{io: s}}
	cmd := newBundleTargetCmd(&cobra.Command{
		Use:   "bump [BUNDLE] -t VERSION",
		Short: "Set a bundle's version",
	}, o, &o.bundleTarget, runF, bundleBumpRun)
	cmd.Flags().StringVarP(&o.version, "target-version", "t", "", "new version, e.g. 0.0.2")
	cmd.MarkFlagRequired("target-version")
	return cmd
}

func bundleBumpRun(o *bundleBumpOptions) error {
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	if err := st.Bump(o.version); err != nil {
		return err
	}
	fmt.Fprintf(o.io.Err, "%s is now version %s\n", st.Path, o.version)
	return nil
}

type bundlePackageOptions struct {
	bundleTarget
	output string
}

func newBundlePackageCmd(s *Streams, runF func(*bundlePackageOptions) error) *cobra.Command {
	o := &bundlePackageOptions{bundleTarget: bundleTarget{io: s}}
	cmd := newBundleTargetCmd(&cobra.Command{
		Use:   "package [BUNDLE] [-o FILE]",
		Short: "Validate a bundle and write NAME.difybndl",
		Long: `Check the bundle's manifest, every dependency pattern and every stored package (present,
a plugin package, named after its checksum), then write a reproducible .difybndl
holding manifest.yaml, _assets/ and the README files, atomically.`,
	}, o, &o.bundleTarget, runF, bundlePackageRun)
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "bundle file to write (default: NAME.difybndl in the current directory)")
	return cmd
}

func bundlePackageRun(o *bundlePackageOptions) error {
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	out := o.output
	if out == "" {
		if out, err = bundle.DefaultOutput(st.Path); err != nil {
			return err
		}
	}
	if err := st.Package(out); err != nil {
		return err
	}
	fmt.Fprintln(o.io.Out, out)
	return nil
}

type bundleAnalyzeOptions struct {
	bundleTarget
	json bool
}

func newBundleAnalyzeCmd(s *Streams, runF func(*bundleAnalyzeOptions) error) *cobra.Command {
	o := &bundleAnalyzeOptions{bundleTarget: bundleTarget{io: s}}
	cmd := newBundleTargetCmd(&cobra.Command{
		Use:   "analyze [BUNDLE]",
		Short: "List a bundle's dependencies and their parts",
	}, o, &o.bundleTarget, runF, bundleAnalyzeRun)
	cmd.Flags().BoolVar(&o.json, "json", false, "print as JSON")
	return cmd
}

func bundleAnalyzeRun(o *bundleAnalyzeOptions) error {
	s := o.io
	st, err := bundle.Open(o.bundle)
	if err != nil {
		return err
	}
	deps, err := st.Analyze()
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(deps)
	}
	if len(deps) == 0 {
		fmt.Fprintln(s.Err, "no dependencies")
		return nil
	}
	printDependencies(s.Out, deps, "")
	return nil
}

// printDependencies is the table of a bundle's dependencies.
func printDependencies(w io.Writer, deps []bundle.Parsed, indent string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, indent+"#\tTYPE\tPLUGIN\tVERSION\tSOURCE")
	for _, d := range deps {
		plugin, source := d.Organization+"/"+d.Plugin, d.Repo
		switch d.Type {
		case bundle.GitHub:
			source = d.Repo + " " + d.Asset
		case bundle.Marketplace:
			source = "marketplace"
		case bundle.Package:
			source = fmt.Sprintf("_assets/%s (%s)", d.Pattern[:min(12, len(d.Pattern))], bytesize.Format(d.Size))
			if d.Plugin == "" {
				plugin = "?"
			}
		}
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\n", indent, d.Index, d.Type, plugin, d.Version, source)
	}
	tw.Flush()
}
