// Package cli wires the dify command line to the library packages. It is the
// only package that knows about cobra, flags, streams and exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dify-cli/dify/internal/build"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const rootLong = `dify creates, runs, checks, packages and signs Dify plugins.

Exit status:
  0      success (and the normal end of "plugin run" on SIGINT or SIGTERM)
  1      the operation failed (invalid plugin, bad signature, I/O error,
         an error the plugin reported)
  2      usage error, or a required value is missing and no prompt is possible
  130    cancelled at a prompt
  128+N  stopped by signal N while working`

// Main runs the command line with args (without the program name) and returns
// the process exit code.
func Main(args []string, streams *Streams) int {
	root := newRootCmd(streams)
	args = invokeArgs(args)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	var silent *silentError
	if errors.As(err, &silent) {
		return code
	}
	var signal *interrupted
	switch {
	case errors.As(err, &signal):
		fmt.Fprintln(streams.Err, signal)
		return code
	}
	switch code {
	case exitCancelled:
		fmt.Fprintln(streams.Err, "cancelled")
	case exitUsage:
		fmt.Fprintf(streams.Err, "Error: %v\n", err)
		fmt.Fprintf(streams.Err, "Run '%s --help' for usage.\n", commandPathFor(root, args))
	case exitFailure:
		fmt.Fprintf(streams.Err, "Error: %v\n", err)
	}
	return code
}

func newRootCmd(s *Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "dify",
		Short:         "Create, run, check, package and sign Dify plugins",
		Long:          rootLong,
		Version:       build.Read().Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetVersionTemplate(`{{.Version}}` + "\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if s := suggestFlag(c, err.Error()); s != "" {
			err = fmt.Errorf("%w\n\nDid you mean %s?", err, s)
		}
		return &usageError{err}
	})
	root.SetGlobalNormalizationFunc(normalizeFlag)
	// Accepted for compatibility with the reference tool, which reads and ignores it.
	root.PersistentFlags().String("config", "", "ignored; accepted for compatibility")
	root.PersistentFlags().MarkHidden("config")

	root.AddCommand(newPluginCmd(s), newBundleCmd(s), newSignatureCmd(s), newVersionCmd(s, nil), newManCmd(s, nil))
	return root
}

// flagAliases maps the reference tool's spellings (after `_` → `-`) to ours.
var flagAliases = map[string]string{
	"output-path":         "output",
	"authorized-category": "category",
}

// normalizeFlag accepts snake_case spellings of every flag, as the reference
// tool spells them, as hidden aliases of the kebab-case names.
func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	name = strings.ReplaceAll(name, "_", "-")
	if alias, ok := flagAliases[name]; ok {
		name = alias
	}
	return pflag.NormalizedName(name)
}

// commandPathFor finds the deepest command named in args, for the usage hint.
func commandPathFor(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return root.CommandPath()
	}
	return cmd.CommandPath()
}

// run adapts a command's work function so that its errors are reported as
// failures (exit 1) rather than usage errors.
func run(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		var usage *usageError
		var silent *silentError
		var signal *interrupted
		if err == nil || errors.As(err, &usage) || errors.As(err, &silent) || errors.Is(err, errCancelled) || errors.As(err, &signal) {
			return err
		}
		return &runError{err}
	}
}

// exactArgs is cobra.ExactArgs with a message that names the arguments.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s (got %d argument%s)", cmd.CommandPath(), names, len(args), plural(len(args)))
		}
		return nil
	}
}

func maxArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("%s takes at most %s (got %d arguments)", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}
