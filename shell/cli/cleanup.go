package cli

import (
	"bufio"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/cleanup"
	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/pyenv"
	"github.com/spf13/cobra"
)

type cleanupOptions struct {
	io     *Streams
	path   string
	dryRun bool
	yes    bool
	envs   bool
	sql    bool
}

func newCleanupCmd(s *Streams, runF func(*cleanupOptions) error) *cobra.Command {
	o := &cleanupOptions{io: s}
	cmd := &cobra.Command{
		Use:   "cleanup [-p DIR] [--envs]",
		Short: "Remove old plugin versions from a daemon's working directory, or dify's cached environments",
		Long: `With -p, remove the plugin versions a Dify daemon no longer runs from its
working directory (the daemon's PLUGIN_WORKING_PATH, laid out as
<author>/<name>-<version>@<checksum>): for each plugin, every directory below
its latest version goes. Nothing outside DIR is touched.

The official tool also deletes those versions' rows from the daemon's
database; dify does not connect to databases. --sql prints the statements
that do it, to run with the database's own client.

With --envs, remove the Python environments "dify plugin run" and "invoke"
keep in the cache; the ones a running plugin uses are left alone.

--dry-run lists what would go; -y skips the question.`,
		Example: `  dify plugin cleanup -p /app/storage/cwd --dry-run
  dify plugin cleanup -p /app/storage/cwd -y --sql > cleanup.sql
  dify plugin cleanup --envs`,
		Args: maxArgs(0, "no arguments (the directory goes with -p)"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return dispatch(o, runF, cleanupRun)
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&o.path, "path", "p", "", "the daemon's plugin working directory")
	f.BoolVar(&o.dryRun, "dry-run", false, "list what would be removed, remove nothing")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask before removing")
	f.BoolVar(&o.envs, "envs", false, "remove dify's cached Python environments")
	f.BoolVar(&o.sql, "sql", false, "print SQL that removes the removed versions from the daemon's database")
	return cmd
}

func cleanupRun(o *cleanupOptions) error {
	if o.path == "" && !o.envs {
		return usagef("give the daemon's working directory with -p, or --envs for dify's cached Python environments")
	}
	if o.sql && o.path == "" {
		return usagef("--sql goes with -p")
	}
	in := bufio.NewReader(o.io.In)
	var errs []error
	if o.path != "" {
		errs = append(errs, cleanupWorkingDir(o, in))
	}
	if o.envs {
		errs = append(errs, cleanupEnvs(o, in))
	}
	return errors.Join(errs...)
}

// confirm asks on stderr (so that stdout can go to a file: --sql) and
// reads the answer from stdin; only y or yes proceeds.
func confirm(o *cleanupOptions, in *bufio.Reader, question string) bool {
	if o.yes {
		return true
	}
	fmt.Fprintf(o.io.Err, "%s Proceed? [y/N]: ", question)
	answer, _ := in.ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	if answer == "y" || answer == "yes" {
		return true
	}
	fmt.Fprintln(o.io.Out, "Aborted.")
	return false
}

func cleanupWorkingDir(o *cleanupOptions, in *bufio.Reader) error {
	s := o.io
	plan, err := cleanup.Scan(o.path)
	if err != nil {
		return err
	}
	if plan.Plugins == 0 {
		fmt.Fprintln(s.Out, "No plugins found under:", plan.Dir)
		return nil
	}
	if o.dryRun {
		fmt.Fprintf(s.Out, "[dry-run] Will remove %d old version directories:\n", len(plan.Remove))
		for _, v := range plan.Remove {
			fmt.Fprintf(s.Out, "- %s %s (checksum %s) -> %s\n", v.PluginID, v.Version, v.Checksum, v.Path)
		}
		return nil
	}
	if len(plan.Remove) == 0 {
		fmt.Fprintln(s.Out, "Nothing to delete. All plugins are already at their latest versions.")
		return nil
	}
	if !confirm(o, in, fmt.Sprintf("You are about to delete %d directories.", len(plan.Remove))) {
		return nil
	}
	results := plan.Apply()
	var failed []error
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, fmt.Errorf("%s %s: %w", r.PluginID, r.Version, r.Err))
			continue
		}
		fmt.Fprintf(s.Err, "removed old plugin version %s %s: %s\n", r.PluginID, r.Version, r.Path)
	}
	if o.sql {
		sql, err := cleanup.SQL(results)
		if err != nil {
			s.warnf("no SQL: %v", err)
		} else {
			fmt.Fprint(s.Out, sql)
		}
	} else {
		fmt.Fprintln(s.Err, "The daemon's database still lists the removed versions; --sql prints the statements that remove them.")
	}
	fmt.Fprintln(s.Out, "Cleanup complete.")
	return errors.Join(failed...)
}

func cleanupEnvs(o *cleanupOptions, in *bufio.Reader) error {
	s := o.io
	cache, err := s.cacheDir()
	if err != nil {
		return err
	}
	envs, err := pyenv.List(filepath.Join(cache, "envs"))
	if err != nil {
		return err
	}
	var free []pyenv.Cached
	var size int64
	for _, e := range envs {
		if !e.InUse {
			free = append(free, e)
			size += e.Size
		}
	}
	describe := func(e pyenv.Cached) string {
		what := "unfinished"
		if e.Python != "" {
			what = fmt.Sprintf("Python %s, %s, from %s, last used %s", e.Python, e.Tool, e.Source, e.LastUsed.Format("2006-01-02"))
		}
		line := fmt.Sprintf("- %s (%s, %s)", e.Dir, what, bytesize.Format(e.Size))
		switch {
		case e.Plugin != "" && e.Project != "":
			line += "\n    for " + e.Plugin + " at " + e.Project
		case e.Project != "":
			line += "\n    for " + e.Project
		}
		if e.InUse {
			line += "\n    in use by a running plugin: kept"
		}
		return line
	}
	if len(envs) == 0 {
		fmt.Fprintln(s.Out, "No cached Python environments under:", filepath.Join(cache, "envs"))
		return nil
	}
	if o.dryRun {
		fmt.Fprintf(s.Out, "[dry-run] Will remove %d cached Python environment%s (%s):\n", len(free), plural(len(free)), bytesize.Format(size))
		for _, e := range envs {
			fmt.Fprintln(s.Out, describe(e))
		}
		return nil
	}
	if len(free) == 0 {
		fmt.Fprintln(s.Out, "Nothing to delete: every cached environment is in use.")
		return nil
	}
	if !confirm(o, in, fmt.Sprintf("You are about to delete %d cached Python environment%s (%s).", len(free), plural(len(free)), bytesize.Format(size))) {
		return nil
	}
	var failed []error
	removed := 0
	for _, e := range free {
		if err := pyenv.Remove(e); err != nil {
			if errors.Is(err, pyenv.ErrInUse) {
				continue // started meanwhile
			}
			failed = append(failed, fmt.Errorf("%s: %w", e.Dir, err))
			continue
		}
		removed++
	}
	fmt.Fprintf(s.Out, "Removed %d cached Python environment%s.\n", removed, plural(removed))
	return errors.Join(failed...)
}
