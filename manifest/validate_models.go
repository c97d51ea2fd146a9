package manifest

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// modelProvider checks a model provider file: its models block, the types
// and the configuration methods it names.
func (v *validator) modelProvider(prov *Provider) {
	root := prov.Doc.Root
	if scalar(lookup(root, "provider")) == "" {
		v.sdkf(prov.Doc, root, "model-provider", "add provider: <name>", "model provider has no provider name")
	}
	for _, t := range v.requiredList(prov.Doc, root, "supported_model_types", "model-types", "list the model types, e.g. supported_model_types: [llm]") {
		if !slices.Contains(sdkModelTypes, t.Value) {
			v.oneOf(prov.Doc, t, "model-type", "model type", t.Value, modelTypes, sdkModelTypes)
		}
	}
	for _, m := range v.requiredList(prov.Doc, root, "configurate_methods", "configurate-methods", "add configurate_methods: [predefined-model]") {
		if !slices.Contains(configurateMethods, m.Value) {
			v.oneOf(prov.Doc, m, "configurate-methods", "configurate method", m.Value, configurateMethods, configurateMethods)
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
			v.debugf(prov.Doc, schema, "credential-count", "", "%d credential fields; Dify accepts at most %d", len(schema.Content), maxCredentialFields)
		}
		for _, f := range schema.Content {
			if t := lookup(f, "type"); t != nil && !slices.Contains(modelFormTypes, t.Value) {
				v.oneOf(prov.Doc, t, "credential-type", "credential form type", t.Value, modelFormTypes, modelFormTypes)
			}
		}
	}
}

func (v *validator) modelFile(c *Document) {
	root := c.Root
	if scalar(lookup(root, "model")) == "" {
		v.sdkf(c, root, "model", "add model: <model id>", "model file has no model id")
	}
	if t := lookup(root, "model_type"); t == nil || !slices.Contains(sdkModelTypes, t.Value) {
		v.oneOf(c, at(root, "model_type"), "model-type", "model_type", scalar(t), modelTypes, sdkModelTypes)
	}
	switch label := lookup(root, "label"); {
	case label == nil || label.Tag == "!!null":
		v.warnf(c, at(root, "label"), "model-label", "add label: {en_US: ...}", "model has no label; Dify shows its id instead")
	case lookup(label, "en_US") == nil:
		v.sdkf(c, label, "i18n", "add en_US under label", "label has no en_US text")
	}
	if lookup(root, "model_properties") == nil {
		v.sdkf(c, root, "model-properties", "add model_properties:, e.g. {mode: chat, context_size: 4096} for an LLM", "model file has no model_properties")
	}
	if rules := lookup(root, "parameter_rules"); rules != nil && rules.Kind == yaml.SequenceNode {
		for _, r := range rules.Content {
			tmpl := lookup(r, "use_template")
			if tmpl != nil && !slices.Contains(parameterTemplates, tmpl.Value) {
				hint := "use one of " + strings.Join(parameterTemplates, ", ")
				if c := closest(tmpl.Value, parameterTemplates); c != "" {
					hint = fmt.Sprintf("did you mean %q?", c)
				}
				// The daemon fails to decode the file: at packaging already.
				v.errorf(c, tmpl, "parameter-rule", hint, "use_template %q is not one of %s; Dify cannot read the model file", tmpl.Value, strings.Join(parameterTemplates, ", "))
			}
			if t := lookup(r, "type"); t != nil && !slices.Contains(parameterRuleTypes, t.Value) {
				v.oneOf(c, t, "parameter-rule", "parameter rule type", t.Value, parameterRuleTypes, parameterRuleTypes)
			} else if t == nil && tmpl == nil {
				v.sdkf(c, r, "parameter-rule", "add type: (float, int, string, boolean, text) or use_template:", "parameter rule %s has neither type nor use_template", scalar(lookup(r, "name")))
			}
		}
	}
}
