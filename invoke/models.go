package invoke

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/similar"
	"github.com/dify-cli/dify/manifest"
)

// ModelRequest is a call of a model.
type ModelRequest struct {
	ModelType   string // llm, text-embedding, rerank, tts, speech2text, moderation
	Provider    string
	Model       string
	Credentials []Arg
	Params      []Arg // model parameters (llm)

	Prompt   string   // llm: the user message
	System   string   // llm: a system message before it
	Stop     []string // llm
	NoStream bool     // llm

	Texts     []string // text-embedding: the inputs; moderation: the text
	InputType string   // text-embedding: document (the default) or query
	Query     string   // rerank
	Docs      []string // rerank
	TopN      int      // rerank, 0 for all
	Voice     string   // tts
	Audio     []byte   // speech2text
}

// ModelTypes are the model types a provider may offer, in the SDK's names.
var ModelTypes = manifest.ModelTypeNames()

// Model builds the request for one model call.
func Model(p *manifest.Plugin, r ModelRequest) (Call, error) {
	provs := providers(p, manifest.Models)
	if len(provs) == 0 {
		return Call{}, usagef("the plugin declares no model provider")
	}
	prov := provs[0]
	if r.Provider != "" {
		prov = nil
		var names []string
		for _, pr := range provs {
			names = append(names, identityName(pr))
			if identityName(pr) == r.Provider {
				prov = pr
			}
		}
		if prov == nil {
			return Call{}, usagef("no model provider %q; the plugin has %s", r.Provider, strings.Join(names, ", "))
		}
	}
	d := prov.Decl.(*manifest.ModelProviderDecl)
	if !slices.Contains(d.SupportedModelTypes, r.ModelType) {
		return Call{}, usagef("provider %s offers no %s models (supported_model_types: %s)", d.Provider, r.ModelType, strings.Join(d.SupportedModelTypes, ", "))
	}

	var model *manifest.ModelDecl
	var names []string
	for _, cd := range prov.ChildDecls {
		m, _ := cd.(*manifest.ModelDecl)
		if m == nil || m.ModelType != r.ModelType {
			continue
		}
		names = append(names, m.Model)
		if m.Model == r.Model {
			model = m
		}
	}
	customizable := slices.Contains(d.ConfigurateMethods, "customizable-model")
	credSchema := &d.ProviderCredentialSchema
	if model == nil {
		if !customizable {
			msg := fmt.Sprintf("no %s model %q in provider %s", r.ModelType, r.Model, d.Provider)
			if s := similar.Closest(r.Model, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			if len(names) > 0 {
				msg += "; its " + r.ModelType + " models are " + strings.Join(names, ", ")
			}
			return Call{}, usagef("%s", msg)
		}
		// A model the user configures: its credentials come from the model
		// credential form.
		credSchema = &d.ModelCredentialSchema
	}
	creds, err := fill(schemaFields(credSchema), r.Credentials, "credential", true)
	if err != nil {
		return Call{}, err
	}
	body := map[string]any{"provider": d.Provider, "model_type": r.ModelType, "model": r.Model, "credentials": creds}
	mc, ok := modelCalls[r.ModelType]
	if !ok {
		return Call{}, usagef("unknown model type %q: use one of %s", r.ModelType, strings.Join(ModelTypes, ", "))
	}
	if err := mc.fill(body, r, model); err != nil {
		return Call{}, err
	}
	return Call{Type: "model", Action: mc.action, Kind: r.ModelType, Body: body}, nil
}

// modelCalls are, per model type, the daemon's action and what the request
// of that type holds besides provider, model and credentials.
var modelCalls = map[string]struct {
	action string
	fill   func(body map[string]any, r ModelRequest, model *manifest.ModelDecl) error
}{
	"llm": {"invoke_llm", func(body map[string]any, r ModelRequest, model *manifest.ModelDecl) error {
		var rules []Field
		if model != nil {
			rules = ruleFields(model.ParameterRules)
		}
		params, err := fill(rules, r.Params, "model parameter", model != nil)
		if err != nil {
			return err
		}
		var messages []any
		if r.System != "" {
			messages = append(messages, map[string]any{"role": "system", "content": r.System})
		}
		messages = append(messages, map[string]any{"role": "user", "content": r.Prompt})
		body["prompt_messages"] = messages
		body["model_parameters"] = params
		body["stop"] = nonNil(r.Stop)
		body["tools"] = []any{}
		body["stream"] = !r.NoStream
		return nil
	}},
	"text-embedding": {"invoke_text_embedding", func(body map[string]any, r ModelRequest, _ *manifest.ModelDecl) error {
		inputType := r.InputType
		if inputType == "" {
			inputType = "document"
		}
		body["texts"] = nonNil(r.Texts)
		body["input_type"] = inputType
		return nil
	}},
	"rerank": {"invoke_rerank", func(body map[string]any, r ModelRequest, _ *manifest.ModelDecl) error {
		body["query"] = r.Query
		body["docs"] = nonNil(r.Docs)
		body["score_threshold"] = nil
		body["top_n"] = nil
		if r.TopN > 0 {
			body["top_n"] = r.TopN
		}
		return nil
	}},
	"tts": {"invoke_tts", func(body map[string]any, r ModelRequest, _ *manifest.ModelDecl) error {
		body["content_text"] = strings.Join(r.Texts, "\n")
		body["voice"] = r.Voice
		body["tenant_id"] = "00000000-0000-0000-0000-000000000000"
		return nil
	}},
	"speech2text": {"invoke_speech2text", func(body map[string]any, r ModelRequest, _ *manifest.ModelDecl) error {
		body["file"] = hex.EncodeToString(r.Audio)
		return nil
	}},
	"moderation": {"invoke_moderation", func(body map[string]any, r ModelRequest, _ *manifest.ModelDecl) error {
		body["text"] = strings.Join(r.Texts, "\n")
		return nil
	}},
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ModelCredentialFields are the provider credentials of a model provider,
// as Model checks them for its predefined models: for forms.
func ModelCredentialFields(prov *manifest.Provider) []Field {
	d, ok := prov.Decl.(*manifest.ModelProviderDecl)
	if !ok {
		return nil
	}
	return schemaFields(&d.ProviderCredentialSchema)
}

// RuleType is the type of a model parameter rule: its own, else its
// template's (use_template: temperature is a float).
func RuleType(r manifest.ParameterRule) string {
	if r.Type != "" {
		return r.Type
	}
	return templateTypes[r.UseTemplate]
}
