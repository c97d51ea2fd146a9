package cli

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// invokeKind is a subcommand of invoke: the names it takes after the
// optional plugin path and how many, and setup, which binds the kind's own
// flags into its own options and returns how they make the request.
type invokeKind struct {
	name, names, short string
	count              int
	setup              func(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error)
}

// invokeKinds are the subcommands of invoke, one entry each; the answers
// are shown by invoke.Output, by the call's kind.
var invokeKinds = []invokeKind{
	{"tool", "TOOL", "Call a tool", 1, toolKind},
	{"llm", "MODEL", "Ask an LLM", 1, modelKind("llm", llmFlags)},
	{"text-embedding", "MODEL", "Embed texts", 1, modelKind("text-embedding", embeddingFlags)},
	{"rerank", "MODEL", "Rerank documents against a query", 1, modelKind("rerank", rerankFlags)},
	{"tts", "MODEL", "Turn text into speech (written to a file)", 1, modelKind("tts", ttsFlags)},
	{"speech2text", "MODEL", "Turn an audio file into text", 1, modelKind("speech2text", speech2textFlags)},
	{"moderation", "MODEL", "Check a text with a moderation model", 1, modelKind("moderation", moderationFlags)},
	{"agent-strategy", "STRATEGY", "Run an agent strategy", 1, agentKind},
	{"datasource", "DATASOURCE", "Crawl, list pages or browse files with a datasource", 1, datasourceKind},
	{"endpoint", "METHOD PATH", "Send an HTTP request to an endpoint", 2, endpointKind},
	{"trigger", "EVENT", "Send a webhook call to a trigger: its dispatch, then the event", 1, triggerKind},
	{"credentials", "", "Check provider credentials as Dify does when they are saved", 0, credentialsKind},
	{"raw", "TYPE ACTION", "Send any request, given as JSON", 2, rawKind},
}

// The flags several kinds share.

func providerFlag(f *pflag.FlagSet, v *string, what string) {
	f.StringVar(v, "provider", "", strings.TrimSpace("the "+what)+" provider, when the plugin has several")
}

func paramFlag(f *pflag.FlagSet, v *[]string, help string) {
	f.StringArrayVarP(v, "param", "p", nil, help)
}

// credentialFlags are -c and --credentials; the returned function gathers
// both (-c wins).
func credentialFlags(f *pflag.FlagSet) func() ([]invoke.Arg, error) {
	var given []string
	var file string
	f.StringArrayVarP(&given, "credential", "c", nil, "a credential, name=value (repeatable)")
	f.StringVar(&file, "credentials", "", "a JSON or YAML file of credentials")
	return func() ([]invoke.Arg, error) {
		var args []invoke.Arg
		if file != "" {
			data, err := readKeyFile("credentials file", file)
			if err != nil {
				return nil, err
			}
			if args, err = invoke.CredentialsFile(file, data); err != nil {
				return nil, err
			}
		}
		flags, err := invoke.ParseArgs(given)
		if err != nil {
			return nil, &invoke.UsageError{Problems: []string{"-c " + err.Error()}}
		}
		for _, g := range flags {
			kept := args[:0]
			for _, a := range args {
				if a.Name != g.Name {
					kept = append(kept, a)
				}
			}
			args = append(kept, g)
		}
		return args, nil
	}
}

// params reads the -p values.
func params(list []string) ([]invoke.Arg, error) {
	args, err := invoke.ParseArgs(list)
	if err != nil {
		return nil, &invoke.UsageError{Problems: []string{"-p " + err.Error()}}
	}
	return args, nil
}

func usage(problem string) error { return &invoke.UsageError{Problems: []string{problem}} }

// The kinds.

func toolKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var provider, credentialType string
	var ps []string
	f := cmd.Flags()
	providerFlag(f, &provider, "tool")
	paramFlag(f, &ps, "a tool parameter, name=value or name:=JSON (repeatable)")
	creds := credentialFlags(f)
	f.StringVar(&credentialType, "credential-type", "api-key", "api-key, oauth2 or unauthorized")
	completeValues(cmd, "credential-type", []string{"api-key", "oauth2", "unauthorized"})
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		args, err := params(ps)
		if err != nil {
			return invoke.Call{}, err
		}
		c, err := creds()
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Tool(decl, invoke.ToolRequest{Provider: provider, Tool: o.names[0], Params: args, Credentials: c, CredentialType: credentialType})
	}
}

func agentKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var provider string
	var ps []string
	providerFlag(cmd.Flags(), &provider, "agent strategy")
	paramFlag(cmd.Flags(), &ps, "a strategy parameter, name=value or name:=JSON (repeatable)")
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		args, err := params(ps)
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Agent(decl, invoke.AgentRequest{Provider: provider, Strategy: o.names[0], Params: args})
	}
}

func datasourceKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var provider string
	var ps []string
	f := cmd.Flags()
	providerFlag(f, &provider, "datasource")
	paramFlag(f, &ps, "a datasource parameter, name=value or name:=JSON (repeatable)")
	creds := credentialFlags(f)
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		args, err := params(ps)
		if err != nil {
			return invoke.Call{}, err
		}
		c, err := creds()
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Datasource(decl, invoke.DatasourceRequest{Provider: provider, Datasource: o.names[0], Params: args, Credentials: c})
	}
}

func credentialsKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var provider, kind string
	f := cmd.Flags()
	providerFlag(f, &provider, "")
	creds := credentialFlags(f)
	f.StringVar(&kind, "kind", "", "tool, model or datasource, when the plugin has several kinds of provider")
	completeValues(cmd, "kind", []string{"tool", "model", "datasource"})
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		c, err := creds()
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Credentials(decl, invoke.CredentialsRequest{Kind: kind, Provider: provider, Credentials: c})
	}
}

func endpointKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var headers, settings []string
	var data string
	f := cmd.Flags()
	f.StringArrayVarP(&headers, "header", "H", nil, `a request header, "Name: value" (repeatable)`)
	f.StringVarP(&data, "data", "d", "", "the request body, or @FILE")
	f.StringArrayVarP(&settings, "setting", "s", nil, "an endpoint setting, name=value (repeatable)")
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		set, err := invoke.ParseArgs(settings)
		if err != nil {
			return invoke.Call{}, usage("-s " + err.Error())
		}
		body, err := readValue(data, "--data")
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Endpoint(decl, invoke.EndpointRequest{Method: o.names[0], Path: o.names[1], Headers: headers, Body: body, Settings: set})
	}
}

func triggerKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var provider, method, path, data string
	var headers, ps, props []string
	f := cmd.Flags()
	providerFlag(f, &provider, "trigger")
	paramFlag(f, &ps, "an event parameter, name=value or name:=JSON (repeatable)")
	f.StringArrayVar(&props, "property", nil, "a subscription property (subscription_schema), name=value (repeatable)")
	creds := credentialFlags(f)
	f.StringVarP(&method, "method", "X", "POST", "the webhook request's method")
	f.StringVar(&path, "path", "/", "the webhook request's path, with its query")
	f.StringArrayVarP(&headers, "header", "H", nil, `a webhook request header, "Name: value" (repeatable)`)
	f.StringVarP(&data, "data", "d", "{}", "the webhook request's body, or @FILE (JSON is sent as application/json)")
	return func(decl *manifest.Plugin) (invoke.Call, error) {
		args, err := params(ps)
		if err != nil {
			return invoke.Call{}, err
		}
		properties, err := invoke.ParseArgs(props)
		if err != nil {
			return invoke.Call{}, usage("--property " + err.Error())
		}
		c, err := creds()
		if err != nil {
			return invoke.Call{}, err
		}
		body, err := readValue(data, "--data")
		if err != nil {
			return invoke.Call{}, err
		}
		return invoke.Trigger(decl, invoke.TriggerRequest{Provider: provider, Event: o.names[0], Params: args, Properties: properties,
			Credentials: c, Method: method, Path: path, Headers: headers, Body: body})
	}
}

func rawKind(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	var request string
	cmd.Flags().StringVar(&request, "request", "{}", "the request as a JSON object, or @FILE")
	return func(*manifest.Plugin) (invoke.Call, error) {
		data, err := readValue(request, "--request")
		if err != nil {
			return invoke.Call{}, err
		}
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			return invoke.Call{}, usage("--request is not a JSON object: " + err.Error())
		}
		return invoke.Raw(o.names[0], o.names[1], body), nil
	}
}

// modelKind is the setup of one model type: the flags every model call has
// (provider, credentials), then the type's own, whose function completes
// and checks the request.
func modelKind(modelType string, own func(*cobra.Command, *invoke.ModelRequest, *invokeOptions) func(*invoke.ModelRequest) error) func(*cobra.Command, *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
	return func(cmd *cobra.Command, o *invokeOptions) func(*manifest.Plugin) (invoke.Call, error) {
		r := invoke.ModelRequest{ModelType: modelType}
		providerFlag(cmd.Flags(), &r.Provider, "model")
		creds := credentialFlags(cmd.Flags())
		finish := own(cmd, &r, o)
		return func(decl *manifest.Plugin) (invoke.Call, error) {
			req := r
			req.Model = o.names[0]
			var err error
			if req.Credentials, err = creds(); err != nil {
				return invoke.Call{}, err
			}
			if err := finish(&req); err != nil {
				return invoke.Call{}, err
			}
			return invoke.Model(decl, req)
		}
	}
}

func llmFlags(cmd *cobra.Command, r *invoke.ModelRequest, o *invokeOptions) func(*invoke.ModelRequest) error {
	var ps []string
	f := cmd.Flags()
	paramFlag(f, &ps, "a model parameter such as temperature=0.2 (repeatable)")
	f.StringVar(&r.Prompt, "prompt", "", "the user message (default: stdin when it is not a terminal)")
	f.StringVar(&r.System, "system", "", "a system message before it")
	f.StringArrayVar(&r.Stop, "stop", nil, "a stop sequence (repeatable)")
	f.BoolVar(&r.NoStream, "no-stream", false, "ask for the answer in one piece")
	return func(req *invoke.ModelRequest) error {
		var err error
		if req.Params, err = params(ps); err != nil {
			return err
		}
		if req.Prompt == "" && !o.io.InTerminal {
			data, err := capped.Read("stdin", o.io.In, 16<<20)
			if err != nil {
				return err
			}
			req.Prompt = strings.TrimRight(string(data), "\n")
		}
		if req.Prompt == "" {
			return usage("give the prompt with --prompt (or on stdin)")
		}
		return nil
	}
}

// needTexts is the check of the kinds that take --text.
func needTexts(req *invoke.ModelRequest) error {
	if len(req.Texts) == 0 {
		return usage("give the text with --text")
	}
	return nil
}

func embeddingFlags(cmd *cobra.Command, r *invoke.ModelRequest, _ *invokeOptions) func(*invoke.ModelRequest) error {
	cmd.Flags().StringArrayVar(&r.Texts, "text", nil, "a text to embed (repeatable)")
	cmd.Flags().StringVar(&r.InputType, "input-type", "document", "document or query")
	completeValues(cmd, "input-type", []string{"document", "query"})
	return needTexts
}

func rerankFlags(cmd *cobra.Command, r *invoke.ModelRequest, _ *invokeOptions) func(*invoke.ModelRequest) error {
	f := cmd.Flags()
	f.StringVar(&r.Query, "query", "", "the query")
	f.StringArrayVar(&r.Docs, "doc", nil, "a document (repeatable)")
	f.IntVar(&r.TopN, "top-n", 0, "keep the best N (0: all)")
	return func(req *invoke.ModelRequest) error {
		if req.Query == "" || len(req.Docs) == 0 {
			return usage("give --query and at least one --doc")
		}
		return nil
	}
}

func ttsFlags(cmd *cobra.Command, r *invoke.ModelRequest, _ *invokeOptions) func(*invoke.ModelRequest) error {
	cmd.Flags().StringArrayVar(&r.Texts, "text", nil, "the text to speak")
	cmd.Flags().StringVar(&r.Voice, "voice", "", "the voice")
	return needTexts
}

func speech2textFlags(cmd *cobra.Command, _ *invoke.ModelRequest, _ *invokeOptions) func(*invoke.ModelRequest) error {
	var audio string
	cmd.Flags().StringVar(&audio, "file", "", "the audio file")
	return func(req *invoke.ModelRequest) error {
		if audio == "" {
			return usage("give the audio with --file")
		}
		f, err := os.Open(audio)
		if err != nil {
			return err
		}
		defer f.Close()
		req.Audio, err = capped.Read(audio, f, 64<<20)
		return err
	}
}

func moderationFlags(cmd *cobra.Command, r *invoke.ModelRequest, _ *invokeOptions) func(*invoke.ModelRequest) error {
	cmd.Flags().StringArrayVar(&r.Texts, "text", nil, "the text to check")
	return needTexts
}
