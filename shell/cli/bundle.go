package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dify-cli/dify/bundle"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/shell/tui"
	"github.com/spf13/cobra"
)

func newBundleCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("bundle", "Create and package bundles of plugins")
	appendCmd := newGroupCmd("append", "Add a dependency to a bundle")
	appendCmd.AddCommand(newBundleAppendCmd(s, "github"), newBundleAppendCmd(s, "marketplace"), newBundleAppendCmd(s, "package"))
	cmd.AddCommand(newBundleInitCmd(s), appendCmd, newBundleRemoveCmd(s), newBundleRegenerateCmd(s),
		newBundleBumpCmd(s), newBundlePackageCmd(s), newBundleAnalyzeCmd(s))
	return cmd
}

// bundleArg opens the bundle named by the optional argument (default ".").
func bundleArg(args []string) (*bundle.Store, error) {
	return bundle.Open(targetArg(args))
}

func newBundleInitCmd(s *Streams) *cobra.Command {
	var p bundle.Profile
	var dir string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a bundle directory",
		Long: `Create NAME/ with a bundle manifest, a README and an icon. On a terminal a form asks
for the name, author and description; otherwise --name, --author and --description
are required. Nothing is written on Ctrl-C, with an invalid value, or when NAME/
exists and is not empty.`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if s.CanPrompt() && (p.Name == "" || p.Author == "" || p.Description == "") {
				if err := tui.BundleForm(s.tuiOptions(), &p); err != nil {
					if errors.Is(err, tui.ErrCancelled) {
						return errCancelled
					}
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
			target := filepath.Join(dir, p.Name)
			if err := bundle.Init(target, p, time.Now()); err != nil {
				return err
			}
			fmt.Fprintln(s.Out, target)
			return nil
		}),
	}
	cmd.Flags().StringVar(&p.Name, "name", "", "bundle name: a-z, 0-9, _ and -")
	cmd.Flags().StringVar(&p.Author, "author", "", "author: a-z, 0-9, _ and -")
	cmd.Flags().StringVar(&p.Description, "description", "", "one-line description")
	cmd.Flags().StringVar(&dir, "dir", ".", "directory to create the bundle in")
	return cmd
}

func newBundleAppendCmd(s *Streams, kind string) *cobra.Command {
	var value string
	f := map[string]struct{ name, short, help string }{
		"github":      {"repo-pattern", "r", "GitHub release asset: org/repo:VERSION/asset.difypkg"},
		"marketplace": {"marketplace-pattern", "m", "Marketplace plugin: org/plugin:VERSION"},
		"package":     {"package-path", "p", "a .difypkg to store in the bundle"},
	}[kind]
	cmd := &cobra.Command{
		Use:   kind + " [BUNDLE]",
		Short: "Add a " + kind + " dependency",
		Long: `Add a dependency to the bundle (a directory or a .difybndl, default "."). VERSION
may be exact (1.0.0), ^1.0.0, ~1.0.0, 1.x.x or a range 1.0.0-2.0.0. A package is stored
as _assets/<checksum>. Duplicates are refused.`,
		Args: maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			switch kind {
			case "github":
				err = st.AppendGitHub(value)
			case "marketplace":
				err = st.AppendMarketplace(value)
			default:
				var sum string
				if sum, err = st.AppendPackage(value); err == nil {
					fmt.Fprintln(s.Out, sum)
				}
			}
			if err == nil {
				fmt.Fprintf(s.Err, "added the %s dependency to %s\n", kind, st.Path)
			}
			return err
		}),
	}
	cmd.Flags().StringVarP(&value, f.name, f.short, "", f.help)
	cmd.MarkFlagRequired(f.name)
	return cmd
}

func newBundleRemoveCmd(s *Streams) *cobra.Command {
	var index string
	cmd := &cobra.Command{
		Use:   "remove [BUNDLE] -i INDEX",
		Short: "Remove a dependency (numbered from 0, as analyze shows)",
		Args:  maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			i, err := bundle.ParseIndex(index)
			if err != nil {
				return &usageError{err}
			}
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			d, err := st.Remove(i)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "removed the %s dependency %s\n", d.Type, d.Pattern())
			return nil
		}),
	}
	cmd.Flags().StringVarP(&index, "index", "i", "", "index of the dependency to remove")
	cmd.MarkFlagRequired("index")
	return cmd
}

func newBundleRegenerateCmd(s *Streams) *cobra.Command {
	var p bundle.Profile
	cmd := &cobra.Command{
		Use:   "regenerate [BUNDLE]",
		Short: "Change a bundle's name, author and description",
		Long: `Change the bundle's name, author and description. On a terminal a form shows the
current values to edit; otherwise the flags give the new values. Ctrl-C writes nothing.`,
		Args: maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			m, _, err := st.Load()
			if err != nil {
				return err
			}
			cur := m.Profile()
			for _, f := range []struct {
				flag string
				dst  *string
				v    string
			}{{"name", &cur.Name, p.Name}, {"author", &cur.Author, p.Author}, {"description", &cur.Description, p.Description}} {
				if cmd.Flags().Changed(f.flag) {
					*f.dst = f.v
				}
			}
			if !cmd.Flags().Changed("name") && !cmd.Flags().Changed("author") && !cmd.Flags().Changed("description") {
				if !s.CanPrompt() {
					return usagef("give --name, --author or --description (no terminal to ask on)")
				}
				if err := tui.BundleForm(s.tuiOptions(), &cur); err != nil {
					if errors.Is(err, tui.ErrCancelled) {
						return errCancelled
					}
					return err
				}
			}
			return st.Regenerate(cur)
		}),
	}
	cmd.Flags().StringVar(&p.Name, "name", "", "new name")
	cmd.Flags().StringVar(&p.Author, "author", "", "new author")
	cmd.Flags().StringVar(&p.Description, "description", "", "new description")
	return cmd
}

func newBundleBumpCmd(s *Streams) *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "bump [BUNDLE] -t VERSION",
		Short: "Set a bundle's version",
		Args:  maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			if err := st.Bump(version); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "%s is now version %s\n", st.Path, version)
			return nil
		}),
	}
	cmd.Flags().StringVarP(&version, "target-version", "t", "", "new version, e.g. 0.0.2")
	cmd.MarkFlagRequired("target-version")
	return cmd
}

func newBundlePackageCmd(s *Streams) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "package [BUNDLE] [-o FILE]",
		Short: "Validate a bundle and write NAME.difybndl",
		Long: `Check the bundle's manifest, every dependency pattern and every stored package (present,
a plugin package, named after its checksum), then write a reproducible .difybndl
holding manifest.yaml, _assets/ and the README files, atomically.`,
		Args: maxArgs(1, "one bundle directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			if out == "" {
				name, err := pack.DefaultOutput(st.Path)
				if err != nil {
					return err
				}
				out = strings.TrimSuffix(name, ".difypkg") + ".difybndl"
			}
			if err := st.Package(out); err != nil {
				return err
			}
			fmt.Fprintln(s.Out, out)
			return nil
		}),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "bundle file to write (default: NAME.difybndl in the current directory)")
	return cmd
}

func newBundleAnalyzeCmd(s *Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "analyze [BUNDLE]",
		Short: "List a bundle's dependencies and their parts",
		Args:  maxArgs(1, "one bundle"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			st, err := bundleArg(args)
			if err != nil {
				return err
			}
			deps, err := st.Analyze()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(deps)
			}
			if len(deps) == 0 {
				fmt.Fprintln(s.Err, "no dependencies")
				return nil
			}
			tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tTYPE\tPLUGIN\tVERSION\tSOURCE")
			for _, d := range deps {
				plugin, source := d.Organization+"/"+d.Plugin, d.Repo
				switch d.Type {
				case bundle.GitHub:
					source = d.Repo + " " + d.Asset
				case bundle.Marketplace:
					source = "marketplace"
				case bundle.Package:
					plugin, source = d.Pattern, fmt.Sprintf("_assets (%d bytes)", d.Size)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", d.Index, d.Type, plugin, d.Version, source)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
