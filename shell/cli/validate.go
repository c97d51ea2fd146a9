package cli

import (
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
)

type validateOptions struct {
	pluginTarget
	strict bool
}

type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

func newValidateCmd(s *Streams, runF func(*validateOptions) error) *cobra.Command {
	o := &validateOptions{pluginTarget: pluginTarget{io: s}}
	cmd := newPluginTargetCmd(&cobra.Command{
		Use:   "validate [DIR|PACKAGE]",
		Short: "Check a plugin against every rule Dify applies, before you upload it",
		Long: `Check a plugin directory (through its ignore rules) or a .difypkg against the rules
the Dify daemon applies when packaging, installing and running a plugin, and what the
Python SDK needs to start it. Each finding is printed as

  path:line:col: error|warning: message [rule]
    hint: how to fix it

An error means Dify refuses the plugin (packaging, upload or install) or the
plugin cannot start; a warning is something Dify ignores, a call refused at run
time, or a rule Dify enforces only in remote debugging. Exit status 1 when there
is an error (or a warning, with --strict).

The files checked are the ones packaging would take, with the same size limit
(--max-size) and the same refusals (special files, links out of the plugin,
names a package cannot hold); every entry of a package is read in full, so a
damaged one is found here rather than at upload.

Credentials are errors: .env files (not .env.example), private keys and API
tokens (OpenAI, GitHub, Slack, AWS, JWTs) in any text file, each with the file,
the line and the ignore line that leaves it out. --allow-secrets makes them
warnings.`,
		Example: `  dify plugin validate
  dify plugin validate ./weather --strict
  dify plugin validate weather.difypkg --json`,
	}, o, &o.pluginTarget, false, "print the findings as a JSON array", runF, validateRun)
	cmd.Flags().BoolVar(&o.strict, "strict", false, "exit 1 on warnings too")
	addAllowSecretsFlag(cmd.Flags(), &o.plugin.allowSecrets)
	return cmd
}

func validateRun(o *validateOptions) error {
	s := o.io
	plan, err := o.open()
	if err != nil {
		return err
	}
	defer plan.Close()
	ds := plan.Check()
	errs, warns := count(ds)
	if o.json {
		out := jsonFindings(ds)
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, d := range ds {
			fmt.Fprintln(s.Out, d)
		}
		fmt.Fprintf(s.Out, "%s: %d error%s, %d warning%s\n", o.path, errs, plural(errs), warns, plural(warns))
	}
	if errs > 0 || (o.strict && warns > 0) {
		return &silentError{code: exitFailure}
	}
	return nil
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

// jsonFindings are findings as --json prints them; never null.
func jsonFindings(ds manifest.Diagnostics) []jsonFinding {
	out := []jsonFinding{}
	for _, d := range ds {
		out = append(out, jsonFinding{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col, Severity: d.Severity.String(), Rule: d.Rule, Message: d.Message, Hint: d.Hint})
	}
	return out
}
