package playground

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
)

// toolForm is the form of one tool, agent strategy, datasource or trigger
// event (Kind), in the page's language.
type toolForm struct {
	Kind        string // tool, agent-strategy, datasource, trigger
	ID          string // kind/provider/name, unique on the page
	Provider    string
	Tool        string // the tool's, strategy's, datasource's or event's name
	Label       string
	Description string
	Params      []field
	Credentials []field
}

// endpointForm is one endpoint's form: the request, and its group's
// settings.
type endpointForm struct {
	ID       string
	Method   string
	Path     string
	Settings []field
}

func endpointForms(p *manifest.Plugin) []endpointForm {
	var out []endpointForm
	for _, prov := range p.Providers {
		if prov.Kind != manifest.Endpoints {
			continue
		}
		settings := credentialFields(invoke.EndpointSettingFields(prov))
		for _, c := range prov.ChildDecls {
			e, ok := c.(*manifest.EndpointDecl)
			if !ok {
				continue
			}
			out = append(out, endpointForm{ID: fmt.Sprintf("endpoint-%d", len(out)), Method: strings.ToUpper(e.Method), Path: e.Path, Settings: settings})
		}
	}
	return out
}

// modelForm is the view of one model of a model provider, by its type: a
// chat with an LLM (its parameter rules as controls), texts to embed, a
// query and documents to rerank, text to speak, audio to transcribe, text
// to moderate; and the provider's credentials.
type modelForm struct {
	ID          string
	Provider    string
	Model       string
	Type        string // llm, text-embedding, rerank, tts, speech2text, moderation
	Kind        string // how the page names the type
	Label       string
	Params      []field // an LLM's parameter rules
	Credentials []field
	Voices      []option // a TTS model's
	Voice       string   // its default voice
}

func modelForms(p *manifest.Plugin, lang string) []modelForm {
	var out []modelForm
	for _, prov := range p.Providers {
		d, ok := prov.Decl.(*manifest.ModelProviderDecl)
		if !ok {
			continue
		}
		creds := credentialFields(invoke.ModelCredentialFields(prov))
		for _, c := range prov.ChildDecls {
			m, ok := c.(*manifest.ModelDecl)
			if !ok || modelKinds[m.ModelType] == "" {
				continue
			}
			mf := modelForm{ID: m.ModelType + "-" + d.Provider + "-" + m.Model, Type: m.ModelType, Kind: modelKinds[m.ModelType], Provider: d.Provider, Model: m.Model, Label: pick(m.Label, lang), Credentials: creds}
			if mf.Label == "" {
				mf.Label = m.Model
			}
			if m.ModelType == "llm" {
				for _, r := range m.ParameterRules {
					mf.Params = append(mf.Params, ruleField(r, lang))
				}
			}
			if m.ModelType == "tts" {
				mf.Voices, mf.Voice = voices(m)
			}
			out = append(out, mf)
		}
	}
	return out
}

// modelKinds are the model types the page has a view for, with the name
// it gives them.
var modelKinds = map[string]string{"llm": "LLM", "text-embedding": "embedding", "rerank": "rerank", "tts": "TTS", "speech2text": "speech to text", "moderation": "moderation"}

// voices are a TTS model's voices (model_properties.voices) and its
// default voice.
func voices(m *manifest.ModelDecl) ([]option, string) {
	var props struct {
		Default string `yaml:"default_voice"`
		Voices  []struct {
			Mode string `yaml:"mode"`
			Name string `yaml:"name"`
		} `yaml:"voices"`
	}
	if m.ModelProperties.Kind == 0 || m.ModelProperties.Decode(&props) != nil {
		return nil, ""
	}
	var out []option
	for _, v := range props.Voices {
		out = append(out, option{Value: v.Mode, Label: v.Name})
	}
	return out, props.Default
}

// ruleField makes the control of a model parameter rule.
func ruleField(r manifest.ParameterRule, lang string) field {
	f := field{Name: r.Name, Label: pick(r.Label, lang), Help: pick(r.Help, lang), Type: invoke.RuleType(r), Required: r.Required}
	if f.Label == "" {
		f.Label = r.Name
	}
	var def any
	if r.Default.Kind != 0 {
		r.Default.Decode(&def)
	}
	switch {
	case len(r.Options) > 0:
		f.Input = "select"
		for _, o := range r.Options {
			f.Options = append(f.Options, option{Value: o, Label: o})
		}
	case f.Type == "float" || f.Type == "int":
		f.Input = "number"
		if r.Min != nil {
			f.Min = fmt.Sprint(*r.Min)
		}
		if r.Max != nil {
			f.Max = fmt.Sprint(*r.Max)
		}
	case f.Type == "boolean":
		f.Input = "checkbox"
		f.Checked = def == true
	case f.Type == "text":
		f.Input = "textarea"
	default:
		f.Input = "text"
	}
	if def != nil && f.Input != "checkbox" {
		f.Default = fmt.Sprint(def)
	}
	return f
}

// field is one input of a form.
type field struct {
	Name        string
	Label       string
	Help        string
	Placeholder string
	Type        string // the declared type
	Input       string // how the page asks for it: text, password, textarea, number, checkbox, select, date, json, file, dynamic
	Multiple    bool   // a file input that takes several (files)
	Required    bool
	Default     string // as the input shows it
	Checked     bool
	Min, Max    string
	Options     []option
	Note        string // how the page asks for this type, when it is not plain
	Example     string // a JSON field's value as Dify sends it, to start from
}

type option struct{ Value, Label string }

// pick is a text in the language, else en_US, else any.
func pick(t manifest.I18n, lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["en_US"]; s != "" {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

func toolForms(p *manifest.Plugin, lang string) []toolForm {
	return append(toolsOf(p, lang), moduleForms(p, lang)...)
}

func toolsOf(p *manifest.Plugin, lang string) []toolForm {
	var out []toolForm
	for _, prov := range p.Providers {
		d, ok := prov.Decl.(*manifest.ToolProviderDecl)
		if !ok {
			continue
		}
		creds := credentialFields(invoke.ToolCredentialFields(prov))
		for _, c := range prov.ChildDecls {
			t, ok := c.(*manifest.ToolDecl)
			if !ok {
				continue
			}
			tf := toolForm{
				Kind: "tool", ID: d.Identity.Name + "/" + t.Identity.Name, Provider: d.Identity.Name, Tool: t.Identity.Name,
				Label: pick(t.Identity.Label, lang), Description: pick(t.Description.Human, lang), Credentials: creds,
			}
			if tf.Label == "" {
				tf.Label = t.Identity.Name
			}
			for _, pd := range t.Parameters {
				tf.Params = append(tf.Params, paramField(pd, lang))
			}
			out = append(out, tf)
		}
	}
	return out
}

// moduleForms are the forms of agent strategies, datasources and trigger
// events: parameters like a tool's, with what each kind adds (a
// datasource's credentials, a trigger's subscription properties).
func moduleForms(p *manifest.Plugin, lang string) []toolForm {
	var out []toolForm
	for _, prov := range p.Providers {
		var kind, provider string
		var extra []field
		switch d := prov.Decl.(type) {
		case *manifest.AgentStrategyProviderDecl:
			kind, provider = "agent-strategy", d.Identity.Name
		case *manifest.DatasourceProviderDecl:
			kind, provider = "datasource", d.Identity.Name
			extra = credentialFields(invoke.DatasourceCredentialFields(prov))
		case *manifest.TriggerProviderDecl:
			kind, provider = "trigger", d.Identity.Name
			extra = credentialFields(invoke.SubscriptionFields(prov))
		default:
			continue
		}
		for _, c := range prov.ChildDecls {
			var name string
			var label manifest.I18n
			var body manifest.ModuleBody
			switch m := c.(type) {
			case *manifest.AgentStrategyDecl:
				name, label, body = m.Identity.Name, m.Identity.Label, m.ModuleBody
			case *manifest.DatasourceDecl:
				name, label, body = m.Identity.Name, m.Identity.Label, m.ModuleBody
			case *manifest.EventDecl:
				name, label, body = m.Identity.Name, m.Identity.Label, m.ModuleBody
			default:
				continue
			}
			tf := toolForm{Kind: kind, ID: kind + "/" + provider + "/" + name, Provider: provider, Tool: name,
				Label: pick(label, lang), Description: pick(body.Description, lang), Credentials: extra}
			if tf.Label == "" {
				tf.Label = name
			}
			for _, pd := range body.Parameters {
				tf.Params = append(tf.Params, paramField(pd, lang))
			}
			out = append(out, tf)
		}
	}
	return out
}

// paramField makes the input of a tool parameter, as Dify's form shows it.
func paramField(pd manifest.ParameterDecl, lang string) field {
	f := field{Name: pd.Name, Label: pick(pd.Label, lang), Help: pick(pd.HumanDescription, lang), Placeholder: pick(pd.Placeholder, lang),
		Type: pd.Type, Required: pd.Required}
	if f.Label == "" {
		f.Label = pd.Name
	}
	if f.Help == "" {
		f.Help = pick(pd.Help, lang)
	}
	var def any
	if pd.Default.Kind != 0 {
		pd.Default.Decode(&def)
	}
	switch pd.Type {
	case "string", "text-input":
		f.Input = "text"
	case "secret-input":
		f.Input = "password"
	case "paragraph", "text", "textarea":
		f.Input = "textarea"
	case "number", "int", "integer", "float":
		f.Input = "number"
		if pd.Min != nil {
			f.Min = fmt.Sprint(*pd.Min)
		}
		if pd.Max != nil {
			f.Max = fmt.Sprint(*pd.Max)
		}
	case "boolean", "checkbox", "switch":
		f.Input = "checkbox"
		f.Checked = def == true || def == "true"
	case "select", "radio":
		f.Input = "select"
		for _, o := range pd.Options {
			l := pick(o.Label, lang)
			if l == "" {
				l = o.Value
			}
			f.Options = append(f.Options, option{Value: o.Value, Label: l})
		}
	case "date":
		f.Input = "date"
	case "dynamic-select":
		f.Input = "dynamic"
		f.Note = "Dify fills this list by asking the plugin: ask it, or type a value"
	case "file", "files":
		f.Input = "file"
		f.Multiple = pd.Type == "files"
		f.Note = "choose a file: the plugin gets it as Dify gives it, a file object whose URL it downloads (or write the object's JSON)"
	default: // model-selector, app-selector, array[tools], array, object, date-range, any other
		f.Input = "json"
		f.Note = fmt.Sprintf("%s: give it as JSON", pd.Type)
		f.Example = invoke.Example(pd.Type, pd.Scope)
		if f.Placeholder == "" {
			f.Placeholder = f.Example
		}
	}
	if def != nil && f.Input != "checkbox" {
		if s, ok := def.(string); ok {
			f.Default = s
		} else {
			b, _ := json.Marshal(def)
			f.Default = string(b)
		}
	}
	return f
}

// credentialFields makes the inputs of credentials (or settings).
func credentialFields(fs []invoke.Field) []field {
	var out []field
	for _, f := range fs {
		out = append(out, credentialField(f))
	}
	return out
}

// credentialField makes the input of a credential.
func credentialField(c invoke.Field) field {
	f := field{Name: c.Name, Label: c.Name, Type: c.Type, Required: c.Required}
	switch {
	case strings.Contains(c.Type, "secret"):
		f.Input = "password"
	case len(c.Options) > 0:
		f.Input = "select"
		for _, o := range c.Options {
			f.Options = append(f.Options, option{Value: o, Label: o})
		}
	case c.Type == "boolean":
		f.Input = "checkbox"
	default:
		f.Input = "text"
	}
	if s, ok := c.Default.(string); ok {
		f.Default = s
	}
	return f
}
