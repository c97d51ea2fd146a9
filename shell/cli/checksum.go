package cli

import (
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/manifest"
	"github.com/spf13/cobra"
)

func newChecksumCmd(s *Streams) *cobra.Command {
	var asJSON bool
	var target pluginFlags
	cmd := &cobra.Command{
		Use:   "checksum PATH",
		Short: "Print the daemon's checksum of a plugin directory or package",
		Long: `Print the checksum the Dify daemon computes for a plugin: the part after @
in its unique identifier (author/name:version@checksum).

PATH is a plugin directory (its files after the ignore rules) or a .difypkg.
The checksum of a directory equals that of the package made from it.`,
		Args: exactArgs(1, "a plugin directory or .difypkg file"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			plan, err := target.open(s, args[0])
			if err != nil {
				return err
			}
			defer plan.Close()
			if err := plan.Err(); err != nil {
				return err
			}
			// Like the daemon, require a manifest that loads.
			p, ds := manifest.Load(plan)
			if p == nil {
				for _, d := range ds {
					fmt.Fprintln(s.Err, d)
				}
				return fmt.Errorf("%s is not a plugin: manifest.yaml must exist and be valid YAML", args[0])
			}
			sum, err := checksum.Sum(plan)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if !asJSON {
				fmt.Fprintln(s.Out, sum)
				return nil
			}
			enc := json.NewEncoder(s.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				Path       string `json:"path"`
				Checksum   string `json:"checksum"`
				Identifier string `json:"identifier"`
			}{args[0], sum, p.Manifest.Identifier(sum)})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print path, checksum and unique identifier as JSON")
	target.register(cmd, true)
	return cmd
}
