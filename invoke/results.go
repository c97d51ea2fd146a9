package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Output shows the answer of one call as it streams: text as text, JSON
// indented, links and variables labelled, files (blobs, speech) written to
// Dir, each kind of answer in the form people read it.
type Output struct {
	W    io.Writer // the answer
	Info io.Writer // what is about the answer: files written, token usage
	Dir  string    // where files go
	Kind string    // Call.Kind
	JSON bool      // print each chunk as it came, one per line

	blobs     map[string]*bytes.Buffer
	audio     bytes.Buffer
	toolCalls []string
	usage     map[string]any
	midLine   bool // the last text written did not end a line
	Files     []string
}

// Chunk shows one chunk of the answer. A chunk Dify's daemon would refuse
// is shown, and is the call's error.
func (o *Output) Chunk(raw json.RawMessage) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	c, isObject := v.(map[string]any)
	refused := o.refused(c)
	if o.JSON || refused != nil {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return err
		}
		buf.WriteByte('\n')
		if _, err := o.W.Write(buf.Bytes()); err != nil {
			return err
		}
		return refused
	}
	if !isObject {
		return o.pretty(v)
	}
	if show := renderers[o.Kind]; show != nil {
		if done, err := show(o, c); done || err != nil {
			return err
		}
	}
	return o.pretty(c)
}

// renderers show a chunk of each kind of answer in the form people read
// it; one reports false for a chunk it does not know, which is then shown
// as indented JSON.
var renderers = map[string]func(o *Output, c map[string]any) (bool, error){
	"tool":       renderMessage,
	"datasource": renderMessage,
	"llm":        func(o *Output, c map[string]any) (bool, error) { return true, o.llm(c) },
	"endpoint":   func(o *Output, c map[string]any) (bool, error) { return true, o.endpoint(c) },
	"trigger-dispatch": func(o *Output, c map[string]any) (bool, error) {
		_, ok := c["events"]
		return ok, ifOK(ok, func() error { return o.triggerDispatch(c) })
	},
	"trigger-event": func(o *Output, c map[string]any) (bool, error) { return true, o.triggerEvent(c) },
	"tts": func(o *Output, c map[string]any) (bool, error) {
		s, _ := c["result"].(string)
		b, err := hex.DecodeString(s)
		if err != nil {
			return true, fmt.Errorf("the plugin sent speech that is not hex: %v", err)
		}
		o.audio.Write(b)
		return true, nil
	},
	"speech2text": func(o *Output, c map[string]any) (bool, error) {
		s, ok := c["result"].(string)
		return ok, ifOK(ok, func() error { return o.line(s) })
	},
	"moderation": func(o *Output, c map[string]any) (bool, error) {
		b, ok := c["result"].(bool)
		return ok, ifOK(ok, func() error { return o.line(map[bool]string{true: "flagged", false: "not flagged"}[b]) })
	},
	"credentials": func(o *Output, c map[string]any) (bool, error) {
		b, ok := c["result"].(bool)
		return ok, ifOK(ok, func() error {
			return o.line(map[bool]string{true: "The credentials are valid.", false: "The credentials are not valid."}[b])
		})
	},
	"rerank": func(o *Output, c map[string]any) (bool, error) {
		docs, ok := c["docs"].([]any)
		return ok, ifOK(ok, func() error { return o.rerank(docs) })
	},
	"text-embedding": func(o *Output, c map[string]any) (bool, error) {
		e, ok := c["embeddings"].([]any)
		return ok, ifOK(ok, func() error { return o.embeddings(e) })
	},
}

// messageTypes are the types of tool message Dify's daemon takes
// (tool_entities.ToolResponseChunkType); it ends a call at any other.
var messageTypes = []string{"text", "file", "blob", "blob_chunk", "json", "link", "image", "image_link", "binary_link", "variable", "log", "retriever_resources"}

// refused says why Dify's daemon would refuse a chunk: it validates the
// messages of tools and agent strategies, and ends the call with
// "unmarshal json failed" at one without a known type.
func (o *Output) refused(c map[string]any) error {
	if o.Kind != "tool" {
		return nil
	}
	switch t, ok := c["type"]; {
	case !ok || t == nil:
		return errors.New(`the plugin sent a message without "type" (above): Dify's daemon refuses it ("unmarshal json failed") and ends the call there; make messages with the tool's create_text_message, create_json_message and the like`)
	case !slices.Contains(messageTypes, fmt.Sprint(t)):
		return fmt.Errorf("the plugin sent a message of type %q (above): Dify's daemon takes only %s, refuses it (\"unmarshal json failed\") and ends the call there", fmt.Sprint(t), strings.Join(messageTypes, ", "))
	}
	return nil
}

// renderMessage shows a ToolInvokeMessage (tools, datasources).
func renderMessage(o *Output, c map[string]any) (bool, error) {
	if _, ok := c["type"].(string); !ok {
		return false, nil
	}
	return true, o.message(c)
}

func ifOK(ok bool, f func() error) error {
	if !ok {
		return nil
	}
	return f()
}

// Close finishes the answer: it writes what was assembled (speech) and ends
// the last line.
func (o *Output) Close() error {
	if o.JSON {
		return nil
	}
	if o.audio.Len() > 0 {
		path, err := o.save("speech"+audioExt(o.audio.Bytes()), o.audio.Bytes())
		if err != nil {
			return err
		}
		o.line(fmt.Sprintf("file: %s (%d bytes)", path, o.audio.Len()))
	}
	for id, b := range o.blobs {
		// A blob whose last chunk never came: keep what arrived.
		path, err := o.save(id+".part", b.Bytes())
		if err != nil {
			return err
		}
		o.line(fmt.Sprintf("file: %s (%d bytes; the plugin never sent its end)", path, b.Len()))
	}
	if o.midLine {
		fmt.Fprintln(o.W)
		o.midLine = false
	}
	for _, call := range o.toolCalls {
		fmt.Fprintln(o.W, call)
	}
	if o.usage != nil && o.Info != nil {
		fmt.Fprintf(o.Info, "usage: %v prompt + %v completion = %v tokens\n", o.usage["prompt_tokens"], o.usage["completion_tokens"], o.usage["total_tokens"])
	}
	return nil
}

// message shows a ToolInvokeMessage (also what strategies and datasources
// send).
func (o *Output) message(c map[string]any) error {
	typ, _ := c["type"].(string)
	msg, _ := c["message"].(map[string]any)
	meta, _ := c["meta"].(map[string]any)
	text, _ := msg["text"].(string)
	switch typ {
	case "text":
		return o.text(text)
	case "link", "image", "image_link":
		return o.line(typ + ": " + text)
	case "json":
		return o.pretty(msg["json_object"])
	case "variable":
		v, _ := json.Marshal(msg["variable_value"])
		return o.line(fmt.Sprintf("variable %v = %s", msg["variable_name"], v))
	case "blob":
		s, _ := msg["blob"].(string)
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("the plugin sent a blob that is not base64: %v", err)
		}
		return o.file(meta, "blob", data)
	case "blob_chunk":
		id, _ := msg["id"].(string)
		s, _ := msg["blob"].(string)
		part, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("the plugin sent a blob chunk that is not base64: %v", err)
		}
		if o.blobs == nil {
			o.blobs = map[string]*bytes.Buffer{}
		}
		b := o.blobs[id]
		if b == nil {
			b = &bytes.Buffer{}
			o.blobs[id] = b
		}
		b.Write(part)
		if end, _ := msg["end"].(bool); end {
			delete(o.blobs, id)
			return o.file(meta, id, b.Bytes())
		}
		return nil
	case "log":
		return o.line(fmt.Sprintf("log: %v (%v)", msg["label"], msg["status"]))
	}
	return o.pretty(c)
}

func (o *Output) llm(c map[string]any) error {
	delta, _ := c["delta"].(map[string]any)
	msg, _ := delta["message"].(map[string]any)
	if u, ok := delta["usage"].(map[string]any); ok {
		o.usage = u
	}
	if calls, ok := msg["tool_calls"].([]any); ok {
		for _, tc := range calls {
			call, _ := tc.(map[string]any)
			fn, _ := call["function"].(map[string]any)
			o.toolCalls = append(o.toolCalls, fmt.Sprintf("tool call: %v(%v)", fn["name"], fn["arguments"]))
		}
	}
	switch content := msg["content"].(type) {
	case string:
		return o.text(content)
	case []any:
		for _, part := range content {
			p, _ := part.(map[string]any)
			if s, ok := p["data"].(string); ok && p["type"] == "text" {
				if err := o.text(s); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (o *Output) rerank(docs []any) error {
	for _, d := range docs {
		doc, _ := d.(map[string]any)
		if err := o.line(fmt.Sprintf("%v\t#%v\t%v", doc["score"], doc["index"], doc["text"])); err != nil {
			return err
		}
	}
	return nil
}

func (o *Output) embeddings(list []any) error {
	for i, e := range list {
		v, _ := e.([]any)
		shown := v
		if len(shown) > 6 {
			shown = shown[:6]
		}
		parts := make([]string, len(shown))
		for j, x := range shown {
			parts[j] = fmt.Sprint(x)
		}
		more := ""
		if len(v) > len(shown) {
			more = ", ..."
		}
		if err := o.line(fmt.Sprintf("%d: [%s%s] (%d dimensions)", i, strings.Join(parts, ", "), more, len(v))); err != nil {
			return err
		}
	}
	return nil
}

// endpoint shows the status and headers, then the body as it arrives.
func (o *Output) endpoint(c map[string]any) error {
	if status, ok := c["status"]; ok {
		if err := o.line(fmt.Sprintf("HTTP %v", status)); err != nil {
			return err
		}
		headers, _ := c["headers"].(map[string]any)
		names := make([]string, 0, len(headers))
		for n := range headers {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			o.line(fmt.Sprintf("%s: %v", n, headers[n]))
		}
		o.line("")
	}
	if s, ok := c["result"].(string); ok {
		body, err := hex.DecodeString(s)
		if err != nil {
			return fmt.Errorf("the plugin sent a body that is not hex: %v", err)
		}
		return o.text(string(body))
	}
	return nil
}

func (o *Output) text(s string) error {
	if s == "" {
		return nil
	}
	_, err := io.WriteString(o.W, s)
	o.midLine = !strings.HasSuffix(s, "\n")
	return err
}

func (o *Output) line(s string) error {
	if o.midLine {
		fmt.Fprintln(o.W)
		o.midLine = false
	}
	_, err := fmt.Fprintln(o.W, s)
	return err
}

func (o *Output) pretty(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return o.line(string(b))
}
