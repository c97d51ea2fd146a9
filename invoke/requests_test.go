package invoke

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dify-cli/dify/manifest"
)

func double(t *testing.T, kind string) *manifest.Plugin {
	t.Helper()
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", "testdata", "run", kind)))
	if p == nil {
		t.Fatalf("%s double: %v", kind, ds)
	}
	return p
}

func args(list ...string) []Arg {
	out, err := ParseArgs(list)
	if err != nil {
		panic(err)
	}
	return out
}

func TestToolCall(t *testing.T) {
	p := double(t, "tool")
	c, err := Tool(p, ToolRequest{Tool: "json", Params: args("count=2"), Credentials: args("api_key=k")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != "tool" || c.Action != "invoke_tool" || c.Body["provider"] != "double" || c.Body["credential_type"] != "api-key" {
		t.Errorf("call %+v", c)
	}
	params := c.Body["tool_parameters"].(map[string]any)
	if params["mode"] != "fast" || params["verbose"] != false {
		t.Errorf("defaults were not filled in: %v", params)
	}
	for req, want := range map[*ToolRequest]string{
		{Tool: "jsn"}:                                 `no tool "jsn" (did you mean "json"?)`,
		{Tool: "echo", Provider: "other"}:             `no provider "other"; the plugin has double`,
		{Tool: "echo"}:                                `missing required parameter "text"`,
		{Tool: "echo", Params: args("text=a", "x=1")}: `unknown parameter "x"`,
		{Tool: "echo", Params: args("text=a"), Credentials: args("api_ky=k")}: `unknown credential "api_ky" (did you mean "api_key"?)`,
	} {
		if _, err := Tool(p, *req); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", *req, err, want)
		}
	}
}

func TestModelCalls(t *testing.T) {
	p := double(t, "model")
	creds := args("api_key=k")
	c, err := Model(p, ModelRequest{ModelType: "llm", Model: "echo-chat", Prompt: "hi", System: "be brief", Credentials: creds, Params: args("temperature=0.5")})
	if err != nil {
		t.Fatal(err)
	}
	msgs := c.Body["prompt_messages"].([]any)
	if c.Action != "invoke_llm" || len(msgs) != 2 || c.Body["stream"] != true || c.Body["model_parameters"].(map[string]any)["max_tokens"] == nil {
		t.Errorf("llm call %+v", c)
	}
	if _, err := Model(p, ModelRequest{ModelType: "llm", Model: "echo-chat", Prompt: "hi", Credentials: creds, Params: args("max_tokens=0")}); err == nil || !strings.Contains(err.Error(), "max_tokens is at least 1") {
		t.Errorf("a parameter below its rule's min: %v", err)
	}
	if _, err := Model(p, ModelRequest{ModelType: "llm", Model: "echo-chat", Prompt: "hi"}); err == nil || !strings.Contains(err.Error(), `missing required credential "api_key"`) {
		t.Errorf("missing credentials: %v", err)
	}
	if _, err := Model(p, ModelRequest{ModelType: "llm", Model: "hash-embedding", Credentials: creds}); err == nil || !strings.Contains(err.Error(), "its llm models are echo-chat") {
		t.Errorf("a model of another type: %v", err)
	}
	for _, r := range []ModelRequest{
		{ModelType: "text-embedding", Model: "hash-embedding", Texts: []string{"a"}},
		{ModelType: "rerank", Model: "overlap-rerank", Query: "q", Docs: []string{"d"}, TopN: 1},
		{ModelType: "tts", Model: "silent-tts", Texts: []string{"hello"}, Voice: "default"},
		{ModelType: "speech2text", Model: "size-stt", Audio: []byte("abc")},
		{ModelType: "moderation", Model: "keyword-moderation", Texts: []string{"t"}},
	} {
		r.Credentials = creds
		c, err := Model(p, r)
		if err != nil {
			t.Errorf("%s: %v", r.ModelType, err)
			continue
		}
		if c.Type != "model" || c.Body["model_type"] != r.ModelType || c.Kind != r.ModelType {
			t.Errorf("%s: %+v", r.ModelType, c)
		}
	}
	c, _ = Model(p, ModelRequest{ModelType: "speech2text", Model: "size-stt", Audio: []byte("abc"), Credentials: creds})
	if c.Body["file"] != hex.EncodeToString([]byte("abc")) {
		t.Errorf("speech2text file %v", c.Body["file"])
	}
	if _, err := Model(double(t, "tool"), ModelRequest{ModelType: "llm", Model: "x"}); err == nil || !strings.Contains(err.Error(), "no model provider") {
		t.Errorf("a tool plugin asked for a model: %v", err)
	}
}

func TestAgentAndDatasourceCalls(t *testing.T) {
	c, err := Agent(double(t, "agent"), AgentRequest{Strategy: "think", Params: args(`model:={"provider":"p"}`, "query=why")})
	if err != nil {
		t.Fatal(err)
	}
	params := c.Body["agent_strategy_params"].(map[string]any)
	if c.Action != "invoke_agent_strategy" || c.Body["agent_strategy_provider"] != "double_agent" || params["max_iterations"] == nil {
		t.Errorf("agent call %+v", c)
	}
	if _, err := Agent(double(t, "agent"), AgentRequest{Strategy: "think", Params: args("model=gpt", "query=q")}); err == nil || !strings.Contains(err.Error(), "model takes JSON (type model-selector)") {
		t.Errorf("a model selector as text: %v", err)
	}
	c, err = Datasource(double(t, "datasource"), DatasourceRequest{Datasource: "page", Params: args("url=https://example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != "invoke_website_datasource_get_crawl" || c.Body["datasource_parameters"].(map[string]any)["url"] != "https://example.com" {
		t.Errorf("datasource call %+v", c)
	}
}

func TestEndpointCall(t *testing.T) {
	p := double(t, "tool")
	c, err := Endpoint(p, EndpointRequest{Method: "post", Path: "/echo/joe?x=1", Headers: []string{"X-Test: yes"}, Body: []byte("hi"), Settings: args("greeting=hello")})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := hex.DecodeString(c.Body["raw_http_request"].(string))
	want := "POST /echo/joe?x=1 HTTP/1.1\r\nHost: localhost\r\nX-Test: yes\r\nContent-Length: 2\r\n\r\nhi"
	if string(raw) != want {
		t.Errorf("raw request %q, want %q", raw, want)
	}
	if !reflect.DeepEqual(c.Body["settings"], map[string]any{"greeting": "hello"}) {
		t.Errorf("settings %v", c.Body["settings"])
	}
	for r, msg := range map[*EndpointRequest]string{
		{Method: "GET", Path: "/echo/joe"}:                          "no endpoint answers GET /echo/joe; the endpoints are POST /echo/{name}",
		{Method: "POST", Path: "/echo"}:                             "no endpoint answers POST /echo",
		{Method: "POST", Path: "echo/joe"}:                          "must start with /",
		{Method: "POST", Path: "/echo/x", Headers: []string{"bad"}}: `header "bad" is not Name: value`,
	} {
		if _, err := Endpoint(p, *r); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%+v: %v, want %q", *r, err, msg)
		}
	}
}

func TestCredentialsCall(t *testing.T) {
	for kind, action := range map[string]string{"tool": "validate_tool_credentials", "model": "validate_provider_credentials", "datasource": "validate_datasource_credentials"} {
		var creds []Arg
		if kind != "datasource" {
			creds = args("api_key=k")
		}
		c, err := Credentials(double(t, kind), CredentialsRequest{Credentials: creds})
		if err != nil || c.Type != kind || c.Action != action {
			t.Errorf("%s: %+v %v", kind, c, err)
		}
	}
	if _, err := Credentials(double(t, "agent"), CredentialsRequest{}); err == nil {
		t.Error("an agent plugin has credentials to check")
	}
}
