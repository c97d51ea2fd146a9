package playground

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/runner"
)

// askingDify is an invoker whose plugin, like the tool double's ask_llm,
// calls an LLM in Dify and answers with what it got.
func askingDify(d *Dify) Invoker {
	return func(ctx context.Context, call invoke.Call) (Chunks, error) {
		var answer strings.Builder
		err := d.Call(ctx, runner.Call{Type: "llm", Request: map[string]any{"model": "gpt-test", "prompt_messages": []any{}}}, func(_ string, data any) {
			content, _ := data.(map[string]any)["delta"].(map[string]any)["message"].(map[string]any)["content"].(string)
			answer.WriteString(content)
		})
		if err != nil {
			return nil, err
		}
		text, _ := json.Marshal(answer.String())
		return &chunks{list: []string{`{"type":"text","message":{"text":` + string(text) + `}}`}}, nil
	}
}

// A call into Dify made during a run is shown in the run's answer, with
// the stand-in's reply, then with the reply the developer wrote.
func TestCallsIntoDifyAreShownAndAnsweredAsWritten(t *testing.T) {
	d := NewDify(runner.NewMock(manifest.Grant{}))
	s, page := serve(t, Options{Plugin: plugin(t), Dify: d, Invoke: askingDify(d)})
	_, html := get(t, page, nil)
	if !strings.Contains(html, `id="tool-dify-calls"`) || !strings.Contains(html, `<option value="node_question_classifier">`) {
		t.Fatalf("no view of the calls into Dify:\n%s", html)
	}
	run := func() []map[string]any {
		t.Helper()
		code, out := postTo(t, s, page, "api/tool", `{"provider":"double","tool":"echo","params":{"text":"x"}}`)
		if code != 200 {
			t.Fatalf("%d %s", code, out)
		}
		var lines []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			lines = append(lines, m)
		}
		return lines
	}
	lines := run()
	b, _ := lines[0]["backwards"].(map[string]any)
	if b == nil || b["type"] != "llm" || b["written"] == true || len(b["replies"].([]any)) == 0 {
		t.Fatalf("the first line is not the call into Dify: %v", lines)
	}
	if text := lines[1]["chunk"].(map[string]any)["message"].(map[string]any)["text"]; text != "hello world world ! !" {
		t.Errorf("the stand-in's answer reached the plugin as %q", text)
	}

	code, out := postTo(t, s, page, "api/replies", `{"type":"llm","reply":"forty two"}`)
	if code != 200 || !strings.Contains(out, `"llm":"forty two"`) {
		t.Fatalf("writing a reply: %d %s", code, out)
	}
	lines = run()
	if b := lines[0]["backwards"].(map[string]any); b["written"] != true {
		t.Errorf("the call is not shown as answered with the written reply: %v", b)
	}
	if text := lines[1]["chunk"].(map[string]any)["message"].(map[string]any)["text"]; text != "forty two" {
		t.Errorf("the written reply reached the plugin as %q", text)
	}

	// Removing it brings the stand-in back; bad replies are refused.
	if code, out := postTo(t, s, page, "api/replies", `{"type":"llm","reply":""}`); code != 200 || strings.Contains(out, "llm") {
		t.Errorf("removing a reply: %d %s", code, out)
	}
	for body, want := range map[string]string{
		`{"type":"telepathy","reply":"x"}`:   "a reply can be written for",
		`{"type":"rerank","reply":"[1,2]"}`:  "the JSON object Dify answers with",
		`{"type":"rerank","reply":"nope"}`:   "the JSON object Dify answers with",
		`{"type":"llm","reply":`:             "not the JSON of a written reply",
		`{"type":"moderation","reply":"{}"}`: "",
	} {
		code, out := postTo(t, s, page, "api/replies", body)
		if want == "" && code != 200 || want != "" && (code != http.StatusBadRequest || !strings.Contains(out, want)) {
			t.Errorf("%s: %d %s", body, code, out)
		}
	}
}

// Without a stand-in (a playground built by a program) there is no such
// view and no such API.
func TestNoCallsViewWithoutAStandIn(t *testing.T) {
	s, page := serve(t, Options{Plugin: plugin(t), Invoke: askingDify(NewDify(runner.NewMock(manifest.Grant{})))})
	if _, html := get(t, page, nil); strings.Contains(html, "tool-dify-calls") {
		t.Error("the calls view is shown without a stand-in")
	}
	if code, _ := postTo(t, s, page, "api/replies", `{"type":"llm","reply":"x"}`); code != http.StatusNotFound {
		t.Errorf("api/replies without a stand-in: %d", code)
	}
}
