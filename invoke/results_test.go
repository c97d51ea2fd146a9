package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func show(t *testing.T, o *Output, chunks ...any) string {
	t.Helper()
	var out, info bytes.Buffer
	o.W, o.Info = &out, &info
	for _, c := range chunks {
		raw, _ := json.Marshal(c)
		if err := o.Chunk(raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String() + info.String()
}

func msg(typ string, message any, meta any) map[string]any {
	return map[string]any{"type": typ, "message": message, "meta": meta}
}

func TestToolMessagesForPeople(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("0123456789"), 2000)
	id := "b1"
	meta := map[string]any{"filename": "../../report.txt", "mime_type": "text/plain"}
	chunks := []any{
		msg("text", map[string]any{"text": "Hello, "}, nil),
		msg("text", map[string]any{"text": "world"}, nil),
		msg("json", map[string]any{"json_object": map[string]any{"a": 1}}, nil),
		msg("link", map[string]any{"text": "https://example.com"}, nil),
		msg("variable", map[string]any{"variable_name": "n", "variable_value": []int{1}}, nil),
	}
	for i := 0; i < len(data); i += 8192 {
		end := min(i+8192, len(data))
		chunks = append(chunks, msg("blob_chunk", map[string]any{"id": id, "sequence": i / 8192, "total_length": len(data),
			"blob": base64.StdEncoding.EncodeToString(data[i:end]), "end": false}, meta))
	}
	chunks = append(chunks, msg("blob_chunk", map[string]any{"id": id, "blob": "", "end": true}, meta))
	o := &Output{Dir: dir, Kind: "tool"}
	got := show(t, o, chunks...)
	want := "Hello, world\n{\n  \"a\": 1\n}\nlink: https://example.com\nvariable n = [1]\n" +
		"file: " + filepath.Join(dir, "report.txt") + " (20000 bytes, text/plain)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	written, _ := os.ReadFile(filepath.Join(dir, "report.txt"))
	if !bytes.Equal(written, data) {
		t.Errorf("the file holds %d bytes, not the blob", len(written))
	}

	// A second file of the same name does not overwrite the first.
	got = show(t, &Output{Dir: dir, Kind: "tool"}, msg("blob", map[string]any{"blob": base64.StdEncoding.EncodeToString([]byte("x"))}, meta))
	if !strings.Contains(got, filepath.Join(dir, "report-2.txt")) {
		t.Errorf("the second file: %s", got)
	}
}

func TestLLMForPeople(t *testing.T) {
	chunk := func(content string, usage any, calls []any) map[string]any {
		return map[string]any{"delta": map[string]any{"message": map[string]any{"content": content, "tool_calls": calls}, "usage": usage}}
	}
	got := show(t, &Output{Kind: "llm"},
		chunk("Hel", nil, nil), chunk("lo", nil, nil),
		chunk("", map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
			[]any{map[string]any{"function": map[string]any{"name": "weather", "arguments": `{"city":"Paris"}`}}}))
	want := "Hello\ntool call: weather({\"city\":\"Paris\"})\nusage: 3 prompt + 2 completion = 5 tokens\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOtherAnswersForPeople(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		kind   string
		chunks []any
		want   string
	}{
		{"moderation", []any{map[string]any{"result": true}}, "flagged\n"},
		{"speech2text", []any{map[string]any{"result": "words"}}, "words\n"},
		{"credentials", []any{map[string]any{"result": true}}, "The credentials are valid.\n"},
		{"rerank", []any{map[string]any{"docs": []any{map[string]any{"index": 1, "score": 0.9, "text": "b"}}}}, "0.9\t#1\tb\n"},
		{"text-embedding", []any{map[string]any{"embeddings": []any{[]float64{1, 2, 3, 4, 5, 6, 7}}}}, "0: [1, 2, 3, 4, 5, 6, ...] (7 dimensions)\n"},
		{"endpoint", []any{map[string]any{"status": 201, "headers": map[string]any{"B": "2", "A": "1"}}, map[string]any{"result": "6869"}}, "HTTP 201\nA: 1\nB: 2\n\nhi\n"},
		{"tts", []any{map[string]any{"result": "494433"}, map[string]any{"result": "00"}}, "file: " + filepath.Join(dir, "speech.mp3") + " (4 bytes)\n"},
		{"raw", []any{map[string]any{"k": "v"}}, "{\n  \"k\": \"v\"\n}\n"},
	} {
		if got := show(t, &Output{Kind: c.kind, Dir: dir}, c.chunks...); got != c.want {
			t.Errorf("%s: got %q, want %q", c.kind, got, c.want)
		}
	}
}

func TestJSONChunksAsSent(t *testing.T) {
	var out bytes.Buffer
	o := &Output{W: &out, Kind: "tool", JSON: true}
	o.Chunk(json.RawMessage(`{"type": "text",  "message": {"text": "a"}}`))
	o.Close()
	if out.String() != `{"type":"text","message":{"text":"a"}}`+"\n" {
		t.Errorf("got %q", out.String())
	}
}

// A tool message Dify's daemon refuses (no type, or one it does not know)
// is shown as it came and ends the call with an error saying so, in both
// forms of output; other kinds have no such rule.
func TestMessagesTheDaemonRefuses(t *testing.T) {
	for _, c := range []struct {
		chunk, want string
	}{
		{`{"message": {"text": "a"}}`, `without "type"`},
		{`{"type": null, "message": {}}`, `without "type"`},
		{`{"type": "texts", "message": {"text": "a"}}`, `type "texts"`},
	} {
		for _, asJSON := range []bool{false, true} {
			var out bytes.Buffer
			err := (&Output{W: &out, Kind: "tool", JSON: asJSON}).Chunk(json.RawMessage(c.chunk))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Dify's daemon") {
				t.Errorf("%s (json %v): err %v", c.chunk, asJSON, err)
			}
			if !strings.Contains(out.String(), `"message":`) {
				t.Errorf("%s (json %v): the chunk was not shown: %q", c.chunk, asJSON, out.String())
			}
		}
	}
	if err := (&Output{W: io.Discard, Kind: "tool"}).Chunk(json.RawMessage(`{"type": "binary_link", "message": {"text": "x"}}`)); err != nil {
		t.Errorf("a known type: %v", err)
	}
	if err := (&Output{W: io.Discard, Kind: "datasource"}).Chunk(json.RawMessage(`{"result": []}`)); err != nil {
		t.Errorf("a datasource answer: %v", err)
	}
}

// Names from the plugin (a blob's id when its meta has no filename, a
// chunked blob that never ended) stay inside --out-dir.
func TestBlobNamesStayInTheOutputFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	blob := base64.StdEncoding.EncodeToString([]byte("x"))
	for _, id := range []string{"../../x", "..", `..\..\y`, "/etc/z", "a\x00b", ".hidden"} {
		got := show(t, &Output{Dir: dir, Kind: "tool"},
			msg("blob_chunk", map[string]any{"id": id, "blob": blob, "end": true}, nil),
			msg("blob_chunk", map[string]any{"id": id, "blob": blob, "end": false}, nil))
		for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
			path := strings.Fields(strings.TrimPrefix(line, "file: "))[0]
			if filepath.Dir(path) != dir {
				t.Errorf("id %q: written to %s, outside %s", id, path, dir)
			}
		}
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("%d entries beside the output folder", len(entries)-1)
	}
	if got := plainName(strings.Repeat("é", 150) + ".txt"); len(got) > 200 || !strings.HasSuffix(got, ".txt") || !utf8.ValidString(got) {
		t.Errorf("a long name: %q", got)
	}
}
