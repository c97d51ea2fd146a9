package cli

import "github.com/spf13/cobra"

// newPluginCmd builds the plugin group: with want, only that subcommand.
func newPluginCmd(s *Streams, want string) *cobra.Command {
	cmd := newGroupCmd("plugin", "Create, run, check and package plugins")
	addCommands(cmd, want,
		entry{"init", func() *cobra.Command { return newInitCmd(s, promptInit, nil) }},
		entry{"package", func() *cobra.Command { return newPackageCmd(s, nil) }},
		entry{"checksum", func() *cobra.Command { return newChecksumCmd(s, nil) }},
		entry{"inspect", func() *cobra.Command { return newInspectCmd(s, nil) }},
		entry{"validate", func() *cobra.Command { return newValidateCmd(s, nil) }},
		entry{"bump", func() *cobra.Command { return newBumpCmd(s, nil) }},
		entry{"publish", func() *cobra.Command { return newPublishCmd(s, nil) }},
		entry{"ci", func() *cobra.Command { return newCICmd(s, nil) }},
		entry{"readme", func() *cobra.Command { return newReadmeCmd(s) }},
		entry{"permission", func() *cobra.Command { return newPermissionCmd(s, nil) }},
		entry{"module", func() *cobra.Command { return newModuleCmd(s) }},
		entry{"requirements", func() *cobra.Command { return newRequirementsCmd(s, nil) }},
		entry{"run", func() *cobra.Command { return newRunCmd(s, nil) }},
		entry{"invoke", func() *cobra.Command { return newInvokeCmd(s, nil) }},
		entry{"playground", func() *cobra.Command { return newPlaygroundCmd(s, nil) }},
		entry{"debug", func() *cobra.Command { return newDebugCmd(s, nil) }},
		entry{"cleanup", func() *cobra.Command { return newCleanupCmd(s, nil) }},
		entry{"explain", func() *cobra.Command { return newExplainCmd(s, nil) }})
	return cmd
}
