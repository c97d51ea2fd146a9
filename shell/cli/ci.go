package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/scaffold"
)

type ciOptions struct {
	io       *Streams
	provider string
	dir      string
	force    bool
}

func newCICmd(s *Streams, runF func(*ciOptions) error) *cobra.Command {
	o := &ciOptions{io: s}
	cmd := &cobra.Command{
		Use:   "ci [github]",
		Short: "Add a CI workflow that validates, tests, packages and publishes the plugin",
		Long: `Add a CI workflow to the plugin's project (dify plugin init --ci github does the
same for a new one). On every push and pull request it validates the plugin, runs
its tests through dify plugin run, packages it and runs the marketplace's checks on
the package; a tag vVERSION that matches manifest.yaml's version then opens the
marketplace pull request with dify plugin publish, from a branch of your fork
(set the DIFY_PLUGINS_FORK variable and the DIFY_PLUGINS_TOKEN secret, as the
workflow's first lines say). It installs the latest dify release (or the one
DIFY_CLI_VERSION names) on GitHub's ubuntu-latest runners.

The package leaves the workflow out: .github/ is added to .difyignore when it is
not there already.`,
		Example: `  dify plugin ci
  dify plugin ci github --dir ./weather`,
		Args:      maxArgs(1, "the CI provider: github"),
		ValidArgs: scaffold.CIProviders,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.provider = "github"
			if len(args) == 1 {
				o.provider = args[0]
			}
			if err := scaffold.CheckCI(o.provider); err != nil {
				return usagef("%v", err)
			}
			return dispatch(o, runF, ciRun)
		}),
	}
	cmd.Flags().StringVar(&o.dir, "dir", ".", "the plugin's directory")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace an existing workflow")
	return cmd
}

func ciRun(o *ciOptions) error {
	added, err := scaffold.AddWorkflow(o.dir, o.provider, o.force)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.io.Out, "wrote %s\n", added.Path)
	switch {
	case added.Ignored != "":
		fmt.Fprintf(o.io.Out, "added %s to %s, so that packages leave it out\n", added.Ignored, added.IgnoreFile)
	case added.IgnoreFile == "":
		o.io.warnf("there is no .difyignore, so .gitignore decides what is packaged: add /.github/ to it, or packages carry the workflow")
	}
	fmt.Fprintln(o.io.Out, "To publish from version tags, set the repository variable DIFY_PLUGINS_FORK (your fork of langgenius/dify-plugins) and the secret DIFY_PLUGINS_TOKEN.")
	return nil
}
