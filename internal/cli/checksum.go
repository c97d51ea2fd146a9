package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
)

func newChecksumCmd(s *Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checksum PATH",
		Short: "Print the daemon's checksum of a plugin directory or package",
		Long: `Print the checksum the Dify daemon computes for a plugin: the part after @
in its unique identifier (author/name:version@checksum).

PATH is a plugin directory (its files after the ignore rules) or a .difypkg.
The checksum of a directory equals that of the package made from it.`,
		Args: exactArgs(1, "a plugin directory or .difypkg file"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			fsys, closeFS, err := openPlugin(args[0])
			if err != nil {
				return err
			}
			defer closeFS()
			if src, ok := fsys.(*pack.Source); ok {
				// The package gets a generated requirements.txt; so does its checksum.
				gen, err := pack.AddRequirements(src, pack.Requirements{})
				if err != nil {
					return err
				}
				reportGenerated(s, args[0], gen)
			}
			sum, err := checksum.Sum(fsys)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if !asJSON {
				fmt.Fprintln(s.Out, sum)
				return nil
			}
			p, ds := manifest.Load(fsys)
			if p == nil {
				return ds.Err()
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
	return cmd
}

// targetArg is the optional plugin argument of a command, "." by default.
func targetArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}

// openPlugin opens a plugin directory (through its ignore rules) or a package
// as an fs.FS.
func openPlugin(p string) (fs.FS, func(), error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, fmt.Errorf("%s does not exist", p)
	}
	if st.IsDir() {
		src, err := pack.OpenSource(p, pack.SourceOptions{})
		if err != nil {
			return nil, nil, err
		}
		return src, func() {}, nil
	}
	pkg, err := pack.OpenArchive(p)
	if err != nil {
		return nil, nil, err
	}
	return pkg, func() { pkg.Close() }, nil
}
