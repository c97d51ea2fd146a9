package runner

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/dify-cli/dify/manifest"
)

func call(t *testing.T, m *Mock, typ string, req map[string]any) ([]any, error) {
	t.Helper()
	var got []any
	err := m.Call(context.Background(), Call{Type: typ, Request: req, TenantID: "t", PluginID: "a/p"}, func(msg string, data any) {
		got = append(got, data)
	})
	return got, err
}

func TestMockStorage(t *testing.T) {
	g := manifest.NewGrant("storage")
	g.StorageSize = 8
	m := NewMock(g)
	steps := []struct {
		req  map[string]any
		want any
		err  string
	}{
		{map[string]any{"opt": "get", "key": "a"}, nil, "load data failed, please check if the key is correct or you have not set it"},
		{map[string]any{"opt": "exist", "key": "a"}, map[string]any{"data": false, "exist_num": 0}, ""},
		{map[string]any{"opt": "set", "key": "a", "value": "68656c6c6f"}, map[string]any{"data": "ok"}, ""},
		{map[string]any{"opt": "get", "key": "a"}, map[string]any{"data": "68656c6c6f"}, ""},
		{map[string]any{"opt": "exist", "key": "a"}, map[string]any{"data": true, "exist_num": 1}, ""},
		{map[string]any{"opt": "set", "key": "b", "value": "01020304"}, nil, "allocated size is greater than max storage size"},
		{map[string]any{"opt": "set", "key": "a", "value": "0102030405060708"}, map[string]any{"data": "ok"}, ""},
		{map[string]any{"opt": "set", "key": "a", "value": "zz"}, nil, "decode data failed"},
		{map[string]any{"opt": "set", "key": "../x", "value": "00"}, nil, "invalid key: path traversal attempt detected"},
		{map[string]any{"opt": "set", "key": strings.Repeat("k", 257), "value": "00"}, nil, "key length must be less than 256 characters"},
		{map[string]any{"opt": "del", "key": "a"}, map[string]any{"data": "ok", "deleted_num": 1}, ""},
		{map[string]any{"opt": "del", "key": "a"}, nil, "delete data failed"},
		{map[string]any{"opt": "put", "key": "a"}, nil, "not one of get, set, del, exist"},
	}
	for i, s := range steps {
		got, err := call(t, m, "storage", s.req)
		if s.err != "" {
			if err == nil || !strings.Contains(err.Error(), s.err) {
				t.Errorf("step %d %v: error %v, want %q", i, s.req, err, s.err)
			}
			continue
		}
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], s.want) {
			t.Errorf("step %d %v: %v %v, want %v", i, s.req, got, err, s.want)
		}
	}
	// Another tenant has its own storage.
	other := Call{Type: "storage", Request: map[string]any{"opt": "exist", "key": "a"}, TenantID: "u", PluginID: "a/p"}
	m.Call(context.Background(), other, func(_ string, data any) {
		if data.(map[string]any)["data"] != false {
			t.Errorf("another tenant sees %v", data)
		}
	})
}

func TestMockLLMCallsTheFirstTool(t *testing.T) {
	m := NewMock(manifest.Grant{})
	chunks, err := call(t, m, "llm", map[string]any{"model": "m", "tools": []any{map[string]any{
		"name": "weather",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{
			"city": map[string]any{"type": "string"}, "unit": map[string]any{"type": "string", "enum": []any{"c", "f"}},
			"days": map[string]any{"type": "integer", "minimum": json.Number("1")},
		}},
	}}})
	if err != nil || len(chunks) != 6 {
		t.Fatalf("%d chunks, %v", len(chunks), err)
	}
	msg := chunks[0].(map[string]any)["delta"].(map[string]any)["message"].(map[string]any)
	call := msg["tool_calls"].([]any)[0].(map[string]any)["function"].(map[string]any)
	if call["name"] != "weather" || call["arguments"] != `{"city":"example","days":1,"unit":"c"}` {
		t.Errorf("tool call %v", call)
	}
	var text string
	for _, c := range chunks[1:] {
		text += c.(map[string]any)["delta"].(map[string]any)["message"].(map[string]any)["content"].(string)
	}
	if text != "hello world world ! !" {
		t.Errorf("content %q", text)
	}
}

func TestMockAnswersEveryType(t *testing.T) {
	m := NewMock(manifest.NewGrant("storage"))
	for typ, req := range map[string]map[string]any{
		"llm_structured_output":    {"model": "m", "structured_output_schema": map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "boolean"}}}},
		"text_embedding":           {"model": "m", "texts": []any{"a", "b"}},
		"multimodal_embedding":     {"model": "m", "documents": []any{map[string]any{}}},
		"rerank":                   {"model": "m", "docs": []any{"x"}},
		"multimodal_rerank":        {"model": "m", "docs": []any{map[string]any{"content": "x"}}},
		"tts":                      {"model": "m"},
		"speech2text":              {"model": "m"},
		"moderation":               {"model": "m"},
		"tool":                     {},
		"app":                      {},
		"node_parameter_extractor": {"parameters": []any{map[string]any{"name": "n", "type": "number"}}},
		"node_question_classifier": {"classes": []any{map[string]any{"id": "1", "name": "first"}}},
		"system_summary":           {"text": "t"},
		"upload_file":              {},
		"fetch_app":                {},
	} {
		got, err := call(t, m, typ, req)
		if err != nil || len(got) == 0 {
			t.Errorf("%s: %v %v", typ, got, err)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Errorf("%s: answers do not encode: %v", typ, err)
		}
	}
	if _, err := call(t, m, "telepathy", nil); err == nil {
		t.Error("an unknown type was answered")
	}
	got, _ := call(t, m, "node_question_classifier", map[string]any{"classes": []any{map[string]any{"id": "1", "name": "first"}}})
	if got[0].(map[string]any)["outputs"].(map[string]any)["class_name"] != "first" {
		t.Errorf("question classifier: %v", got)
	}
}

// The written replies reach the plugin in the shapes the stand-in uses.
func TestWrittenReplies(t *testing.T) {
	var got []any
	reply := func(_ string, data any) { got = append(got, data) }
	if err := Written(Call{Type: "app"}, "done", reply); err != nil || got[0].(map[string]any)["answer"] != "done" {
		t.Errorf("app: %v %v", got, err)
	}
	got = nil
	if err := Written(Call{Type: "moderation"}, `{"result": false}`, reply); err != nil || got[0].(map[string]any)["result"] != false {
		t.Errorf("moderation: %v %v", got, err)
	}
	got = nil
	if err := Written(Call{Type: "llm", Request: map[string]any{"model": "m"}}, "forty two", reply); err != nil || len(got) != 2 {
		t.Fatalf("llm: %v %v", got, err)
	}
	var text string
	for _, c := range got {
		text += c.(map[string]any)["delta"].(map[string]any)["message"].(map[string]any)["content"].(string)
	}
	if last := got[1].(map[string]any)["delta"].(map[string]any); text != "forty two" || last["usage"] == nil {
		t.Errorf("llm: %q, last chunk %v", text, last)
	}
	if err := Written(Call{Type: "rerank"}, `[]`, reply); err == nil {
		t.Error("a JSON array was given as a rerank answer")
	}
}
