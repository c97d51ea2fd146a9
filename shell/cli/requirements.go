package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/uvlock"
	"github.com/spf13/cobra"
)

func newRequirementsCmd(s *Streams) *cobra.Command {
	var useUV, strict bool
	cmd := &cobra.Command{
		Use:   "requirements [DIR]",
		Short: "Print the requirements.txt generated from pyproject.toml and uv.lock",
		Long: `Print the requirements.txt that packaging generates for a plugin that has a
uv.lock and no requirements.txt: the same lines as

  ` + uvlock.Command + `

without needing uv. DIR defaults to the current directory.`,
		Example: `  dify plugin requirements ./weather
  dify plugin requirements ./weather > requirements.txt`,
		Args: maxArgs(1, "the plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			dir := targetArg(args)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("%s is not a directory; give the plugin directory", dir)
			}
			if _, err := os.Stat(filepath.Join(dir, pack.RequirementsFile)); err == nil {
				fmt.Fprintf(s.Err, "note: %s has its own %s, which packaging uses as it is\n", dir, pack.RequirementsFile)
			}
			if useUV {
				out, err := uvlock.RunUV(uvPath(s), dir)
				if err != nil {
					return err
				}
				_, err = s.Out.Write(out)
				return err
			}
			res, err := uvlock.Export(pack.DiskFiles(dir), uvlock.Options{Strict: strict})
			switch {
			case errors.Is(err, uvlock.ErrNoDevGroup):
				return fmt.Errorf("%s: %w (the error uv gives for --no-group dev)", dir, err)
			case err != nil:
				return uvlock.InDir(err, dir)
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(s.Err, "warning: %s\n", w)
			}
			_, err = s.Out.Write(res.Requirements)
			return err
		}),
	}
	cmd.Flags().BoolVar(&useUV, "uv", false, "run the installed uv (or $UV_PATH) instead of the built-in export")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail as uv does when the project has no dev dependency group")
	return cmd
}

// uvPath is the uv executable --uv runs: $UV_PATH, else uv from PATH.
func uvPath(s *Streams) string {
	if p := s.getenv("UV_PATH"); p != "" {
		return p
	}
	return "uv"
}

// reportGenerated tells the user about a requirements.txt made from uv.lock.
func reportGenerated(s *Streams, dir string, g *pack.GeneratedRequirements) {
	if g == nil {
		return
	}
	by := "from " + uvlock.LockFile
	if g.By != uvlock.LockFile {
		by = "by " + g.By + " export"
	}
	fmt.Fprintf(s.Err, "note: %s has no %s; generated one %s (%d package%s), added to the package only\n",
		dir, pack.RequirementsFile, by, g.Lines, plural(g.Lines))
}
