package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
	"github.com/dify-cli/dify/shell/tui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// initOptions is everything `plugin init` needs: the streams, the prompt
// and what the flags say.
type initOptions struct {
	io     *Streams
	prompt initPrompter

	opts        scaffold.Options
	allow       permissionFlags // --allow-*
	storageSize string
	dir         string
	quick       bool
	yes         bool
	force       bool
	given       tui.Skip // questions answered by flags
}

// initPrompter fills in what flags left out, interactively. It returns
// errCancelled when the user gives up.
type initPrompter func(s *Streams, o *scaffold.Options, in tui.Init) error

func newInitCmd(s *Streams, prompt initPrompter, runF func(*initOptions) error) *cobra.Command {
	o := &initOptions{io: s, prompt: prompt}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a new plugin project",
		Long: `Create a new plugin project in a directory named after the plugin.

On a terminal, a form asks for what the flags do not give. With --quick, or when
standard input is not a terminal, nothing is asked: --name, --author and
--description are then required. TERM=dumb or ACCESSIBLE=1 asks one line at a
time, for screen readers.

Categories:
` + categoryHelp() + `

The project is written to a temporary directory and renamed into place, so a
failed or cancelled run writes nothing; an existing non-empty directory is never
touched.`,
		Example: `  dify plugin init
  dify plugin init --quick --name weather --author acme --description "Current weather" --category tool
  dify plugin init --quick --name chat --author acme --description "My models" --category llm --dir plugins`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			o.given = tui.Skip{
				Name: f.Changed("name"), Author: f.Changed("author"), Description: f.Changed("description"),
				Repo: f.Changed("repo"), Contact: f.Changed("contact"), Category: f.Changed("category"), Language: f.Changed("language"),
				MinDifyVersion: f.Changed("min-dify-version"), Readmes: f.Changed("readme"),
				Permissions: o.allow.changed(f) || f.Changed("storage-size"),
			}
			return dispatch(o, runF, initRun)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.opts.Name, "name", "", "plugin name: a-z, 0-9, _ and -")
	f.StringVar(&o.opts.Author, "author", "", "author (your Marketplace handle): a-z, 0-9, _ and -")
	f.StringVar(&o.opts.Description, "description", "", "one-line description")
	f.StringVar(&o.opts.Repo, "repo", "", "repository URL (optional; the marketplace requires one)")
	f.StringVar(&o.opts.Contact, "contact", "", "contact e-mail address (optional; the marketplace requires one)")
	f.StringVar(&o.opts.Category, "category", "", "plugin category: "+strings.Join(scaffold.CategoryNames(), ", ")+" (default tool)")
	f.StringVar(&o.opts.Language, "language", "", "plugin language: python (default python)")
	f.StringVar(&o.opts.MinDifyVersion, "min-dify-version", scaffold.DefaultMinDifyVersion, "the oldest Dify the plugin works with")
	f.StringVar(&o.opts.CI, "ci", "", "add a CI workflow that validates, tests, packages and publishes: "+strings.Join(scaffold.CIProviders, ", "))
	f.StringSliceVar(&o.opts.Readmes, "readme", nil, "README translations to add: "+strings.Join(scaffold.ReadmeLanguages, ", "))
	o.allow = addPermissionFlags(f, "allow", "permission to ")
	f.StringVar(&o.storageSize, "storage-size", "", "storage size: bytes, or 1MiB, 512KiB, 1MB (default 1MiB with --allow-storage)")
	f.BoolVar(&o.quick, "quick", false, "ask nothing; use flags and defaults")
	f.StringVar(&o.dir, "dir", ".", "directory to create the plugin in")
	f.BoolVar(&o.yes, "yes", false, "skip the final confirmation")
	f.BoolVar(&o.force, "force", false, "create the plugin inside an existing empty directory")
	completeValues(cmd, "category", scaffold.CategoryNames())
	completeValues(cmd, "language", scaffold.Languages)
	completeValues(cmd, "readme", scaffold.ReadmeLanguages)
	completeValues(cmd, "ci", scaffold.CIProviders)
	return cmd
}

func categoryHelp() string {
	var b strings.Builder
	for _, c := range scaffold.Categories {
		fmt.Fprintf(&b, "  %-15s %s\n", c.Name, c.Summary)
	}
	return strings.TrimRight(b.String(), "\n")
}

// initRun creates the project: from flags and defaults, then from the form
// for what they left out.
func initRun(o *initOptions) error {
	s := o.io
	opts := o.opts
	granted, err := o.allow.grant(o.storageSize)
	if err != nil {
		return err
	}
	opts.ApplyDefaults(granted)

	target := func(name string) (string, error) {
		dir := filepath.Join(o.dir, name)
		return dir, scaffold.CheckTarget(dir, o.force)
	}
	interactive := !o.quick && s.CanPrompt()
	if !interactive {
		var missing []string
		for _, m := range []struct{ flag, value string }{{"--name", opts.Name}, {"--author", opts.Author}, {"--description", opts.Description}} {
			if m.value == "" {
				missing = append(missing, m.flag)
			}
		}
		if len(missing) > 0 {
			why := "standard input is not a terminal"
			if o.quick {
				why = "--quick asks nothing"
			}
			return usagef("missing %s (%s)", strings.Join(missing, ", "), why)
		}
		if err := opts.Validate(); err != nil {
			return &usageError{flagErrors(err)}
		}
	} else {
		// A name given by flag whose directory is taken is refused before
		// any question, not after all of them.
		if o.given.Name {
			if err := scaffold.CheckName(opts.Name); err != nil {
				return &usageError{flagErrors(&scaffold.FieldError{Field: "name", Err: err})}
			}
			if _, err := target(opts.Name); err != nil {
				return err
			}
		}
		if err := o.prompt(s, &opts, tui.Init{Skip: o.given, Confirm: !o.yes, Target: target}); err != nil {
			return err
		}
	}

	files, err := scaffold.Plan(opts)
	if err != nil {
		return flagErrors(err)
	}
	dir := filepath.Join(o.dir, opts.Name)
	if err := scaffold.Write(dir, files, o.force); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, dir)
	fmt.Fprintf(s.Err, `created the %s plugin %s in %s

Next steps:
  cd %s
  %s   # try it on this machine
  dify plugin package .   # when it works: build %s.difypkg
  dify plugin validate --marketplace .   # what the marketplace still needs

GUIDE.md explains the project, its tests, debugging against Dify and publishing.
`, opts.Category, opts.Name, dir, dir, scaffold.TryCommand(opts), opts.Name)
	return nil
}

// flagErrors rewrites option errors to name the flags.
func flagErrors(err error) error {
	var lines []string
	for _, e := range unjoin(err) {
		var fe *scaffold.FieldError
		if errors.As(e, &fe) {
			lines = append(lines, fmt.Sprintf("--%s: %v", fe.Field, fe.Err))
		} else {
			lines = append(lines, e.Error())
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// permissionFlags are --allow-X (or --deny-X) flags, one per permission of
// manifest.Permissions, by key.
type permissionFlags map[string]*bool

// addPermissionFlags adds verb-X flags for every permission.
func addPermissionFlags(f *pflag.FlagSet, verb, help string) permissionFlags {
	flags := permissionFlags{}
	for _, p := range manifest.Permissions {
		what := p.Label
		if i := strings.Index(what, ": "); i >= 0 {
			what = what[i+2:]
		}
		if p.Key == "model" {
			what = "invoke models (with the kinds below; each kind implies it)"
			if verb == "deny" {
				what = "invoke any model"
			}
		}
		flags[p.Key] = f.Bool(verb+"-"+p.Flag, false, help+what)
	}
	return flags
}

func (pf permissionFlags) changed(f *pflag.FlagSet) bool {
	for key := range pf {
		p, _ := manifest.FindPermission(key)
		for _, verb := range []string{"allow-", "deny-"} {
			if f.Lookup(verb+p.Flag) != nil && f.Changed(verb+p.Flag) {
				return true
			}
		}
	}
	return false
}

// grant is the permissions the flags ask for; a storage size brings storage.
func (pf permissionFlags) grant(storageSize string) (manifest.Grant, error) {
	var g manifest.Grant
	for key, on := range pf {
		if *on {
			g = g.With(key)
		}
	}
	if storageSize != "" {
		n, err := manifest.ParseStorageSize(storageSize)
		if err != nil {
			return g, usagef("--storage-size: %v", err)
		}
		g = g.With("storage")
		g.StorageSize = n
	}
	return g, nil
}
