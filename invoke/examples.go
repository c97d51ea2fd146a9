package invoke

import "strings"

// Example is a value of a type that has no plain text form, written as the
// JSON a developer gives: a model-selector's model, an app-selector's app,
// an agent strategy's list of tools, a date range. It is "" for the other
// types. scope is the parameter's declared scope; a model-selector scoped
// to text-embedding gets an embedding model.
//
// The shapes are those the Python SDK reads: a model-selector's value is
// the SDK's config for its model type (a rerank config needs score_threshold
// and top_n, a TTS config a voice), a tool is the SDK's ToolEntity as
// Dify's agent node fills it, a date range is the start and end the SDK
// describes to a model for its date-picker type.
func Example(typ, scope string) string {
	switch typ {
	case "model-selector":
		return modelExamples[scopeModelType(scope)]
	case "app-selector":
		return `{"app_id": "00000000-0000-0000-0000-000000000000", "inputs": {}, "files": []}`
	case "array[tools]":
		return `[{"identity": {"author": "langgenius", "name": "current_time", "label": {"en_US": "Current Time"}, "provider": "time"}, ` +
			`"description": {"human": {"en_US": "Gets the current time"}, "llm": "Gets the current time"}, ` +
			`"parameters": [], "provider_type": "builtin", "runtime_parameters": {}}]`
	case "date-range":
		return `{"start": "2026-01-01", "end": "2026-01-31"}`
	}
	return ""
}

var modelExamples = map[string]string{
	"llm":            `{"provider": "langgenius/openai/openai", "model": "gpt-4o", "model_type": "llm", "mode": "chat", "completion_params": {}}`,
	"text-embedding": `{"provider": "langgenius/openai/openai", "model": "text-embedding-3-small", "model_type": "text-embedding"}`,
	"rerank":         `{"provider": "langgenius/cohere/cohere", "model": "rerank-v3.5", "model_type": "rerank", "score_threshold": 0.5, "top_n": 3}`,
	"tts":            `{"provider": "langgenius/openai/openai", "model": "tts-1", "model_type": "tts", "voice": "alloy"}`,
	"speech2text":    `{"provider": "langgenius/openai/openai", "model": "whisper-1", "model_type": "speech2text"}`,
	"moderation":     `{"provider": "langgenius/openai/openai", "model": "omni-moderation-latest", "model_type": "moderation"}`,
}

// scopeModelType is the model type a model-selector's scope asks for:
// scopes join a type and features with & ("tool-call&llm", "llm&vision");
// features without a type (vision, tool-call) are an LLM's.
func scopeModelType(scope string) string {
	for _, s := range strings.Split(scope, "&") {
		if s = strings.TrimSpace(s); modelExamples[s] != "" {
			return s
		}
	}
	return "llm"
}
