package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/runner"
	"github.com/spf13/cobra"
)

// invokeOptions are what every kind of invoke takes; the kind's own
// options live with its entry in invokeKinds, which makes call.
type invokeOptions struct {
	io    *Streams
	ctx   context.Context
	kind  string   // the subcommand: tool, llm, endpoint, ...
	path  string   // the plugin
	names []string // what to call: TOOL, MODEL, METHOD PATH, TYPE ACTION

	json   bool
	outDir string
	logs   bool
	launch launchFlags

	// call builds the request from the kind's options, checked against
	// the plugin's declarations.
	call func(decl *manifest.Plugin) (invoke.Call, error)
}

func newInvokeCmd(s *Streams, runF func(*invokeOptions) error) *cobra.Command {
	cmd := newGroupCmd("invoke", "Call one tool, model, strategy or endpoint of a plugin and show the answer")
	cmd.Long = `Start a plugin locally (as "dify plugin run" does), make one call, show the
answer and stop. The call is checked against the plugin's declarations first:
unknown names, missing required values, values of the wrong type or outside
the options are refused before anything starts, and defaults are filled in.

The plugin (a directory, by default ".", or a .difypkg) may come before or
after the kind:
  dify plugin invoke tool ./my_plugin search -p query=dify
  dify plugin invoke ./my_plugin tool search -p query=dify

Values: -p name=value is converted to the declared type; -p name:=JSON is
taken as JSON. Credentials go in with -c name=value, or from a JSON or YAML
file with --credentials (which keeps secrets out of the shell's history).

Answers are shown for people: text as text, JSON indented, files written to
--out-dir. --json prints the chunks as the plugin sent them. The exit status
is 1 when the plugin reports an error, 2 when the call does not fit the
declarations.`
	for _, k := range invokeKinds {
		cmd.AddCommand(newInvokeKindCmd(s, k, runF))
	}
	return cmd
}

// newInvokeKindCmd makes the subcommand of one kind: the flags every kind
// has, and the kind's own.
func newInvokeKindCmd(s *Streams, k invokeKind, runF func(*invokeOptions) error) *cobra.Command {
	o := &invokeOptions{io: s, kind: k.name}
	use := k.name + " [DIR|PKG]"
	if k.names != "" {
		use += " " + k.names
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: k.short,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != k.count && len(args) != k.count+1 {
				what := "an optional plugin"
				if k.names != "" {
					what += " and " + k.names
				}
				return usagef("%s takes %s (got %d argument%s)", cmd.CommandPath(), what, len(args), plural(len(args)))
			}
			return nil
		},
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.path = cmd.Context(), "."
			if len(args) == k.count+1 {
				o.path, args = args[0], args[1:]
			}
			o.names = args
			return dispatch(o, runF, invokeRun)
		}),
	}
	if k.count == 1 {
		cmd.ValidArgsFunction = completeInvokeName(k.name)
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the answer's chunks as the plugin sent them, one JSON object per line")
	f.StringVar(&o.outDir, "out-dir", ".", "where files in the answer are written")
	f.BoolVarP(&o.logs, "enable-logs", "l", false, "show the plugin's logs and stderr on stderr")
	o.launch.env.register(f)
	f.DurationVar(&o.launch.readyTimeout, "ready-timeout", runner.DefaultReadyTimeout, "how long the plugin may take to start")
	addMaxSizeFlag(f, &o.launch.maxSizeMB)
	o.call = k.setup(cmd, o)
	return cmd
}

// completeInvokeName offers the names a kind takes (tools, models, ...)
// from the plugin given first, or from the current directory along with the
// plugin directories below it.
func completeInvokeName(kind string) cobra.CompletionFunc {
	module := map[string]string{"tool": "tool", "agent-strategy": "agent-strategy", "datasource": "datasource", "trigger": "event"}[kind]
	if module == "" {
		module = "model"
	}
	names := func(dir string) []string {
		plan, err := pack.Open(dir, pack.PlanOptions{})
		if err != nil {
			return nil
		}
		defer plan.Close()
		p, _ := manifest.Load(plan)
		if p == nil {
			return nil
		}
		var out []string
		for _, m := range p.Modules() {
			if m.Kind == module && (module != "model" || m.Detail == strings.ReplaceAll(kind, "-", "_")) {
				out = append(out, m.Name)
			}
		}
		return out
	}
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		switch len(args) {
		case 0:
			out := names(".")
			entries, _ := os.ReadDir(".")
			for _, e := range entries {
				if _, err := os.Stat(filepath.Join(e.Name(), manifest.FileName)); err == nil && e.IsDir() {
					out = append(out, e.Name()+"/")
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		case 1:
			if _, err := os.Stat(args[0]); err == nil {
				return names(args[0]), cobra.ShellCompDirectiveNoFileComp
			}
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// invokeArgs lets the plugin path come before the kind (dify plugin invoke
// DIR [FLAGS] tool NAME): the kind moves in front of the path, where cobra
// looks for a subcommand. When no kind follows a path, the word after the
// path moves in front instead, so that the error names it, not the path.
func invokeArgs(args []string) []string {
	isKind := func(s string) bool {
		return slices.ContainsFunc(invokeKinds, func(k invokeKind) bool { return k.name == s })
	}
	for i := 0; i+3 < len(args); i++ {
		if args[i] != "plugin" || args[i+1] != "invoke" {
			continue
		}
		j := i + 2
		if strings.HasPrefix(args[j], "-") || isKind(args[j]) {
			return args
		}
		for k := j + 1; k < len(args); k++ {
			if isKind(args[k]) {
				return moveTo(args, k, j)
			}
		}
		if !strings.HasPrefix(args[j+1], "-") && isPath(args[j]) {
			return moveTo(args, j+1, j)
		}
		return args
	}
	return args
}

// moveTo returns args with the element at from moved to index to (< from).
func moveTo(args []string, from, to int) []string {
	out := slices.Clone(args[:to])
	out = append(out, args[from])
	out = append(out, args[to:from]...)
	return append(out, args[from+1:]...)
}

// isPath reports whether s names a plugin rather than a mistyped kind.
func isPath(s string) bool {
	if strings.ContainsAny(s, `/\.`) {
		return true
	}
	_, err := os.Stat(s)
	return err == nil
}

func invokeRun(o *invokeOptions) error {
	s := o.io
	decl, err := loadDeclarations(s, o.path, o.launch.maxSizeMB)
	if err != nil {
		return err
	}
	call, err := o.call(decl)
	var ue *invoke.UsageError
	if errors.As(err, &ue) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}

	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	logs := newLogSink(s.Err, o.logs)
	defer logs.close()
	l, err := launch(ctx, s, o.path, o.launch, logs)
	if err != nil {
		return err
	}
	defer func() {
		l.Close()
		warnLeftovers(s, l.Plugin)
	}()

	calls := []invoke.Call{call}
	for len(calls) > 0 {
		call, calls = calls[0], calls[1:]
		answer, err := send(ctx, o, l, call)
		if err != nil {
			return err
		}
		if call.Then != nil {
			next, err := call.Then(answer)
			if err != nil {
				return err
			}
			calls = append(calls, next...)
		}
	}
	return nil
}

// send makes one call and shows its answer as it streams; the chunks are
// returned for a call that others follow.
func send(ctx context.Context, o *invokeOptions, l *runner.Launched, call invoke.Call) ([]json.RawMessage, error) {
	stream, err := l.Invoke(ctx, runner.Request{Type: call.Type, Action: call.Action, Body: call.Body})
	if err != nil {
		return nil, err
	}
	out := &invoke.Output{W: o.io.Out, Info: o.io.Err, Dir: o.outDir, Kind: call.Kind, JSON: o.json}
	var answer []json.RawMessage
	for {
		chunk, err := stream.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Close()
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			var pe *runner.PluginError
			if errors.As(err, &pe) {
				return nil, errors.New(runner.HumanError(pe.Error()))
			}
			return nil, err
		}
		if err := out.Chunk(chunk); err != nil {
			return nil, err
		}
		if call.Then != nil {
			answer = append(answer, chunk)
		}
	}
	return answer, out.Close()
}

// loadDeclarations reads the manifest and declarations of the plugin, to
// check a call before starting anything.
func loadDeclarations(s *Streams, path string, maxSizeMB int64) (*manifest.Plugin, error) {
	plan, err := pack.Open(path, pack.PlanOptions{MaxSize: maxSizeBytes(maxSizeMB)})
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	return loadManifest(s, plan, path)
}

// readValue is a flag's value, or the content of the file after @.
func readValue(v, flag string) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		return data, nil
	}
	return []byte(v), nil
}
