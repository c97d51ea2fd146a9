package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/release"
)

type bumpOptions struct {
	io  *Streams
	how string
	dir string
}

func newBumpCmd(s *Streams, runF func(*bumpOptions) error) *cobra.Command {
	o := &bumpOptions{io: s}
	cmd := &cobra.Command{
		Use:   "bump [major|minor|patch|VERSION]",
		Short: "Raise the plugin's version in manifest.yaml and pyproject.toml",
		Long: `Raise the plugin's version: major (1.0.0), minor (0.2.0), patch (0.1.1, the
default), or an explicit VERSION above the current one. It changes manifest.yaml's
top-level version, never meta.version (the manifest format's own), and the
[project] version of pyproject.toml when there is one; nothing else in either
file changes. A version that is not above the current one is refused, as the
marketplace refuses it.`,
		Example: `  dify plugin bump
  dify plugin bump minor
  dify plugin bump 1.0.0-beta --dir ./weather`,
		Args:      maxArgs(1, "major, minor, patch or a version"),
		ValidArgs: []string{"major", "minor", "patch"},
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.how = "patch"
			if len(args) == 1 {
				o.how = args[0]
			}
			return dispatch(o, runF, bumpRun)
		}),
	}
	cmd.Flags().StringVar(&o.dir, "dir", ".", "the plugin's directory")
	return cmd
}

func bumpRun(o *bumpOptions) error {
	b, err := release.Bump(o.dir, o.how)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s has no manifest.yaml: give the plugin's directory with --dir", filepath.Clean(o.dir))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(o.io.Out, "%s → %s (%s)\n", b.From, b.To, strings.Join(b.Files, ", "))
	return nil
}
