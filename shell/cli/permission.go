package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/shell/tui"
	"github.com/spf13/cobra"
)

// permissionOptions is everything `plugin permission` needs.
type permissionOptions struct {
	io          *Streams
	dir         string
	allow, deny permissionFlags
	storageSize string
	// changed: flags ask for a change; otherwise a form (or a listing).
	changed bool
}

func newPermissionCmd(s *Streams, runF func(*permissionOptions) error) *cobra.Command {
	o := &permissionOptions{io: s}
	cmd := &cobra.Command{
		Use:   "permission [DIR]",
		Short: "Change the permissions a plugin requests",
		Long: `Change resource.permission in manifest.yaml. With --allow-X and --deny-X flags the
change is made directly; without flags, a form on the terminal shows the current
permissions to toggle (without a terminal, the current permissions are listed).
Comments, key order and formatting of the rest of the file are kept, and the file
is replaced atomically; quitting the form writes nothing. Afterwards, the plugin's
code is checked for calls that need a permission the manifest lacks.`,
		Example: `  dify plugin permission
  dify plugin permission ./weather --allow-llm --deny-tool
  dify plugin permission --allow-storage --storage-size 1MiB`,
		Args: maxArgs(1, "one plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.dir = targetArg(args)
			for key, allowed := range o.allow {
				if *allowed && *o.deny[key] {
					p, _ := manifest.FindPermission(key)
					return usagef("--allow-%s and --deny-%s contradict each other", p.Flag, p.Flag)
				}
			}
			o.changed = o.allow.changed(cmd.Flags()) || cmd.Flags().Changed("storage-size")
			return dispatch(o, runF, permissionRun)
		}),
	}
	f := cmd.Flags()
	o.allow = addPermissionFlags(f, "allow", "grant the permission to ")
	o.deny = addPermissionFlags(f, "deny", "remove the permission to ")
	f.StringVar(&o.storageSize, "storage-size", "", "storage size, with storage granted: bytes, or 1MiB, 512KiB, 1MB")
	return cmd
}

func permissionRun(o *permissionOptions) error {
	s := o.io
	asked := false
	grant, err := manifest.EditPermissions(o.dir, func(current manifest.Grant) (manifest.Grant, bool, error) {
		grant, err := o.apply(current)
		if err != nil {
			return grant, false, err
		}
		switch {
		case o.changed:
			return grant, true, nil
		case s.CanPrompt():
			asked = true
			err := tui.PermissionForm(s.tuiOptions(), &grant)
			if errors.Is(err, tui.ErrCancelled) {
				return grant, false, errCancelled
			}
			return grant, err == nil, err
		}
		return grant, false, nil // no change asked for: show it
	})
	if err != nil {
		return err
	}
	printGrant(s.Out, grant)
	if o.changed || asked {
		reportMissingPermissions(s, o.dir)
	}
	return nil
}

// apply makes the flags' changes to the current grant.
func (o *permissionOptions) apply(g manifest.Grant) (manifest.Grant, error) {
	for _, p := range manifest.Permissions {
		if *o.allow[p.Key] {
			g = g.With(p.Key)
		}
		if *o.deny[p.Key] {
			g = g.Without(p.Key)
		}
	}
	if o.storageSize != "" {
		n, err := manifest.ParseStorageSize(o.storageSize)
		if err != nil {
			return g, usagef("--storage-size: %v", err)
		}
		g.StorageSize = n
	}
	return g, nil
}

func printGrant(w io.Writer, g manifest.Grant) {
	names := g.Names()
	if len(names) == 0 {
		names = []string{"none"}
	}
	fmt.Fprintf(w, "permissions: %s\n", strings.Join(names, ", "))
}

// reportMissingPermissions tells about calls in the plugin's code that the
// new permissions no longer (or not yet) allow.
func reportMissingPermissions(s *Streams, dir string) {
	plan, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil || plan.Err() != nil {
		return
	}
	p, _ := manifest.Load(plan)
	if p == nil {
		return
	}
	for _, d := range manifest.CheckPermissions(p, plan) {
		if d.Rule == "permission-missing" {
			fmt.Fprintln(s.Err, d)
		}
	}
}
