package cli

import (
	"cmp"
	"os"
	"path/filepath"
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

// packageExts are the endings of plugin packages, for completion: a shell
// offers directories and these files, not every file.
var packageExts = []string{"difypkg"}

// completePluginArg offers directories and .difypkg files for a command's
// first argument, and nothing after it.
func completePluginArg(cmd *cobra.Command) {
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return packageExts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completePackageArg offers directories (to walk into) and the files with
// the given endings for a command's first argument.
func completePackageArg(cmd *cobra.Command, exts ...string) {
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completeFlagSuffix offers, for a flag that takes a file, the directories
// and the files whose names end in suffix (.private.pem for a signing key,
// which a file extension alone cannot tell from a public key).
func completeFlagSuffix(cmd *cobra.Command, flag, suffix string) {
	cmd.RegisterFlagCompletionFunc(flag, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		dir, base := filepath.Split(toComplete)
		entries, _ := os.ReadDir(cmp.Or(dir, "."))
		var out []string
		dirs := false
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
				continue
			}
			switch {
			case e.IsDir():
				out = append(out, dir+name+"/")
				dirs = true
			case strings.HasSuffix(name, suffix):
				out = append(out, dir+name)
			}
		}
		d := cobra.ShellCompDirectiveNoFileComp
		if dirs {
			d |= cobra.ShellCompDirectiveNoSpace
		}
		return out, d
	})
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
