package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dify-cli/dify/bundle"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	io        *Streams
	path      string
	json      bool
	keyPaths  []string
	maxSizeMB int64
}

func newInspectCmd(s *Streams, runF func(*inspectOptions) error) *cobra.Command {
	o := &inspectOptions{io: s}
	cmd := &cobra.Command{
		Use:   "inspect PACKAGE",
		Short: "Show what a .difypkg contains and whether it is signed",
		Long: `Show a package's manifest summary (name, author, version, category, permissions),
its unique identifier, its files with sizes, and its signature status, checked
against the official Dify key or the keys given with -p. A bundle (.difybndl) is
shown as a bundle: its name, author, version and dependencies.`,
		Args: exactArgs(1, "a .difypkg file"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return dispatch(o, runF, inspectRun)
		}),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print as JSON")
	cmd.Flags().StringArrayVarP(&o.keyPaths, "public-key", "p", nil, "public key to check the signature with (default: the official Dify key)")
	addMaxSizeFlag(cmd.Flags(), &o.maxSizeMB)
	completePackageArg(cmd, "difypkg", "difybndl")
	completeFlagSuffix(cmd, "public-key", ".pem")
	return cmd
}

func inspectRun(o *inspectOptions) error {
	s := o.io
	keys, names, err := publicKeys(o.keyPaths)
	if err != nil {
		return err
	}
	in, err := pack.Inspect(o.path, pack.InspectOptions{MaxSize: maxSizeBytes(o.maxSizeMB), Keys: keys, KeyNames: names})
	var other *pack.NotAPluginError
	if errors.As(err, &other) && other.Type == "bundle" {
		return inspectBundle(o)
	}
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	printInspection(s, in)
	return nil
}

// inspectBundle shows a bundle as a bundle: what it is, then its
// dependencies as bundle analyze lists them.
func inspectBundle(o *inspectOptions) error {
	s := o.io
	st, err := bundle.Open(o.path)
	if err != nil {
		return err
	}
	m, _, err := st.Load()
	if err != nil {
		return err
	}
	deps, err := st.Analyze()
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Path         string          `json:"path"`
			Type         string          `json:"type"`
			Name         string          `json:"name"`
			Author       string          `json:"author"`
			Version      string          `json:"version"`
			Dependencies []bundle.Parsed `json:"dependencies"`
		}{o.path, "bundle", m.Name, m.Author, m.Version, deps})
	}
	fmt.Fprintf(s.Out, "bundle:      %s\nauthor:      %s\nversion:     %s\ndependencies:\n", m.Name, m.Author, m.Version)
	if len(deps) == 0 {
		fmt.Fprintln(s.Out, "  none")
		return nil
	}
	printDependencies(s.Out, deps, "  ")
	return nil
}

func printInspection(s *Streams, in *pack.Inspection) {
	perms := strings.Join(in.Grant.Names(), ", ")
	if perms == "" {
		perms = "none"
	}
	fmt.Fprintf(s.Out, "name:        %s\nauthor:      %s\nversion:     %s\ncategory:    %s\npermissions: %s\nidentifier:  %s\n",
		in.Name, in.Author, in.Version, in.Category, perms, in.Identifier)
	sig := in.Signature
	switch {
	case sig.Verified:
		fmt.Fprintf(s.Out, "signature:   verified with %s (category %s, signed %s)\n", sig.Key, sig.Category, sig.Time)
	case sig.Signed:
		fmt.Fprintf(s.Out, "signature:   signed, but does not verify: %s\n", sig.Problem)
	default:
		fmt.Fprintf(s.Out, "signature:   unsigned\n")
	}
	fmt.Fprintf(s.Out, "files:\n")
	width := len(fmt.Sprint(in.TotalSize))
	for _, f := range in.Files {
		fmt.Fprintf(s.Out, "  %*d  %s\n", width, f.Size, f.Path)
	}
	fmt.Fprintf(s.Out, "  %d files, %d bytes\n", len(in.Files), in.TotalSize)
}
