package cli

import (
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
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
	var target pluginFlags
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
warning, with --strict).

The files checked are the ones packaging would take, with the same size limit
(--max-size) and the same refusals (special files, links out of the plugin,
names a package cannot hold); every entry of a package is read in full, so a
damaged one is found here rather than at upload.`,
		Example: `  dify plugin validate
  dify plugin validate ./weather --strict
  dify plugin validate weather.difypkg --json`,
		Args: maxArgs(1, "one plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			path := targetArg(args)
			plan, err := target.open(s, path)
			if err != nil {
				return err
			}
			defer plan.Close()
			ds := plan.Check()
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
				fmt.Fprintf(s.Out, "%s: %d error%s, %d warning%s\n", path, errs, plural(errs), warns, plural(warns))
			}
			if errs > 0 || (strict && warns > 0) {
				return &silentError{code: exitFailure}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as a JSON array")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	target.register(cmd, true)
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

// validateAll is the validation `package` runs by default: the one
// `validate` runs.
func validateAll(p *pack.Plan) manifest.Diagnostics { return p.Check() }
