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
func newManCmd(s *Streams) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "man",
		Short:  "Write man pages",
		Hidden: true,
		Args:   exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			header := &doc.GenManHeader{Title: "DIFY", Section: "1", Source: "dify " + build.Read().Version, Manual: "dify manual", Date: manDate(s)}
			root.DisableAutoGenTag = true
			if dir == "" {
				return doc.GenMan(root, header, s.Out)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("writing man pages to %s: %w", dir, err)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&dir, "dir", "", "write one page per command into this directory (default: the dify(1) page to standard output)")
	return cmd
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
