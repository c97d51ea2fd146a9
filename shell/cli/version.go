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
		Short: "Print the version",
		Long: `Print the version of dify as one bare PEP 440 version, nothing else: the Dify
Python SDK's test harness parses the whole output. --json adds the commit, the
build date and the Go version.`,
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
	_, err := fmt.Fprintln(s.Out, info.Version)
	return err
}
