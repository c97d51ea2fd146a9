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

	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/runner"
	"github.com/spf13/cobra"
)

type invokeOptions struct {
	io    *Streams
	ctx   context.Context
	kind  string   // the subcommand: tool, llm, endpoint, ...
	path  string   // the plugin
	names []string // what to call: TOOL, MODEL, METHOD PATH, TYPE ACTION

	provider    string
	params      []string
	credentials []string
	credFile    string
	json        bool
	outDir      string
	logs        bool
	launch      launchFlags

	credentialType string   // tool
	credKind       string   // credentials
	prompt         string   // llm
	system         string   // llm
	stop           []string // llm
	noStream       bool     // llm
	texts          []string // text-embedding, tts, moderation
	inputType      string   // text-embedding
	query          string   // rerank
	docs           []string // rerank
	topN           int      // rerank
	voice          string   // tts
	audio          string   // speech2text: a file
	headers        []string // endpoint
	data           string   // endpoint body, or @file
	settings       []string // endpoint
	request        string   // raw: JSON, or @file
}

// invokeKind is a subcommand of invoke: the names it takes after the
// optional plugin path, and how many.
type invokeKind struct {
	name, names, short string
	count              int
}

var invokeKinds = []invokeKind{
	{"tool", "TOOL", "Call a tool", 1},
	{"llm", "MODEL", "Ask an LLM", 1},
	{"text-embedding", "MODEL", "Embed texts", 1},
	{"rerank", "MODEL", "Rerank documents against a query", 1},
	{"tts", "MODEL", "Turn text into speech (written to a file)", 1},
	{"speech2text", "MODEL", "Turn an audio file into text", 1},
	{"moderation", "MODEL", "Check a text with a moderation model", 1},
	{"agent-strategy", "STRATEGY", "Run an agent strategy", 1},
	{"datasource", "DATASOURCE", "Crawl, list pages or browse files with a datasource", 1},
	{"endpoint", "METHOD PATH", "Send an HTTP request to an endpoint", 2},
	{"credentials", "", "Check provider credentials as Dify does when they are saved", 0},
	{"raw", "TYPE ACTION", "Send any request, given as JSON", 2},
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
		cmd.AddCommand(newInvokeKindCmd(s, k.name, k.names, k.short, k.count, runF))
	}
	return cmd
}

func newInvokeKindCmd(s *Streams, kind, names, short string, count int, runF func(*invokeOptions) error) *cobra.Command {
	o := &invokeOptions{io: s, kind: kind}
	use := kind + " [DIR|PKG]"
	if names != "" {
		use += " " + names
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != count && len(args) != count+1 {
				what := "an optional plugin"
				if names != "" {
					what += " and " + names
				}
				return usagef("%s takes %s (got %d argument%s)", cmd.CommandPath(), what, len(args), plural(len(args)))
			}
			return nil
		},
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.path = cmd.Context(), "."
			if len(args) == count+1 {
				o.path, args = args[0], args[1:]
			}
			o.names = args
			return dispatch(o, runF, invokeRun)
		}),
	}
	if count == 1 {
		cmd.ValidArgsFunction = completeInvokeName(kind)
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the answer's chunks as the plugin sent them, one JSON object per line")
	f.StringVar(&o.outDir, "out-dir", ".", "where files in the answer are written")
	f.BoolVarP(&o.logs, "enable-logs", "l", false, "show the plugin's logs and stderr on stderr")
	f.StringVar(&o.launch.python, "python", "", "the Python interpreter to build the environment from")
	f.BoolVar(&o.launch.refresh, "refresh", false, "build the Python environment again")
	f.DurationVar(&o.launch.readyTimeout, "ready-timeout", runner.DefaultReadyTimeout, "how long the plugin may take to start")
	addMaxSizeFlag(f, &o.launch.maxSizeMB)

	credentialFlags := func() {
		f.StringArrayVarP(&o.credentials, "credential", "c", nil, "a credential, name=value (repeatable)")
		f.StringVar(&o.credFile, "credentials", "", "a JSON or YAML file of credentials")
	}
	providerFlag := func(what string) {
		f.StringVar(&o.provider, "provider", "", strings.TrimSpace("the "+what)+" provider, when the plugin has several")
	}
	paramFlag := func(help string) {
		f.StringArrayVarP(&o.params, "param", "p", nil, help)
	}
	switch kind {
	case "tool":
		providerFlag("tool")
		paramFlag("a tool parameter, name=value or name:=JSON (repeatable)")
		credentialFlags()
		f.StringVar(&o.credentialType, "credential-type", "api-key", "api-key, oauth2 or unauthorized")
		completeValues(cmd, "credential-type", []string{"api-key", "oauth2", "unauthorized"})
	case "llm":
		providerFlag("model")
		credentialFlags()
		paramFlag("a model parameter such as temperature=0.2 (repeatable)")
		f.StringVar(&o.prompt, "prompt", "", "the user message (default: stdin when it is not a terminal)")
		f.StringVar(&o.system, "system", "", "a system message before it")
		f.StringArrayVar(&o.stop, "stop", nil, "a stop sequence (repeatable)")
		f.BoolVar(&o.noStream, "no-stream", false, "ask for the answer in one piece")
	case "text-embedding":
		providerFlag("model")
		credentialFlags()
		f.StringArrayVar(&o.texts, "text", nil, "a text to embed (repeatable)")
		f.StringVar(&o.inputType, "input-type", "document", "document or query")
		completeValues(cmd, "input-type", []string{"document", "query"})
	case "rerank":
		providerFlag("model")
		credentialFlags()
		f.StringVar(&o.query, "query", "", "the query")
		f.StringArrayVar(&o.docs, "doc", nil, "a document (repeatable)")
		f.IntVar(&o.topN, "top-n", 0, "keep the best N (0: all)")
	case "tts":
		providerFlag("model")
		credentialFlags()
		f.StringArrayVar(&o.texts, "text", nil, "the text to speak")
		f.StringVar(&o.voice, "voice", "", "the voice")
	case "speech2text":
		providerFlag("model")
		credentialFlags()
		f.StringVar(&o.audio, "file", "", "the audio file")
	case "moderation":
		providerFlag("model")
		credentialFlags()
		f.StringArrayVar(&o.texts, "text", nil, "the text to check")
	case "agent-strategy":
		providerFlag("agent strategy")
		paramFlag("a strategy parameter, name=value or name:=JSON (repeatable)")
	case "datasource":
		providerFlag("datasource")
		paramFlag("a datasource parameter, name=value or name:=JSON (repeatable)")
		credentialFlags()
	case "endpoint":
		f.StringArrayVarP(&o.headers, "header", "H", nil, `a request header, "Name: value" (repeatable)`)
		f.StringVarP(&o.data, "data", "d", "", "the request body, or @FILE")
		f.StringArrayVarP(&o.settings, "setting", "s", nil, "an endpoint setting, name=value (repeatable)")
	case "credentials":
		providerFlag("")
		credentialFlags()
		f.StringVar(&o.credKind, "kind", "", "tool, model or datasource, when the plugin has several kinds of provider")
		completeValues(cmd, "kind", []string{"tool", "model", "datasource"})
	case "raw":
		f.StringVar(&o.request, "request", "{}", "the request as a JSON object, or @FILE")
	}
	return cmd
}

// completeInvokeName offers the names a kind takes (tools, models, ...)
// from the plugin given first, or from the current directory along with the
// plugin directories below it.
func completeInvokeName(kind string) cobra.CompletionFunc {
	module := map[string]string{"tool": "tool", "agent-strategy": "agent-strategy", "datasource": "datasource"}[kind]
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

	stream, err := l.Invoke(ctx, runner.Request{Type: call.Type, Action: call.Action, Body: call.Body})
	if err != nil {
		return err
	}
	out := &invoke.Output{W: s.Out, Info: s.Err, Dir: o.outDir, Kind: call.Kind, JSON: o.json}
	for {
		chunk, err := stream.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Close()
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			var pe *runner.PluginError
			if errors.As(err, &pe) {
				return errors.New(runner.HumanError(pe.Error()))
			}
			return err
		}
		if err := out.Chunk(chunk); err != nil {
			return err
		}
	}
	return out.Close()
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

// call builds the request from the options.
func (o *invokeOptions) call(decl *manifest.Plugin) (invoke.Call, error) {
	params, err := invoke.ParseArgs(o.params)
	if err != nil {
		return invoke.Call{}, &invoke.UsageError{Problems: []string{"-p " + err.Error()}}
	}
	creds, err := o.credentialArgs()
	if err != nil {
		return invoke.Call{}, err
	}
	switch o.kind {
	case "tool":
		return invoke.Tool(decl, invoke.ToolRequest{Provider: o.provider, Tool: o.names[0], Params: params, Credentials: creds, CredentialType: o.credentialType})
	case "agent-strategy":
		return invoke.Agent(decl, invoke.AgentRequest{Provider: o.provider, Strategy: o.names[0], Params: params})
	case "datasource":
		return invoke.Datasource(decl, invoke.DatasourceRequest{Provider: o.provider, Datasource: o.names[0], Params: params, Credentials: creds})
	case "credentials":
		return invoke.Credentials(decl, invoke.CredentialsRequest{Kind: o.credKind, Provider: o.provider, Credentials: creds})
	case "endpoint":
		settings, err := invoke.ParseArgs(o.settings)
		if err != nil {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"-s " + err.Error()}}
		}
		body, err := readValue(o.data, "--data")
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Endpoint(decl, invoke.EndpointRequest{Method: o.names[0], Path: o.names[1], Headers: o.headers, Body: body, Settings: settings})
	case "raw":
		data, err := readValue(o.request, "--request")
		if err != nil {
			return invoke.Call{}, err
		}
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"--request is not a JSON object: " + err.Error()}}
		}
		return invoke.Raw(o.names[0], o.names[1], body), nil
	}
	// A model.
	r := invoke.ModelRequest{ModelType: o.kind, Provider: o.provider, Model: o.names[0], Credentials: creds, Params: params,
		System: o.system, Stop: o.stop, NoStream: o.noStream, Texts: o.texts, InputType: o.inputType,
		Query: o.query, Docs: o.docs, TopN: o.topN, Voice: o.voice}
	switch o.kind {
	case "llm":
		r.Prompt = o.prompt
		if r.Prompt == "" && !o.io.InTerminal {
			data, err := capped.Read("stdin", o.io.In, 16<<20)
			if err != nil {
				return invoke.Call{}, err
			}
			r.Prompt = strings.TrimRight(string(data), "\n")
		}
		if r.Prompt == "" {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"give the prompt with --prompt (or on stdin)"}}
		}
	case "speech2text":
		if o.audio == "" {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"give the audio with --file"}}
		}
		f, err := os.Open(o.audio)
		if err != nil {
			return invoke.Call{}, err
		}
		defer f.Close()
		if r.Audio, err = capped.Read(o.audio, f, 64<<20); err != nil {
			return invoke.Call{}, err
		}
	case "text-embedding", "tts", "moderation":
		if len(o.texts) == 0 {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"give the text with --text"}}
		}
	case "rerank":
		if o.query == "" || len(o.docs) == 0 {
			return invoke.Call{}, &invoke.UsageError{Problems: []string{"give --query and at least one --doc"}}
		}
	}
	return invoke.Model(decl, r)
}

// credentialArgs gathers -c values and the --credentials file; -c wins.
func (o *invokeOptions) credentialArgs() ([]invoke.Arg, error) {
	var args []invoke.Arg
	if o.credFile != "" {
		data, err := readKeyFile("credentials file", o.credFile)
		if err != nil {
			return nil, err
		}
		if args, err = invoke.CredentialsFile(o.credFile, data); err != nil {
			return nil, err
		}
	}
	given, err := invoke.ParseArgs(o.credentials)
	if err != nil {
		return nil, &invoke.UsageError{Problems: []string{"-c " + err.Error()}}
	}
	for _, g := range given {
		args = slices.DeleteFunc(args, func(a invoke.Arg) bool { return a.Name == g.Name })
		args = append(args, g)
	}
	return args, nil
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
