package cli

import (
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// targetArg is the optional plugin argument of a command, "." by default.
func targetArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}

// pluginFlags are the flags of every command that reads a plugin directory
// or package: they shape the plan it reads through.
type pluginFlags struct {
	maxSizeMB     int64
	externalLinks bool
}

// register adds the flags to cmd; links only matters for directories.
func (f *pluginFlags) register(cmd *cobra.Command, links bool) {
	addMaxSizeFlag(cmd.Flags(), &f.maxSizeMB)
	if links {
		addExternalLinksFlag(cmd.Flags(), &f.externalLinks)
	}
}

// open makes the plan of a plugin directory or package, with a
// requirements.txt generated from uv.lock as packaging would, and reports
// that on stderr.
func (f *pluginFlags) open(s *Streams, path string) (*pack.Plan, error) {
	plan, err := pack.Open(path, pack.PlanOptions{MaxSize: maxSizeBytes(f.maxSizeMB), AllowExternalLinks: f.externalLinks})
	if err != nil {
		return nil, err
	}
	for _, w := range plan.Warnings {
		s.warnf("%s", w)
	}
	reportGenerated(s, path, plan.Generated)
	return plan, nil
}

func addMaxSizeFlag(f *pflag.FlagSet, mb *int64) {
	f.Int64Var(mb, "max-size", 50, "limit on the uncompressed size, in MiB, as the daemon's PLUGIN_MAX_PACKAGE_SIZE (values ≤ 0 mean 50)")
}

func addExternalLinksFlag(f *pflag.FlagSet, allow *bool) {
	f.BoolVar(allow, "allow-external-links", false, "package what symbolic links pointing out of the plugin lead to (refused by default)")
}

func maxSizeBytes(mb int64) int64 {
	if mb <= 0 {
		return pack.DefaultMaxSize
	}
	return mb << 20
}
