package playground

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dify-cli/dify/internal/headless"
	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/runner"
)

func chromium(t testing.TB) string { return headless.Chromium(t) }

func browser(t testing.TB, exe string) context.Context { return headless.Browser(t, exe) }

// allTypes selects inside the form of the tool that has every parameter type.
func allTypes(sel string) chromedp.CSS { return chromedp.CSS(`#tool-double\/alltypes ` + sel) }

// openAllTypes loads the page, shows that tool's form and types query into it.
func openAllTypes(page, query string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS(`nav button[data-tool="double/alltypes"]`)),
		chromedp.WaitVisible(allTypes(`input[name=query]`)),
		chromedp.SendKeys(allTypes(`input[name=query]`), query),
	}
}

// recorder is an invoker that keeps every call and answers it with the
// chunks answer gives.
type recorder struct {
	mu     sync.Mutex
	calls  []invoke.Call
	answer func(invoke.Call) []string
}

func (r *recorder) invoke(ctx context.Context, call invoke.Call) (Chunks, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
	return &chunks{list: r.answer(call)}, nil
}

// got is the calls made so far.
func (r *recorder) got() []invoke.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]invoke.Call(nil), r.calls...)
}

// The real page in a headless Chromium: a form with a parameter of each
// type is filled and run, the answer streams in, and what the plugin got
// has each value in its type. A screenshot of the view is kept in the
// test's artifact folder (go test -artifacts).
func TestBrowserRunsATool(t *testing.T) {
	exe := chromium(t)
	var mu sync.Mutex
	var got []invoke.Call
	dir := t.TempDir()
	kept := filepath.Join(t.TempDir(), "kept.json")
	_, page := serve(t, Options{Plugin: plugin(t), Dir: dir, Credentials: kept, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		mu.Lock()
		defer mu.Unlock()
		if call.Action == "validate_tool_credentials" {
			return &chunks{list: []string{`{"result":false}`}}, nil
		}
		got = append(got, call)
		return &chunks{list: []string{
			`{"type":"text","message":{"text":"hi "}}`,
			`{"type":"text","message":{"text":"there"}}`,
			`{"type":"json","message":{"json_object":{"answer":42}}}`,
			`{"type":"link","message":{"text":"https://example.com/page"}}`,
		}}, nil
	}})

	ctx := browser(t, exe)

	css := allTypes
	err := chromedp.Do(ctx, append(openAllTypes(page, "cats"),
		chromedp.SetValue(css(`input[name=limit]`), "7"),
		chromedp.Click(css(`input[name=flag]`)),
		chromedp.SetValue(css(`select[name=mode]`), "fast"),
		chromedp.SetValue(css(`textarea[name=doc]`), `{"url": "https://example.com/a.pdf"}`),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	result, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil {
		t.Fatal(err)
	}
	headless.Screenshot(t, ctx, "tool.png")
	for _, want := range []string{"hi there", `"answer": 42`, "https://example.com/page"} {
		if !strings.Contains(result, want) {
			t.Errorf("the result shows no %q:\n%s", want, result)
		}
	}
	// The run is saved as a test, the credentials checked, the run run again
	// from the history.
	err = chromedp.Do(ctx,
		chromedp.Click(css(`.result button.save`)),
		chromedp.WaitVisible(css(`.result[data-saved="tests/test_playground_alltypes.py"]`)),
		chromedp.SendKeys(css(`.credentials input[name=api_key]`), "sk-test"),
		chromedp.Click(css(`.credentials button.check`)),
		chromedp.WaitVisible(css(`.verdict[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if verdict, err := chromedp.Run(ctx, chromedp.Text(css(`.verdict`))); err != nil || verdict != "not valid" {
		t.Errorf("the credentials' verdict: %q, %v", verdict, err)
	}
	// Remembered, the key is filled in on the next page.
	err = chromedp.Do(ctx,
		chromedp.Click(css(`.credentials button.remember`)),
		chromedp.WaitVisible(css(`.credentials button.remember[data-done="true"]`)),
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`body[data-recalled="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if key, err := chromedp.Run(ctx, chromedp.Value(css(`.credentials input[name=api_key]`))); err != nil || key != "sk-test" {
		t.Errorf("the remembered key: %q, %v", key, err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav button[data-tool="double/alltypes"]`)),
		chromedp.WaitVisible(css(`input[name=query]`)),
		chromedp.SendKeys(css(`input[name=query]`), "cats"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "tests", "test_playground_alltypes.py")); err != nil || !strings.Contains(string(data), `assert texts == ["hi ", "there"]`) {
		t.Errorf("the saved test: %v\n%s", err, data)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(`.history summary`)),
		chromedp.Click(css(`.history li button`)),
		chromedp.WaitVisible(css(`.history li:nth-child(2)`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d calls, want the run, the run after the reload and its replay", len(got))
	}
	if a, b := got[1].Body["tool_parameters"], got[2].Body["tool_parameters"]; !reflect.DeepEqual(a, b) {
		t.Errorf("the replay sent %v, the run %v", b, a)
	}
	params := got[0].Body["tool_parameters"].(map[string]any)
	b, _ := json.Marshal(params)
	for _, want := range []string{`"query":"cats"`, `"limit":7`, `"flag":false`, `"mode":"fast"`, `"doc":{"url":"https://example.com/a.pdf"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the plugin got %s, without %s", b, want)
		}
	}
}

// The endpoint view sends the request and shows the response: its status,
// its headers, its body raw and, for HTML, rendered in a sandbox.
func TestBrowserCallsAnEndpoint(t *testing.T) {
	exe := chromium(t)
	var mu sync.Mutex
	var paths []any
	_, page := serve(t, Options{Plugin: plugin(t), Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, call.Body["raw_http_request"])
		return &chunks{list: []string{
			`{"status":200,"headers":{"Content-Type":"text/html"}}`,
			`{"result":"` + hex.EncodeToString([]byte("<h1>Hello</h1>")) + `"}`,
		}}, nil
	}})
	ctx := browser(t, exe)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-endpoint-0 ` + sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS(`nav button[data-tool="endpoint-0"]`)),
		chromedp.WaitVisible(css(`.request input[name=path]`)),
		chromedp.SetValue(css(`.request input[name=path]`), "/echo/joe"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
		chromedp.WaitVisible(css(`.result[data-rendered="Hello"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"HTTP 200", "Content-Type: text/html", "<h1>Hello</h1>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the response shows no %q:\n%s", want, text)
		}
	}
	headless.Screenshot(t, ctx, "endpoint.png")
	// The history runs the request again, with the path it had, after the
	// form has changed.
	err = chromedp.Do(ctx,
		chromedp.SetValue(css(`.request input[name=path]`), "/echo/someone-else"),
		chromedp.Click(css(`.history summary`)),
		chromedp.Click(css(`.history li button`)),
		chromedp.WaitVisible(css(`.history li:nth-child(2)`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if path, err := chromedp.Run(ctx, chromedp.Value(css(`.request input[name=path]`))); err != nil || path != "/echo/joe" {
		t.Errorf("the form after Run again: %q, %v", path, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 2 || paths[0] != paths[1] {
		t.Errorf("the requests sent: %v", paths)
	}
}

// When the plugin restarts, the open page reloads with its new forms and
// keeps what the forms held and the view it showed.
func TestBrowserReloadKeepsTheForm(t *testing.T) {
	exe := chromium(t)
	s, page := serve(t, Options{Plugin: plugin(t), Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return &chunks{}, nil
	}})
	ctx := browser(t, exe)
	css := allTypes
	err := chromedp.Do(ctx, append(openAllTypes(page, "kept"),
		chromedp.Click(css(`input[name=flag]`)),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	// The plugin restarts with one more tool (its declarations changed).
	p := plugin(t)
	for _, prov := range p.Providers {
		for _, c := range prov.ChildDecls {
			if td, ok := c.(*manifest.ToolDecl); ok && td.Identity.Name == "echo" {
				td.Identity.Label = manifest.I18n{"en_US": "Echo, renamed"}
			}
		}
	}
	s.Swap(p, s.o.Invoke, nil)
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`body[data-restored="true"]`)),
		chromedp.WaitVisible(css(`input[name=query]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	nav, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nav, "Echo, renamed") {
		t.Errorf("the page shows the old forms: %s", nav)
	}
	value, err := chromedp.Run(ctx, chromedp.Value(css(`input[name=query]`)))
	if err != nil || value != "kept" {
		t.Errorf("the query after the reload: %q, %v", value, err)
	}
}

// The chat with an LLM streams its reply in, with the token usage.
func TestBrowserChatsWithAnLLM(t *testing.T) {
	exe := chromium(t)
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", "testdata", "run", "model")))
	if p == nil {
		t.Fatal(ds)
	}
	_, page := serve(t, Options{Plugin: p, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return &chunks{list: []string{`{"delta":{"message":{"content":"Hello, "}}}`, `{"delta":{"message":{"content":"world"},"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}}`}}, nil
	}})
	ctx := browser(t, exe)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-llm-double-echo-chat ` + sel) }
	// The key is required: the form is not sent without it (the browser
	// says so), as Dify's is not.
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(css(`textarea[name=prompt]`)),
		chromedp.SendKeys(css(`textarea[name=prompt]`), "Say hello"),
		chromedp.SendKeys(css(`.credentials input[name=api_key]`), "sk-test"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Hello, world") || !strings.Contains(text, "usage: 3 prompt + 2 completion = 5 tokens") {
		t.Errorf("the reply:\n%s", text)
	}
	headless.Screenshot(t, ctx, "llm.png")
}

// A trigger event's form sends a webhook request: the page shows what the
// dispatch decided, then the event's variables.
func TestBrowserSendsAWebhook(t *testing.T) {
	exe := chromium(t)
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", "testdata", "init", "trigger")))
	if p == nil {
		t.Fatal(ds)
	}
	var mu sync.Mutex
	var bodies []string
	_, page := serve(t, Options{Plugin: p, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		mu.Lock()
		defer mu.Unlock()
		raw, _ := hex.DecodeString(call.Body["raw_http_request"].(string))
		bodies = append(bodies, string(raw))
		if call.Action == "dispatch_trigger_event" {
			return &chunks{list: []string{`{"events":["demo_trigger_event"],"response":"` + hex.EncodeToString([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) + `"}`}}, nil
		}
		return &chunks{list: []string{`{"variables":{"payload":{"hello":"world"}},"cancelled":false}`}}, nil
	}})
	ctx := browser(t, exe)
	css := func(sel string) chromedp.CSS {
		return chromedp.CSS(`#tool-trigger\/demo_trigger\/demo_trigger_event ` + sel)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(css(`.webhook textarea[name=body]`)),
		chromedp.SetValue(css(`.webhook textarea[name=body]`), `{"hello": "world"}`),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"events fired: demo_trigger_event", "HTTP/1.1 200 OK", `"hello": "world"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the result shows no %q:\n%s", want, text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || !strings.HasSuffix(bodies[0], `{"hello": "world"}`) {
		t.Errorf("the webhook requests: %q", bodies)
	}
	headless.Screenshot(t, ctx, "trigger.png")
}

// The calls a run makes into Dify are shown under it; a reply written in
// the "Calls into Dify" view is what the plugin gets next time.
func TestBrowserShowsCallsIntoDify(t *testing.T) {
	exe := chromium(t)
	d := NewDify(runner.NewMock(manifest.Grant{}))
	_, page := serve(t, Options{Plugin: plugin(t), Dify: d, Invoke: askingDify(d)})
	ctx := browser(t, exe)
	sec := `#tool-double\/echo `
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sec + sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS(`nav button[data-tool="dify-calls"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#tool-dify-calls ul.written .help`)),
		chromedp.SetValue(chromedp.CSS(`#tool-dify-calls select[name=type]`), "llm"),
		chromedp.SendKeys(chromedp.CSS(`#tool-dify-calls textarea[name=reply]`), "forty two"),
		chromedp.Click(chromedp.CSS(`#tool-dify-calls button.run`)),
		chromedp.WaitVisible(chromedp.CSS(`#tool-dify-calls ul.written li[data-type="llm"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	headless.Screenshot(t, ctx, "calls-into-dify.png")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav button[data-tool="double/echo"]`)),
		chromedp.WaitVisible(css(`input[name=text]`)),
		chromedp.SendKeys(css(`input[name=text]`), "hi"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
		chromedp.Click(css(`.result details.backwards summary`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	result, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"call into Dify: llm gpt-test (your reply)", `"model": "gpt-test"`, "forty two"} {
		if !strings.Contains(result, want) {
			t.Errorf("the result shows no %q:\n%s", want, result)
		}
	}
	headless.Screenshot(t, ctx, "calls-into-dify-run.png")
}

// Switching the page's language draws the plugin's labels in it and keeps
// what the forms hold.
func TestBrowserSwitchesLanguage(t *testing.T) {
	exe := chromium(t)
	_, page := serve(t, Options{Plugin: plugin(t), Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return &chunks{}, nil
	}})
	ctx := browser(t, exe)
	css := allTypes
	err := chromedp.Do(ctx, append(openAllTypes(page, "cats"),
		// SetValue fires the list's change event, as choosing from it
		// does; the page is drawn again, so wait for the new one.
		chromedp.SetValue(chromedp.CSS(`#lang`), "zh_Hans"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-restored="true"]`)),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	nav, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav`)))
	if err != nil {
		t.Fatal(err)
	}
	query, err := chromedp.Run(ctx, chromedp.Value(css(`input[name=query]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nav, "所有类型") || query != "cats" {
		t.Errorf("after the switch: nav %q, query %q", nav, query)
	}
	headless.Screenshot(t, ctx, "zh_Hans.png")
}

// Choosing a file in a file field uploads it: the plugin is called with
// the file object Dify would send, whose URL gives the file's bytes.
func TestBrowserUploadsAFile(t *testing.T) {
	exe := chromium(t)
	rec := &recorder{answer: func(invoke.Call) []string { return []string{`{"type":"text","message":{"text":"ok"}}`} }}
	_, page := serve(t, Options{Plugin: plugin(t), Invoke: rec.invoke})
	doc := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(doc, []byte("meeting at noon"), 0o644)
	ctx := browser(t, exe)
	css := allTypes
	err := chromedp.Do(ctx, append(openAllTypes(page, "cats"),
		chromedp.SetUploadFiles(css(`.field[data-name=doc] input.upload`), []string{doc}),
		chromedp.WaitVisible(css(`.field[data-name=doc][data-uploaded="true"]`)),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 1 {
		t.Fatalf("%d calls", len(got))
	}
	obj, _ := got[0].Body["tool_parameters"].(map[string]any)["doc"].(map[string]any)
	if obj["filename"] != "notes.txt" || obj["dify_model_identity"] != "__dify__file__" || obj["type"] != "document" {
		t.Fatalf("the plugin got doc = %v", obj)
	}
	resp, err := http.Get(obj["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "meeting at noon" {
		t.Errorf("the file's URL gives %q", data)
	}
}

// "Ask the plugin" fills a dynamic-select parameter's list from the tool's
// options call; the value chosen is sent.
func TestBrowserFillsDynamicSelect(t *testing.T) {
	exe := chromium(t)
	rec := &recorder{answer: func(call invoke.Call) []string {
		if call.Action == "fetch_parameter_options" {
			return []string{`{"options":[{"value":"c1","label":{"en_US":"General"}},{"value":"c2","label":{"en_US":"Random"}}]}`}
		}
		return []string{`{"type":"text","message":{"text":"ok"}}`}
	}}
	_, page := serve(t, Options{Plugin: plugin(t), Invoke: rec.invoke})
	ctx := browser(t, exe)
	css := allTypes
	err := chromedp.Do(ctx, append(openAllTypes(page, "cats"),
		chromedp.Click(css(`.field[data-name=channel] button.options`)),
		chromedp.WaitVisible(css(`.field[data-name=channel] .verdict[data-done="true"]`)),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text(css(`.field[data-name=channel] .verdict`)))
	if err != nil || verdict != "2 options: General, Random" {
		t.Errorf("after asking the plugin: %q, %v", verdict, err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#tool-double\\/alltypes .field[data-name=channel] datalist option')].map(o => o.value)`))
	if err != nil || strings.Join(listed, ",") != "c1,c2" {
		t.Errorf("the list: %v, %v", listed, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css(`input[name=channel]`), "c2"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if last := got[len(got)-1]; last.Body["tool_parameters"].(map[string]any)["channel"] != "c2" {
		t.Errorf("the run sent %v", last.Body["tool_parameters"])
	}
}

// The agent strategy and datasource views: each form filled and run in
// the page, the answer shown as Dify shows it (a crawl's pages with their
// title, address and text).
func TestBrowserRunsAStrategyAndADatasource(t *testing.T) {
	exe := chromium(t)
	rec := &recorder{answer: func(call invoke.Call) []string {
		if call.Type == "datasource" {
			return []string{`{"result":{"status":"completed","total":1,"completed":1,"web_info_list":[{"source_url":"https://example.com","title":"Example","description":"an example page","content":"content of https://example.com"}]}}`}
		}
		return []string{`{"type":"log","message":{"label":"Thinking","status":"success"}}`, `{"type":"text","message":{"text":"the answer"}}`}
	}}
	inv := rec.invoke
	ctx := browser(t, exe)

	_, page := serveDir(t, "testdata/run/agent", inv)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-agent-strategy\/double_agent\/think ` + sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(css(`textarea[name=model]`)),
		chromedp.SetValue(css(`textarea[name=model]`), `{"provider":"p","model":"m","model_type":"llm","mode":"chat"}`),
		chromedp.SendKeys(css(`input[name=query]`), "why?"),
		chromedp.SetValue(css(`input[name=max_iterations]`), "3"),
		chromedp.Click(css(`.field[data-name=tools] button.example`)),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	result, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	if err != nil || !strings.Contains(result, "log: Thinking (success)") || !strings.Contains(result, "the answer") {
		t.Errorf("the strategy's answer: %q, %v", result, err)
	}
	headless.Screenshot(t, ctx, "agent-strategy.png")

	_, page = serveDir(t, "testdata/run/datasource", inv)
	css = func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-datasource\/double_web\/page ` + sel) }
	err = chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(css(`input[name=url]`)),
		chromedp.SendKeys(css(`input[name=url]`), "https://example.com"),
		chromedp.Click(css(`button.run`)),
		chromedp.WaitVisible(css(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	result, err = chromedp.Run(ctx, chromedp.Text(css(`.result`)))
	for _, want := range []string{"crawl completed: 1 of 1 pages", "Example — https://example.com", "content of https://example.com"} {
		if err != nil || !strings.Contains(result, want) {
			t.Errorf("the crawl shows no %q: %q, %v", want, result, err)
		}
	}
	headless.Screenshot(t, ctx, "datasource.png")
	got := rec.got()
	if len(got) != 2 {
		t.Fatalf("calls: %+v", got)
	}
	params, _ := json.Marshal(got[0].Body["agent_strategy_params"])
	for _, want := range []string{`"query":"why?"`, `"max_iterations":3`, `"model":{"mode":"chat","model":"m","model_type":"llm","provider":"p"}`,
		`"tools":[{"description":`, `"name":"current_time","provider":"time"}`} {
		if !strings.Contains(string(params), want) {
			t.Errorf("the strategy got %s, without %s", params, want)
		}
	}
	if url := got[1].Body["datasource_parameters"].(map[string]any)["url"]; url != "https://example.com" {
		t.Errorf("the datasource got url %v", url)
	}
}

// The views of the other model types, each filled and run in the page, the
// answer shown by its type: vectors, a ranking, audio to play, a
// transcript, a verdict.
func TestBrowserUsesEveryModelType(t *testing.T) {
	exe := chromium(t)
	answers := map[string][]string{
		"text-embedding": {`{"model":"m","embeddings":[[1,0.5],[2,0.5]],"usage":{"tokens":2,"total_tokens":2}}`},
		"rerank":         {`{"model":"m","docs":[{"index":1,"text":"cats purr","score":0.9},{"index":0,"text":"dogs bark","score":0.1}]}`},
		"tts":            {`{"result":"` + hex.EncodeToString([]byte("RIFF")) + `"}`, `{"result":"` + hex.EncodeToString([]byte("WAVE")) + `"}`},
		"speech2text":    {`{"result":"heard 12 bytes"}`},
		"moderation":     {`{"result":true}`},
	}
	rec := &recorder{answer: func(call invoke.Call) []string { return answers[call.Kind] }}
	s, page := serveDir(t, "testdata/run/model", rec.invoke)
	audio := filepath.Join(t.TempDir(), "hello.wav")
	os.WriteFile(audio, []byte("RIFF....WAVE"), 0o644)
	ids := map[string]string{}
	for _, m := range modelForms(s.o.Plugin, "en_US") {
		ids[m.Type] = m.ID
	}
	ctx := browser(t, exe)
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		typ   string
		fill  func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void]
		wants []string
	}{
		{"text-embedding", func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.SetValue(css(`textarea[name=texts]`), "a\nb")}
		}, []string{"2 vectors of 2 dimensions", "[1] 2, 0.5", "usage: 2 tokens"}},
		{"rerank", func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.SendKeys(css(`input[name=query]`), "cats"), chromedp.SetValue(css(`textarea[name=docs]`), "dogs bark\ncats purr")}
		}, []string{"0.900  [1] cats purr", "0.100  [0] dogs bark"}},
		{"tts", func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.SetValue(css(`textarea[name=texts]`), "hello there")}
		}, []string{"audio: 8 bytes", "download the audio"}},
		{"speech2text", func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.SetUploadFiles(css(`input[name=audio]`), []string{audio})}
		}, []string{"heard 12 bytes"}},
		{"moderation", func(css func(string) chromedp.CSS) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.SetValue(css(`textarea[name=texts]`), "some text")}
		}, []string{"flagged: the model says the text breaks its rules"}},
	} {
		sec := `#tool-` + strings.ReplaceAll(ids[c.typ], ".", `\.`) + ` `
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sec + sel) }
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`nav button[data-tool="` + ids[c.typ] + `"]`)),
			chromedp.SendKeys(css(`.credentials input[name=api_key]`), "k"),
		}
		steps = append(steps, c.fill(css)...)
		steps = append(steps, chromedp.Click(css(`button.run`)), chromedp.WaitVisible(css(`.result[data-done="true"]`)))
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", c.typ, err)
		}
		result, err := chromedp.Run(ctx, chromedp.Text(css(`.result`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.wants {
			if !strings.Contains(result, want) {
				t.Errorf("%s: the result shows no %q:\n%s", c.typ, want, result)
			}
		}
		headless.Screenshot(t, ctx, c.typ+".png")
	}
	got := rec.got()
	if len(got) != 5 || got[3].Body["file"] != hex.EncodeToString([]byte("RIFF....WAVE")) {
		t.Errorf("calls: %d; speech2text sent %v", len(got), got[min(3, len(got)-1)].Body["file"])
	}
}
