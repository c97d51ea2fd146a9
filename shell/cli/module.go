package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/scaffold"
	"github.com/spf13/cobra"
)

func newModuleCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("module", "List and add what a plugin provides")
	cmd.AddCommand(newModuleListCmd(s), newModuleAppendCmd(s))
	return cmd
}

func newModuleListCmd(s *Streams) *cobra.Command {
	var asJSON bool
	var source pluginFlags
	cmd := &cobra.Command{
		Use:   "list [DIR|PACKAGE]",
		Short: "List the tools, endpoints, models, strategies, datasources and events of a plugin",
		Args:  maxArgs(1, "one plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			target := targetArg(args)
			plan, err := source.open(s, target)
			if err != nil {
				return err
			}
			defer plan.Close()
			if err := plan.Err(); err != nil {
				return err
			}
			p, ds := manifest.Load(plan)
			if p == nil {
				return ds.Err()
			}
			modules := p.Modules()
			if asJSON {
				if modules == nil {
					modules = []manifest.Module{}
				}
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(modules)
			}
			if len(modules) == 0 {
				fmt.Fprintf(s.Err, "%s declares no modules\n", target)
				return nil
			}
			tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "KIND\tNAME\tDETAIL\tFILE")
			for _, m := range modules {
				detail := m.Detail
				if len(m.Parameters) > 0 {
					var ps []string
					for _, p := range m.Parameters {
						mark := ""
						if p.Required {
							mark = "*"
						}
						ps = append(ps, p.Name+mark+": "+p.Type)
					}
					detail = strings.TrimSpace(detail + " (" + strings.Join(ps, ", ") + ")")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Kind, m.Name, detail, m.File)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	source.register(cmd, true)
	return cmd
}

func newModuleAppendCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("append", "Add a tool or an endpoint to a plugin")
	for _, kind := range scaffold.ModuleKinds {
		kind := kind
		cmd.AddCommand(&cobra.Command{
			Use:     kind + " NAME [DIR]",
			Aliases: []string{kind + "s"},
			Short:   "Add a " + kind + " to a plugin",
			Long: "Add " + kind + "s/NAME.yaml and " + kind + "s/NAME.py from the templates init uses and register\n" +
				"them in the plugin's provider file, creating it (and its manifest entry) when the plugin\n" +
				"has none. Existing files are never overwritten, and combinations the daemon rejects\n" +
				"(e.g. a tool in a model plugin) are refused.",
			Args: func(cmd *cobra.Command, args []string) error {
				if len(args) < 1 || len(args) > 2 {
					return usagef("%s takes a name and optionally a plugin directory", cmd.CommandPath())
				}
				return nil
			},
			RunE: run(func(cmd *cobra.Command, args []string) error {
				name, dir := args[0], "."
				if len(args) == 2 {
					dir = args[1]
				}
				if manifest.CheckName(name) != nil {
					return usagef("%s name %q must be 1–128 characters of a-z, 0-9, _ and - (it names the files)", kind, name)
				}
				plan, err := pack.OpenDir(dir, pack.PlanOptions{})
				if err != nil {
					return err
				}
				p, ds := manifest.Load(plan)
				if p == nil {
					return ds.Err()
				}
				changes, err := scaffold.AppendModule(dir, p, kind, name)
				if err != nil {
					return err
				}
				if err := scaffold.ApplyChanges(dir, changes); err != nil {
					return err
				}
				for _, c := range changes {
					verb := "changed"
					if c.New {
						verb = "created"
					}
					fmt.Fprintf(s.Err, "%s %s\n", verb, c.File.Path)
				}
				return nil
			}),
		})
	}
	return cmd
}
