package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dify-cli/dify/internal/build"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	date := manDate(o.io).Format("Jan 2006")
	if o.dir == "" {
		_, err := io.WriteString(o.io.Out, manPage(o.root, date))
		return err
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	var write func(c *cobra.Command) error
	write = func(c *cobra.Command) error {
		if !c.IsAvailableCommand() && c != o.root {
			return nil
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		if err := writeFile(filepath.Join(o.dir, name), 0o644, []byte(manPage(c, date))); err != nil {
			return fmt.Errorf("writing man pages to %s: %w", o.dir, err)
		}
		for _, sub := range c.Commands() {
			if err := write(sub); err != nil {
				return err
			}
		}
		return nil
	}
	return write(o.root)
}

// manPage is the roff page of one command: name, synopsis, description,
// options (its own, then those it inherits), examples and related pages.
func manPage(c *cobra.Command, date string) string {
	var b strings.Builder
	page := strings.ReplaceAll(c.CommandPath(), " ", "-")
	fmt.Fprintf(&b, ".nh\n.TH %q \"1\" %q %q \"dify manual\"\n", strings.ToUpper(page), date, "dify "+build.Read().Version)
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", page, roff(c.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n\\fB%s\\fP\n", roff(c.UseLine()))
	long := c.Long
	if long == "" {
		long = c.Short
	}
	fmt.Fprintf(&b, ".SH DESCRIPTION\n.nf\n%s\n.fi\n", roff(long))
	options := func(title string, flags *pflag.FlagSet) {
		var lines []string
		flags.VisitAll(func(f *pflag.Flag) {
			if f.Hidden {
				return
			}
			name := "\\fB\\-\\-" + roff(f.Name) + "\\fP"
			if f.Shorthand != "" {
				name = "\\fB\\-" + f.Shorthand + "\\fP, " + name
			}
			if f.Value.Type() != "bool" {
				name += "=" + roff(f.DefValue)
			}
			lines = append(lines, ".TP\n"+name+"\n"+roff(f.Usage))
		})
		if len(lines) > 0 {
			fmt.Fprintf(&b, ".SH %s\n%s\n", title, strings.Join(lines, "\n"))
		}
	}
	options("OPTIONS", c.NonInheritedFlags())
	options("OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
	if c.Example != "" {
		fmt.Fprintf(&b, ".SH EXAMPLE\n.nf\n%s\n.fi\n", roff(c.Example))
	}
	var related []string
	if c.HasParent() {
		related = append(related, "\\fB"+strings.ReplaceAll(c.Parent().CommandPath(), " ", "-")+"(1)\\fP")
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			related = append(related, "\\fB"+strings.ReplaceAll(sub.CommandPath(), " ", "-")+"(1)\\fP")
		}
	}
	if len(related) > 0 {
		fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(related, ", "))
	}
	return b.String()
}

// roff escapes text for a man page: backslashes, and lines that would read
// as requests.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// manDate makes pages reproducible: SOURCE_DATE_EPOCH when set, else the
// build's commit date, else today.
func manDate(s *Streams) time.Time {
	if sec, err := strconv.ParseInt(s.getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(sec, 0).UTC()
	}
	if t, err := time.Parse(time.RFC3339, build.Read().Date); err == nil {
		return t
	}
	return time.Now()
}
