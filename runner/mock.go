package runner

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/manifest"
)

// Mock stands in for Dify as the official `plugin run` does
// (dify_invocation/mock): models and tools give the same canned answers, in
// the same shapes, without its pauses. Unlike the official tool, storage
// works: an in-memory store per tenant with the daemon's key rules and the
// manifest's size limit, kept for as long as dify runs.
type Mock struct {
	limit int64 // bytes of storage per tenant

	mu      sync.Mutex
	storage map[string]map[string][]byte // tenant/plugin -> key -> value
}

// maxStorage is the daemon's default PERSISTENCE_STORAGE_MAX_SIZE, the cap
// over any manifest's storage size.
const maxStorage = 100 << 20

// NewMock answers for a plugin granted g (its storage size is the limit).
func NewMock(g manifest.Grant) *Mock {
	limit := int64(g.StorageSize)
	if limit <= 0 {
		limit = manifest.DefaultStorage
	}
	return &Mock{limit: min(limit, maxStorage), storage: map[string]map[string][]byte{}}
}

// Call answers one call.
func (m *Mock) Call(ctx context.Context, c Call, reply func(string, any)) error {
	r := c.Request
	model := str(r, "model")
	switch c.Type {
	case "llm":
		for _, chunk := range llmChunks(model, r["tools"]) {
			reply("stream", chunk)
		}
	case "llm_structured_output":
		schema, _ := r["structured_output_schema"].(map[string]any)
		if schema == nil {
			return errors.New("unmarshal backwards invoke request failed: structured_output_schema is required")
		}
		out := Example(schema)
		text, _ := json.Marshal(out)
		for i := range 10 {
			part := string(text[i*len(text)/10 : (i+1)*len(text)/10])
			reply("stream", llmChunk(model, i, part, nil))
		}
		last := llmChunk(model, 10, "", nil)
		last["delta"].(map[string]any)["message"] = map[string]any{"role": "assistant", "content": nil, "name": "", "tool_calls": nil, "tool_call_id": ""}
		last["structured_output"] = out
		reply("stream", last)
	case "text_embedding", "multimodal_embedding":
		n := len(list(r, "texts")) + len(list(r, "documents"))
		embeddings := make([][]float64, n)
		for i := range embeddings {
			embeddings[i] = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
		}
		out := map[string]any{"model": model, "embeddings": embeddings}
		if c.Type == "text_embedding" {
			out["usage"] = map[string]any{"tokens": 100, "total_tokens": 100, "unit_price": "0", "price_unit": "0",
				"total_price": "0", "currency": "USD", "latency": 0.1}
		}
		reply("struct", out)
	case "rerank", "multimodal_rerank":
		docs := []map[string]any{}
		for i, d := range list(r, "docs") {
			text := d
			if obj, ok := d.(map[string]any); ok {
				text = obj["content"]
			}
			docs = append(docs, map[string]any{"index": i, "score": 0.1, "text": text})
		}
		reply("struct", map[string]any{"model": model, "docs": docs})
	case "tts":
		for range 10 {
			reply("stream", map[string]any{"result": "a1b2c3d4"})
		}
	case "speech2text":
		reply("struct", map[string]any{"result": "hello world"})
	case "moderation":
		reply("struct", map[string]any{"result": true})
	case "tool":
		for range 10 {
			reply("stream", map[string]any{"type": "text", "message": map[string]any{"text": "hello world"}, "meta": nil})
		}
	case "app":
		for _, chunk := range appChunks() {
			reply("stream", chunk)
		}
	case "node_parameter_extractor":
		reply("struct", parameterExtractor(r))
	case "node_question_classifier":
		classes := list(r, "classes")
		if len(classes) == 0 {
			return errors.New("unmarshal backwards invoke request failed: classes is required")
		}
		first, _ := classes[0].(map[string]any)
		reply("struct", map[string]any{"process_data": map[string]any{}, "inputs": map[string]any{},
			"outputs": map[string]any{"class_name": str(first, "name")}})
	case "system_summary":
		reply("struct", map[string]any{"summary": str(r, "text")})
	case "upload_file":
		reply("struct", map[string]any{"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})
	case "fetch_app":
		reply("struct", map[string]any{"name": "test"})
	case "storage":
		data, err := m.store(c)
		if err != nil {
			return err
		}
		reply("struct", data)
	default:
		return fmt.Errorf("unsupported invoke type: %s", c.Type)
	}
	return ctx.Err()
}

// store is the daemon's persistence (internal/core/persistence), in memory.
func (m *Mock) store(c Call) (map[string]any, error) {
	opt, key := str(c.Request, "opt"), str(c.Request, "key")
	if key == "" {
		return nil, errors.New("unmarshal backwards invoke request failed: key is required")
	}
	if k := path.Clean(key); strings.Contains(k, "..") || strings.Contains(k, "//") || strings.Contains(k, `\`) {
		return nil, errors.New("invalid key: path traversal attempt detected")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	space := c.TenantID + "/" + c.PluginID
	values := m.storage[space]
	if values == nil {
		values = map[string][]byte{}
		m.storage[space] = values
	}
	switch opt {
	case "get":
		v, ok := values[key]
		if !ok {
			return nil, errors.New("load data failed, please check if the key is correct or you have not set it")
		}
		return map[string]any{"data": hex.EncodeToString(v)}, nil
	case "set":
		if len(key) > 256 {
			return nil, errors.New("save data failed: key length must be less than 256 characters")
		}
		v, err := hex.DecodeString(str(c.Request, "value"))
		if err != nil {
			return nil, fmt.Errorf("decode data failed: %s", err)
		}
		used := int64(0)
		for k, old := range values {
			if k != key {
				used += int64(len(old))
			}
		}
		if used+int64(len(v)) > m.limit {
			return nil, fmt.Errorf("save data failed: allocated size is greater than max storage size (%d of %d bytes used; resource.permission.storage.size in manifest.yaml sets the limit)", used, m.limit)
		}
		values[key] = v
		return map[string]any{"data": "ok"}, nil
	case "del":
		if _, ok := values[key]; !ok {
			return nil, fmt.Errorf("delete data failed: %q is not set", key)
		}
		delete(values, key)
		return map[string]any{"data": "ok", "deleted_num": 1}, nil
	case "exist":
		_, ok := values[key]
		n := 0
		if ok {
			n = 1
		}
		return map[string]any{"data": ok, "exist_num": n}, nil
	}
	return nil, fmt.Errorf("unmarshal backwards invoke request failed: opt %q is not one of get, set, del, exist", opt)
}

func llmChunk(model string, index int, content string, usage map[string]any) map[string]any {
	return map[string]any{
		"model":              model,
		"prompt_messages":    []any{},
		"system_fingerprint": "test",
		"delta": map[string]any{
			"index":         index,
			"message":       map[string]any{"role": "assistant", "content": content, "name": "test", "tool_calls": []any{}, "tool_call_id": ""},
			"usage":         usage,
			"finish_reason": nil,
		},
	}
}

// llmChunks is the mock's answer: "hello world !" in parts, after a call of
// the first tool offered (with arguments that fit its schema).
func llmChunks(model string, tools any) []map[string]any {
	var out []map[string]any
	if ts, _ := tools.([]any); len(ts) > 0 {
		tool, _ := ts[0].(map[string]any)
		params, _ := tool["parameters"].(map[string]any)
		args, _ := json.Marshal(Example(params))
		call := llmChunk(model, 0, "", nil)
		call["delta"].(map[string]any)["message"].(map[string]any)["tool_calls"] = []any{map[string]any{
			"id": "oshiawaseni", "type": "function",
			"function": map[string]any{"name": str(tool, "name"), "arguments": string(args)},
		}}
		out = append(out, call)
	}
	usage := llmUsage(100, 100, 0.4)
	return append(out,
		llmChunk(model, 1, "hello", nil),
		llmChunk(model, 1, " world", nil),
		llmChunk(model, 2, " world", nil),
		llmChunk(model, 3, " !", nil),
		llmChunk(model, 3, " !", usage))
}

// llmUsage is an LLM answer's usage, free of charge.
func llmUsage(prompt, completion int, latency float64) map[string]any {
	return map[string]any{
		"prompt_tokens": prompt, "prompt_unit_price": "0", "prompt_price_unit": "0", "prompt_price": "0",
		"completion_tokens": completion, "completion_unit_price": "0", "completion_price_unit": "0", "completion_price": "0",
		"total_tokens": prompt + completion, "total_price": "0", "currency": "USD", "latency": latency,
	}
}

// The ids of the stand-in's app answers.
const appMessage, appConversation = "5ad4cb98-f0c7-4085-b384-88c403be6290", "45701982-8118-4bc5-8e9b-64562b4555f2"

func appChunks() []map[string]any {
	now := time.Now().Unix()
	const msg, conv = appMessage, appConversation
	chunks := []map[string]any{}
	for _, answer := range []string{"hello", " world", " !"} {
		chunks = append(chunks, map[string]any{"event": "agent_message", "message_id": msg, "conversation_id": conv, "answer": answer, "created_at": now})
	}
	return append(chunks,
		map[string]any{"event": "message_end", "id": msg, "conversation_id": conv, "created_at": now,
			"metadata": map[string]any{"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 100, "total_tokens": 200, "currency": "USD", "latency": 0.4}}},
	)
}

// parameterExtractor fills every parameter with a value of its type, as the
// daemon's mock does.
func parameterExtractor(r map[string]any) map[string]any {
	outputs := map[string]any{}
	for _, p := range list(r, "parameters") {
		param, _ := p.(map[string]any)
		name := str(param, "name")
		switch str(param, "type") {
		case "string":
			outputs[name] = "example"
		case "number":
			outputs[name] = 1234567890
		case "bool":
			outputs[name] = true
		case "select":
			if opts := list(param, "options"); len(opts) > 0 {
				outputs[name] = opts[0]
			} else {
				outputs[name] = "example"
			}
		case "array[string]":
			outputs[name] = []string{"example", "example"}
		case "array[number]":
			outputs[name] = []int{1, 2, 3}
		case "array[bool]":
			outputs[name] = []bool{true, false}
		case "array[object]":
			outputs[name] = []map[string]any{{"name": "example"}}
		}
	}
	return map[string]any{"process_data": map[string]any{}, "outputs": outputs, "inputs": map[string]any{"query": r["query"]}}
}

// Example returns a value that fits a JSON schema: the first enum value or
// const where there is one, else a plain value of the type; objects get
// every property. The official mock fills strings at random; these are fixed
// so that runs repeat.
func Example(schema map[string]any) map[string]any {
	v, _ := example(schema, 0).(map[string]any)
	if v == nil {
		v = map[string]any{}
	}
	return v
}

func example(schema map[string]any, depth int) any {
	if schema == nil || depth > 8 {
		return nil
	}
	if c, ok := schema["const"]; ok {
		return c
	}
	if e := list(schema, "enum"); len(e) > 0 {
		return e[0]
	}
	typ := schema["type"]
	if ts, ok := typ.([]any); ok && len(ts) > 0 {
		typ = ts[0]
	}
	switch typ {
	case "object", nil:
		props, _ := schema["properties"].(map[string]any)
		if typ == nil && props == nil {
			return nil
		}
		out := map[string]any{}
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			sub, _ := props[n].(map[string]any)
			out[n] = example(sub, depth+1)
		}
		return out
	case "array":
		items, _ := schema["items"].(map[string]any)
		return []any{example(items, depth+1)}
	case "string":
		return "example"
	case "integer":
		if v, ok := schema["minimum"]; ok {
			return v
		}
		return 0
	case "number":
		if v, ok := schema["minimum"]; ok {
			return v
		}
		return 0.5
	case "boolean":
		return true
	}
	return nil
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func list(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

// Written answers a call with a reply the developer wrote in place of the
// stand-in's: for an llm, tool or app call the reply is text, sent in the
// shapes of the stand-in's answers (an LLM's in parts, then its usage);
// for any other call it is the JSON object Dify would answer with.
func Written(c Call, text string, reply func(string, any)) error {
	model := str(c.Request, "model")
	switch c.Type {
	case "llm":
		words := strings.SplitAfter(text, " ")
		for i, w := range words {
			var usage map[string]any
			if i == len(words)-1 {
				usage = llmUsage(0, len(words), 0)
			}
			reply("stream", llmChunk(model, i, w, usage))
		}
	case "tool":
		reply("stream", map[string]any{"type": "text", "message": map[string]any{"text": text}, "meta": nil})
	case "app":
		const msg, conv = appMessage, appConversation
		now := time.Now().Unix()
		reply("stream", map[string]any{"event": "agent_message", "message_id": msg, "conversation_id": conv, "answer": text, "created_at": now})
		reply("stream", map[string]any{"event": "message_end", "id": msg, "conversation_id": conv, "created_at": now, "metadata": map[string]any{}})
	default:
		var v map[string]any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return fmt.Errorf("the reply written for %s calls is not a JSON object: %v", c.Type, err)
		}
		reply("struct", v)
	}
	return nil
}
