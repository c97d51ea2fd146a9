package cli

import "github.com/spf13/cobra"

func newPluginCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("plugin", "Create, check and package plugins")
	cmd.AddCommand(newInitCmd(s, promptInit), newPackageCmd(s), newChecksumCmd(s), newInspectCmd(s), newValidateCmd(s), newReadmeCmd(s), newPermissionCmd(s), newModuleCmd(s), newRequirementsCmd(s))
	return cmd
}
