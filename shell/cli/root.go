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
	args = invokeArgs(args)
	root := newRootCmdFor(streams, args)
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

// newRootCmd builds the whole command tree.
func newRootCmd(s *Streams) *cobra.Command { return newRootCmdFor(s, nil) }

// newRootCmdFor builds the command tree a run with args needs: when the
// arguments name a command, only the commands on its path (a start-up
// builds no flag set it does not use); for the top-level help, the groups
// without their commands; otherwise (completion, "did you mean", man
// pages) all of it.
func newRootCmdFor(s *Streams, args []string) *cobra.Command {
	want := func(i int) string {
		if i < len(args) && !strings.HasPrefix(args[i], "-") && (i == 0 || !strings.HasPrefix(args[0], "-")) {
			return args[i]
		}
		return ""
	}
	top, group := want(0), ""
	if len(args) > 1 && top == args[0] {
		group = want(1)
	}
	switch {
	case top == "man":
		top = "" // it documents every command
	case args != nil && topLevelHelp(args):
		group = none // the top-level help lists the groups, not their commands
	}
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

	addCommands(root, top,
		entry{"plugin", func() *cobra.Command { return newPluginCmd(s, group) }},
		entry{"bundle", func() *cobra.Command { return newBundleCmd(s, group) }},
		entry{"signature", func() *cobra.Command { return newSignatureCmd(s, group) }},
		entry{"version", func() *cobra.Command { return newVersionCmd(s, nil) }},
		entry{"man", func() *cobra.Command { return newManCmd(s, nil) }})
	return root
}

// none, as the wanted command, builds no subcommand.
const none = "\x00"

// topLevelHelp reports whether args ask only for the top-level help.
func topLevelHelp(args []string) bool {
	for _, a := range args {
		if a != "-h" && a != "--help" && a != "help" {
			return false
		}
	}
	return true
}

// entry is a subcommand and how to build it.
type entry struct {
	name string
	make func() *cobra.Command
}

// addCommands adds the entries to cmd: only the one named want when there
// is one (the run needs no other), none for none, else all of them.
func addCommands(cmd *cobra.Command, want string, entries ...entry) {
	if want == none {
		return
	}
	for _, e := range entries {
		if e.name == want {
			cmd.AddCommand(e.make())
			return
		}
	}
	for _, e := range entries {
		cmd.AddCommand(e.make())
	}
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

func minArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s takes %s", cmd.CommandPath(), names)
		}
		return nil
	}
}
