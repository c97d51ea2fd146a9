package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"gopkg.in/yaml.v3"
)

// Rules for provider and child files (manifest spec sections 4–10). The
// daemon checks them only when a plugin registers for remote debugging;
// packaging and installing do not. The Python SDK checks part of them when
// the plugin starts, with its own (pydantic) declaration types. So each
// check is an error where the SDK refuses the file (the plugin cannot
// start), and a warning saying so where only remote debugging refuses it.

var identityNameRe = lazyregexp.New(`^[a-zA-Z0-9_-]+$`)

var (
	toolParamTypes = []string{"string", "number", "boolean", "select", "secret-input", "file", "files", "app-selector",
		"model-selector", "any", "dynamic-select", "array", "object", "checkbox", "date", "date-range"}
	toolParamForms  = []string{"schema", "form", "llm"}
	agentParamTypes = []string{"string", "number", "boolean", "select", "secret-input", "file", "files", "app-selector",
		"model-selector", "array[tools]", "any"}
	datasourceParamTypes = []string{"string", "number", "boolean", "select", "secret-input"}
	eventParamTypes      = []string{"string", "number", "boolean", "select", "file", "files", "model-selector", "app-selector",
		"object", "array", "dynamic-select", "checkbox"}
	modelTypes           = append(ModelTypeNames(), "text2img", "multimodal-embedding", "multimodal-rerank")
	modelFormTypes       = []string{"text-input", "secret-input", "select", "radio", "switch"}
	configurateMethods   = []string{"predefined-model", "customizable-model"}
	datasourceProviders  = []string{"website_crawl", "online_document", "online_drive"}
	parameterTemplates   = []string{"temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "max_tokens", "response_format", "json_schema"}
	parameterRuleTypes   = []string{"float", "int", "string", "boolean", "text"}
	maxCredentialFields  = 32
	credentialFieldTypes = []string{"secret-input", "text-input", "select", "boolean", "app-selector", "model-selector", "array[tools]"}
	// scopes lists the scope tokens allowed per owner type (spec 4.3).
	scopes = map[string][]string{
		"app-selector":   {"all", "chat", "workflow", "completion"},
		"model-selector": append(ModelTypeNames(), "vision", "document", "tool-call"),
		"any":            {"string", "number", "object", "array[number]", "array[string]", "array[object]", "array[file]"},
	}
)

// What the Python SDK (dify_plugin 0.10, its pydantic declaration types)
// accepts where it differs from the daemon's lists above: a value outside
// these stops the plugin at start-up; a value inside them but outside the
// daemon's list is refused only by remote debugging.
var (
	sdkAgentParamTypes      = append(slices.Clone(agentParamTypes), "object", "array")
	sdkDatasourceParamTypes = append(slices.Clone(datasourceParamTypes), "file", "files")
	sdkModelTypes           = append(ModelTypeNames(), "text2img")
	// Provider identity tags: ToolLabelEnum (tools, agent strategies),
	// DatasourceLabelEnum, EventLabelEnum (triggers).
	sdkToolTags       = []string{"search", "image", "videos", "weather", "finance", "design", "travel", "social", "news", "medical", "productivity", "education", "business", "entertainment", "utilities", "rag", "other"}
	sdkDatasourceTags = []string{"search", "image", "videos", "weather", "finance", "design", "travel", "social", "news", "medical", "productivity", "education", "business", "entertainment", "utilities", "other"}
	sdkTriggerTags    = []string{"webhooks"}
)

// sdkTags is the tags the SDK accepts in a provider's identity.
func sdkTags(k Kind) []string {
	switch k {
	case Datasources:
		return sdkDatasourceTags
	case Triggers:
		return sdkTriggerTags
	}
	return sdkToolTags
}

// formSchemas lists where providers keep form fields, and whether the SDK
// reads each one (and so refuses a bad field at start-up). The SDK reads a
// tool provider's fields from credentials_for_provider only.
var formSchemas = []struct {
	keys []string
	sdk  func(Kind) bool
}{
	{[]string{"credentials_schema"}, func(k Kind) bool { return k != Tools }},
	{[]string{"credentials_for_provider"}, func(Kind) bool { return true }},
	{[]string{"settings"}, func(Kind) bool { return true }},
	{[]string{"subscription_schema"}, func(Kind) bool { return true }},
	{[]string{"subscription_constructor", "credentials_schema"}, func(Kind) bool { return true }},
	{[]string{"oauth_schema", "client_schema"}, func(Kind) bool { return true }},
	{[]string{"oauth_schema", "credentials_schema"}, func(Kind) bool { return true }},
	{[]string{"subscription_constructor", "oauth_schema", "client_schema"}, func(Kind) bool { return true }},
	{[]string{"subscription_constructor", "oauth_schema", "credentials_schema"}, func(Kind) bool { return true }},
}

// declarations checks the provider files and their children.
func (v *validator) declarations(p *Plugin) {
	for _, prov := range p.Providers {
		root := prov.Doc.Root
		if root == nil || root.Kind != yaml.MappingNode {
			continue
		}
		switch prov.Kind {
		case Tools, AgentStrategies, Triggers:
			v.identityName(prov.Doc, lookup(root, "identity", "name"), "provider")
		case Datasources:
			if t := lookup(root, "provider_type"); t == nil || !slices.Contains(datasourceProviders, t.Value) {
				v.oneOf(prov.Doc, at(root, "provider_type"), "datasource-provider-type", "provider_type", scalar(t), datasourceProviders, datasourceProviders)
			}
		case Models:
			v.modelProvider(prov)
		}
		for _, fs := range formSchemas {
			if n := lookup(root, fs.keys...); n != nil {
				v.credentials(prov.Doc, n, fs.sdk(prov.Kind))
			}
		}
		if prov.Kind != Endpoints && prov.Kind != Models {
			v.requiredText(prov.Doc, root, true, "identity", "label")
			v.requiredText(prov.Doc, root, true, "identity", "description")
		}
		for _, c := range prov.Children {
			switch prov.Kind {
			case Tools, AgentStrategies, Datasources, Triggers:
				v.requiredText(c, c.Root, true, "identity", "label")
			}
			switch prov.Kind {
			case AgentStrategies, Datasources, Triggers:
				v.requiredText(c, c.Root, true, "description")
			case Tools:
				v.requiredText(c, c.Root, true, "description", "human")
			}
			switch prov.Kind {
			case Tools:
				v.identityName(c, lookup(c.Root, "identity", "name"), "tool")
				switch llm := lookup(c.Root, "description", "llm"); {
				case llm == nil:
					v.sdkf(c, at(c.Root, "description"), "tool-description", "add description: llm: what the tool does, for the model", "tool has no description.llm")
				case scalar(llm) == "":
					v.debugf(c, llm, "tool-description", "write what the tool does, for the model", "tool description.llm is empty")
				}
				v.params(c, lookup(c.Root, "parameters"), paramRules{types: toolParamTypes, sdkTypes: toolParamTypes, form: true, humanDescription: true})
				v.scopes(c, lookup(c.Root, "parameters"), false)
			case AgentStrategies:
				v.identityName(c, lookup(c.Root, "identity", "name"), "strategy")
				v.params(c, lookup(c.Root, "parameters"), paramRules{types: agentParamTypes, sdkTypes: sdkAgentParamTypes})
				v.scopes(c, lookup(c.Root, "parameters"), false)
			case Datasources:
				if lookup(c.Root, "parameters") == nil {
					v.debugf(c, c.Root, "datasource-parameters", "add parameters: [] when there are none", "datasource has no parameters list")
				}
				v.params(c, lookup(c.Root, "parameters"), paramRules{types: datasourceParamTypes, sdkTypes: sdkDatasourceParamTypes, description: true})
				v.scopes(c, lookup(c.Root, "parameters"), true)
			case Triggers:
				v.identityName(c, lookup(c.Root, "identity", "name"), "event")
				v.params(c, lookup(c.Root, "parameters"), paramRules{types: eventParamTypes, sdkTypes: eventParamTypes})
			case Models:
				v.modelFile(c)
			}
		}
	}
}

// requiredText checks an I18n field at keys under root. Without it, or
// without its en_US key, the SDK (sdk) refuses the file; an empty en_US is
// refused only by remote debugging.
func (v *validator) requiredText(doc *Document, root *yaml.Node, sdk bool, keys ...string) {
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	field := strings.Join(keys, ".")
	hint := fmt.Sprintf("add %s: {en_US: ...}", field)
	en := lookup(root, append(keys, "en_US")...)
	switch {
	case en == nil && sdk:
		v.sdkf(doc, at(root, keys...), "i18n", hint, "%s has no en_US text", field)
	case en == nil || scalar(en) == "":
		v.debugf(doc, at(root, keys...), "i18n", hint, "%s has no en_US text", field)
	}
}

func (v *validator) identityName(doc *Document, n *yaml.Node, what string) {
	if n == nil || scalar(n) == "" {
		return // reported by the SDK; the identity may be inline or absent in odd files
	}
	if !identityNameRe().MatchString(n.Value) {
		v.debugf(doc, n, "identity-name", "use letters, digits, _ and -", "%s name %q may only contain letters, digits, _ and -", what, n.Value)
	}
}

// oneOf reports a value outside allowed: an error when the SDK's set (sdk)
// refuses it too, else a warning that remote debugging refuses it. sdk nil
// means the SDK checks nothing here.
func (v *validator) oneOf(doc *Document, n *yaml.Node, rule, field, value string, allowed, sdk []string) {
	hint := "use one of " + strings.Join(allowed, ", ")
	if c := closest(value, allowed); c != "" && value != "" {
		hint = fmt.Sprintf("did you mean %q?", c)
	}
	if sdk != nil && !slices.Contains(sdk, value) {
		v.sdkf(doc, n, rule, hint, "%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
		return
	}
	v.debugf(doc, n, rule, hint, "%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
}

// paramRules say what a kind of parameter must have.
type paramRules struct {
	types, sdkTypes  []string // the daemon's and the SDK's types
	form             bool     // tool parameters: form is required
	humanDescription bool     // tool parameters: human_description is required
	description      bool     // datasource parameters: description is required
}

// params checks a parameters list.
func (v *validator) params(doc *Document, list *yaml.Node, r paramRules) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range list.Content {
		name := scalar(lookup(p, "name"))
		switch n := lookup(p, "name"); {
		case n == nil:
			v.sdkf(doc, p, "parameter", "add name: to the parameter", "parameter without a name")
		case name == "":
			v.debugf(doc, n, "parameter", "give the parameter a name", "parameter with an empty name")
		}
		if p.Kind != yaml.MappingNode {
			continue
		}
		v.requiredText(doc, p, true, "label")
		if r.humanDescription {
			v.requiredText(doc, p, true, "human_description")
		}
		if r.description {
			v.requiredText(doc, p, true, "description")
		}
		if t := lookup(p, "type"); t == nil || !slices.Contains(r.types, t.Value) {
			v.oneOf(doc, at(p, "type"), "parameter-type", fmt.Sprintf("parameter %s type", name), scalar(t), r.types, r.sdkTypes)
		}
		if r.form {
			if f := lookup(p, "form"); f == nil || !slices.Contains(toolParamForms, f.Value) {
				v.oneOf(doc, at(p, "form"), "parameter-form", fmt.Sprintf("parameter %s form", name), scalar(f), toolParamForms, toolParamForms)
			}
		}
		if ag := lookup(p, "auto_generate", "type"); ag != nil && ag.Value != "prompt_instruction" {
			v.sdkf(doc, ag, "auto-generate", "write type: prompt_instruction", "auto_generate type %q is not prompt_instruction, the only one Dify knows", ag.Value)
		}
		if opts := lookup(p, "options"); opts != nil && opts.Kind == yaml.SequenceNode {
			for _, o := range opts.Content {
				switch val := lookup(o, "value"); {
				case val == nil:
					v.sdkf(doc, o, "option-value", "give every option a value", "an option of parameter %s has no value", name)
				case scalar(val) == "" && val.Tag != "!!int" && val.Tag != "!!float" && val.Tag != "!!bool":
					v.debugf(doc, val, "option-value", "give every option a non-empty value", "an option of parameter %s has an empty value", name)
				}
			}
		}
	}
}

// credentials checks a list or mapping of form fields; sdk tells whether
// the SDK reads this schema, and so refuses bad fields at start-up.
func (v *validator) credentials(doc *Document, n *yaml.Node, sdk bool) {
	report := v.debugf
	if sdk {
		report = v.sdkf
	}
	var fields []*yaml.Node
	var names []string
	switch n.Kind {
	case yaml.SequenceNode:
		fields = n.Content
		for _, f := range fields {
			names = append(names, scalar(lookup(f, "name")))
			if f.Kind == yaml.MappingNode && lookup(f, "name") == nil {
				report(doc, f, "form-name", "add name: to the field", "form field without a name")
			}
		}
	case yaml.MappingNode:
		// Dict form: the key is the field's name.
		for i := 0; i+1 < len(n.Content); i += 2 {
			names = append(names, n.Content[i].Value)
			fields = append(fields, n.Content[i+1])
		}
	}
	if len(fields) > maxCredentialFields {
		v.debugf(doc, n, "credential-count", "", "%d credential fields; Dify accepts at most %d", len(fields), maxCredentialFields)
	}
	for i, f := range fields {
		if t := lookup(f, "type"); t != nil && !slices.Contains(credentialFieldTypes, t.Value) {
			sdkTypes := []string(nil)
			if sdk {
				sdkTypes = credentialFieldTypes
			}
			v.oneOf(doc, t, "credential-type", "form field type", t.Value, credentialFieldTypes, sdkTypes)
		}
		if f.Kind == yaml.MappingNode && lookup(f, "label", "en_US") == nil {
			report(doc, f, "form-label", "add label: {en_US: ...}", "form field %q has no label.en_US", names[i])
		}
	}
	v.scopes(doc, &yaml.Node{Kind: yaml.SequenceNode, Content: fields}, false)
}

// scopes checks the scope of each parameter or form field against its type
// (spec 4.3): at least one &-separated token must be allowed for the type,
// and types without scopes take none. Datasource parameters take none at all.
func (v *validator) scopes(doc *Document, list *yaml.Node, none bool) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range list.Content {
		sc := lookup(p, "scope")
		if sc == nil || sc.Tag == "!!null" {
			continue
		}
		typ := scalar(lookup(p, "type"))
		allowed, ok := scopes[typ]
		if none || !ok {
			v.debugf(doc, sc, "scope", "remove scope", "a %s takes no scope", map[bool]string{true: "datasource parameter", false: typ + " field"}[none])
			continue
		}
		valid := false
		for _, tok := range strings.Split(sc.Value, "&") {
			valid = valid || slices.Contains(allowed, strings.TrimSpace(tok))
		}
		if !valid {
			v.debugf(doc, sc, "scope", "use &-separated values from: "+strings.Join(allowed, ", "), "scope %q allows nothing a %s accepts", sc.Value, typ)
		}
	}
}

// requiredList returns the items of the list under key, which the SDK
// requires to be there and not empty, and reports it when it is not.
func (v *validator) requiredList(doc *Document, root *yaml.Node, key, rule, hint string) []*yaml.Node {
	list := lookup(root, key)
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		v.sdkf(doc, at(root, key), rule, hint, "%s is required", key)
		return nil
	}
	return list.Content
}
