package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/internal/similar"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
	"github.com/spf13/cobra"
)

func newReadmeCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("readme", "List and add README translations")
	cmd.AddCommand(newReadmeListCmd(s, nil), newReadmeAddCmd(s, nil))
	return cmd
}

type readmeListOptions struct {
	pluginTarget
}

func newReadmeListCmd(s *Streams, runF func(*readmeListOptions) error) *cobra.Command {
	o := &readmeListOptions{pluginTarget: pluginTarget{io: s}}
	cmd := newPluginTargetCmd(&cobra.Command{
		Use:   "list [DIR|PACKAGE]",
		Short: "List the README languages of a plugin",
		Long: `List the README languages Dify finds in a plugin: README.md is en_US, and
readme/README_<language>.md files (e.g. readme/README_zh_Hans.md) add translations.`,
	}, o, &o.pluginTarget, false, "print as JSON", runF, readmeListRun)
	return cmd
}

func readmeListRun(o *readmeListOptions) error {
	s := o.io
	plan, err := o.openPackable()
	if err != nil {
		return err
	}
	defer plan.Close()
	readmes := manifest.Readmes(plan)
	if o.json {
		if readmes == nil {
			readmes = []manifest.Readme{}
		}
		return json.NewEncoder(s.Out).Encode(readmes)
	}
	if len(readmes) == 0 {
		fmt.Fprintf(s.Err, "%s has no README.md\n", o.path)
		return nil
	}
	for _, r := range readmes {
		fmt.Fprintf(s.Out, "%-8s %s\n", r.Language, r.Path)
	}
	return nil
}

type readmeAddOptions struct {
	io   *Streams
	lang string
	dir  string
}

func newReadmeAddCmd(s *Streams, runF func(*readmeAddOptions) error) *cobra.Command {
	o := &readmeAddOptions{io: s}
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
			o.lang, o.dir = args[0], "."
			if len(args) == 2 {
				o.dir = args[1]
			}
			if !manifest.ValidReadmeLanguage(o.lang) {
				return usagef("%q is not a README language; use a code like zh_Hans, ja_JP or pt_BR%s", o.lang, similar.DidYouMean(o.lang, scaffold.ReadmeLanguages))
			}
			return dispatch(o, runF, readmeAddRun)
		}),
	}
}

func readmeAddRun(o *readmeAddOptions) error {
	p, err := loadProject(o.io, o.dir)
	if err != nil {
		return err
	}
	m := p.Manifest
	data, err := scaffold.Readme(scaffold.Options{Name: m.Name, Author: m.Author, Description: m.Description["en_US"], Category: m.Category()}, o.lang)
	if err != nil {
		return err
	}
	target := filepath.Join(o.dir, "readme", "README_"+o.lang+".md")
	if _, err := os.Lstat(target); err == nil {
		return fmt.Errorf("%s already exists; nothing was written", target)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if err := writeFile(target, 0o644, data); err != nil {
		return err
	}
	fmt.Fprintln(o.io.Out, target)
	return nil
}
