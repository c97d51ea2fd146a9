package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
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

// Chunk shows one chunk of the answer.
func (o *Output) Chunk(raw json.RawMessage) error {
	if o.JSON {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := o.W.Write(buf.Bytes())
		return err
	}
	var c map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return err
	}
	switch o.Kind {
	case "tool", "datasource":
		if _, ok := c["type"].(string); ok {
			return o.message(c)
		}
	case "llm":
		return o.llm(c)
	case "tts":
		s, _ := c["result"].(string)
		b, err := hex.DecodeString(s)
		if err != nil {
			return fmt.Errorf("the plugin sent speech that is not hex: %v", err)
		}
		o.audio.Write(b)
		return nil
	case "speech2text":
		if s, ok := c["result"].(string); ok {
			return o.line(s)
		}
	case "moderation":
		if b, ok := c["result"].(bool); ok {
			return o.line(map[bool]string{true: "flagged", false: "not flagged"}[b])
		}
	case "credentials":
		if b, ok := c["result"].(bool); ok {
			return o.line(map[bool]string{true: "The credentials are valid.", false: "The credentials are not valid."}[b])
		}
	case "rerank":
		if docs, ok := c["docs"].([]any); ok {
			return o.rerank(docs)
		}
	case "text-embedding":
		if e, ok := c["embeddings"].([]any); ok {
			return o.embeddings(e)
		}
	case "endpoint":
		return o.endpoint(c)
	}
	return o.pretty(c)
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

// file writes a blob under the name its meta gives, else one made of its
// id and type, and says where.
func (o *Output) file(meta map[string]any, id string, data []byte) error {
	mimeType, _ := meta["mime_type"].(string)
	name, _ := meta["filename"].(string)
	name = filepath.Base(filepath.Clean("/" + name))
	if name == "/" || name == "." || name == "" {
		name = id + extension(mimeType)
	}
	path, err := o.save(name, data)
	if err != nil {
		return err
	}
	return o.line(fmt.Sprintf("file: %s (%d bytes%s)", path, len(data), map[bool]string{true: ", " + mimeType, false: ""}[mimeType != ""]))
}

// save writes data to a new file in Dir, never over an existing one. The
// name comes from the plugin (a blob's id, its meta's filename) and is made
// one plain file name first.
func (o *Output) save(name string, data []byte) (string, error) {
	name = plainName(name)
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	path := filepath.Join(dir, name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, i, ext))
	}
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return "", err
	}
	o.Files = append(o.Files, path)
	return path, nil
}

// plainName makes a name from the plugin one file name inside the output
// folder: path separators and control characters become "_", leading dots
// go (no "..", no hidden files), and it is at most 200 bytes.
func plainName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if len(name) > 200 {
		ext := filepath.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:200-len(ext)], "") + ext
	}
	if name == "" {
		name = "file"
	}
	return name
}

func extension(mimeType string) string {
	if mimeType == "" {
		return ".bin"
	}
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		sort.Strings(exts)
		return exts[0]
	}
	return ".bin"
}

// audioExt names speech by its first bytes.
func audioExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("ID3")), len(b) > 1 && b[0] == 0xff && b[1]&0xe0 == 0xe0:
		return ".mp3"
	case bytes.HasPrefix(b, []byte("RIFF")):
		return ".wav"
	case bytes.HasPrefix(b, []byte("OggS")):
		return ".ogg"
	case bytes.HasPrefix(b, []byte("fLaC")):
		return ".flac"
	}
	return ".bin"
}
