package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// newGroupCmd makes a command that only holds sub-commands. Run bare, it shows
// its help; an unknown sub-command is a usage error (exit 2).
func newGroupCmd(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:                        use,
		Short:                      short,
		SuggestionsMinimumDistance: 2,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				hint := ""
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					hint = "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
				}
				return usagef("unknown command %q for %q%s", args[0], cmd.CommandPath(), hint)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
}
