package invoke

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestExamplesAreTheShapesTheSDKReads(t *testing.T) {
	for _, c := range []struct {
		typ, scope string
		want       map[string]any // fields the value must hold
	}{
		{"model-selector", "", map[string]any{"model_type": "llm", "mode": "chat"}},
		{"model-selector", "tool-call&llm", map[string]any{"model_type": "llm"}},
		{"model-selector", "llm&vision", map[string]any{"model_type": "llm"}},
		{"model-selector", "vision", map[string]any{"model_type": "llm"}},
		{"model-selector", "text-embedding", map[string]any{"model_type": "text-embedding"}},
		{"model-selector", "rerank", map[string]any{"model_type": "rerank", "top_n": float64(3)}},
		{"model-selector", "tts", map[string]any{"model_type": "tts", "voice": "alloy"}},
		{"model-selector", "speech2text", map[string]any{"model_type": "speech2text"}},
		{"model-selector", "moderation", map[string]any{"model_type": "moderation"}},
		{"app-selector", "all", map[string]any{"inputs": map[string]any{}}},
		{"date-range", "", map[string]any{"start": "2026-01-01", "end": "2026-01-31"}},
	} {
		var v map[string]any
		if err := json.Unmarshal([]byte(Example(c.typ, c.scope)), &v); err != nil {
			t.Errorf("%s %q: %v", c.typ, c.scope, err)
			continue
		}
		for k, want := range c.want {
			if got := v[k]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: %s is %v, want %v", c.typ, c.scope, k, got, want)
			}
		}
	}
	var tools []struct {
		Identity     map[string]any `json:"identity"`
		ProviderType string         `json:"provider_type"`
	}
	if err := json.Unmarshal([]byte(Example("array[tools]", "")), &tools); err != nil || len(tools) != 1 {
		t.Fatalf("tools: %v %v", tools, err)
	}
	for _, k := range []string{"author", "name", "label", "provider"} { // the SDK's AgentToolIdentity
		if tools[0].Identity[k] == nil {
			t.Errorf("the example tool's identity has no %s", k)
		}
	}
	for _, typ := range []string{"string", "number", "object", "array", "file"} {
		if e := Example(typ, ""); e != "" {
			t.Errorf("%s has an example %q", typ, e)
		}
	}
}

// A value a developer cannot guess is shown in the error that asks for it,
// ready to paste.
func TestErrorsShowTheExample(t *testing.T) {
	fields := []Field{{Name: "model", Type: "model-selector", Scope: "text-embedding", Required: true}, {Name: "tools", Type: "array[tools]"}}
	_, err := fill(fields, nil, "parameter", true)
	if err == nil || !strings.Contains(err.Error(), `missing required parameter "model" (model-selector), e.g. model:='{"provider": "langgenius/openai/openai", "model": "text-embedding-3-small"`) {
		t.Errorf("missing: %v", err)
	}
	_, err = fill(fields, []Arg{{Name: "model", Value: `{}`, JSON: true}, {Name: "tools", Value: "current_time"}}, "parameter", true)
	if err == nil || !strings.Contains(err.Error(), `tools takes JSON (type array[tools]): give it as tools:=JSON, e.g. tools:='[{"identity": `) {
		t.Errorf("not JSON: %v", err)
	}
	// Pasted back, the example is taken.
	arg, err := ParseArg("tools:=" + Example("array[tools]", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fill(fields, []Arg{{Name: "model", Value: Example("model-selector", "text-embedding"), JSON: true}, arg}, "parameter", true); err != nil {
		t.Errorf("the examples themselves: %v", err)
	}
}
