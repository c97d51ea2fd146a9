package cli

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/dify-cli/dify/internal/build"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd writes roff man pages, for packagers (the release archives and
// the Homebrew cask install them). Hidden: users read them with man(1).
type manOptions struct {
	io   *Streams
	root *cobra.Command // the command tree to document
	dir  string
}

func newManCmd(s *Streams, runF func(*manOptions) error) *cobra.Command {
	o := &manOptions{io: s}
	cmd := &cobra.Command{
		Use:    "man",
		Short:  "Write man pages",
		Hidden: true,
		Args:   exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.root = cmd.Root()
			return dispatch(o, runF, manRun)
		}),
	}
	cmd.Flags().StringVar(&o.dir, "dir", "", "write one page per command into this directory (default: the dify(1) page to standard output)")
	return cmd
}

func manRun(o *manOptions) error {
	header := &doc.GenManHeader{Title: "DIFY", Section: "1", Source: "dify " + build.Read().Version, Manual: "dify manual", Date: manDate(o.io)}
	o.root.DisableAutoGenTag = true
	if o.dir == "" {
		return doc.GenMan(o.root, header, o.io.Out)
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	if err := doc.GenManTree(o.root, header, o.dir); err != nil {
		return fmt.Errorf("writing man pages to %s: %w", o.dir, err)
	}
	return nil
}

// manDate makes pages reproducible: SOURCE_DATE_EPOCH when set, else the
// build's commit date, else today.
func manDate(s *Streams) *time.Time {
	if sec, err := strconv.ParseInt(s.getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		t := time.Unix(sec, 0).UTC()
		return &t
	}
	if t, err := time.Parse(time.RFC3339, build.Read().Date); err == nil {
		return &t
	}
	t := time.Now()
	return &t
}
