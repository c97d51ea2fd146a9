package cli

import (
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/checksum"
	"github.com/spf13/cobra"
)

type checksumOptions struct {
	pluginTarget
}

func newChecksumCmd(s *Streams, runF func(*checksumOptions) error) *cobra.Command {
	o := &checksumOptions{pluginTarget: pluginTarget{io: s}}
	cmd := newPluginTargetCmd(&cobra.Command{
		Use:   "checksum PATH",
		Short: "Print the daemon's checksum of a plugin directory or package",
		Long: `Print the checksum the Dify daemon computes for a plugin: the part after @
in its unique identifier (author/name:version@checksum).

PATH is a plugin directory (its files after the ignore rules) or a .difypkg.
The checksum of a directory equals that of the package made from it.`,
	}, o, &o.pluginTarget, true, "print path, checksum and unique identifier as JSON", runF, checksumRun)
	return cmd
}

func checksumRun(o *checksumOptions) error {
	s := o.io
	// Like the daemon, require a manifest that loads.
	plan, p, err := o.load()
	if err != nil {
		return err
	}
	defer plan.Close()
	sum, err := checksum.Sum(plan)
	if err != nil {
		return fmt.Errorf("%s: %w", o.path, err)
	}
	if !o.json {
		fmt.Fprintln(s.Out, sum)
		return nil
	}
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Path       string `json:"path"`
		Checksum   string `json:"checksum"`
		Identifier string `json:"identifier"`
	}{o.path, sum, p.Manifest.Identifier(sum)})
}
