package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/uvlock"
)

type requirementsOptions struct {
	io     *Streams
	dir    string
	useUV  bool
	strict bool
}

func newRequirementsCmd(s *Streams, runF func(*requirementsOptions) error) *cobra.Command {
	o := &requirementsOptions{io: s}
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
			o.dir = targetArg(args)
			return dispatch(o, runF, requirementsRun)
		}),
	}
	cmd.Flags().BoolVar(&o.useUV, "uv", false, "run the installed uv (or $UV_PATH) instead of the built-in export")
	cmd.Flags().BoolVar(&o.strict, "strict", false, "fail as uv does when the project has no dev dependency group")
	return cmd
}

func requirementsRun(o *requirementsOptions) error {
	s, dir := o.io, o.dir
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory; give the plugin directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, depfile.Requirements)); err == nil {
		fmt.Fprintf(s.Err, "note: %s has its own %s, which packaging uses as it is\n", dir, depfile.Requirements)
	}
	if o.useUV {
		out, err := uvlock.RunUV(uvPath(s), dir)
		if err != nil {
			return err
		}
		_, err = s.Out.Write(out)
		return err
	}
	res, err := uvlock.Export(pack.DiskFiles(dir), uvlock.Options{Strict: o.strict})
	switch {
	case errors.Is(err, uvlock.ErrNoDevGroup):
		return fmt.Errorf("%s: %w (the error uv gives for --no-group dev)", dir, err)
	case err != nil:
		return uvlock.InDir(err, dir)
	}
	if res.NoDevGroup {
		res.Warnings = append(res.Warnings, "the project defines no `dev` dependency group; uv itself would refuse `--no-group dev` here (--strict refuses too)")
	}
	for _, w := range res.Warnings {
		s.warnf("%s", w)
	}
	_, err = s.Out.Write(res.Requirements)
	return err
}
