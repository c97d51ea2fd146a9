package manifest

import "gopkg.in/yaml.v3"

// Go types for the provider and child declaration files (manifest spec
// sections 4–10). Fields whose YAML shape varies (a list or a mapping of
// form fields, free-form schemas) stay yaml.Node.

// Identity is the identity block of tool, agent-strategy, datasource and
// trigger providers.
type Identity struct {
	Author      string   `yaml:"author"`
	Name        string   `yaml:"name"`
	Label       I18n     `yaml:"label"`
	Description I18n     `yaml:"description"`
	Icon        string   `yaml:"icon"`
	IconDark    string   `yaml:"icon_dark"`
	Tags        []string `yaml:"tags"`
}

// ChildIdentity identifies a tool, strategy, datasource or event.
type ChildIdentity struct {
	Author string `yaml:"author"`
	Name   string `yaml:"name"`
	Label  I18n   `yaml:"label"`
}

// IconIdentity is a ChildIdentity that may also name an icon (tools, datasources).
type IconIdentity struct {
	ChildIdentity `yaml:",inline"`
	Icon          string `yaml:"icon"`
}

// ModuleBody is what strategy, datasource and event files share.
type ModuleBody struct {
	Description  I18n            `yaml:"description"`
	Parameters   []ParameterDecl `yaml:"parameters"`
	OutputSchema yaml.Node       `yaml:"output_schema"`
	Extra        Extra           `yaml:"extra"`
}

// Extra names the Python sources of a declaration. The daemon does not
// read it and the SDK reads it with a YAML reader that keeps the last of
// repeated keys, so it is decoded leniently, as they do (UnmarshalYAML).
type Extra struct {
	Python ExtraPython `yaml:"python"`
}

// ExtraPython is extra.python.
type ExtraPython struct {
	Source         string   `yaml:"source"`
	ProviderSource string   `yaml:"provider_source"`
	ModelSources   []string `yaml:"model_sources"`
}

// UnmarshalYAML reads extra without refusing repeated keys; the last wins.
func (e *Extra) UnmarshalYAML(n *yaml.Node) error {
	python := lookup(n, "python")
	if v := lookup(python, "source"); v != nil {
		e.Python.Source = v.Value
	}
	if v := lookup(python, "provider_source"); v != nil {
		e.Python.ProviderSource = v.Value
	}
	if v := lookup(python, "model_sources"); v != nil && v.Kind == yaml.SequenceNode {
		for _, item := range v.Content {
			e.Python.ModelSources = append(e.Python.ModelSources, item.Value)
		}
	}
	return nil
}

// Option is a choice of a select parameter.
type Option struct {
	Value  string    `yaml:"value"`
	Label  I18n      `yaml:"label"`
	Icon   string    `yaml:"icon"`
	ShowOn yaml.Node `yaml:"show_on"`
}

// ParameterDecl is an input of a tool, strategy, datasource or event.
type ParameterDecl struct {
	Name             string    `yaml:"name"`
	Label            I18n      `yaml:"label"`
	HumanDescription I18n      `yaml:"human_description"`
	Description      I18n      `yaml:"description"`
	Help             I18n      `yaml:"help"`
	Placeholder      I18n      `yaml:"placeholder"`
	Type             string    `yaml:"type"`
	Form             string    `yaml:"form"`
	LLMDescription   string    `yaml:"llm_description"`
	Scope            string    `yaml:"scope"`
	Required         bool      `yaml:"required"`
	Multiple         bool      `yaml:"multiple"`
	Default          yaml.Node `yaml:"default"`
	Min              *float64  `yaml:"min"`
	Max              *float64  `yaml:"max"`
	Precision        *int      `yaml:"precision"`
	Options          []Option  `yaml:"options"`
	AutoGenerate     yaml.Node `yaml:"auto_generate"`
	Template         yaml.Node `yaml:"template"`
	URL              string    `yaml:"url"`
}

// ToolProviderDecl is a tool provider file.
type ToolProviderDecl struct {
	Identity               Identity  `yaml:"identity"`
	CredentialsSchema      yaml.Node `yaml:"credentials_schema"`
	CredentialsForProvider yaml.Node `yaml:"credentials_for_provider"`
	OAuthSchema            yaml.Node `yaml:"oauth_schema"`
	Tools                  yaml.Node `yaml:"tools"`
	Extra                  Extra     `yaml:"extra"`
}

// ToolDecl is a tool file.
type ToolDecl struct {
	Identity    IconIdentity `yaml:"identity"`
	Description struct {
		Human I18n   `yaml:"human"`
		LLM   string `yaml:"llm"`
	} `yaml:"description"`
	Parameters           []ParameterDecl `yaml:"parameters"`
	OutputSchema         yaml.Node       `yaml:"output_schema"`
	HasRuntimeParameters bool            `yaml:"has_runtime_parameters"`
	Extra                Extra           `yaml:"extra"`
}

// ModelProviderDecl is a model provider file.
type ModelProviderDecl struct {
	Provider                 string    `yaml:"provider"`
	Label                    I18n      `yaml:"label"`
	Description              I18n      `yaml:"description"`
	IconSmall                I18n      `yaml:"icon_small"`
	IconLarge                I18n      `yaml:"icon_large"`
	IconSmallDark            I18n      `yaml:"icon_small_dark"`
	IconLargeDark            I18n      `yaml:"icon_large_dark"`
	Background               string    `yaml:"background"`
	Help                     yaml.Node `yaml:"help"`
	SupportedModelTypes      []string  `yaml:"supported_model_types"`
	ConfigurateMethods       []string  `yaml:"configurate_methods"`
	ProviderCredentialSchema yaml.Node `yaml:"provider_credential_schema"`
	ModelCredentialSchema    yaml.Node `yaml:"model_credential_schema"`
	Models                   yaml.Node `yaml:"models"`
	ModelDeclarations        yaml.Node `yaml:"model_declarations"`
	Position                 yaml.Node `yaml:"position"`
	Extra                    Extra     `yaml:"extra"`
}

// ModelDecl is a predefined model file.
type ModelDecl struct {
	Model           string          `yaml:"model"`
	Label           I18n            `yaml:"label"`
	ModelType       string          `yaml:"model_type"`
	Features        []string        `yaml:"features"`
	FetchFrom       string          `yaml:"fetch_from"`
	ModelProperties yaml.Node       `yaml:"model_properties"`
	Deprecated      bool            `yaml:"deprecated"`
	ParameterRules  []ParameterRule `yaml:"parameter_rules"`
	Pricing         yaml.Node       `yaml:"pricing"`
}

// ParameterRule is a model parameter.
type ParameterRule struct {
	Name        string    `yaml:"name"`
	UseTemplate string    `yaml:"use_template"`
	Label       I18n      `yaml:"label"`
	Type        string    `yaml:"type"`
	Help        I18n      `yaml:"help"`
	Required    bool      `yaml:"required"`
	Default     yaml.Node `yaml:"default"`
	Min         *float64  `yaml:"min"`
	Max         *float64  `yaml:"max"`
	Precision   *int      `yaml:"precision"`
	Options     []string  `yaml:"options"`
}

// EndpointGroupDecl is an endpoint group file.
type EndpointGroupDecl struct {
	Settings             yaml.Node `yaml:"settings"`
	Endpoints            yaml.Node `yaml:"endpoints"`
	EndpointDeclarations yaml.Node `yaml:"endpoint_declarations"`
}

// EndpointDecl is an endpoint file.
type EndpointDecl struct {
	Path   string `yaml:"path"`
	Method string `yaml:"method"`
	Hidden bool   `yaml:"hidden"`
	Extra  Extra  `yaml:"extra"`
}

// AgentStrategyProviderDecl is an agent strategy provider file.
type AgentStrategyProviderDecl struct {
	Identity   Identity  `yaml:"identity"`
	Strategies yaml.Node `yaml:"strategies"`
	Extra      Extra     `yaml:"extra"`
}

// AgentStrategyDecl is a strategy file.
type AgentStrategyDecl struct {
	Identity   ChildIdentity `yaml:"identity"`
	ModuleBody `yaml:",inline"`
	Features   []string `yaml:"features"`
}

// DatasourceProviderDecl is a datasource provider file.
type DatasourceProviderDecl struct {
	Identity          Identity  `yaml:"identity"`
	CredentialsSchema yaml.Node `yaml:"credentials_schema"`
	OAuthSchema       yaml.Node `yaml:"oauth_schema"`
	ProviderType      string    `yaml:"provider_type"`
	Datasources       yaml.Node `yaml:"datasources"`
	Extra             Extra     `yaml:"extra"`
}

// DatasourceDecl is a datasource file.
type DatasourceDecl struct {
	Identity   IconIdentity `yaml:"identity"`
	ModuleBody `yaml:",inline"`
}

// TriggerProviderDecl is a trigger provider file.
type TriggerProviderDecl struct {
	Identity                Identity  `yaml:"identity"`
	SubscriptionSchema      yaml.Node `yaml:"subscription_schema"`
	SubscriptionConstructor yaml.Node `yaml:"subscription_constructor"`
	Events                  yaml.Node `yaml:"events"`
	Extra                   Extra     `yaml:"extra"`
}

// EventDecl is a trigger event file.
type EventDecl struct {
	Identity   ChildIdentity `yaml:"identity"`
	ModuleBody `yaml:",inline"`
}

// declTypes returns new values to decode a provider file and its children into.
func declTypes(k Kind) (provider func() any, child func() any) {
	switch k {
	case Tools:
		return func() any { return new(ToolProviderDecl) }, func() any { return new(ToolDecl) }
	case Models:
		return func() any { return new(ModelProviderDecl) }, func() any { return new(ModelDecl) }
	case Endpoints:
		return func() any { return new(EndpointGroupDecl) }, func() any { return new(EndpointDecl) }
	case AgentStrategies:
		return func() any { return new(AgentStrategyProviderDecl) }, func() any { return new(AgentStrategyDecl) }
	case Datasources:
		return func() any { return new(DatasourceProviderDecl) }, func() any { return new(DatasourceDecl) }
	}
	return func() any { return new(TriggerProviderDecl) }, func() any { return new(EventDecl) }
}
