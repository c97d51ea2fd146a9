package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/scaffold"
	"github.com/spf13/cobra"
)

func newReadmeCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("readme", "List and add README translations")
	cmd.AddCommand(newReadmeListCmd(s), newReadmeAddCmd(s))
	return cmd
}

func newReadmeListCmd(s *Streams) *cobra.Command {
	var asJSON bool
	var source pluginFlags
	cmd := &cobra.Command{
		Use:   "list [DIR|PACKAGE]",
		Short: "List the README languages of a plugin",
		Long: `List the README languages Dify finds in a plugin: README.md is en_US, and
readme/README_<language>.md files (e.g. readme/README_zh_Hans.md) add translations.`,
		Args: maxArgs(1, "one plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			target := targetArg(args)
			plan, err := source.open(s, target)
			if err != nil {
				return err
			}
			defer plan.Close()
			if err := plan.Err(); err != nil {
				return err
			}
			readmes := manifest.Readmes(plan)
			if asJSON {
				if readmes == nil {
					readmes = []manifest.Readme{}
				}
				return json.NewEncoder(s.Out).Encode(readmes)
			}
			if len(readmes) == 0 {
				fmt.Fprintf(s.Err, "%s has no README.md\n", target)
				return nil
			}
			for _, r := range readmes {
				fmt.Fprintf(s.Out, "%-8s %s\n", r.Language, r.Path)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	source.register(cmd, true)
	return cmd
}

func newReadmeAddCmd(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "add LANGUAGE [DIR]",
		Short: "Add a README translation (readme/README_<LANGUAGE>.md)",
		Long: `Create readme/README_<LANGUAGE>.md from the template init uses, filled with the
plugin's name, author and description. LANGUAGE looks like zh_Hans, ja_JP or pt_BR.
An existing file is never replaced.`,
		Example:           "  dify plugin readme add ja_JP",
		ValidArgsFunction: completeArgs(scaffold.ReadmeLanguages),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usagef("%s takes a language and optionally a plugin directory", cmd.CommandPath())
			}
			return nil
		},
		RunE: run(func(cmd *cobra.Command, args []string) error {
			lang, dir := args[0], "."
			if len(args) == 2 {
				dir = args[1]
			}
			if !manifest.ValidReadmeLanguage(lang) {
				return usagef("%q is not a README language; use a code like zh_Hans, ja_JP or pt_BR", lang)
			}
			plan, err := pack.OpenDir(dir, pack.PlanOptions{})
			if err != nil {
				return err
			}
			p, ds := manifest.Load(plan)
			if p == nil {
				return ds.Err()
			}
			m := p.Manifest
			data, err := scaffold.Readme(scaffold.Options{Name: m.Name, Author: m.Author, Description: m.Description["en_US"], Category: m.Category()}, lang)
			if err != nil {
				return err
			}
			target := filepath.Join(dir, "readme", "README_"+lang+".md")
			if _, err := os.Lstat(target); err == nil {
				return fmt.Errorf("%s already exists; nothing was written", target)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := atomicfile.Write(target, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return err
			}
			fmt.Fprintln(s.Out, target)
			return nil
		}),
	}
}
