package cli

import "github.com/spf13/cobra"

// newGroupCmd makes a command that only holds sub-commands. Run bare, it shows
// its help; an unknown sub-command is a usage error (exit 2).
func newGroupCmd(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
}
