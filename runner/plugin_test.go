package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// collect reads a stream to its end.
func collect(t testing.TB, s *Stream) ([]map[string]any, error) {
	t.Helper()
	var chunks []map[string]any
	for {
		c, err := s.Next(context.Background())
		if err == io.EOF {
			return chunks, nil
		}
		if err != nil {
			return chunks, err
		}
		m, derr := decodeObject(c)
		if derr != nil {
			t.Fatalf("a chunk that is not an object: %s", c)
		}
		chunks = append(chunks, m)
	}
}

func invokeTool(t testing.TB, p *Plugin, tool string, params map[string]any) ([]map[string]any, error) {
	t.Helper()
	s, err := p.Invoke(context.Background(), Request{Type: "tool", Action: "invoke_tool",
		Body: map[string]any{"provider": "double", "tool": tool, "credentials": map[string]any{}, "tool_parameters": params}})
	if err != nil {
		t.Fatal(err)
	}
	return collect(t, s)
}

func text(chunk map[string]any) string {
	msg, _ := chunk["message"].(map[string]any)
	s, _ := msg["text"].(string)
	return s
}

func TestToolMessages(t *testing.T) {
	p, l := start(t, "", nil)

	chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "hi"})
	if err != nil || len(chunks) != 1 || chunks[0]["type"] != "text" || text(chunks[0]) != "hi" {
		t.Errorf("echo: %v, %v", chunks, err)
	}

	chunks, err = invokeTool(t, p, "json", map[string]any{"count": 3, "big": json.Number("12345678901234567890")})
	if err != nil || len(chunks) != 1 || chunks[0]["type"] != "json" {
		t.Fatalf("json: %v, %v", chunks, err)
	}
	obj := chunks[0]["message"].(map[string]any)["json_object"].(map[string]any)
	if obj["big"] != json.Number("12345678901234567890") {
		t.Errorf("a big number lost precision on the way: %v", obj["big"])
	}

	chunks, err = invokeTool(t, p, "blob", map[string]any{"size": 20000})
	if err != nil {
		t.Fatal(err)
	}
	var blob []byte
	for _, c := range chunks {
		m := c["message"].(map[string]any)
		part, _ := base64.StdEncoding.DecodeString(m["blob"].(string))
		blob = append(blob, part...)
	}
	if len(chunks) != 4 || len(blob) != 20000 || blob[300] != byte(300%251) {
		t.Errorf("blob: %d chunks, %d bytes", len(chunks), len(blob))
	}

	if !l.has("log", "double started") {
		t.Errorf("the plugin's log event did not arrive: %+v", l.lines)
	}
}

// Lines up to the daemon's 5 MiB pass; a longer one ends its request with
// the daemon's limit (where the daemon would stop the plugin), and the
// plugin goes on.
func TestLongLines(t *testing.T) {
	p, l := start(t, "", nil)
	chunks, err := invokeTool(t, p, "huge", map[string]any{"size": 4 << 20})
	if err != nil || len(chunks) != 1 || len(text(chunks[0])) != 4<<20 {
		t.Fatalf("a 4 MiB line: %d chunks, %v", len(chunks), err)
	}
	chunks, err = invokeTool(t, p, "huge", map[string]any{"size": 6 << 20})
	if len(chunks) != 0 || err == nil || !strings.Contains(err.Error(), "a stdout line of 6291") || !strings.Contains(err.Error(), "more than the 5 MiB the Dify daemon reads") {
		t.Fatalf("a 6 MiB line: %d chunks, %v", len(chunks), err)
	}
	if !l.has("error", "more than the 5 MiB") {
		t.Errorf("the long line is not logged: %+v", l.lines)
	}
	// And the plugin still answers.
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "after"}); err != nil || text(chunks[0]) != "after" {
		t.Errorf("after the long line: %v %v", chunks, err)
	}
}

func TestPluginError(t *testing.T) {
	p, _ := start(t, "", nil)
	_, err := invokeTool(t, p, "boom", nil)
	var pe *PluginError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a PluginError", err)
	}
	if pe.Type != "ValueError" || pe.Message != "the double was told to fail" || !strings.Contains(pe.Traceback(), "Traceback") {
		t.Errorf("error %+v", pe)
	}
	// The daemon's rendering: a JSON object with sorted keys.
	if !strings.HasPrefix(pe.Error(), `{"args":{"traceback":`) || !strings.Contains(pe.Error(), `"error_type":"ValueError","message":"the double was told to fail"}`) {
		t.Errorf("Error() = %s", pe.Error())
	}
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "still here"}); err != nil || text(chunks[0]) != "still here" {
		t.Errorf("after an error: %v %v", chunks, err)
	}
}

func TestBackwardsCalls(t *testing.T) {
	p, _ := start(t, "", nil)
	chunks, err := invokeTool(t, p, "ask_llm", map[string]any{"text": "hi"})
	if err != nil || len(chunks) != 1 || text(chunks[0]) != "hello world world ! !" {
		t.Errorf("ask_llm: %v, %v", chunks, err)
	}
	chunks, err = invokeTool(t, p, "remember", map[string]any{"text": "a note", "key": "note"})
	if err != nil || text(chunks[0]) != "stored: a note" {
		t.Errorf("remember: %v, %v", chunks, err)
	}
	// The manifest allows 1024 bytes of storage.
	_, err = invokeTool(t, p, "remember", map[string]any{"text": strings.Repeat("x", 2000), "key": "big"})
	if err == nil || !strings.Contains(err.Error(), "allocated size is greater than max storage size") {
		t.Errorf("storing more than the manifest allows: %v", err)
	}
}

func TestBackwardsPermissions(t *testing.T) {
	p, _ := start(t, "", func(o *Options) {
		o.Manifest.Resource.Permission.Model = nil
		o.Manifest.Resource.Permission.Storage = nil
	})
	_, err := invokeTool(t, p, "ask_llm", map[string]any{"text": "hi"})
	if err == nil || !strings.Contains(err.Error(), "permission denied, you need to enable llm access in plugin manifest") {
		t.Errorf("an LLM call without the permission: %v", err)
	}
	_, err = invokeTool(t, p, "remember", map[string]any{"text": "x"})
	if err == nil || !strings.Contains(err.Error(), "permission denied, you need to enable storage access in plugin manifest") {
		t.Errorf("a storage call without the permission: %v", err)
	}
	s, _ := p.Invoke(context.Background(), Request{Type: "model", Action: "invoke_llm", Body: map[string]any{"model": "ask-dify"}})
	if _, err := collect(t, s); err == nil || !strings.Contains(err.Error(), "you can not invoke dify from model") {
		t.Errorf("a call from a model request: %v", err)
	}
}

func TestRequestsRunConcurrently(t *testing.T) {
	p, _ := start(t, "", nil)
	slow, err := p.Invoke(context.Background(), Request{Type: "tool", Action: "invoke_tool",
		Body: map[string]any{"provider": "double", "tool": "slow", "credentials": map[string]any{}, "tool_parameters": map[string]any{"seconds": 3600}}})
	if err != nil {
		t.Fatal(err)
	}
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "meanwhile"}); err != nil || text(chunks[0]) != "meanwhile" {
		t.Errorf("a request beside a slow one: %v %v", chunks, err)
	}
	select {
	case <-slow.done:
		t.Error("the slow request ended early")
	default:
	}
	// Stopping the plugin ends it.
	p.Stop()
	if _, err := collect(t, slow); !errors.Is(err, ErrPluginExited) {
		t.Errorf("a request in flight when the plugin stops: %v", err)
	}
}

func TestCrashBeforeReady(t *testing.T) {
	dir := doublePlugin(t)
	_, err := Start(context.Background(), Options{Dir: dir, Python: python3(t), Env: append(os.Environ(), "DOUBLE_MODE=crash")})
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a StartError", err)
	}
	for _, want := range []string{"exited before it was ready (exit status 3)", "RuntimeError: the double was told to crash"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "dify plugin validate finds") {
		t.Errorf("a plugin without errors in its declarations is said to have some: %v", err)
	}
}

// A plugin that ends at start with a declaration the SDK refuses is told
// which, at its file and line: the SDK's traceback names neither.
func TestCrashBeforeReadyNamesTheDeclaration(t *testing.T) {
	dir := doublePlugin(t)
	yaml := filepath.Join(dir, "tools", "echo.yaml")
	data, _ := os.ReadFile(yaml)
	os.WriteFile(yaml, []byte(strings.Replace(string(data), "    human_description:\n      en_US: The text to use\n", "", 1)), 0o644)
	_, err := Start(context.Background(), Options{Dir: dir, Python: python3(t), Env: append(os.Environ(), "DOUBLE_MODE=crash")})
	if err == nil || !strings.Contains(err.Error(), "dify plugin validate finds what is likely the cause:\n  tools/echo.yaml:11:5: error: human_description") {
		t.Errorf("the start error does not name the declaration: %v", err)
	}
}

func TestNoHeartbeat(t *testing.T) {
	dir := doublePlugin(t)
	_, err := Start(context.Background(), Options{Dir: dir, Python: python3(t), Env: append(os.Environ(), "DOUBLE_MODE=silent"),
		ReadyTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "sent no heartbeat within 300ms") || !strings.Contains(err.Error(), "Plugin(...).run()") {
		t.Errorf("a silent plugin: %v", err)
	}
}

func TestMissingEntrypoint(t *testing.T) {
	dir := doublePlugin(t)
	_, err := Start(context.Background(), Options{Dir: dir, Python: python3(t), Entrypoint: "nowhere", Env: os.Environ()})
	if err == nil || !strings.Contains(err.Error(), `There is no module "nowhere"`) {
		t.Errorf("a missing entrypoint: %v", err)
	}
}

func TestSlowStart(t *testing.T) {
	p, _ := start(t, "slow", func(o *Options) { o.Env = append(o.Env, "DOUBLE_DELAY=1") })
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "late"}); err != nil || text(chunks[0]) != "late" {
		t.Errorf("after a slow start: %v %v", chunks, err)
	}
}

func TestStderrFlood(t *testing.T) {
	p, l := start(t, "flood", nil)
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "heard"}); err != nil || text(chunks[0]) != "heard" {
		t.Errorf("while the plugin floods stderr: %v %v", chunks, err)
	}
	if !l.has("stderr", "stderr noise") {
		t.Error("stderr lines do not reach the log")
	}
}

func TestStrayStdout(t *testing.T) {
	p, l := start(t, "print", nil)
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "ok"}); err != nil || text(chunks[0]) != "ok" {
		t.Errorf("after a stray print: %v %v", chunks, err)
	}
	if !l.has("stdout", "outside the protocol") || !l.has("stdout", "debug: a stray print on stdout") {
		t.Errorf("the stray line was not reported: %+v", l.lines)
	}
}

func TestInstallMethodIsLocal(t *testing.T) {
	// The double exits unless INSTALL_METHOD is local; a .env saying
	// remote must not win either.
	p, _ := start(t, "", func(o *Options) {
		o.Env = append(o.Env, "INSTALL_METHOD=remote")
		os.WriteFile(filepath.Join(o.Dir, ".env"), []byte("INSTALL_METHOD=remote\n"), 0o644)
	})
	if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "local"}); err != nil || text(chunks[0]) != "local" {
		t.Errorf("%v %v", chunks, err)
	}
}
