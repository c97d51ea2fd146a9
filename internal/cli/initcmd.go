package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/scaffold"
	"github.com/spf13/cobra"
)

type initOptions struct {
	opts  scaffold.Options
	perms scaffold.Permissions // from --allow-* flags
	dir   string
	quick bool
	yes   bool
	force bool
}

func newInitCmd(s *Streams, prompt initPrompter) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a new plugin project",
		Long: `Create a new plugin project in a directory named after the plugin.

On a terminal, a form asks for what the flags do not give. With --quick, or when
standard input is not a terminal, nothing is asked: --name, --author and
--description are then required.

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
			return runInit(cmd, s, o, prompt)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.opts.Name, "name", "", "plugin name: a-z, 0-9, _ and -")
	f.StringVar(&o.opts.Author, "author", "", "author (your Marketplace handle): a-z, 0-9, _ and -")
	f.StringVar(&o.opts.Description, "description", "", "one-line description")
	f.StringVar(&o.opts.Repo, "repo", "", "repository URL (optional)")
	f.StringVar(&o.opts.Category, "category", "", "plugin category: "+strings.Join(scaffold.CategoryNames(), ", ")+" (default tool)")
	f.StringVar(&o.opts.Language, "language", "", "plugin language: python (default python)")
	f.StringVar(&o.opts.MinDifyVersion, "min-dify-version", "", "minimum Dify version, e.g. 1.0.0 (optional)")
	f.StringSliceVar(&o.opts.Readmes, "readme", nil, "README translations to add: "+strings.Join(scaffold.ReadmeLanguages, ", "))
	p := &o.perms
	f.BoolVar(&p.Tool, "allow-tool", false, "permission to invoke tools")
	f.BoolVar(&p.Model, "allow-model", false, "permission to invoke models (see the --allow-<kind> flags)")
	f.BoolVar(&p.LLM, "allow-llm", false, "permission to invoke LLMs")
	f.BoolVar(&p.TextEmbedding, "allow-text-embedding", false, "permission to invoke text embedding models")
	f.BoolVar(&p.Rerank, "allow-rerank", false, "permission to invoke rerank models")
	f.BoolVar(&p.TTS, "allow-tts", false, "permission to invoke text-to-speech models")
	f.BoolVar(&p.Speech2Text, "allow-speech2text", false, "permission to invoke speech-to-text models")
	f.BoolVar(&p.Moderation, "allow-moderation", false, "permission to invoke moderation models")
	f.BoolVar(&p.Node, "allow-node", false, "permission to invoke workflow nodes")
	f.BoolVar(&p.Endpoint, "allow-endpoint", false, "permission to register endpoints")
	f.BoolVar(&p.App, "allow-app", false, "permission to invoke Dify apps")
	f.BoolVar(&p.Storage, "allow-storage", false, "permission to use persistent storage")
	f.Uint64Var(&p.StorageSize, "storage-size", 0, "storage size in bytes (default 1048576 with --allow-storage)")
	f.BoolVar(&o.quick, "quick", false, "ask nothing; use flags and defaults")
	f.StringVar(&o.dir, "dir", ".", "directory to create the plugin in")
	f.BoolVar(&o.yes, "yes", false, "skip the final confirmation")
	f.BoolVar(&o.force, "force", false, "create the plugin inside an existing empty directory")
	return cmd
}

func categoryHelp() string {
	var b strings.Builder
	for _, c := range scaffold.Categories {
		fmt.Fprintf(&b, "  %-15s %s\n", c.Name, c.Summary)
	}
	return strings.TrimRight(b.String(), "\n")
}

// initPrompter fills in what flags left out, interactively. It returns
// errCancelled when the user gives up.
type initPrompter func(s *Streams, o *scaffold.Options, asked askedFields, confirm bool) error

// askedFields tells the form which values came from flags, so it can skip them.
type askedFields struct {
	Name, Author, Description, Repo, Category, Language, Permissions, MinDifyVersion, Readmes bool
}

func runInit(cmd *cobra.Command, s *Streams, o *initOptions, prompt initPrompter) error {
	flags := cmd.Flags()
	given := askedFields{
		Name: flags.Changed("name"), Author: flags.Changed("author"), Description: flags.Changed("description"),
		Repo: flags.Changed("repo"), Category: flags.Changed("category"), Language: flags.Changed("language"),
		MinDifyVersion: flags.Changed("min-dify-version"), Readmes: flags.Changed("readme"),
	}
	for _, name := range []string{"allow-tool", "allow-model", "allow-llm", "allow-text-embedding", "allow-rerank", "allow-tts",
		"allow-speech2text", "allow-moderation", "allow-node", "allow-endpoint", "allow-app", "allow-storage", "storage-size"} {
		given.Permissions = given.Permissions || flags.Changed(name)
	}
	opts := o.opts
	if opts.Category == "" {
		opts.Category = "tool"
	}
	if opts.Language == "" {
		opts.Language = "python"
	}
	opts.Permissions = mergePermissions(scaffold.DefaultPermissions(opts.Category), o.perms)

	interactive := !o.quick && s.CanPrompt()
	if !interactive {
		var missing []string
		for _, m := range []struct {
			flag  string
			value string
		}{{"--name", opts.Name}, {"--author", opts.Author}, {"--description", opts.Description}} {
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
	} else if err := prompt(s, &opts, given, !o.yes); err != nil {
		return err
	}

	files, err := scaffold.Plan(opts)
	if err != nil {
		return flagErrors(err)
	}
	target := filepath.Join(o.dir, opts.Name)
	if err := scaffold.Write(target, files, o.force); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, target)
	fmt.Fprintf(s.Err, `created the %s plugin %s in %s

Next steps:
  cd %s
  python3 -m venv .venv && . .venv/bin/activate
  pip install -r requirements.txt
  cp .env.example .env    # add the remote debugging URL and key from Dify → Plugins → Debug
  python -m main          # run the plugin against Dify
  dify plugin package .   # when it works: build %s.difypkg

GUIDE.md explains the project layout.
`, opts.Category, opts.Name, target, target, opts.Name)
	return nil
}

// mergePermissions adds the flag permissions to the category defaults. A
// model kind flag implies the model permission.
func mergePermissions(def, flags scaffold.Permissions) scaffold.Permissions {
	p := def
	p.Tool = p.Tool || flags.Tool
	p.Node = p.Node || flags.Node
	p.Endpoint = p.Endpoint || flags.Endpoint
	p.App = p.App || flags.App
	p.LLM = p.LLM || flags.LLM
	p.TextEmbedding = p.TextEmbedding || flags.TextEmbedding
	p.Rerank = p.Rerank || flags.Rerank
	p.TTS = p.TTS || flags.TTS
	p.Speech2Text = p.Speech2Text || flags.Speech2Text
	p.Moderation = p.Moderation || flags.Moderation
	p.Model = p.Model || flags.Model || p.LLM || p.TextEmbedding || p.Rerank || p.TTS || p.Speech2Text || p.Moderation
	p.Storage = p.Storage || flags.Storage || flags.StorageSize > 0
	if p.Storage {
		p.StorageSize = flags.StorageSize
		if p.StorageSize == 0 {
			p.StorageSize = scaffold.DefaultStorageSize
		}
	}
	return p
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
