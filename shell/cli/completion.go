package cli

import (
	"strings"

	"github.com/dify-cli/dify/internal/similar"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// completeValues makes shell completion offer values for a flag that takes
// one of a fixed set.
func completeValues(cmd *cobra.Command, flag string, values []string) {
	cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	})
}

// completeArgs makes shell completion offer values for the first argument,
// and files or directories for the ones after it.
func completeArgs(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return values, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
}

// suggestFlag finds the flag of cmd nearest to an unknown one, for "did you
// mean". pflag's message names the flag: "unknown flag: --frobnicate" or
// "unknown shorthand flag: 'x' in -x".
func suggestFlag(cmd *cobra.Command, msg string) string {
	const prefix = "unknown flag: --"
	name, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, "=")
	best, bestD := "", 3
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := similar.Distance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = 1
		}
		if d < bestD || (d == bestD && f.Name < best) {
			best, bestD = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	if best == "" {
		return ""
	}
	return "--" + best
}
