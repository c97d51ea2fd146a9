package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
	"github.com/spf13/cobra"
)

func newModuleCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("module", "List and add what a plugin provides")
	appendCmd := newGroupCmd("append", "Add a tool or an endpoint to a plugin")
	for _, kind := range scaffold.ModuleKinds {
		appendCmd.AddCommand(newModuleAppendCmd(s, kind, nil))
	}
	cmd.AddCommand(newModuleListCmd(s, nil), appendCmd)
	return cmd
}

type moduleListOptions struct {
	pluginTarget
}

func newModuleListCmd(s *Streams, runF func(*moduleListOptions) error) *cobra.Command {
	o := &moduleListOptions{pluginTarget: pluginTarget{io: s}}
	cmd := newPluginTargetCmd(&cobra.Command{
		Use:   "list [DIR|PACKAGE]",
		Short: "List the tools, endpoints, models, strategies, datasources and events of a plugin",
	}, o, &o.pluginTarget, false, "print as JSON", runF, moduleListRun)
	return cmd
}

func moduleListRun(o *moduleListOptions) error {
	s := o.io
	plan, p, err := o.load()
	if err != nil {
		return err
	}
	defer plan.Close()
	modules := p.Modules()
	if o.json {
		if modules == nil {
			modules = []manifest.Module{}
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(modules)
	}
	if len(modules) == 0 {
		fmt.Fprintf(s.Err, "%s declares no modules\n", o.path)
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
}

type moduleAppendOptions struct {
	io   *Streams
	kind string // tool or endpoint
	name string
	dir  string
}

func newModuleAppendCmd(s *Streams, kind string, runF func(*moduleAppendOptions) error) *cobra.Command {
	o := &moduleAppendOptions{io: s, kind: kind}
	return &cobra.Command{
		Use:     kind + " NAME [DIR]",
		Aliases: []string{kind + "s"},
		Short:   "Add " + map[bool]string{true: "an ", false: "a "}[strings.IndexByte("aeiou", kind[0]) >= 0] + kind + " to a plugin",
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
			o.name, o.dir = args[0], "."
			if len(args) == 2 {
				o.dir = args[1]
			}
			if manifest.CheckName(o.name) != nil {
				return usagef("%s name %q must be 1–128 characters of a-z, 0-9, _ and - (it names the files)", kind, o.name)
			}
			return dispatch(o, runF, moduleAppendRun)
		}),
	}
}

func moduleAppendRun(o *moduleAppendOptions) error {
	p, err := loadProject(o.io, o.dir)
	if err != nil {
		return err
	}
	changes, err := scaffold.AppendModule(o.dir, p, o.kind, o.name)
	if err != nil {
		return err
	}
	if err := scaffold.ApplyChanges(o.dir, changes); err != nil {
		return err
	}
	for _, c := range changes {
		verb := "changed"
		if c.New {
			verb = "created"
		}
		fmt.Fprintf(o.io.Err, "%s %s\n", verb, c.File.Path)
	}
	return nil
}
