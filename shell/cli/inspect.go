package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/sign"
	"github.com/spf13/cobra"
)

type inspection struct {
	Path        string        `json:"path"`
	Name        string        `json:"name"`
	Author      string        `json:"author"`
	Version     string        `json:"version"`
	Category    string        `json:"category"`
	Permissions []string      `json:"permissions"`
	Checksum    string        `json:"checksum"`
	Identifier  string        `json:"identifier"`
	Files       []dryRunFile  `json:"files"`
	TotalSize   int64         `json:"total_size"`
	Signature   signatureInfo `json:"signature"`
}

type signatureInfo struct {
	Signed   bool   `json:"signed"`
	Verified bool   `json:"verified"`
	Key      string `json:"key,omitempty"`
	Time     string `json:"time,omitempty"`
	Category string `json:"category,omitempty"`
	// NamesCovered: the signed record also covers file names.
	NamesCovered bool   `json:"names_covered,omitempty"`
	Problem      string `json:"problem,omitempty"`
}

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
against the official Dify key or the keys given with -p.`,
		Args: exactArgs(1, "a .difypkg file"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return dispatch(o, runF, inspectRun)
		}),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print as JSON")
	cmd.Flags().StringArrayVarP(&o.keyPaths, "public-key", "p", nil, "public key to check the signature with (default: the official Dify key)")
	addMaxSizeFlag(cmd.Flags(), &o.maxSizeMB)
	return cmd
}

func inspectRun(o *inspectOptions) error {
	s := o.io
	keys, names, err := publicKeys(o.keyPaths)
	if err != nil {
		return err
	}
	arc, err := pack.OpenArchive(o.path, maxSizeBytes(o.maxSizeMB))
	if err != nil {
		return err
	}
	defer arc.Close()
	p, ds := manifest.Load(arc)
	if p == nil {
		return ds.Err()
	}
	sum, err := checksum.Sum(arc)
	if err != nil {
		return err
	}
	files, err := pack.List(arc)
	if err != nil {
		return err
	}
	in := inspection{Path: o.path, Name: p.Manifest.Name, Author: p.Manifest.Author, Version: p.Manifest.Version,
		Category: p.Manifest.Category(), Permissions: p.Manifest.PermissionNames(), Checksum: sum,
		Identifier: p.Manifest.Identifier(sum), Files: []dryRunFile{}}
	if in.Permissions == nil {
		in.Permissions = []string{}
	}
	for _, f := range files {
		in.Files = append(in.Files, dryRunFile{Path: f.Path, Size: f.Size})
		in.TotalSize += f.Size
	}
	v, err := sign.Verify(arc.Reader, keys)
	switch {
	case err == nil:
		in.Signature = signatureInfo{Signed: true, Verified: true, Key: names[v.Key], Time: v.Time.Format(time.RFC3339), Category: v.Category, NamesCovered: v.NamesCovered}
	case errors.Is(err, sign.ErrUnsigned):
		in.Signature = signatureInfo{}
	default:
		in.Signature = signatureInfo{Signed: true, Problem: err.Error()}
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	printInspection(s, in)
	return nil
}

func printInspection(s *Streams, in inspection) {
	perms := strings.Join(in.Permissions, ", ")
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
