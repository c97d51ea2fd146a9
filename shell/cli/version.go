package cli

import (
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/internal/build"
	"github.com/spf13/cobra"
)

type versionOptions struct {
	io   *Streams
	json bool
}

func newVersionCmd(s *Streams, runF func(*versionOptions) error) *cobra.Command {
	o := &versionOptions{io: s}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print the version of dify. The first line is the bare version in PEP 440
form (what the Dify Python SDK parses); commit and build date follow when known.`,
		Args: maxArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return dispatch(o, runF, versionRun)
		}),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print as JSON")
	return cmd
}

func versionRun(o *versionOptions) error {
	s := o.io
	info := build.Read()
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintln(s.Out, info.Version)
	if info.Commit != "" {
		commit := info.Commit
		if info.Modified {
			commit += " (modified)"
		}
		fmt.Fprintf(s.Out, "commit: %s\n", commit)
	}
	if info.Date != "" {
		fmt.Fprintf(s.Out, "built:  %s\n", info.Date)
	}
	fmt.Fprintf(s.Out, "go:     %s\n", info.GoVersion)
	return nil
}
