package playground

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
)

// plugin is the tool double with one more tool that has a parameter of
// each type (testdata/alltypes.yaml).
func plugin(t testing.TB) *manifest.Plugin {
	t.Helper()
	dir := t.TempDir()
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("testdata/alltypes.yaml")
	os.WriteFile(filepath.Join(dir, "tools", "alltypes.yaml"), data, 0o644)
	provs, _ := filepath.Glob(filepath.Join(dir, "provider", "*.yaml"))
	prov, _ := os.ReadFile(provs[0])
	os.WriteFile(provs[0], []byte(strings.Replace(string(prov), "tools:\n", "tools:\n  - tools/alltypes.yaml\n", 1)), 0o644)
	p, ds := manifest.Load(os.DirFS(dir))
	if p == nil {
		t.Fatal(ds)
	}
	return p
}

// chunks is a canned answer.
type chunks struct {
	list []string
	err  error
}

func (c *chunks) Next(ctx context.Context) (json.RawMessage, error) {
	if len(c.list) == 0 {
		if c.err != nil {
			return nil, c.err
		}
		return nil, io.EOF
	}
	next := c.list[0]
	c.list = c.list[1:]
	return json.RawMessage(next), nil
}

// start serves a playground whose plugin echoes the call it got.
func start(t *testing.T, lang string) (*Server, string, *[]invoke.Call) {
	t.Helper()
	var calls []invoke.Call
	s, page := serve(t, Options{Plugin: plugin(t), Lang: lang, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		calls = append(calls, call)
		if call.Body["tool"] == "boom" {
			return &chunks{list: []string{`{"type":"text","message":{"text":"half"}}`}, err: errors.New("ValueError: the double was told to fail")}, nil
		}
		return &chunks{list: []string{`{"type":"text","message":{"text":"hi "}}`, `{"type":"text","message":{"text":"there"}}`}}, nil
	}})
	return s, page, &calls
}

func get(t testing.TB, url string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	return do(t, req)
}

// do sends a request and returns the answer's status and body.
func do(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The page has a form for every tool, each parameter in the input Dify
// shows for its type, with labels, help, required marks and defaults.
func TestPageForms(t *testing.T) {
	_, page, _ := start(t, "en_US")
	code, html := get(t, page, nil)
	if code != 200 {
		t.Fatalf("%d %s", code, html)
	}
	for _, want := range []string{
		`id="tool-double/alltypes"`, `id="tool-double/echo"`,
		`<input type="text" name="query" value="" placeholder="Type here" required>`,
		`<input type="password" name="secret"`,
		`<input type="number" name="limit" value="3" placeholder="" min="1" max="10" step="any">`,
		`<input type="checkbox" name="flag" checked>`,
		`<option value="careful" selected>Careful</option>`,
		`data-name="doc" data-input="file"`, `<input type="file" class="upload">`, `a file object whose URL it downloads`,
		`data-name="model" data-input="json"`, `placeholder="{&#34;provider&#34;: &#34;langgenius/openai/openai&#34;, &#34;model&#34;: &#34;gpt-4o&#34;`,
		`<button type="button" class="example" data-example="{&#34;provider&#34;: &#34;langgenius/openai/openai&#34;`,
		`Query<span class="req">*</span>`, `What to look for`,
		`Credentials of double`, `<input type="password" name="api_key"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// Labels come in the page's language, falling back to en_US.
func TestPageLanguage(t *testing.T) {
	_, page, _ := start(t, "zh_Hans")
	_, html := get(t, page, nil)
	for _, want := range []string{"所有类型", "查询", `<option value="fast">快</option>`, "Limit"} {
		if !strings.Contains(html, want) {
			t.Errorf("the zh_Hans page lacks %s", want)
		}
	}
	// The page switches language on request, and refuses one Dify has not.
	_, html = get(t, page+"&lang=en_US", nil)
	if !strings.Contains(html, "All types") || strings.Contains(html, "所有类型") || !strings.Contains(html, `<option value="en_US" selected>`) {
		t.Errorf("the page in en_US:\n%s", html)
	}
	if code, body := get(t, page+"&lang=fr_FR", nil); code != http.StatusBadRequest || !strings.Contains(body, "en_US, zh_Hans, ja_JP, pt_BR") {
		t.Errorf("lang=fr_FR: %d %s", code, body)
	}
}

// Only requests with the token, addressed to the loopback address the
// server listens on, are answered.
func TestTokenAndHost(t *testing.T) {
	s, page, _ := start(t, "")
	base := strings.SplitN(page, "?", 2)[0]
	if code, body := get(t, base, nil); code != http.StatusUnauthorized || !strings.Contains(body, "token is missing or wrong") {
		t.Errorf("no token: %d %s", code, body)
	}
	if code, _ := get(t, base+"?token=nope", nil); code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", code)
	}
	if code, body := get(t, page, map[string]string{"Host": "evil.example:80"}); code != http.StatusForbidden || !strings.Contains(body, "must be addressed to 127.0.0.1:") {
		t.Errorf("another host: %d %s", code, body)
	}
	if !strings.HasPrefix(page, "http://127.0.0.1:") || len(s.Token()) != 32 {
		t.Errorf("page %s, token %q", page, s.Token())
	}
	if code, _ := get(t, base+"nothing?token="+s.Token(), nil); code != http.StatusNotFound {
		t.Errorf("an unknown page: %d", code)
	}
}

func post(t *testing.T, page, token, body string) (int, []map[string]any) {
	t.Helper()
	base := strings.SplitN(page, "?", 2)[0]
	req, _ := http.NewRequest(http.MethodPost, base+"api/tool", strings.NewReader(body))
	req.Header.Set("X-Playground-Token", token)
	code, out := do(t, req)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(l), &m)
		lines = append(lines, m)
	}
	return code, lines
}

// A call is checked against the declarations (the answer says what is
// wrong, 400) and its answer streamed line by line, ending with end or
// the plugin's error.
func TestToolAPI(t *testing.T) {
	s, page, calls := start(t, "")
	code, lines := post(t, page, s.Token(), `{"provider":"double","tool":"json","params":{"count":2,"mode":"fast","verbose":true}}`)
	if code != 200 || len(lines) != 3 || lines[2]["end"] != true {
		t.Fatalf("%d %v", code, lines)
	}
	params := (*calls)[0].Body["tool_parameters"].(map[string]any)
	if params["mode"] != "fast" || params["verbose"] != true || params["count"].(json.Number).String() != "2" {
		t.Errorf("the call's parameters: %v", params)
	}
	for body, want := range map[string]string{
		`{"provider":"double","tool":"json","params":{"count":20}}`:   "count is at most 10, not 20",
		`{"provider":"double","tool":"json","params":{"count":"x"}}`:  "count takes a number",
		`{"provider":"double","tool":"jsno","params":{}}`:             `did you mean "json"`,
		`{"provider":"double","tool":"json","params":{"count":1},"x"`: "not the JSON of a tool call",
	} {
		code, lines := post(t, page, s.Token(), body)
		if code != http.StatusBadRequest || len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), want) {
			t.Errorf("%s: %d %v, want %q", body, code, lines, want)
		}
	}
	code, lines = post(t, page, s.Token(), `{"provider":"double","tool":"boom"}`)
	if code != 200 || len(lines) != 2 || !strings.Contains(lines[1]["error"].(string), "ValueError") {
		t.Errorf("a plugin error: %d %v", code, lines)
	}
	if code, _ := post(t, page, "wrong", `{}`); code != http.StatusUnauthorized {
		t.Errorf("the API without its token: %d", code)
	}
}

// httpServer serves a playground on a listener for the tests.
type httpServer struct{ s *Server }

func (h *httpServer) serve(ln net.Listener) { http.Serve(ln, h.s) }

// An endpoint call is built from the request the page sends (method, path,
// headers, body, settings), checked against the declared endpoints.
func TestEndpointAPI(t *testing.T) {
	s, page, calls := start(t, "")
	_, html := get(t, page, nil)
	for _, want := range []string{`id="tool-endpoint-0"`, `>POST /echo/{name}</button>`, `name="greeting"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	send := func(body string) (int, string) { return postTo(t, s, page, "api/endpoint", body) }
	code, out := send(`{"method":"post","path":"/echo/joe","headers":["X-Test: 1"],"body":"hi","settings":{"greeting":"hello"}}`)
	if code != 200 || !strings.Contains(out, `"end":true`) {
		t.Fatalf("%d %s", code, out)
	}
	c := (*calls)[0]
	raw, _ := hex.DecodeString(c.Body["raw_http_request"].(string))
	if c.Action != "invoke_endpoint" || !strings.HasPrefix(string(raw), "POST /echo/joe HTTP/1.1\r\n") || !strings.Contains(string(raw), "X-Test: 1\r\n") || !strings.HasSuffix(string(raw), "\r\n\r\nhi") {
		t.Errorf("the call: %s %q", c.Action, raw)
	}
	if c.Body["settings"].(map[string]any)["greeting"] != "hello" {
		t.Errorf("settings %v", c.Body["settings"])
	}
	if code, out := send(`{"method":"GET","path":"/nowhere"}`); code != http.StatusBadRequest || !strings.Contains(out, "no endpoint answers GET /nowhere") {
		t.Errorf("an undeclared endpoint: %d %s", code, out)
	}
}

// A restart bumps the version a page waits on; a failed one makes calls
// answer why, and the page say so, until the next.
func TestRestart(t *testing.T) {
	s, page, _ := start(t, "")
	base := strings.SplitN(page, "?", 2)[0]
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "api/changes?since=0&token=" + s.Token())
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	// The long poll answers once the plugin restarts; until then it waits.
	s.Swap(nil, nil, errors.New("SyntaxError: invalid syntax (tools/echo.py, line 3)"))
	if body := <-got; !strings.Contains(body, `"version":1`) {
		t.Errorf("changes: %s", body)
	}
	code, lines := post(t, page, s.Token(), `{"provider":"double","tool":"echo","params":{"text":"x"}}`)
	if code != http.StatusServiceUnavailable || !strings.Contains(lines[0]["error"].(string), "the plugin is not running: SyntaxError") {
		t.Errorf("a call while the plugin is down: %d %v", code, lines)
	}
	if _, html := get(t, page, nil); !strings.Contains(html, "The plugin did not restart: SyntaxError") {
		t.Error("the page does not say the plugin is down")
	}
	p := plugin(t)
	s.Swap(p, func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return &chunks{list: []string{`{"type":"text","message":{"text":"new"}}`}}, nil
	}, nil)
	if code, lines := post(t, page, s.Token(), `{"provider":"double","tool":"echo","params":{"text":"x"}}`); code != 200 || lines[0]["chunk"] == nil {
		t.Errorf("after a restart: %d %v", code, lines)
	}
	if _, body := get(t, base+"api/changes?since=1&token="+s.Token(), nil); !strings.Contains(body, `"version":2`) {
		t.Errorf("a page behind is told at once: %s", body)
	}
}

// Credentials are checked by the plugin; a run is saved as a test in the
// plugin's folder, and a playground of a package has none.
func TestCredentialsAndSaveAPI(t *testing.T) {
	dir := t.TempDir()
	s, page := serve(t, Options{Plugin: plugin(t), Dir: dir, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		if call.Action != "validate_tool_credentials" {
			t.Errorf("action %s", call.Action)
		}
		return &chunks{list: []string{`{"result":true}`}}, nil
	}})
	send := func(path, body string) (int, string) { return postTo(t, s, page, path, body) }
	if code, out := send("api/credentials", `{"provider":"double","credentials":{"api_key":"k"}}`); code != 200 || !strings.Contains(out, `{"chunk":{"result":true},"kind":"credentials"}`) {
		t.Errorf("credentials: %d %s", code, out)
	}
	code, out := send("api/save-test", `{"provider":"double","tool":"echo","params":{"text":"hi"},"texts":["hi"]}`)
	if code != 200 || !strings.Contains(out, `"path":"tests/test_playground_echo.py"`) {
		t.Fatalf("save: %d %s", code, out)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "tests", "test_playground_echo.py")); err != nil || !strings.Contains(string(data), `assert texts == ["hi"]`) {
		t.Errorf("the saved test: %v\n%s", err, data)
	}
	if code, out := send("api/save-test", `{"tool":"echo"}`); code != http.StatusBadRequest || !strings.Contains(out, "names its provider and tool") {
		t.Errorf("a run without its provider: %d %s", code, out)
	}
	s.o.Dir = ""
	if code, out := send("api/save-test", `{"provider":"double","tool":"echo"}`); code != http.StatusBadRequest || !strings.Contains(out, "a package has no tests/ folder") {
		t.Errorf("a package: %d %s", code, out)
	}
}

// A model provider's LLMs get a chat: their parameter rules as controls,
// the provider's credentials, and the call built as Dify builds it.
func TestLLMChat(t *testing.T) {
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", "testdata", "run", "model")))
	if p == nil {
		t.Fatal(ds)
	}
	var got []invoke.Call
	s, page := serve(t, Options{Plugin: p, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		got = append(got, call)
		return &chunks{list: []string{`{"delta":{"message":{"content":"Hel"}}}`, `{"delta":{"message":{"content":"lo"},"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}}`}}, nil
	}})
	_, html := get(t, page, nil)
	for _, want := range []string{`id="tool-llm-double-echo-chat"`, `>Echo Chat <span class="tag">(LLM)</span></button>`,
		`<input type="number" name="temperature"`, `<input type="number" name="max_tokens" value="512" placeholder="" min="1" max="4096" step="any">`,
		`data-kind="model"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	code, out := postTo(t, s, page, "api/llm", `{"provider":"double","model":"echo-chat","system":"be brief","prompt":"hi","params":{"temperature":0.3},"credentials":{"api_key":"k"}}`)
	if code != 200 || !strings.Contains(out, `"end":true`) {
		t.Fatalf("%d %s", code, out)
	}
	if len(got) != 1 || got[0].Action != "invoke_llm" || got[0].Body["model"] != "echo-chat" {
		t.Fatalf("calls %+v", got)
	}
	msgs, _ := json.Marshal(got[0].Body["prompt_messages"])
	if !strings.Contains(string(msgs), `"be brief"`) || !strings.Contains(string(msgs), `"hi"`) {
		t.Errorf("prompt messages %s", msgs)
	}
	if code, out := postTo(t, s, page, "api/llm", `{"provider":"double","model":"echo-chat","prompt":" "}`); code != http.StatusBadRequest || !strings.Contains(out, "the prompt is empty") {
		t.Errorf("an empty prompt: %d %s", code, out)
	}
}

// serveDir serves a playground of the plugin in dir (from the repository's
// testdata) with a canned invoker.
func serveDir(t *testing.T, dir string, inv Invoker) (*Server, string) {
	t.Helper()
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", dir)))
	if p == nil {
		t.Fatal(ds)
	}
	return serve(t, Options{Plugin: p, Invoke: inv})
}

func postTo(t *testing.T, s *Server, page, path, body string) (int, string) {
	t.Helper()
	base := strings.SplitN(page, "?", 2)[0]
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("X-Playground-Token", s.Token())
	return do(t, req)
}

// Agent strategies and datasources get forms like tools, and their calls
// are built as Dify builds them.
func TestStrategiesAndDatasources(t *testing.T) {
	var got []invoke.Call
	inv := func(ctx context.Context, call invoke.Call) (Chunks, error) {
		got = append(got, call)
		return &chunks{list: []string{`{"type":"text","message":{"text":"ok"}}`}}, nil
	}
	s, page := serveDir(t, "testdata/run/agent", inv)
	_, html := get(t, page, nil)
	if !strings.Contains(html, `data-kind="agent-strategy"`) || !strings.Contains(html, `(agent-strategy)`) {
		t.Errorf("no strategy form:\n%s", html)
	}
	code, out := postTo(t, s, page, "api/agent-strategy", `{"provider":"double_agent","tool":"think","params":{"model":{"provider":"p","model":"m","model_type":"llm","mode":"chat"},"query":"hi"}}`)
	if code != 200 || len(got) != 1 || got[0].Action != "invoke_agent_strategy" || !strings.Contains(out, `"kind":"tool"`) {
		t.Fatalf("%d %s; calls %+v", code, out, got)
	}
	if code, out := postTo(t, s, page, "api/agent-strategy", `{"provider":"double_agent","tool":"think","params":{"model":{"provider":"p","model":"m","model_type":"llm","mode":"chat"}}}`); code != http.StatusBadRequest || !strings.Contains(out, `missing required parameter \"query\"`) {
		t.Errorf("a strategy without its query: %d %s", code, out)
	}
	got = nil
	s, page = serveDir(t, "testdata/run/datasource", inv)
	_, html = get(t, page, nil)
	if !strings.Contains(html, `data-kind="datasource"`) || !strings.Contains(html, `name="url"`) {
		t.Errorf("no datasource form")
	}
	if code, out := postTo(t, s, page, "api/datasource", `{"provider":"double_web","tool":"page","params":{"url":"https://example.com"}}`); code != 200 || len(got) != 1 || got[0].Type != "datasource" {
		t.Errorf("a datasource call: %d %s; calls %+v", code, out, got)
	}
}

// A trigger event's form sends a webhook request: the dispatch runs, then
// the event with the dispatch's payload, each chunk said with its kind.
func TestTriggerEvents(t *testing.T) {
	var got []invoke.Call
	s, page := serveDir(t, "testdata/init/trigger", func(ctx context.Context, call invoke.Call) (Chunks, error) {
		got = append(got, call)
		if call.Action == "dispatch_trigger_event" {
			return &chunks{list: []string{`{"events":["demo_trigger_event"],"payload":{"k":"v"},"response":""}`}}, nil
		}
		return &chunks{list: []string{`{"variables":{"payload":{"hello":"world"}},"cancelled":false}`}}, nil
	})
	_, html := get(t, page, nil)
	for _, want := range []string{`data-kind="trigger"`, `Subscription of demo_trigger`, `name="webhook_secret"`, `<fieldset class="webhook">`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	code, out := postTo(t, s, page, "api/trigger", `{"provider":"demo_trigger","tool":"demo_trigger_event","params":{},"credentials":{"webhook_secret":"s"},"method":"POST","path":"/","headers":["X-A: 1"],"body":"{\"hello\":\"world\"}"}`)
	if code != 200 || !strings.Contains(out, `"kind":"trigger-dispatch"`) || !strings.Contains(out, `"kind":"trigger-event"`) || !strings.Contains(out, `"end":true`) {
		t.Fatalf("%d %s", code, out)
	}
	if len(got) != 2 || got[1].Body["payload"].(map[string]any)["k"] != "v" {
		t.Errorf("calls %+v", got)
	}
	got = nil
	s.Swap(s.o.Plugin, func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return &chunks{list: []string{`{"events":[],"response":""}`}}, nil
	}, nil)
	if _, out := postTo(t, s, page, "api/trigger", `{"provider":"demo_trigger","tool":"demo_trigger_event"}`); !strings.Contains(out, `"error":"the dispatch fired no event, not demo_trigger_event`) {
		t.Errorf("a dispatch that fires nothing: %s", out)
	}
}

// Credentials are remembered only when asked, in a file of mode 0600 that
// the playground was given (outside the plugin's folder), and read back.
func TestRememberedCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kept", "acme-demo.credentials.json")
	s, page := serve(t, Options{Plugin: plugin(t), Credentials: file, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) { return &chunks{}, nil }})
	if _, html := get(t, page, nil); !strings.Contains(html, `class="remember"`) {
		t.Error("the page offers no Remember")
	}
	if code, out := postTo(t, s, page, "api/remembered", `{"provider":"double","credentials":{"api_key":"sk-1"}}`); code != 200 || !strings.Contains(out, `"api_key":"sk-1"`) {
		t.Fatalf("%d %s", code, out)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the file: %v %v", st, err)
	}
	base := strings.SplitN(page, "?", 2)[0]
	if _, out := get(t, base+"api/remembered?token="+s.Token(), nil); !strings.Contains(out, `"double":{"api_key":"sk-1"}`) {
		t.Errorf("read back: %s", out)
	}
	if code, _ := postTo(t, s, page, "api/remembered", `{"credentials":{}}`); code != http.StatusBadRequest {
		t.Errorf("no provider: %d", code)
	}
	// Without a file, nothing is offered or kept.
	s2, page2 := serveDir(t, "testdata/run/tool", func(ctx context.Context, call invoke.Call) (Chunks, error) { return &chunks{}, nil })
	if _, html := get(t, page2, nil); strings.Contains(html, `class="remember"`) {
		t.Error("a playground without a file offers Remember")
	}
	if code, _ := postTo(t, s2, page2, "api/remembered", `{"provider":"double","credentials":{}}`); code != http.StatusBadRequest {
		t.Errorf("remembered without a file: %d", code)
	}
}

// serve starts a playground with o on a loopback port for one test.
func serve(t testing.TB, o Options) (*Server, string) {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, page, err := s.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	go (&httpServer{s}).serve(ln)
	t.Cleanup(func() { ln.Close() })
	return s, page
}

// A dynamic-select parameter's list comes from the tool's options call,
// made as Dify makes it, labelled in the page's language.
func TestDynamicSelectOptions(t *testing.T) {
	var got []invoke.Call
	answer := `{"options":[{"value":"c1","label":{"en_US":"General","zh_Hans":"综合"}},{"value":2,"label":{}}]}`
	s, page := serve(t, Options{Plugin: plugin(t), Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		got = append(got, call)
		return &chunks{list: []string{answer}}, nil
	}})
	_, html := get(t, page, nil)
	if !strings.Contains(html, `data-name="channel" data-input="dynamic"`) || !strings.Contains(html, `button type="button" class="options"`) {
		t.Fatalf("no dynamic-select field:\n%s", html)
	}
	code, out := postTo(t, s, page, "api/options", `{"provider":"double","tool":"alltypes","parameter":"channel","credentials":{"api_key":"k"},"lang":"zh_Hans"}`)
	if code != 200 || out != `{"options":[{"value":"c1","label":"综合"},{"value":"2","label":"2"}]}`+"\n" {
		t.Fatalf("%d %s", code, out)
	}
	c := got[0]
	if c.Type != "dynamic_parameter" || c.Action != "fetch_parameter_options" || c.Body["provider_action"] != "alltypes" || c.Body["parameter"] != "channel" ||
		c.Body["credentials"].(map[string]any)["api_key"] != "k" {
		t.Errorf("the options call: %+v", c)
	}
	for body, want := range map[string]string{
		`{"provider":"double","tool":"alltypes","parameter":"mode"}`: "has no dynamic-select parameter",
		`{"provider":"double","tool":"nope","parameter":"channel"}`:  "nope",
		`{"provider":`: "not the JSON of an options call",
	} {
		if code, out := postTo(t, s, page, "api/options", body); code != http.StatusBadRequest || !strings.Contains(out, want) {
			t.Errorf("%s: %d %s", body, code, out)
		}
	}
	answer = `{"options":"many"}`
	if code, out := postTo(t, s, page, "api/options", `{"provider":"double","tool":"alltypes","parameter":"channel"}`); code != http.StatusBadGateway || !strings.Contains(out, "not what Dify reads") {
		t.Errorf("an answer Dify cannot read: %d %s", code, out)
	}
}

// Every model type the daemon runs has a view: embeddings, rerank, TTS,
// speech to text and moderation, each called as Dify calls it; input that
// cannot make a call is refused with what to fix.
func TestModelViews(t *testing.T) {
	var got []invoke.Call
	s, page := serveDir(t, "testdata/run/model", func(ctx context.Context, call invoke.Call) (Chunks, error) {
		got = append(got, call)
		return &chunks{list: []string{`{"result":true}`}}, nil
	})
	_, html := get(t, page, nil)
	for _, want := range []string{`data-type="text-embedding"`, `data-type="rerank"`, `data-type="tts"`, `data-type="speech2text"`, `data-type="moderation"`,
		`<span class="tag">(embedding)</span>`, `<option value="default" selected>Default</option>`, `<input type="file" name="audio" accept="audio/*" required>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	models := map[string]string{}
	for _, m := range modelForms(s.o.Plugin, "en_US") {
		models[m.Type] = m.Model
	}
	for typ, body := range map[string]string{
		"text-embedding": `"texts":["a","","b"],"input_type":"query"`,
		"rerank":         `"query":"q","docs":["x","q y"],"top_n":1`,
		"tts":            `"texts":["hello there"],"voice":"default"`,
		"speech2text":    `"audio":"UklGRg=="`,
		"moderation":     `"texts":["some text"]`,
	} {
		got = nil
		code, out := postTo(t, s, page, "api/model", `{"provider":"double","model":"`+models[typ]+`","model_type":"`+typ+`","credentials":{"api_key":"k"},`+body+`}`)
		if code != 200 || len(got) != 1 || got[0].Kind != typ || !strings.Contains(out, `"end":true`) {
			t.Errorf("%s: %d %s; calls %+v", typ, code, out, got)
			continue
		}
		b, _ := json.Marshal(got[0].Body)
		want := map[string]string{"text-embedding": `"texts":["a","b"]`, "rerank": `"docs":["x","q y"]`, "tts": `"content_text":"hello there"`,
			"speech2text": `"file":"52494646"`, "moderation": `"text":"some text"`}[typ]
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: the call %s has no %s", typ, b, want)
		}
	}
	for body, want := range map[string]string{
		`{"provider":"double","model":"` + models["text-embedding"] + `","model_type":"text-embedding","texts":[" "]}`: "there is no text",
		`{"provider":"double","model":"` + models["rerank"] + `","model_type":"rerank","query":"q"}`:                   "a query and at least one document",
		`{"provider":"double","model":"` + models["speech2text"] + `","model_type":"speech2text"}`:                     "choose a file",
		`{"provider":"double","model":"m","model_type":"llm"}`:                                                         "through its chat",
		`{"provider":"double","model":"` + models["speech2text"] + `","model_type":"speech2text","audio":"%%%"}`:       "not the JSON of a model call",
	} {
		if code, out := postTo(t, s, page, "api/model", body); code != http.StatusBadRequest || !strings.Contains(out, want) {
			t.Errorf("%s: %d %s", body, code, out)
		}
	}
}

// stalled is an answer that never comes: Next waits until its context ends.
type stalled struct{}

func (stalled) Next(ctx context.Context) (json.RawMessage, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A call that takes longer than the daemon allows ends as Dify ends it,
// and so does an options call.
func TestCallsAreTimedOut(t *testing.T) {
	s, page := serve(t, Options{Plugin: plugin(t), MaxExecution: 50 * time.Millisecond, Invoke: func(ctx context.Context, call invoke.Call) (Chunks, error) {
		return stalled{}, nil
	}})
	code, out := postTo(t, s, page, "api/tool", `{"provider":"double","tool":"echo","params":{"text":"x"}}`)
	if code != 200 || !strings.Contains(out, `"error":"killed by timeout: the plugin took longer than 50ms`) || strings.Contains(out, `"end":true`) {
		t.Errorf("a stalled tool: %d %s", code, out)
	}
	code, out = postTo(t, s, page, "api/options", `{"provider":"double","tool":"alltypes","parameter":"channel"}`)
	if code != http.StatusBadGateway || !strings.Contains(out, "killed by timeout") {
		t.Errorf("a stalled options call: %d %s", code, out)
	}
}
