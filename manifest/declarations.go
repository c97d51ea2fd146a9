package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"gopkg.in/yaml.v3"
)

// Rules the daemon applies to provider files when a plugin registers for
// remote debugging (manifest spec sections 4–10). Packaging and installing do
// not check them, so mistakes here surface only when the plugin runs.

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
	modelTypes = []string{"llm", "text-embedding", "rerank", "speech2text", "moderation", "tts", "text2img",
		"multimodal-embedding", "multimodal-rerank"}
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
		"model-selector": {"llm", "text-embedding", "rerank", "tts", "speech2text", "moderation", "vision", "document", "tool-call"},
		"any":            {"string", "number", "object", "array[number]", "array[string]", "array[object]", "array[file]"},
	}
)

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
				v.oneOf(prov.Doc, at(root, "provider_type"), "datasource-provider-type", "provider_type", scalar(t), datasourceProviders)
			}
		case Models:
			v.modelProvider(prov)
		}
		for _, keys := range [][]string{{"credentials_schema"}, {"credentials_for_provider"}, {"settings"}, {"subscription_schema"},
			{"subscription_constructor", "credentials_schema"}, {"oauth_schema", "client_schema"}, {"oauth_schema", "credentials_schema"},
			{"subscription_constructor", "oauth_schema", "client_schema"}, {"subscription_constructor", "oauth_schema", "credentials_schema"}} {
			v.credentials(prov.Doc, lookup(root, keys...))
		}
		if prov.Kind != Endpoints && prov.Kind != Models {
			v.requiredText(prov.Doc, root, "identity", "label")
		}
		for _, c := range prov.Children {
			switch prov.Kind {
			case Tools, AgentStrategies, Datasources, Triggers:
				v.requiredText(c, c.Root, "identity", "label")
			}
			switch prov.Kind {
			case AgentStrategies, Datasources, Triggers:
				v.requiredText(c, c.Root, "description")
			case Tools:
				v.requiredText(c, c.Root, "description", "human")
			}
			switch prov.Kind {
			case Tools:
				v.identityName(c, lookup(c.Root, "identity", "name"), "tool")
				if scalar(lookup(c.Root, "description", "llm")) == "" {
					v.errorf(c, at(c.Root, "description"), "tool-description", "add description: llm: what the tool does, for the model", "tool has no description.llm, which Dify requires")
				}
				v.params(c, lookup(c.Root, "parameters"), toolParamTypes, true)
				v.scopes(c, lookup(c.Root, "parameters"), false)
			case AgentStrategies:
				v.identityName(c, lookup(c.Root, "identity", "name"), "strategy")
				v.params(c, lookup(c.Root, "parameters"), agentParamTypes, false)
				v.scopes(c, lookup(c.Root, "parameters"), false)
			case Datasources:
				if lookup(c.Root, "parameters") == nil {
					v.errorf(c, c.Root, "datasource-parameters", "add parameters: [] when there are none", "datasource has no parameters list, which Dify requires")
				}
				v.params(c, lookup(c.Root, "parameters"), datasourceParamTypes, false)
				v.scopes(c, lookup(c.Root, "parameters"), true)
			case Triggers:
				v.identityName(c, lookup(c.Root, "identity", "name"), "event")
				v.params(c, lookup(c.Root, "parameters"), eventParamTypes, false)
			case Models:
				v.modelFile(c)
			}
		}
	}
}

// requiredText reports an I18n field at keys without en_US text.
func (v *validator) requiredText(doc *Document, root *yaml.Node, keys ...string) {
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	if scalar(lookup(root, append(keys, "en_US")...)) == "" {
		field := strings.Join(keys, ".")
		v.errorf(doc, at(root, keys...), "i18n", fmt.Sprintf("add %s: {en_US: ...}", field), "%s has no en_US text, which Dify requires", field)
	}
}

func (v *validator) identityName(doc *Document, n *yaml.Node, what string) {
	if n == nil || scalar(n) == "" {
		return // reported by the SDK; the identity may be inline or absent in odd files
	}
	if !identityNameRe().MatchString(n.Value) {
		v.errorf(doc, n, "identity-name", "use letters, digits, _ and -", "%s name %q may only contain letters, digits, _ and -", what, n.Value)
	}
}

func (v *validator) oneOf(doc *Document, n *yaml.Node, rule, field, value string, allowed []string) {
	hint := "use one of " + strings.Join(allowed, ", ")
	if c := closest(value, allowed); c != "" && value != "" {
		hint = fmt.Sprintf("did you mean %q?", c)
	}
	v.errorf(doc, n, rule, hint, "%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
}

// params checks a parameters list against the allowed types.
func (v *validator) params(doc *Document, list *yaml.Node, types []string, needForm bool) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range list.Content {
		name := scalar(lookup(p, "name"))
		if name == "" {
			v.errorf(doc, p, "parameter", "add name: to the parameter", "parameter without a name")
		}
		if scalar(lookup(p, "label", "en_US")) == "" {
			v.errorf(doc, at(p, "label"), "i18n", "add label: {en_US: ...}", "parameter %s has no label.en_US, which Dify requires", name)
		}
		if t := lookup(p, "type"); t == nil || !slices.Contains(types, t.Value) {
			v.oneOf(doc, at(p, "type"), "parameter-type", fmt.Sprintf("parameter %s type", name), scalar(t), types)
		}
		if needForm {
			if f := lookup(p, "form"); f == nil || !slices.Contains(toolParamForms, f.Value) {
				v.oneOf(doc, at(p, "form"), "parameter-form", fmt.Sprintf("parameter %s form", name), scalar(f), toolParamForms)
			}
		}
		if ag := lookup(p, "auto_generate", "type"); ag != nil && ag.Value != "prompt_instruction" {
			v.errorf(doc, ag, "auto-generate", "write type: prompt_instruction", "auto_generate type %q is not prompt_instruction, the only one Dify knows", ag.Value)
		}
		if opts := lookup(p, "options"); opts != nil && opts.Kind == yaml.SequenceNode {
			for _, o := range opts.Content {
				if scalar(lookup(o, "value")) == "" {
					v.errorf(doc, o, "option-value", "give every option a non-empty value", "an option of parameter %s has no value", name)
				}
			}
		}
	}
}

// credentials checks a list or mapping of credential form fields.
func (v *validator) credentials(doc *Document, n *yaml.Node) {
	if n == nil {
		return
	}
	var fields []*yaml.Node
	var names []string
	switch n.Kind {
	case yaml.SequenceNode:
		fields = n.Content
		for _, f := range fields {
			names = append(names, scalar(lookup(f, "name")))
		}
	case yaml.MappingNode:
		// Dict form: the key is the field's name.
		for i := 0; i+1 < len(n.Content); i += 2 {
			names = append(names, n.Content[i].Value)
			fields = append(fields, n.Content[i+1])
		}
	}
	if len(fields) > maxCredentialFields {
		v.warnf(doc, n, "credential-count", "", "%d credential fields; Dify accepts at most %d", len(fields), maxCredentialFields)
	}
	for i, f := range fields {
		if t := lookup(f, "type"); t != nil && !slices.Contains(credentialFieldTypes, t.Value) {
			v.oneOf(doc, t, "credential-type", "form field type", t.Value, credentialFieldTypes)
		}
		if f.Kind == yaml.MappingNode && scalar(lookup(f, "label", "en_US")) == "" {
			v.errorf(doc, f, "form-label", "add label: {en_US: ...}", "form field %q has no label.en_US", names[i])
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
			v.errorf(doc, sc, "scope", "remove scope", "a %s takes no scope", map[bool]string{true: "datasource parameter", false: typ + " field"}[none])
			continue
		}
		valid := false
		for _, tok := range strings.Split(sc.Value, "&") {
			valid = valid || slices.Contains(allowed, strings.TrimSpace(tok))
		}
		if !valid {
			v.errorf(doc, sc, "scope", "use &-separated values from: "+strings.Join(allowed, ", "), "scope %q allows nothing a %s accepts", sc.Value, typ)
		}
	}
}

func (v *validator) modelProvider(prov *Provider) {
	root := prov.Doc.Root
	if scalar(lookup(root, "provider")) == "" {
		v.errorf(prov.Doc, root, "model-provider", "add provider: <name>", "model provider has no provider name")
	}
	if types := lookup(root, "supported_model_types"); types == nil || types.Kind != yaml.SequenceNode || len(types.Content) == 0 {
		v.errorf(prov.Doc, at(root, "supported_model_types"), "model-types", "list the model types, e.g. supported_model_types: [llm]", "supported_model_types is required")
	} else {
		for _, t := range types.Content {
			if !slices.Contains(modelTypes, t.Value) {
				v.oneOf(prov.Doc, t, "model-type", "model type", t.Value, modelTypes)
			}
		}
	}
	if methods := lookup(root, "configurate_methods"); methods == nil || methods.Kind != yaml.SequenceNode || len(methods.Content) == 0 {
		v.errorf(prov.Doc, at(root, "configurate_methods"), "configurate-methods", "add configurate_methods: [predefined-model]", "configurate_methods is required")
	} else {
		for _, m := range methods.Content {
			if !slices.Contains(configurateMethods, m.Value) {
				v.oneOf(prov.Doc, m, "configurate-methods", "configurate method", m.Value, configurateMethods)
			}
		}
	}
	if models := lookup(root, "models"); models != nil && models.Kind == yaml.MappingNode {
		for i := 0; i < len(models.Content); i += 2 {
			if k := models.Content[i]; !slices.Contains(modelKinds, k.Value) {
				hint := "keys are " + strings.Join(modelKinds, ", ")
				if c := closest(k.Value, modelKinds); c != "" {
					hint = fmt.Sprintf("did you mean %s?", c)
				}
				v.warnf(prov.Doc, k, "model-kind-key", hint, "models.%s is ignored by Dify, so its model files are never loaded", k.Value)
			}
		}
	}
	for _, key := range []string{"provider_credential_schema", "model_credential_schema"} {
		schema := lookup(root, key, "credential_form_schemas")
		if schema == nil || schema.Kind != yaml.SequenceNode {
			continue
		}
		if len(schema.Content) > maxCredentialFields {
			v.warnf(prov.Doc, schema, "credential-count", "", "%d credential fields; Dify accepts at most %d", len(schema.Content), maxCredentialFields)
		}
		for _, f := range schema.Content {
			if t := lookup(f, "type"); t != nil && !slices.Contains(modelFormTypes, t.Value) {
				v.oneOf(prov.Doc, t, "credential-type", "credential form type", t.Value, modelFormTypes)
			}
		}
	}
}

func (v *validator) modelFile(c *Document) {
	root := c.Root
	if scalar(lookup(root, "model")) == "" {
		v.errorf(c, root, "model", "add model: <model id>", "model file has no model id")
	}
	if t := lookup(root, "model_type"); t == nil || !slices.Contains(modelTypes, t.Value) {
		v.oneOf(c, at(root, "model_type"), "model-type", "model_type", scalar(t), modelTypes)
	}
	if lookup(root, "label", "en_US") == nil {
		v.warnf(c, at(root, "label"), "model-label", "add label: {en_US: ...}", "model has no label; Dify shows its id instead")
	}
	if rules := lookup(root, "parameter_rules"); rules != nil && rules.Kind == yaml.SequenceNode {
		for _, r := range rules.Content {
			tmpl := lookup(r, "use_template")
			if tmpl != nil && !slices.Contains(parameterTemplates, tmpl.Value) {
				v.oneOf(c, tmpl, "parameter-rule", "use_template", tmpl.Value, parameterTemplates)
			}
			if t := lookup(r, "type"); t != nil && !slices.Contains(parameterRuleTypes, t.Value) {
				v.oneOf(c, t, "parameter-rule", "parameter rule type", t.Value, parameterRuleTypes)
			} else if t == nil && tmpl == nil {
				v.errorf(c, r, "parameter-rule", "add type: (float, int, string, boolean, text) or use_template:", "parameter rule %s has neither type nor use_template", scalar(lookup(r, "name")))
			}
		}
	}
}
