package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/internal/tui"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// permissionFlags maps flag suffixes to manifest permission keys.
var permissionFlags = []struct{ flag, key string }{
	{"tool", "tool"}, {"llm", "model.llm"}, {"text-embedding", "model.text_embedding"}, {"rerank", "model.rerank"},
	{"tts", "model.tts"}, {"speech2text", "model.speech2text"}, {"moderation", "model.moderation"},
	{"node", "node"}, {"endpoint", "endpoint"}, {"app", "app"}, {"storage", "storage"},
}

func newPermissionCmd(s *Streams) *cobra.Command {
	allow := map[string]*bool{}
	deny := map[string]*bool{}
	var denyModel bool
	var storageSize uint64
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
  dify plugin permission --allow-storage --storage-size 1048576`,
		Args: maxArgs(1, "one plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			dir := targetArg(args)
			file := filepath.Join(dir, manifest.FileName)
			data, err := capped.ReadFile(pack.DiskFiles(dir), manifest.FileName, manifest.MaxYAML)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%s does not exist; run this in a plugin directory or give its path", file)
				}
				return err
			}
			var m manifest.Manifest
			if err := yaml.Unmarshal(data, &m); err != nil {
				return fmt.Errorf("%s: %v", file, err)
			}
			grant := m.Granted()
			size := uint64(0)
			if m.Resource.Permission != nil && m.Resource.Permission.Storage != nil {
				size = m.Resource.Permission.Storage.Size
			}
			changed := cmd.Flags().Changed("storage-size") || denyModel
			for _, p := range permissionFlags {
				if *allow[p.flag] && *deny[p.flag] {
					return usagef("--allow-%s and --deny-%s contradict each other", p.flag, p.flag)
				}
				if *allow[p.flag] {
					grant[p.key], changed = true, true
				}
				if *deny[p.flag] || (denyModel && strings.HasPrefix(p.key, "model.")) {
					grant[p.key], changed = false, true
				}
			}
			if cmd.Flags().Changed("storage-size") {
				size = storageSize
			}
			switch {
			case changed:
			case s.CanPrompt():
				err := tui.PermissionForm(s.tuiOptions(), grant, &size)
				if errors.Is(err, tui.ErrCancelled) {
					return errCancelled
				}
				if err != nil {
					return err
				}
			default:
				printGrants(s.Out, grant, size)
				return nil
			}
			if grant["storage"] && size != 0 && (size < 1024 || size > 1<<30) {
				return usagef("--storage-size %d is out of range: use 1024 to 1073741824 bytes", size)
			}
			out, err := manifest.SetPermissions(data, grant, size)
			if err != nil {
				return fmt.Errorf("%s: %v", file, err)
			}
			if string(out) != string(data) {
				if err := atomicfile.Write(file, 0o644, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
					return err
				}
			}
			printGrants(s.Out, grant, size)
			reportMissingPermissions(s, dir)
			return nil
		}),
	}
	f := cmd.Flags()
	for _, p := range permissionFlags {
		allow[p.flag] = f.Bool("allow-"+p.flag, false, "grant the "+p.key+" permission")
		deny[p.flag] = f.Bool("deny-"+p.flag, false, "remove the "+p.key+" permission")
	}
	f.BoolVar(&denyModel, "deny-model", false, "remove every model permission")
	f.Uint64Var(&storageSize, "storage-size", 0, "storage size in bytes, with storage granted")
	return cmd
}

func printGrants(w io.Writer, grant map[string]bool, size uint64) {
	var on []string
	for _, k := range manifest.PermissionKeys {
		if grant[k] {
			if k == "storage" {
				k = fmt.Sprintf("storage (%d bytes)", size)
			}
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		on = []string{"none"}
	}
	fmt.Fprintf(w, "permissions: %s\n", strings.Join(on, ", "))
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
			fmt.Fprintf(s.Err, "warning: %s\n", d)
		}
	}
}
