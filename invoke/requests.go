// Package invoke turns a call of one part of a plugin, as a person gives it
// on the command line (a tool and its parameters, a model and a prompt, an
// endpoint and an HTTP request), into the request the daemon would send,
// checked against the plugin's declarations first; and turns the streamed
// answer back into something to read (results.go): text as text, JSON
// indented, files written out.
package invoke

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/similar"
	"github.com/dify-cli/dify/manifest"
)

// Call is a request to send: the daemon's access type and action, and the
// action's fields (the runner adds user_id, type and action).
type Call struct {
	Type   string
	Action string
	Body   map[string]any
	Kind   string // how to show the answer: tool, llm, endpoint, ... (see Output)
	// Then, when set, makes the calls that follow from the answer, sent to
	// the same plugin (a trigger's dispatch is followed by its event).
	Then func(answer []json.RawMessage) ([]Call, error)
}

func usagef(format string, args ...any) error {
	return &UsageError{Problems: []string{fmt.Sprintf(format, args...)}}
}

// providers returns the providers of a kind.
func providers(p *manifest.Plugin, kind manifest.Kind) []*manifest.Provider {
	var out []*manifest.Provider
	for _, prov := range p.Providers {
		if prov.Kind == kind {
			out = append(out, prov)
		}
	}
	return out
}

// child is a declared tool, strategy, datasource or model of a provider.
type child struct {
	provider *manifest.Provider
	name     string
	decl     any
}

// find picks the child called name, in the provider called want when
// given; names lists the children for messages.
func find(p *manifest.Plugin, kind manifest.Kind, what, want, name string, nameOf func(*manifest.Provider) string, childName func(any) string) (child, error) {
	provs := providers(p, kind)
	if len(provs) == 0 {
		return child{}, usagef("the plugin declares no %s", what+"s")
	}
	var matches []child
	var names, provNames []string
	for _, prov := range provs {
		pn := nameOf(prov)
		provNames = append(provNames, pn)
		if want != "" && pn != want {
			continue
		}
		for _, d := range prov.ChildDecls {
			n := childName(d)
			names = append(names, n)
			if n == name {
				matches = append(matches, child{provider: prov, name: n, decl: d})
			}
		}
	}
	if want != "" && !slices.Contains(provNames, want) {
		return child{}, usagef("no provider %q; the plugin has %s", want, strings.Join(provNames, ", "))
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		msg := fmt.Sprintf("no %s %q", what, name)
		if s := similar.Closest(name, names); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		if len(names) > 0 {
			msg += fmt.Sprintf("; the %ss are %s", what, strings.Join(names, ", "))
		}
		return child{}, usagef("%s", msg)
	}
	return child{}, usagef("several providers have a %s %q: choose one with --provider", what, name)
}

func identityName(prov *manifest.Provider) string {
	switch d := prov.Decl.(type) {
	case *manifest.ToolProviderDecl:
		return d.Identity.Name
	case *manifest.AgentStrategyProviderDecl:
		return d.Identity.Name
	case *manifest.DatasourceProviderDecl:
		return d.Identity.Name
	case *manifest.ModelProviderDecl:
		return d.Provider
	}
	return ""
}

// ToolRequest is a call of a tool.
type ToolRequest struct {
	Provider       string // needed when several providers have the tool
	Tool           string
	Params         []Arg
	Credentials    []Arg
	CredentialType string // api-key (the default), oauth2 or unauthorized
}

// Tool builds the invoke_tool request.
func Tool(p *manifest.Plugin, r ToolRequest) (Call, error) {
	c, err := findTool(p, r.Provider, r.Tool)
	if err != nil {
		return Call{}, err
	}
	params, err := fill(paramFields(c.decl.(*manifest.ToolDecl).Parameters), r.Params, "parameter", true)
	if err != nil {
		return Call{}, err
	}
	creds, err := toolCredentials(c.provider, r.Credentials)
	if err != nil {
		return Call{}, err
	}
	credType := r.CredentialType
	if credType == "" {
		credType = "api-key"
	}
	return Call{Type: "tool", Action: "invoke_tool", Kind: "tool", Body: map[string]any{
		"provider": identityName(c.provider), "tool": c.name, "credentials": creds,
		"credential_type": credType, "tool_parameters": params,
	}}, nil
}

// findTool finds a tool of a tool provider, or says which there are.
func findTool(p *manifest.Plugin, provider, tool string) (child, error) {
	return find(p, manifest.Tools, "tool", provider, tool, identityName, func(d any) string {
		t, _ := d.(*manifest.ToolDecl)
		if t == nil {
			return ""
		}
		return t.Identity.Name
	})
}

func toolCredentials(prov *manifest.Provider, args []Arg) (map[string]any, error) {
	return fill(ToolCredentialFields(prov), args, "credential", true)
}

// OptionsRequest asks a tool for the options of one of its dynamic-select
// parameters, as Dify does when it draws the tool's form.
type OptionsRequest struct {
	Provider    string
	Tool        string
	Parameter   string
	Credentials []Arg
}

// Options builds the fetch_parameter_options request; the answer is one
// chunk, {"options": [{"value", "label", "icon"}, ...]}.
func Options(p *manifest.Plugin, r OptionsRequest) (Call, error) {
	c, err := findTool(p, r.Provider, r.Tool)
	if err != nil {
		return Call{}, err
	}
	var names []string
	dynamic := false
	for _, pd := range c.decl.(*manifest.ToolDecl).Parameters {
		names = append(names, pd.Name)
		dynamic = dynamic || pd.Name == r.Parameter && pd.Type == "dynamic-select"
	}
	if !dynamic {
		return Call{}, usagef("%s has no dynamic-select parameter %q (its parameters: %s)", c.name, r.Parameter, strings.Join(names, ", "))
	}
	creds, err := toolCredentials(c.provider, r.Credentials)
	if err != nil {
		return Call{}, err
	}
	return Call{Type: "dynamic_parameter", Action: "fetch_parameter_options", Kind: "raw", Body: map[string]any{
		"provider": identityName(c.provider), "provider_action": c.name, "parameter": r.Parameter,
		"credentials": creds, "credential_type": "api-key",
	}}, nil
}

// AgentRequest is a call of an agent strategy.
type AgentRequest struct {
	Provider string
	Strategy string
	Params   []Arg
}

// Agent builds the invoke_agent_strategy request.
func Agent(p *manifest.Plugin, r AgentRequest) (Call, error) {
	c, err := find(p, manifest.AgentStrategies, "agent strategy", r.Provider, r.Strategy, identityName, func(d any) string {
		s, _ := d.(*manifest.AgentStrategyDecl)
		if s == nil {
			return ""
		}
		return s.Identity.Name
	})
	if err != nil {
		return Call{}, err
	}
	params, err := fill(paramFields(c.decl.(*manifest.AgentStrategyDecl).Parameters), r.Params, "parameter", true)
	if err != nil {
		return Call{}, err
	}
	return Call{Type: "agent_strategy", Action: "invoke_agent_strategy", Kind: "tool", Body: map[string]any{
		"agent_strategy_provider": identityName(c.provider), "agent_strategy": c.name, "agent_strategy_params": params,
	}}, nil
}

// DatasourceRequest is a call of a datasource: a crawl for website
// datasources, the page list for online documents, a listing for online
// drives.
type DatasourceRequest struct {
	Provider    string
	Datasource  string
	Params      []Arg
	Credentials []Arg
}

// Datasource builds the request the datasource's provider type calls for.
func Datasource(p *manifest.Plugin, r DatasourceRequest) (Call, error) {
	c, err := find(p, manifest.Datasources, "datasource", r.Provider, r.Datasource, identityName, func(d any) string {
		s, _ := d.(*manifest.DatasourceDecl)
		if s == nil {
			return ""
		}
		return s.Identity.Name
	})
	if err != nil {
		return Call{}, err
	}
	d := c.provider.Decl.(*manifest.DatasourceProviderDecl)
	params, err := fill(paramFields(c.decl.(*manifest.DatasourceDecl).Parameters), r.Params, "parameter", true)
	if err != nil {
		return Call{}, err
	}
	creds, err := fill(DatasourceCredentialFields(c.provider), r.Credentials, "credential", true)
	if err != nil {
		return Call{}, err
	}
	body := map[string]any{"provider": identityName(c.provider), "datasource": c.name, "credentials": creds}
	call := Call{Type: "datasource", Kind: "datasource", Body: body}
	switch d.ProviderType {
	case "website_crawl":
		call.Action = "invoke_website_datasource_get_crawl"
		body["datasource_parameters"] = params
	case "online_document":
		call.Action = "invoke_online_document_datasource_get_pages"
		body["datasource_parameters"] = params
	case "online_drive":
		call.Action = "invoke_online_drive_browse_files"
		body["request"] = params
	default:
		return Call{}, usagef("a %s datasource is not called with parameters; use `dify plugin invoke raw datasource ACTION`", d.ProviderType)
	}
	return call, nil
}

// CredentialsRequest checks credentials the way Dify does when someone
// saves them: the provider's validate action.
type CredentialsRequest struct {
	Kind        string // tool, model or datasource; "" when the plugin has one kind
	Provider    string
	Credentials []Arg
}

// Credentials builds the validation request.
func Credentials(p *manifest.Plugin, r CredentialsRequest) (Call, error) {
	kinds := map[string]manifest.Kind{"tool": manifest.Tools, "model": manifest.Models, "datasource": manifest.Datasources}
	actions := map[string]string{"tool": "validate_tool_credentials", "model": "validate_provider_credentials", "datasource": "validate_datasource_credentials"}
	kind := r.Kind
	if kind == "" {
		var have []string
		for _, k := range []string{"tool", "model", "datasource"} {
			if len(providers(p, kinds[k])) > 0 {
				have = append(have, k)
			}
		}
		switch len(have) {
		case 0:
			return Call{}, usagef("the plugin has no tool, model or datasource provider to check credentials for")
		case 1:
			kind = have[0]
		default:
			return Call{}, usagef("the plugin has %s providers: choose one with --kind", strings.Join(have, " and "))
		}
	}
	mk, ok := kinds[kind]
	if !ok {
		return Call{}, usagef("--kind is tool, model or datasource, not %q", kind)
	}
	provs := providers(p, mk)
	if len(provs) == 0 {
		return Call{}, usagef("the plugin has no %s provider", kind)
	}
	prov := provs[0]
	var names []string
	for _, pr := range provs {
		names = append(names, identityName(pr))
		if r.Provider != "" && identityName(pr) == r.Provider {
			prov = pr
		}
	}
	if r.Provider != "" && identityName(prov) != r.Provider {
		return Call{}, usagef("no %s provider %q; the plugin has %s", kind, r.Provider, strings.Join(names, ", "))
	}
	if r.Provider == "" && len(provs) > 1 {
		return Call{}, usagef("the plugin has %d %s providers (%s): choose one with --provider", len(provs), kind, strings.Join(names, ", "))
	}
	var fields []Field
	switch d := prov.Decl.(type) {
	case *manifest.ToolProviderDecl:
		fields = schemaFields(&d.CredentialsForProvider)
		if len(fields) == 0 {
			fields = schemaFields(&d.CredentialsSchema)
		}
	case *manifest.ModelProviderDecl:
		fields = schemaFields(&d.ProviderCredentialSchema)
	case *manifest.DatasourceProviderDecl:
		fields = schemaFields(&d.CredentialsSchema)
	}
	creds, err := fill(fields, r.Credentials, "credential", true)
	if err != nil {
		return Call{}, err
	}
	return Call{Type: kind, Action: actions[kind], Kind: "credentials", Body: map[string]any{
		"provider": identityName(prov), "credentials": creds,
	}}, nil
}

// EndpointRequest is an HTTP request to one of the plugin's endpoints.
type EndpointRequest struct {
	Method   string
	Path     string   // with its query, e.g. /echo/joe?x=1
	Headers  []string // "Name: value"
	Body     []byte
	Settings []Arg
}

// Endpoint builds the invoke_endpoint request: the raw HTTP request, hex
// encoded, and the endpoint group's settings.
func Endpoint(p *manifest.Plugin, r EndpointRequest) (Call, error) {
	method := strings.ToUpper(r.Method)
	path, _, _ := strings.Cut(r.Path, "?")
	if !strings.HasPrefix(r.Path, "/") {
		return Call{}, usagef("the path %q must start with /", r.Path)
	}
	var found *manifest.Provider
	var declared []string
	for _, prov := range providers(p, manifest.Endpoints) {
		for _, cd := range prov.ChildDecls {
			e, _ := cd.(*manifest.EndpointDecl)
			if e == nil {
				continue
			}
			declared = append(declared, e.Method+" "+e.Path)
			if strings.EqualFold(e.Method, method) && pathMatches(e.Path, path) {
				found = prov
			}
		}
	}
	if found == nil {
		if len(declared) == 0 {
			return Call{}, usagef("the plugin declares no endpoints")
		}
		return Call{}, usagef("no endpoint answers %s %s; the endpoints are %s", method, path, strings.Join(declared, ", "))
	}
	settings, err := fill(EndpointSettingFields(found), r.Settings, "setting", true)
	if err != nil {
		return Call{}, err
	}
	raw, err := rawRequest(method, r.Path, r.Headers, r.Body, false)
	if err != nil {
		return Call{}, err
	}
	return Call{Type: "endpoint", Action: "invoke_endpoint", Kind: "endpoint", Body: map[string]any{
		"settings": settings, "raw_http_request": raw,
	}}, nil
}

// pathMatches reports whether a request path fits a declared one, in which
// {name} stands for one segment.
func pathMatches(pattern, path string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// Raw is any action with a request given as JSON.
func Raw(typ, action string, body map[string]any) Call {
	if body == nil {
		body = map[string]any{}
	}
	return Call{Type: typ, Action: action, Kind: "raw", Body: body}
}

// ToolCredentialFields are the credential fields of a tool provider, as
// Tool checks them: for forms that ask for them.
func ToolCredentialFields(prov *manifest.Provider) []Field {
	d, ok := prov.Decl.(*manifest.ToolProviderDecl)
	if !ok {
		return nil
	}
	fields := schemaFields(&d.CredentialsForProvider)
	if len(fields) == 0 {
		fields = schemaFields(&d.CredentialsSchema)
	}
	return fields
}

// EndpointSettingFields are the settings of an endpoint group, as Endpoint
// checks them: for forms that ask for them.
func EndpointSettingFields(prov *manifest.Provider) []Field {
	d, ok := prov.Decl.(*manifest.EndpointGroupDecl)
	if !ok {
		return nil
	}
	return schemaFields(&d.Settings)
}

// DatasourceCredentialFields are the credentials of a datasource provider,
// as Datasource checks them: for forms.
func DatasourceCredentialFields(prov *manifest.Provider) []Field {
	d, ok := prov.Decl.(*manifest.DatasourceProviderDecl)
	if !ok {
		return nil
	}
	return schemaFields(&d.CredentialsSchema)
}
