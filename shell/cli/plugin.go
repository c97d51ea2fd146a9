package cli

import "github.com/spf13/cobra"

func newPluginCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("plugin", "Create, run, check and package plugins")
	cmd.AddCommand(newInitCmd(s, promptInit, nil), newPackageCmd(s, nil), newChecksumCmd(s, nil), newInspectCmd(s, nil),
		newValidateCmd(s, nil), newReadmeCmd(s), newPermissionCmd(s, nil), newModuleCmd(s), newRequirementsCmd(s, nil),
		newRunCmd(s, nil), newInvokeCmd(s, nil), newDebugCmd(s, nil), newCleanupCmd(s, nil))
	return cmd
}
