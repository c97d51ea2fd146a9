package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/explain"
	"github.com/dify-cli/dify/internal/capped"
)

type explainOptions struct {
	io   *Streams
	text string
	list bool
}

func newExplainCmd(s *Streams, runF func(*explainOptions) error) *cobra.Command {
	o := &explainOptions{io: s}
	cmd := &cobra.Command{
		Use:   "explain [TEXT|ID|-]",
		Short: "Say why a Dify refused to install a plugin, and what to change",
		Long: `Give the error a Dify showed when it refused a plugin (or an excerpt of the plugin
daemon's log, with - or on stdin): dify finds each install error it knows in it and
says its cause and the fix. It knows every error the plugin daemon returns on the
install path (upload, decoding, signature, size, the Python environment), read from
its source, and those of the docker-compose setup in front of it (nginx's 413).

An ID (such as bad-signature) shows that entry; --list lists them all. Exit 1 when
the text holds no error dify knows.`,
		Example: `  dify plugin explain "plugin verification has been enabled, and the plugin you want to install has a bad signature"
  docker compose logs plugin_daemon | dify plugin explain -
  dify plugin explain too-large-uncompressed
  dify plugin explain --list`,
		Args: maxArgs(1, "the error's text, an ID, or - for stdin"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.text = args[0]
			}
			return dispatch(o, runF, explainRun)
		}),
	}
	cmd.Flags().BoolVar(&o.list, "list", false, "list the errors dify knows")
	return cmd
}

func explainRun(o *explainOptions) error {
	s := o.io
	if o.list {
		tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
		for _, e := range explain.Catalogue() {
			fmt.Fprintf(tw, "%s\t%s\n", e.ID, e.Title)
		}
		return tw.Flush()
	}
	text := o.text
	if text == "" || text == "-" {
		if text == "" && s.InTerminal {
			return usagef("give the error's text, an ID (see --list), or - to read it from stdin")
		}
		data, err := capped.Read("stdin", s.In, 64<<20)
		if err != nil {
			return err
		}
		text = string(data)
	}
	if e := explain.ByID(text); e != nil {
		writeEntry(s.Out, explain.Found{Entry: e})
		return nil
	}
	found := explain.Find(text)
	if len(found) == 0 {
		fmt.Fprintln(s.Err, "dify knows no install error in this text. The plugin daemon's log has the whole story: `docker compose logs plugin_daemon` in Dify's docker folder; `dify plugin explain --list` lists what dify knows.")
		return &silentError{code: exitFailure}
	}
	for i, f := range found {
		if i > 0 {
			fmt.Fprintln(s.Out)
		}
		writeEntry(s.Out, f)
	}
	return nil
}

// writeEntry prints an explanation: what, why, what to do.
func writeEntry(w io.Writer, f explain.Found) {
	fmt.Fprintf(w, "%s (%s)\n", f.Title, f.ID)
	if f.Text != "" {
		fmt.Fprintf(w, "  seen: %s\n", oneLine(f.Text, 160))
	}
	fmt.Fprintf(w, "  from: %s\n", f.Source)
	fmt.Fprintf(w, "  why:  %s\n", f.Cause)
	if d := f.Explain(); d != "" {
		fmt.Fprintf(w, "        %s\n", d)
	}
	for _, fix := range f.Fix {
		fmt.Fprintf(w, "  fix:  %s\n", fix)
	}
}

// oneLine shortens a text to one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}
