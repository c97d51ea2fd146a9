package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/dify-cli/dify/manifest"
	"github.com/spf13/cobra"
)

type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

func newValidateCmd(s *Streams) *cobra.Command {
	var asJSON, strict bool
	cmd := &cobra.Command{
		Use:   "validate [DIR|PACKAGE]",
		Short: "Check a plugin against every rule Dify applies, before you upload it",
		Long: `Check a plugin directory (through its ignore rules) or a .difypkg against the rules
the Dify daemon applies when packaging, installing and running a plugin, and what the
Python SDK needs to start it. Each finding is printed as

  path:line:col: error|warning: message [rule]
    hint: how to fix it

Errors make the plugin fail somewhere in Dify; warnings are things Dify silently
ignores or that are likely mistakes. Exit status 1 when there is an error (or a
warning, with --strict).`,
		Example: `  dify plugin validate
  dify plugin validate ./weather --strict
  dify plugin validate weather.difypkg --json`,
		Args: maxArgs(1, "one plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			target := targetArg(args)
			fsys, closeFS, err := openPlugin(target)
			if err != nil {
				return err
			}
			defer closeFS()
			ds := manifest.Check(fsys)
			errs, warns := count(ds)
			if asJSON {
				out := []jsonFinding{}
				for _, d := range ds {
					out = append(out, jsonFinding{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col, Severity: d.Severity.String(), Rule: d.Rule, Message: d.Message, Hint: d.Hint})
				}
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				for _, d := range ds {
					fmt.Fprintln(s.Out, d)
				}
				fmt.Fprintf(s.Out, "%s: %d error%s, %d warning%s\n", target, errs, plural(errs), warns, plural(warns))
			}
			if errs > 0 || (strict && warns > 0) {
				return &silentError{code: exitFailure}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as a JSON array")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	return cmd
}

func count(ds manifest.Diagnostics) (errs, warns int) {
	for _, d := range ds {
		if d.Severity == manifest.Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// validateAll is the validation `package` runs by default.
func validateAll(fsys fs.FS) manifest.Diagnostics { return manifest.Check(fsys) }
